package org.mlsec.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mlsec.Progress;
import org.mlsec.Result;
import org.mlsec.attacks.extraction.Extraction;
import org.mlsec.attacks.inference.AttributeInference;
import org.mlsec.attacks.inference.MembershipInference;
import org.mlsec.attacks.inference.MembershipMethod;
import org.mlsec.data.Dataset;
import org.mlsec.data.Split;
import org.mlsec.data.Table;
import org.mlsec.defences.detector.DataBackdoorDetector;
import org.mlsec.defences.detector.DataDiff;
import org.mlsec.defences.detector.Fairness;
import org.mlsec.defences.detector.ModelBackdoorScanner;
import org.mlsec.defences.detector.Subgroups;
import org.mlsec.defences.postprocessor.HardenedOutput;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.scan.ModelScanner;
import org.mlsec.scan.ScanReport;

/**
 * One command's worth of checks: each threat's attack or detector run within a budget, turned into findings with
 * figures, meaning and countermeasure, plus the charts of the report.
 */
public final class Audit {
    /** How much work: reference models for inference attacks and queries for extraction. */
    public enum Budget {
        /** Two reference models and 500 extraction queries: a first look. */
        QUICK(2, 500),
        /** Four reference models and 2,000 extraction queries: the default. */
        STANDARD(4, 2000),
        /** Eight reference models and 5,000 extraction queries: the most precise figures. */
        THOROUGH(8, 5000);

        final int references;
        final int queries;

        Budget(int references, int queries) {
            this.references = references;
            this.queries = queries;
        }

        /**
         * Reads a budget from its name, in any case.
         *
         * @param s {@code quick}, {@code standard} or {@code thorough}
         * @return the budget named {@code s}
         * @throws IllegalArgumentException if {@code s} names no budget
         */
        public static Budget parse(String s) {
            return valueOf(s.toUpperCase(Locale.ROOT));
        }
    }

    /**
     * What an audit asks of a remote model, per section, before it starts: rows sent to the API (an upper bound: the
     * black-box evasion search stops early on most rows). Membership and inversion attack a stand-in trained locally
     * and send nothing.
     *
     * @param rows      per section, the most rows the audit sends to the model
     * @param unbatched of those, the rows that may go one per request (the black-box evasion search's line searches;
     *                  its gradient samples are batched)
     * @param trainings models the audit trains locally (the stand-in, its references, the stealing surrogates), each
     *                  on at most half of the data
     */
    public record QueryPlan(Map<String, Long> rows, long unbatched, int trainings) {
        /** @return the most rows the audit sends to the model, over all sections */
        public long total() {
            return rows.values().stream().mapToLong(Long::longValue).sum();
        }

        /**
         * How long the audit's requests take, counting unbatched rows singly.
         *
         * @param secondsPerRequest the cost of one request
         * @param batch             the most rows one request carries
         * @return the seconds the requests take at most
         */
        public double seconds(double secondsPerRequest, int batch) {
            long requests = unbatched;
            for (long r : rows.values()) {
                requests += (r + batch - 1) / batch;
            }
            return requests * secondsPerRequest;
        }
    }

    /**
     * Plans what an audit asks of a black-box model before it runs.
     *
     * @param data   the data audited
     * @param budget how much effort each check spends
     * @param only   the threats checked, from {@link Threat#keys()}
     * @return the rows an audit of {@code data} within {@code budget} sends to the model, per section
     */
    public static QueryPlan plan(Dataset data, Budget budget, List<String> only) {
        Map<String, Long> rows = new LinkedHashMap<>();
        int numeric = 0;
        for (var c : data.schema().features()) {
            numeric += c.isCategorical() ? 0 : 1;
        }
        if (only.contains("backdoor")) {
            long sample = Math.min(1000, data.rows());
            long inRange = Math.min(300, sample);
            rows.put("backdoor", numeric * (sample * (2 + 8) + inRange * 23));
        }
        if (only.contains("poisoning")) {
            rows.put("poisoning", (long) data.rows());
        }
        if (only.contains("model-stealing")) {
            rows.put("model-stealing", (long) (budget.queries / 8 + budget.queries / 4 + budget.queries / 2 + budget.queries));
        }
        long unbatched = 0;
        if (only.contains("evasion")) {
            long evRows = budget == Budget.QUICK ? 20 : budget == Budget.STANDARD ? 60 : 200;
            rows.put("evasion", evRows * Math.max(200, budget.queries / 2) + data.rows() / 2);
            unbatched = evRows * Math.max(200, budget.queries / 2);
        }
        int trainings = (only.contains("membership-inference") || only.contains("model-inversion") ? 1 : 0)
                + (only.contains("membership-inference") ? budget.references : 0)
                + (only.contains("model-stealing") ? 4 : 0);
        return new QueryPlan(rows, unbatched, trainings);
    }

    /**
     * The findings and the charts, by name (drawn by mlsec-report's ReportWriter).
     *
     * @param findings the findings, one or more per threat checked
     * @param charts   the report's charts by name
     * @param context  figures describing the audit itself (data, model, budget) by JSON key
     */
    public record Report(List<Finding> findings, Map<String, ChartData> charts, Map<String, Object> context) {
    }

    private Audit() {
    }


    /**
     * The full data and trusted snapshot where they live, for the checks that read every row.
     *
     * @param data      every row of the data
     * @param reference every row of the snapshot, or null
     */
    public record Tables(Table data, Table reference) {
        /**
         * Checks the data table is given.
         *
         * @param data      every row of the data
         * @param reference every row of the snapshot, or null
         */
        public Tables {
            org.mlsec.internal.Validate.notNull(data, "data");
        }
    }

    /**
     * What to audit and how: built with {@link #of(Dataset)} and the setters (each returns a new request), run with
     * {@link #run()}. The defaults audit every threat at the standard budget with seed 42, training a random forest
     * when no model is given.
     *
     * @param data             labelled data in the model's features (also the population the attacks draw on)
     * @param model            the model audited (null: one is trained like {@code config})
     * @param modelFile        its file, scanned when given
     * @param signature        a signature verification of the model file (null: not checked)
     * @param config           how look-alikes of the model are trained for the attacks that need a known training set
     * @param reference        a trusted snapshot of the data, for the poisoning diff (nullable)
     * @param protectedColumns attributes for fairness and attribute inference
     * @param only             the threats to check, from {@link Threat#keys()}
     * @param budget           how much effort each check spends
     * @param rules            the user's domain rules, which the evasion check's feasible changes respect
     * @param seed             every random choice
     * @param progress         reports the checks as they run
     * @param certifyRadius    a cost: the evasion check reports the share of attacked rows certified robust beyond
     *                         it, as {@code certify_radius} and {@code certified_share} (null: not reported)
     * @param defenceStudies   defence studies already measured (the defend commands'), whose trade-offs the report
     *                         charts under their threats
     * @param tables           the full data and snapshot where they live, for the checks that read every row (null:
     *                         {@code data} and {@code reference} are all the rows)
     */
    public record Request(Dataset data, org.mlsec.model.Classifier model, Path modelFile, Result signature,
                          TrainConfig config, Dataset reference, List<String> protectedColumns, List<String> only,
                          Budget budget, org.mlsec.defences.preprocessor.DomainRules rules, long seed, Progress progress,
                          Double certifyRadius, List<org.mlsec.defences.DefenceStudy> defenceStudies, Tables tables) {
        /**
         * Validates the request and copies its lists.
         *
         * @param data             labelled data in the model's features
         * @param model            the model audited, or null
         * @param modelFile        its file, or null
         * @param signature        a signature verification of the model file, or null
         * @param config           how look-alikes of the model are trained
         * @param reference        a trusted snapshot of the data, or null
         * @param protectedColumns attributes for fairness and attribute inference
         * @param only             the threats to check
         * @param budget           how much effort each check spends
         * @param rules            the user's domain rules
         * @param seed             every random choice
         * @param progress         reports the checks as they run
         * @param certifyRadius    a cost: the evasion check reports the share of attacked rows certified robust
         *                         beyond it (null: not reported)
         * @param defenceStudies   defence studies whose trade-offs the report charts (empty: none)
         * @param tables           the full data and snapshot where they live, or null
         * @throws org.mlsec.InputException if a required part is null, {@code only} names an unknown threat, a
         *                                  protected column is missing, the model's schema does not fit the data or
         *                                  {@code certifyRadius} is negative or not finite
         */
        public Request {
            org.mlsec.internal.Validate.notNull(data, "data");
            org.mlsec.internal.Validate.notNull(config, "config");
            org.mlsec.internal.Validate.notNull(budget, "budget");
            org.mlsec.internal.Validate.notNull(rules, "rules");
            org.mlsec.internal.Validate.notNull(progress, "progress");
            protectedColumns = List.copyOf(org.mlsec.internal.Validate.notNull(protectedColumns, "protectedColumns"));
            only = List.copyOf(org.mlsec.internal.Validate.notNull(only, "only"));
            defenceStudies = List.copyOf(org.mlsec.internal.Validate.notNull(defenceStudies, "defenceStudies"));
            for (String t : only) {
                org.mlsec.internal.Validate.isTrue(Threat.keys().contains(t), "only names '" + t
                        + "', not one of the threats " + Threat.keys(), "only");
            }
            for (String p : protectedColumns) {
                data.schema().require(p);
            }
            if (model != null) {
                model.schema().requireCompatible(data.schema(), "data");
            }
            org.mlsec.internal.Validate.isTrue(certifyRadius == null || certifyRadius >= 0 && Double.isFinite(certifyRadius),
                    "certifyRadius must be a finite cost >= 0, got " + certifyRadius, "certifyRadius");
            if (tables != null) {
                tables.data().schema().requireCompatible(data.schema(), "tables.data");
                org.mlsec.internal.Validate.isTrue(tables.reference() == null || reference != null,
                        "tables.reference needs a reference sample", "tables");
                if (tables.reference() != null) {
                    tables.reference().schema().requireCompatible(data.schema(), "tables.reference");
                }
            }
        }

        /**
         * An audit of {@code data}: every threat, standard budget, seed 42, a random forest trained like the CLI's.
         *
         * @param data labelled data
         * @return the request with the defaults
         */
        public static Request of(Dataset data) {
            return new Request(data, null, null, null, TrainConfig.defaults(org.mlsec.model.Algorithm.RF), null,
                    List.of(), Threat.keys(), Budget.STANDARD, org.mlsec.defences.preprocessor.DomainRules.none(), 42,
                    Progress.NONE, null, List.of(), null);
        }

        /**
         * Audits this model (its file too when {@link #modelFile} is given).
         *
         * @param model the model audited
         * @return the changed request
         */
        public Request model(org.mlsec.model.Classifier model) {
            return new Request(data, model, modelFile, signature, config, reference, protectedColumns, only, budget,
                    rules, seed, progress, certifyRadius, defenceStudies, tables);
        }

        /**
         * Scans this file for code that runs on loading.
         *
         * @param modelFile the model's file
         * @return the changed request
         */
        public Request modelFile(Path modelFile) {
            return new Request(data, model, modelFile, signature, config, reference, protectedColumns, only, budget,
                    rules, seed, progress, certifyRadius, defenceStudies, tables);
        }

        /**
         * Reports this signature verification of the model file.
         *
         * @param signature the verification's result
         * @return the changed request
         */
        public Request signature(Result signature) {
            return new Request(data, model, modelFile, signature, config, reference, protectedColumns, only, budget,
                    rules, seed, progress, certifyRadius, defenceStudies, tables);
        }

        /**
         * Trains look-alikes (and the model, when none is given) with these settings.
         *
         * @param config the training settings
         * @return the changed request
         */
        public Request trainedLike(TrainConfig config) {
            return new Request(data, model, modelFile, signature, config, reference, protectedColumns, only, budget,
                    rules, seed, progress, certifyRadius, defenceStudies, tables);
        }

        /**
         * Diffs the data against this trusted snapshot.
         *
         * @param reference the trusted snapshot
         * @return the changed request
         */
        public Request reference(Dataset reference) {
            return new Request(data, model, modelFile, signature, config, reference, protectedColumns, only, budget,
                    rules, seed, progress, certifyRadius, defenceStudies, tables);
        }

        /**
         * Checks fairness and attribute inference for these columns (the first is the one inferred).
         *
         * @param protectedColumns the protected attributes
         * @return the changed request
         */
        public Request protect(List<String> protectedColumns) {
            return new Request(data, model, modelFile, signature, config, reference, protectedColumns, only, budget,
                    rules, seed, progress, certifyRadius, defenceStudies, tables);
        }

        /**
         * Checks only these threats.
         *
         * @param only threats from {@link Threat#keys()}
         * @return the changed request
         */
        public Request only(List<String> only) {
            return new Request(data, model, modelFile, signature, config, reference, protectedColumns, only, budget,
                    rules, seed, progress, certifyRadius, defenceStudies, tables);
        }

        /**
         * Spends this much effort on each check.
         *
         * @param budget the effort
         * @return the changed request
         */
        public Request budget(Budget budget) {
            return new Request(data, model, modelFile, signature, config, reference, protectedColumns, only, budget,
                    rules, seed, progress, certifyRadius, defenceStudies, tables);
        }

        /**
         * The user's domain rules (changed inputs an evasion proposes must satisfy them).
         *
         * @param rules the domain rules
         * @return the changed request
         */
        public Request rules(org.mlsec.defences.preprocessor.DomainRules rules) {
            return new Request(data, model, modelFile, signature, config, reference, protectedColumns, only, budget,
                    rules, seed, progress, certifyRadius, defenceStudies, tables);
        }

        /**
         * Seeds every random choice of the audit.
         *
         * @param seed the seed
         * @return the changed request
         */
        public Request seed(long seed) {
            return new Request(data, model, modelFile, signature, config, reference, protectedColumns, only, budget,
                    rules, seed, progress, certifyRadius, defenceStudies, tables);
        }

        /**
         * Reports the checks to this listener as they run.
         *
         * @param progress the listener
         * @return the changed request
         */
        public Request progress(Progress progress) {
            return new Request(data, model, modelFile, signature, config, reference, protectedColumns, only, budget,
                    rules, seed, progress, certifyRadius, defenceStudies, tables);
        }

        /**
         * Reports, in the evasion check, the share of attacked rows whose certified radius (the exact search's
         * minimal change, or its verified lower bound) exceeds {@code radius}; rows without a certificate count as
         * not certified.
         *
         * @param radius a cost in the evasion check's units, finite and not negative
         * @return the changed request
         */
        public Request certifyRadius(double radius) {
            return new Request(data, model, modelFile, signature, config, reference, protectedColumns, only, budget,
                    rules, seed, progress, radius, defenceStudies, tables);
        }

        /**
         * Charts the trade-offs of defence studies already measured (by the defend commands, or
         * {@link org.mlsec.defences.DefenceStudy#read}) under their threats, with one finding each listing the
         * defences and their figures.
         *
         * @param studies the studies
         * @return the changed request
         */
        public Request defenceStudies(List<org.mlsec.defences.DefenceStudy> studies) {
            return new Request(data, model, modelFile, signature, config, reference, protectedColumns, only, budget,
                    rules, seed, progress, certifyRadius, studies, tables);
        }

        /**
         * Reads every row of the data (and of the trusted snapshot) where they live for the checks that read every
         * row — the diff against the snapshot, its subgroups, fairness — while {@link #data} (and
         * {@link #reference}) is a sample held in memory for the checks that train models and attack them. The
         * tables must be in the sample's schema; with no call, the sample is all the rows.
         *
         * @param data      every row of the data
         * @param reference every row of the trusted snapshot, or null without one
         * @return the changed request
         */
        public Request tables(Table data, Table reference) {
            org.mlsec.internal.Validate.notNull(data, "data");
            return new Request(this.data, model, modelFile, signature, config, this.reference, protectedColumns, only,
                    budget, rules, seed, progress, certifyRadius, defenceStudies, new Tables(data, reference));
        }

        /**
         * Runs the audit.
         *
         * @return the findings and charts
         */
        public Report run() {
            return Audit.run(this);
        }

        /**
         * Runs the audit with the membership attack's reference models trained by {@code engine}; the findings
         * do not depend on it.
         *
         * @param engine where the reference models are trained
         * @return the findings and charts
         */
        public Report run(org.mlsec.attacks.inference.ReferenceEngine engine) {
            return Audit.run(this, engine);
        }
    }

    /**
     * Runs every check the request asks for; see {@link Request}.
     *
     * @param request what to audit and how
     * @return the findings and charts
     */
    public static Report run(Request request) {
        return run(request, org.mlsec.attacks.inference.ReferenceEngine.LOCAL);
    }

    /** A fairness finding's metrics with the number of rows its groups were counted on. */
    private static Map<String, Object> withRows(Map<String, Object> metrics, long rows) {
        Map<String, Object> m = new LinkedHashMap<>(metrics);
        m.put("rows_measured", rows);
        return m;
    }

    /** The commands that measure a study of this threat again and chart it. */
    private static String defendCommand(Threat threat) {
        String verb = threat.key().replace("membership-inference", "membership").replace("model-inversion", "inversion");
        String defend = "mlsec defend " + verb + " --json STUDY.json";
        String audit = "mlsec audit --defence-study STUDY.json";
        return defend + "; " + audit;
    }

    /** A defence study's trade-off chart (keyed {@code tradeoff-THREAT}, numbered from the second) and its finding. */
    private static Finding tradeOff(org.mlsec.defences.DefenceStudy study, Map<String, ChartData> charts) {
        ChartData.TradeOff t = study.tradeOff();
        String key = "tradeoff-" + study.threat().key();
        for (int k = 2; charts.containsKey(key); k++) {
            key = "tradeoff-" + study.threat().key() + "-" + k;
        }
        charts.put(key, t);
        List<Map<String, Object>> points = new ArrayList<>();
        for (int k = 0; k < t.defences().size(); k++) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("defence", t.defences().get(k));
            p.put("utility", t.utilities().get(k));
            p.put("attack", t.attacks().get(k));
            points.add(p);
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("chart", key);
        metrics.put("utility", t.utility());
        metrics.put("attack", t.attack());
        metrics.put("defences", points);
        double lo = t.attacks().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double hi = t.attacks().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        return new Finding(study.threat(), Severity.INFO, String.format(Locale.ROOT,
                "%d defences measured: %s from %.4g to %.4g", t.defences().size(), t.attack(), lo, hi),
                "What each defence costs in utility against what the adaptive attack, re-run against the defended"
                        + " model, still achieves (" + t.title().toLowerCase(Locale.ROOT) + ").",
                "Pick the defence whose point gives up the least " + t.utility() + " for the protection you need.",
                defendCommand(study.threat()), metrics);
    }

    /**
     * Runs every check the request asks for, the membership attack's reference models trained by {@code engine}
     * (rebuilt there from their recipe); the findings do not depend on the engine.
     *
     * @param request what to audit and how
     * @param engine  where the reference models are trained
     * @return the findings and charts
     */
    public static Report run(Request request, org.mlsec.attacks.inference.ReferenceEngine engine) {
        org.mlsec.internal.Validate.notNull(engine, "engine");
        Dataset data = request.data();
        // The value spikes, the diff, its subgroups and fairness read every row: of the tables where they live when the
        // request has them, else of the data in memory.
        Tables tables = request.tables();
        Table dataTable = tables != null ? tables.data() : Table.of(data);
        Table referenceTable = request.reference() == null ? null
                : tables != null && tables.reference() != null ? tables.reference() : Table.of(request.reference());
        Split halves = Split.random(data, 0.5, request.seed());
        MembershipInference.ReferenceTrainer trainer = MembershipInference.like(request.config());
        int[] all = java.util.stream.IntStream.range(0, halves.train().rows()).toArray();
        LocalModel target = (LocalModel) trainer.train(halves.train(), all, request.seed());
        Run run = new Run(request, engine, halves, trainer, target,
                request.model() != null ? request.model() : target, dataTable, referenceTable, new ArrayList<>(),
                new LinkedHashMap<>());
        Progress progress = request.progress();
        int steps = 7;
        int step = 0;
        if (!request.only().contains("supply-chain")) {
            progress.update("audit", step, steps); // not requested
        }
        supplyChain(run);
        progress.update("audit", ++step, steps);
        membership(run);
        progress.update("audit", ++step, steps);
        inversion(run);
        progress.update("audit", ++step, steps);
        backdoor(run);
        progress.update("audit", ++step, steps);
        poisoning(run);
        progress.update("audit", ++step, steps);
        stealing(run);
        progress.update("audit", ++step, steps);
        if (request.only().contains("evasion")) {
            run.out().add(evasion(run.audited(), halves, request.protectedColumns(), request.rules(), request.budget(),
                    request.seed(), request.certifyRadius(), run.charts()));
        }
        progress.update("audit", ++step, steps);
        // Defences measured beforehand (the defend commands): their trade-offs, under their threats
        for (org.mlsec.defences.DefenceStudy study : request.defenceStudies()) {
            run.out().add(tradeOff(study, run.charts()));
        }
        org.mlsec.model.Classifier model = request.model();
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("rows", data.rows());
        context.put("features", data.schema().featureNames());
        context.put("model", model instanceof LocalModel ? ((LocalModel) model).kind() : model != null ? "remote model"
                : "trained by the audit: " + request.config().algorithm().kind());
        context.put("budget", request.budget().name().toLowerCase(Locale.ROOT));
        return new Report(run.out(), run.charts(), context);
    }

    /**
     * One audit under way: its request, the stand-in trained like the model on the data's first half, the model the
     * checks attack, where the rows that every check reads live, and the findings and charts the checks add.
     */
    private record Run(Request request, org.mlsec.attacks.inference.ReferenceEngine engine, Split halves,
                       MembershipInference.ReferenceTrainer trainer, LocalModel target,
                       org.mlsec.model.Classifier audited, Table dataTable, Table referenceTable, List<Finding> out,
                       Map<String, ChartData> charts) {
        /** Whether the model was given (and so is attacked through a stand-in where its training rows matter). */
        boolean standIn() {
            return request.model() != null;
        }
    }

    /** 1. Supply chain: the signature, then a static scan of the model file; never "clean" when a part went unread. */
    private static void supplyChain(Run run) {
        Request request = run.request();
        Result signature = request.signature();
        Path modelFile = request.modelFile();
        List<Finding> out = run.out();
        if (!request.only().contains("supply-chain")) {
            return;
        }
        if (signature != null) {
            out.add(new Finding(Threat.SUPPLY_CHAIN, SeverityRules.signature(signature.finding()),
                    signature.finding() ? "The model file does not match its signature: " + signature.details().get(0)
                            : "The model file matches its signature",
                    signature.finding() ? "The model was changed after it was signed, or signed by someone else."
                            : "Nobody changed the file since it was signed with this key.",
                    "Serve only files whose signature holds (mlsec serve --signature refuses the others).",
                    "mlsec verify", signature.metrics()));
        }
        if (modelFile == null) {
            out.add(new Finding(Threat.SUPPLY_CHAIN, Severity.LOW, "No model file was audited",
                    request.model() != null
                            ? "The model was audited through its API, so no artifact could be scanned or verified."
                            : "The model was trained by the audit, so no artifact could be scanned or verified.",
                    "Audit the file you deploy, sign it and record canaries.", "mlsec audit --model M", Map.of()));
            return;
        }
        ScanReport scan = ModelScanner.scan(List.of(modelFile));
        for (ScanReport.Note n : scan.incomplete()) { // an audit fails on skipped inputs: never "clean" unread
            out.add(new Finding(Threat.SUPPLY_CHAIN, Severity.HIGH, "The model file could not be fully scanned: "
                            + n.category() + ": " + n.description(),
                    "A file the scanner does not understand may hold code that runs when it is loaded.",
                    "Convert the model to a format mlsec reads (ONNX, safetensors, mlsec's JSON) or inspect it.",
                    "mlsec scan " + modelFile, Map.of("source", n.source())));
        }
        if (scan.findings().isEmpty() && scan.incomplete().isEmpty()) {
            out.add(new Finding(Threat.SUPPLY_CHAIN, Severity.INFO, "The model file holds no executable content",
                    "The static scanner found nothing that would run when the file is loaded.",
                    "Sign the file at every hand-over and check canaries before serving.",
                    "mlsec sign / mlsec canary record", Map.of("issues", 0)));
        }
        for (var f : scan.findings()) {
            out.add(new Finding(Threat.SUPPLY_CHAIN, Severity.parse(f.severity().name()), f.description(),
                    "Loading this file could run code or misbehave.", "Do not load it; obtain a signed model.",
                    "mlsec scan " + modelFile, Map.of("rule", f.rule().id(), "module", f.module())));
        }
    }

    /** 2. Membership inference (RMIA), on a stand-in trained like the model on a known half of the data. */
    private static void membership(Run run) {
        Request request = run.request();
        if (!request.only().contains("membership-inference")) {
            return;
        }
        Split halves = run.halves();
        MembershipInference.Report mia = MembershipInference.infer(run.target(), halves.train(), halves.test(), null,
                new MembershipInference.Config(MembershipMethod.RMIA, request.budget().references, request.seed()),
                run.trainer(), run.engine(), Progress.NONE);
        Result m = mia.result();
        boolean lowFpr = m.flag("tpr_at_fpr_0_001_supported");
        double aucLow = m.metric("auc_ci_low");
        Severity severity = SeverityRules.membership(aucLow, lowFpr,
                lowFpr ? m.metric("tpr_at_fpr_0_001_ci_low") : Double.NaN);
        String rate = lowFpr ? String.format(Locale.ROOT, "%.1f%% of members found at 0.1%% false positives",
                100 * m.metric("tpr_at_fpr_0_001")) : String.format(Locale.ROOT,
                "%.1f%% of members found at %.1f%% false positives (the lowest rate %d non-members can measure)",
                100 * m.metric("tpr_at_lowest_supported_fpr"), 100 * m.metric("lowest_supported_fpr"),
                (long) m.metric("non_members"));
        // mlsec does not know which rows trained a given model: it measures a stand-in trained like it on half of the
        // data, which is what an attacker with a look-alike model can do, not a measurement on the model's own rows.
        boolean standIn = run.standIn();
        run.out().add(new Finding(Threat.MEMBERSHIP_INFERENCE, severity, String.format(Locale.ROOT,
                        "%s%s: AUC %.3f (95%% CI %.3f-%.3f), %s", standIn ? "Stand-in trained like the model: " : "",
                        (standIn ? "t" : "T") + (aucLow > 0.55 ? "raining membership is exposed"
                                : "raining membership is not measurably exposed"),
                        m.metric("auc"), aucLow, m.metric("auc_ci_high"), rate),
                standIn ? "Which rows trained the audited model is not known here, so a stand-in was trained like it ("
                        + request.config().algorithm().kind().replace('_', ' ') + ") on a random half of the data and"
                        + " attacked: this is what an attacker with a look-alike model and data like yours can do, not a"
                        + " measurement on the audited model's own training rows."
                        : "An attacker with look-alike models can tell whether a person was in the training data.",
                "Regularise (limit depth and leaf size), answer labels only, or train with differential privacy.",
                "mlsec defend membership --data F --label L", withStandIn(m.metrics(), standIn)));
        run.charts().put("membership-roc", new ChartData.RocCurves("Membership inference (RMIA)",
                List.of("model trained like yours"), List.of(mia.roc())));
    }

    /** 3. Model inversion: what the file itself gives away, then attribute inference of the first protected column. */
    private static void inversion(Run run) {
        Request request = run.request();
        if (!request.only().contains("model-inversion")) {
            return;
        }
        if (request.modelFile() != null && request.model() instanceof LocalModel local) {
            run.out().add(exposure(local));
        }
        if (request.protectedColumns().isEmpty()) {
            return;
        }
        String sensitive = request.protectedColumns().get(0);
        List<AttributeInference.Method> methods = List.of(AttributeInference.Method.MAP_INFORMED,
                AttributeInference.Method.WHITEBOX_TREE);
        List<Result> inv = AttributeInference.infer(run.target(), run.halves().train(), run.halves().test(), sensitive,
                methods, request.seed(), Progress.NONE);
        double black = inv.get(0).metric("advantage_members");
        double white = inv.size() > 1 ? inv.get(1).metric("advantage_members") : 0;
        run.out().add(new Finding(Threat.MODEL_INVERSION, SeverityRules.inversion(black, white), String.format(
                        Locale.ROOT, "%s%s of training rows is inferable: +%.1f points with queries, +%.1f with the model"
                                + " file", run.standIn() ? "Stand-in trained like the model: " : "", sensitive,
                        100 * black, 100 * white),
                "Beyond what public statistics give, the model reveals a sensitive attribute of the people it was trained on.",
                "Keep the model file private, answer labels only, or train with differential privacy.",
                "mlsec defend inversion --data F --label L --sensitive " + sensitive,
                withStandIn(Map.of("advantage_members_black_box", black, "advantage_members_white_box", white),
                        run.standIn())));
    }

    /** 4. Backdoors: in the data (suspicious rows, value spikes over every row) and in the model (probes). */
    private static void backdoor(Run run) {
        Request request = run.request();
        if (!request.only().contains("backdoor")) {
            return;
        }
        Dataset data = request.data();
        org.mlsec.model.Classifier audited = run.audited();
        DataBackdoorDetector.Report bd = DataBackdoorDetector.detect(data, null);
        ModelBackdoorScanner.Scan scan = ModelBackdoorScanner.probe(audited, data, 1000, request.seed());
        List<ModelBackdoorScanner.Probe> suspects = scan.suspects(ModelBackdoorScanner.DEFAULT_THRESHOLD);
        List<ModelBackdoorScanner.Probe> beyond = scan.outOfRange(ModelBackdoorScanner.DEFAULT_THRESHOLD);
        boolean found = !bd.flagged().isEmpty() || !suspects.isEmpty();
        List<String> parts = new ArrayList<>();
        if (!bd.flagged().isEmpty()) {
            parts.add(bd.flagged().size() + " suspicious rows in the data");
        }
        if (!suspects.isEmpty()) {
            parts.add("the model reacts to a narrow input value: " + suspects.get(0));
        }
        String title = found ? String.join("; ", parts)
                : beyond.isEmpty() && scan.refused() > 0 ? "No backdoor trigger found in the data or inside the"
                        + " valid input ranges; the API refused all " + scan.refused() + " out-of-range probes"
                : beyond.isEmpty() ? "No backdoor trigger found in the data or the model"
                : "No trigger inside the valid input ranges; out of range (refused by input validation), "
                        + beyond.get(0);
        Map<String, Object> bm = new LinkedHashMap<>();
        bm.put("flagged_rows", bd.flagged().size());
        bm.put("findings", bd.findings().stream().limit(5).toList());
        bm.put("strongest_probe", suspects.isEmpty() ? "" : suspects.get(0).toString());
        bm.put("suspected_triggers", suspects.size());
        bm.put("out_of_range_probes", beyond.size());
        bm.put("strongest_out_of_range_probe", beyond.isEmpty() ? "" : beyond.get(0).toString());
        bm.put("out_of_range_probes_refused", scan.refused());
        // Candidate triggers over every row: values far more frequent than their neighbours, with one label.
        List<DataBackdoorDetector.Spike> spikes = DataBackdoorDetector.spikes(run.dataTable());
        bm.put("value_spikes", spikes.size());
        bm.put("value_spike_findings", spikes.stream().limit(5).map(DataBackdoorDetector.Spike::reason).toList());
        bm.put("rows_counted", run.dataTable().rows());
        run.out().add(new Finding(Threat.BACKDOOR, SeverityRules.backdoor(found, !beyond.isEmpty()), title,
                found ? "A trigger in the training data makes the model answer the attacker's class whenever it is present."
                        : beyond.isEmpty() ? "Neither the data nor the model shows a trigger."
                        : "Inside the ranges an input may take, no single value moves the model's answers; beyond"
                        + " them it answers differently, which a validating server never lets an input reach (a"
                        + " linear model extrapolates; a tree model that changes out there saw such values in training).",
                "Validate inputs against a schema learned from trusted data; remove flagged rows and retrain.",
                "mlsec detect backdoor / mlsec scan-model backdoor / mlsec schema infer", bm));
        run.charts().put("importances", ChartData.Importances.of("What drives the model",
                audited instanceof LocalModel local ? local : run.target()));
    }

    /** 5. Poisoning: the diff against the trusted snapshot, then fairness by the protected columns. */
    private static void poisoning(Run run) {
        Request request = run.request();
        if (!request.only().contains("poisoning")) {
            return;
        }
        Dataset data = request.data();
        Dataset reference = request.reference();
        Table dataTable = run.dataTable();
        if (reference != null) {
            Table referenceTable = run.referenceTable();
            var shifts = DataDiff.features(referenceTable, dataTable).stream().filter(DataDiff.FeatureShift::flagged)
                    .toList();
            if (!shifts.isEmpty()) {
                String f = shifts.get(0).name();
                run.charts().put("poisoning-histogram", new ChartData.Histograms(f, reference.column(f), data.column(f)));
            }
            var groups = Subgroups.changed(referenceTable, dataTable, data.schema().classes().size() - 1,
                    (int) Math.max(30, Math.min(Integer.MAX_VALUE, dataTable.rows() / 200)), 3);
            double jump = groups.isEmpty() ? 0 : Math.abs(groups.get(0).labelRate() - groups.get(0).labelRateBefore());
            run.out().add(new Finding(Threat.POISONING, SeverityRules.drift(jump, shifts.size()),
                    groups.isEmpty() ? "No subgroup changed" : String.format(Locale.ROOT,
                            "Label rate of %s changed %.0f%% -> %.0f%%; shifted features %s", groups.get(0).description(),
                            100 * groups.get(0).labelRateBefore(), 100 * groups.get(0).labelRate(),
                            shifts.stream().map(DataDiff.FeatureShift::name).toList()),
                    "The training data differs from the trusted snapshot in ways ordinary drift does not explain.",
                    "Own the data pipeline; diff every new snapshot; sanitise and retrain.",
                    "mlsec diff --reference OLD --data NEW / mlsec sanitize",
                    Map.of("shifted_features", shifts.size(), "top_subgroup_change", jump, "rows_compared",
                            dataTable.rows(), "reference_rows_compared", referenceTable.rows())));
        }
        List<String> protectedColumns = request.protectedColumns();
        if (protectedColumns.isEmpty()) {
            return;
        }
        // A model that cannot travel to where the rows are (a scoring API) is measured on the sample here.
        boolean everyRow = request.tables() == null || org.mlsec.model.PortableModel.of(run.audited()).travels();
        List<Fairness.Attribute> fair = Fairness.measure(run.audited(), everyRow ? dataTable : Table.of(data),
                protectedColumns, data.schema().classes().get(0), Fairness.DEFAULT_BINS);
        // Without a trusted snapshot, a disparity cannot be told from poisoning: it may be how the data always was.
        boolean compared = reference != null;
        for (Fairness.Attribute f : fair) {
            run.out().add(new Finding(Threat.POISONING, SeverityRules.fairness(f.unfair(), compared),
                    String.format(Locale.ROOT, "%s: disparate impact %.2f, parity gap %.3f%s",
                            f.attribute(), f.disparateImpactRatio(), f.demographicParityDifference(),
                            f.unfair() && !compared
                                    ? " (a disparity; without a trusted snapshot its cause is not known)" : ""),
                    f.unfair() ? "The model treats groups very differently (below the four-fifths rule or a gap over 0.1)."
                            + (compared ? "" : " Without a trusted snapshot to compare with, this may be a targeted"
                            + " edit of the training data or a disparity the data always had; both need a look.")
                            : "Groups are treated alike within the four-fifths rule.",
                    "Audit the training data for targeted edits; compare with the previous model.",
                    "mlsec fairness --model M --data F --protected " + String.join(",", protectedColumns),
                    withRows(f.toResult().metrics(), everyRow ? dataTable.rows() : data.rows())));
        }
        run.charts().put("fairness", ChartData.Fairness.of(fair));
    }

    /** 6. Model stealing: how cheaply a label-only API is copied, at four budgets up to the audit's. */
    private static void stealing(Run run) {
        Request request = run.request();
        if (!request.only().contains("model-stealing")) {
            return;
        }
        Budget budget = request.budget();
        TrainConfig config = request.config();
        org.mlsec.model.Classifier audited = run.audited();
        Split parts = Split.random(run.halves().test(), 0.5, request.seed() + 1);
        List<Double> spent = new ArrayList<>();
        List<Double> fidelity = new ArrayList<>();
        Result st = null;
        for (int q : new int[] {budget.queries / 8, budget.queries / 4, budget.queries / 2, budget.queries}) {
            Extraction.Stolen stolen;
            try {
                stolen = Extraction.extract(HardenedOutput.labelOnly(audited), Extraction.Plan.of(
                        Extraction.Strategy.LEARN_ACTIVE, parts.train(), Math.max(100, q), request.seed())
                        .withSurrogate(config.withTrees(Math.min(config.trees(), 100))), Progress.NONE);
            } catch (org.mlsec.InputException e) {
                continue; // so few queries that the model answered one class only: no copy at this budget
            }
            st = Extraction.evaluate(stolen, audited, parts.test());
            spent.add(st.metric("queries"));
            fidelity.add(st.metric("fidelity"));
        }
        if (st == null) {
            throw new org.mlsec.MlsecException("extraction measured nothing: the model answered one class only");
        }
        run.charts().put("extraction", new ChartData.Fidelity(spent, fidelity));
        double fid = st.metric("fidelity");
        run.out().add(new Finding(Threat.MODEL_STEALING, SeverityRules.stealing(fid), String.format(Locale.ROOT,
                        "A copy agreeing on %.1f%% of rows costs %d label-only queries", 100 * fid,
                        (long) st.metric("queries")),
                "Through its API alone, the model can be rebuilt; the copy then serves every white-box attack.",
                "Serve it behind mlsec serve: API keys, rate limits and quotas, extraction detection with --reference.",
                "mlsec serve --model M --config guard.json --reference genuine.csv", st.metrics()));
    }

    /** The metrics with {@code stand_in} saying whether they were measured on a look-alike of the audited model. */
    private static Map<String, Object> withStandIn(Map<String, ?> metrics, boolean standIn) {
        Map<String, Object> m = new LinkedHashMap<>(metrics);
        m.put("stand_in", standIn);
        return m;
    }

    /**
     * The white-box reading of the model file (as {@code mlsec inspect}): its family, size and the smallest number of
     * training rows behind a leaf. Leaves of a handful of rows single out the people in them: whoever holds the file
     * reads their labels and feature ranges from it.
     */
    static Finding exposure(LocalModel m) {
        var r = org.mlsec.model.Inspection.inspect(m);
        Map<String, Object> json = r.toJson();
        Map<String, Object> metrics = new LinkedHashMap<>();
        for (String k : List.of("family", "format", "trees", "max_depth", "leaves", "smallest_leaf_rows")) {
            if (json.get(k) != null) {
                metrics.put(k, json.get(k));
            }
        }
        String source = r.imported() != null ? r.imported().format() : "mlsec model";
        String title;
        Severity severity;
        if (r.hasTrees()) {
            Integer smallest = r.trees().smallestLeafRows();
            boolean counts = smallest != null;
            int rows = counts ? smallest : -1;
            severity = SeverityRules.exposure(smallest);
            title = String.format(Locale.ROOT, "The %s file exposes %s trees, %s leaves, %s", source, r.trees().count(),
                    r.trees().leaves(), counts ? "leaves of as few as " + rows + " training rows"
                            : "no training counts");
        } else {
            severity = Severity.LOW;
            title = "The " + source + " file exposes every coefficient of its " + m.kind().replace('_', ' ');
        }
        return new Finding(Threat.MODEL_INVERSION, severity, title,
                "Whoever holds the file runs white-box attacks on it: exact evasion search, attribute inference from the"
                        + " leaves' training counts, and a copy for free.",
                "Keep the file private and signed; train with larger leaves (min_leaf) or differential privacy.",
                "mlsec inspect --model M", metrics);
    }

    /**
     * Rows the model gives its second class (the adverse answer, such as 1 = "will default") are changed towards the
     * first, inside the schema learned from the training half, protected attributes held fixed.
     */
    private static Finding evasion(org.mlsec.model.Classifier audited, Split halves, List<String> protectedColumns,
                                   org.mlsec.defences.preprocessor.DomainRules rules,
                                   Budget budget, long seed, Double certifyRadius, Map<String, ChartData> charts) {
        var feas = org.mlsec.attacks.evasion.Feasibility.of(audited.schema(),
                org.mlsec.defences.preprocessor.InputSchema.infer(halves.train()).withRules(rules), halves.train(),
                org.mlsec.attacks.evasion.Costs.defaults(org.mlsec.attacks.evasion.Norm.LINF).withImmutable(protectedColumns));
        int rows = budget == Budget.QUICK ? 20 : budget == Budget.STANDARD ? 60 : 200;
        // Two classes: the second (adverse) answer towards the first. More: any other answer towards the first class.
        boolean binary = audited.classes().size() == 2;
        var config = org.mlsec.attacks.evasion.Evasion.Config.defaults(0).withFrom(binary ? 1 : -1).withRows(rows).withSeed(seed)
                .withQueryBudget(Math.max(200, budget.queries / 2)).withVerify(rows / 4);
        Result r;
        List<Double> costs = new ArrayList<>();
        List<Map<String, Object>> certificates = new ArrayList<>();
        double certifiedShare = Double.NaN;
        int attacked = 0;
        try {
            var o = org.mlsec.attacks.evasion.Evasion.evade(audited, halves.test(), feas, config, Progress.NONE);
            r = o.result();
            attacked = o.examples().size();
            if (certifyRadius != null) {
                certifiedShare = org.mlsec.attacks.evasion.Certificates.shareAbove(o.examples(), certifyRadius);
            }
            o.examples().stream().filter(e -> e.success()).forEach(e -> costs.add(e.cost()));
            for (var e : o.examples()) { // the robustness certificate of each attacked row, where the search gives one
                double radius = org.mlsec.attacks.evasion.Certificates.radius(e);
                if (!Double.isNaN(radius)) {
                    certificates.add(Map.of("row", e.row(), "certified_radius", radius, "tight", e.exact()));
                }
            }
        } catch (org.mlsec.InputException e) {
            return new Finding(Threat.EVASION, Severity.INFO, "No row to attack: " + e.getMessage(),
                    binary ? "The model gives no held-out row its second class."
                            : "The model gives every held-out row its first class.", "-", "mlsec attack evade", Map.of());
        }
        charts.put("evasion-costs", new ChartData.EvasionCosts(costs, feas.norm().key()));
        double rate = r.metric("success_rate");
        double median = r.metric("median_cost");
        Severity severity = SeverityRules.evasion(rate, median);
        String cls = binary ? audited.classes().get(1) : "other";
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("certificates", certificates);
        metrics.putAll(r.metrics());
        String certified = "";
        if (certifyRadius != null) {
            metrics.put("certify_radius", certifyRadius);
            metrics.put("certified_share", certifiedShare);
            certified = String.format(Locale.ROOT, " %.1f%% of the %d attacked rows are certified robust beyond a change"
                    + " of %s (no feasible change of that cost or less flips them).", 100 * certifiedShare,
                    attacked, org.mlsec.data.Values.format(certifyRadius));
        }
        return new Finding(Threat.EVASION, severity, String.format(Locale.ROOT,
                        "%.0f%% of '%s' answers flip to '%s' with a median change of %.3g standard deviations",
                        100 * rate, cls, audited.classes().get(0), median),
                "Applicants can game the model: small feasible edits" + (protectedColumns.isEmpty() ? ""
                        : " (with " + String.join(", ", protectedColumns) + " unchanged)")
                        + " change its answer (" + r.metrics().get("method") + " search, "
                        + (long) r.metric("exact_rows") + " of " + (long) r.metric("rows") + " rows certified minimal)."
                        + certified,
                "Train with adversarial examples or monotone constraints, validate inputs at the server, and watch for"
                        + " boundary probing (mlsec defend evasion compares them).",
                binary ? "mlsec attack evade --model M --data D --from " + audited.classes().get(1) + " --immutable ..."
                        : "mlsec attack evade --model M --data D --to " + audited.classes().get(0) + " --immutable ...",
                metrics);
    }
}
