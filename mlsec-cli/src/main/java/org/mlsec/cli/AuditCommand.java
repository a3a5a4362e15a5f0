package org.mlsec.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.mlsec.InputException;
import org.mlsec.data.Dataset;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Models;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.remote.ClassDiscovery;
import org.mlsec.model.remote.HttpClassifier;
import org.mlsec.report.Audit;
import org.mlsec.report.Finding;
import org.mlsec.report.Threat;
import org.mlsec.report.render.ReportWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "audit", mixinStandardHelpOptions = true,
        description = {"Run every applicable check — artifact scan, membership and attribute inference, backdoors in data",
                "and model, poisoning diff, fairness, extraction — and write report.html, report.json and report.sarif.",
                "Exit 1 when a finding reaches --fail-on."})
final class AuditCommand implements Callable<Integer> {
    @Mixin
    DataOptions data;

    @Mixin
    EngineOptions engine;

    @Mixin
    RulesOption rules;

    @Option(names = "--model", paramLabel = "MODEL", description = "The model to audit (else one is trained with --algo).")
    Path model;

    @Option(names = "--target", paramLabel = "URL", description = "Audit a model behind a scoring API (then --algo says how it is trained).")
    java.net.URI target;

    @Option(names = "--classes", paramLabel = "A,B", split = ",",
            description = "--target without --label: the API's classes (default: learnt from its answers).")
    List<String> classes;

    @Option(names = "--algo", paramLabel = "ALGO", defaultValue = "rf", description = "Model family when no --model (default: ${DEFAULT-VALUE}).")
    String algo;

    @Option(names = "--reference", paramLabel = "FILE", description = "Trusted snapshot of the data, for the poisoning diff.")
    Path reference;

    @Option(names = "--protected", paramLabel = "A,B", split = ",", description = "Protected attributes, e.g. SEX,AGE.")
    List<String> protectedColumns = new ArrayList<>();

    @Option(names = "--budget", paramLabel = "B", defaultValue = "standard", description = "quick, standard or thorough (default: ${DEFAULT-VALUE}).")
    String budget;

    @Option(names = "--fail-on", paramLabel = "SEVERITY", defaultValue = "high", description = "low, medium, high or critical (default: ${DEFAULT-VALUE}).")
    String failOn;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "mlsec-audit", description = "Report folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--only", paramLabel = "THREAT", split = ",", description = "Check only these: supply-chain, membership-inference, backdoor, model-inversion, poisoning, model-stealing, evasion.")
    List<String> only;

    @Option(names = "--signature", paramLabel = "FILE", description = "Verify the model file against this signature.")
    Path signature;

    @Option(names = "--public-key", paramLabel = "PEM", description = "Key for --signature.")
    Path publicKey;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42") long seed;

    @Option(names = "--certify-radius", paramLabel = "R",
            description = "Report the share of the evasion check's attacked rows certified robust beyond this cost"
                    + " (its units: standard deviations, largest change of one column).")
    Double certifyRadius;

    @Option(names = "--defence-study", paramLabel = "FILE",
            description = "A defence study to chart in the report (repeatable): the --json file of defend membership,"
                    + " inversion, evasion or poisoning; its trade-off of utility against the adaptive attack is drawn"
                    + " under its threat.")
    List<Path> defenceStudies = new java.util.ArrayList<>();

    @Option(names = "--sample-rows", paramLabel = "N", defaultValue = "100000",
            description = "With --engine spark and a table Spark reads: rows read into memory, a seeded sample, for the"
                    + " checks that train and attack models; the diff against --reference, its subgroups and fairness"
                    + " read every row where it lives (default: ${DEFAULT-VALUE}).")
    int sampleRows;

    @Override
    public Integer call() {
        if (sampleRows < 100) {
            throw new InputException("--sample-rows must be at least 100, got " + sampleRows);
        }
        try (org.mlsec.attacks.inference.ReferenceEngine e = engine.open()) {
            data.tables = e.tables().orElse(null);
            data.sampleRows = sampleRows;
            data.sampleSeed = seed;
            return run(e);
        }
    }

    private Integer run(org.mlsec.attacks.inference.ReferenceEngine referenceEngine) {
        org.mlsec.report.Severity failAt = org.mlsec.report.Severity.lookup(failOn);
        int threshold = failAt == null ? -1 : failAt.ordinal();
        if (threshold < 1) {
            throw new InputException("--fail-on must be low, medium, high or critical, got " + failOn);
        }
        List<org.mlsec.defences.DefenceStudy> studies = new java.util.ArrayList<>();
        for (Path f : defenceStudies) { // read before any work, so a bad file costs nothing
            org.mlsec.defences.DefenceStudy study = org.mlsec.defences.DefenceStudy.read(f);
            try {
                study.tradeOff();
            } catch (InputException e) {
                throw new InputException("--defence-study " + f + ": " + e.getMessage());
            }
            studies.add(study);
        }
        Audit.Budget b;
        try {
            b = Audit.Budget.parse(budget);
        } catch (IllegalArgumentException e) {
            throw new InputException("--budget must be quick, standard or thorough, got " + budget);
        }
        if (model != null && target != null) {
            throw new InputException("give --model or --target, not both");
        }
        org.mlsec.Result sig = null;
        LocalModel m = null;
        if (signature != null) {
            if (publicKey == null || model == null) {
                throw new InputException("--signature needs --public-key and --model");
            }
            org.mlsec.defences.integrity.VerifiedModel v = org.mlsec.defences.integrity.VerifiedModel.read(model,
                    signature, org.mlsec.defences.integrity.Pem.readPublic(publicKey));
            sig = v.signature();
            m = v.load();
        } else if (model != null) {
            m = Models.load(model);
        }
        org.mlsec.model.Classifier api = null;
        Dataset d;
        boolean unlabelled = target != null && data.label == null;
        String poisoningNeedsLabels = "the poisoning checks (data diff, fairness) compare the true labels, which need --label COLUMN";
        if (unlabelled && only != null && only.contains("poisoning")) {
            throw new InputException("--only poisoning: " + poisoningNeedsLabels);
        }
        if (unlabelled) {
            // An attacker's view: no ground truth. The classes are given or learnt, the rows labelled with the API's answers.
            Dataset rows = data.readUnlabelled();
            ClassDiscovery.Discovered found = ClassDiscovery.connect(HttpClassifier.Config.of(target), rows, classes,
                    ClassDiscovery.DEFAULT_SAMPLE, Target.DISCOVERY_SEED);
            System.err.println("mlsec: no --label: " + found.describe());
            HttpClassifier h = found.classifier();
            d = ClassDiscovery.labelledByAnswers(h, rows);
            System.err.println("mlsec: the " + d.rows() + " rows are labelled with the API's answers (" + d.rows()
                    + " queries): the figures describe the API against its own answers");
            api = h;
        } else {
            d = m == null ? data.readLabelled() : data.readWithModelClasses(data.requireData(), m.schema());
        }
        // With an engine that reads the data where it lives, d is a sample and the checks that read every row get the table.
        org.mlsec.data.Table fullData = unlabelled ? null : data.table(data.requireData(), d.schema(),
                data.options(d.schema().label()), data.lastMissing);
        m = m == null ? null : Models.withRanges(m, d);
        TrainConfig config = m != null ? TrainConfig.fromHyperparameters(Algorithm.ofKind(m.kind()),
                m.provenance().hyperparameters()) : TrainConfig.defaults(Algorithm.parse(algo)).withSeed(seed);
        org.mlsec.model.Classifier audited = m;
        if (api != null) {
            audited = api;
        } else if (target != null) {
            audited = new org.mlsec.model.remote.HttpClassifier(d.schema(),
                    org.mlsec.model.remote.HttpClassifier.Config.of(target));
        }
        org.mlsec.data.CsvOptions refOptions = new org.mlsec.data.CsvOptions(data.options(null).delimiter(),
                d.schema().label(), null, null, null);
        Dataset ref = reference == null || unlabelled ? null : data.readAs(reference, d.schema(), refOptions);
        org.mlsec.data.Table fullRef = ref == null ? null : data.table(reference, d.schema(), refOptions,
                refOptions.missing());
        long t0 = System.nanoTime();
        List<String> threats = only == null ? Threat.keys() : only;
        for (String t : threats) {
            if (!Threat.keys().contains(t)) {
                throw new InputException("--only " + t + ": expected one of " + Threat.keys());
            }
        }
        if (unlabelled && threats.contains("poisoning")) {
            System.err.println("mlsec: no --label: poisoning skipped: " + poisoningNeedsLabels);
            threats = threats.stream().filter(t -> !t.equals("poisoning")).toList();
        }
        Audit.QueryPlan plan = null;
        double estimate = Double.NaN;
        if (audited instanceof HttpClassifier) {
            // Measure one batched request, then say what the audit will ask of the API before asking it.
            HttpClassifier h = (HttpClassifier) audited;
            int batch = Math.min(HttpClassifier.Config.of(target).batchSize(), d.rows());
            double[] took = new double[5];
            for (int k = 0; k < took.length; k++) {
                long q0 = System.nanoTime();
                h.predict(java.util.Arrays.copyOf(d.x(), batch));
                took[k] = (System.nanoTime() - q0) / 1e9;
            }
            java.util.Arrays.sort(took);
            double perRequest = took[took.length / 2]; // the median: the first request warms the connection up
            plan = Audit.plan(d, b, threats);
            double apiSeconds = plan.seconds(perRequest, HttpClassifier.Config.of(target).batchSize());
            // The local part: one model trained like the stand-in on half the rows, timed, times the trainings planned.
            long t1 = System.nanoTime();
            org.mlsec.data.Split half = org.mlsec.data.Split.random(d, 0.5, seed);
            org.mlsec.model.Trainer.train(half.train(), config, "audit-estimate", org.mlsec.Progress.NONE);
            double localSeconds = (System.nanoTime() - t1) / 1e9 * plan.trainings();
            estimate = apiSeconds + localSeconds;
            System.err.printf(java.util.Locale.ROOT, "mlsec: the audit sends at most %,d rows to %s (%s) in requests of up"
                    + " to %d; at the measured %.0f ms per request that is at most %.0f s of API time; with %d local"
                    + " trainings (about %.0f s) it takes at most about %.0f s%n", plan.total(), target, plan.rows(),
                    HttpClassifier.Config.of(target).batchSize(), 1000 * perRequest, apiSeconds, plan.trainings(),
                    localSeconds, estimate);
        }
        Audit.Request request = Audit.Request.of(d).model(audited).modelFile(model).signature(sig).trainedLike(config)
                .reference(ref).protect(protectedColumns).only(threats).budget(b).rules(rules.read()).seed(seed)
                .progress(Output.progress()).defenceStudies(studies);
        if (fullData != null) {
            request = request.tables(fullData, fullRef);
        }
        Audit.Report r = (certifyRadius == null ? request : request.certifyRadius(certifyRadius)).run(referenceEngine);
        if (plan != null) {
            r.context().put("query_plan_rows", plan.rows());
            r.context().put("estimated_api_seconds", estimate);
            r.context().put("api_rows_sent", audited.queries());
        }
        String artifact = (model != null ? model : data.data).toString();
        ReportWriter.write(r, out, artifact);
        int worst = -1;
        System.out.println("Audit of " + (model != null ? model : target != null ? target : data.data) + " (" + b.name().toLowerCase() + " budget, "
                + String.format("%.0f s", (System.nanoTime() - t0) / 1e9) + "):");
        for (Finding f : r.findings()) {
            System.out.printf("  %-9s %-22s %s%n", f.severity(), f.threat(), f.title());
            worst = Math.max(worst, f.rank());
        }
        System.out.println("Report: " + out.resolve("report.html") + " (also report.json, report.sarif)");
        return worst >= threshold ? Main.FINDINGS : Main.OK;
    }
}
