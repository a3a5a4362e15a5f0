package org.mlsec.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.mlsec.attacks.extraction.Extraction.Strategy;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.CsvWriter;
import org.mlsec.data.Dataset;
import org.mlsec.demo.LaymanBrothers;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.ModelIo;
import org.mlsec.model.TrainConfig;
import org.mlsec.report.ChartData;
import org.mlsec.report.render.Charts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Replay the talk on the built-in Layman Brothers data (or on --data): train the bank's credit model,",
                "then attack and defend it, chapter by chapter."})
final class DemoCommand implements Callable<Integer> {
    /** The talk's baseline: these features plus one-hot SEX. */
    static final List<String> TALK_FEATURES = DemoPlan.TALK_FEATURES;

    @Mixin
    DataOptions data;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "mlsec-demo", description = "Folder for the demo's files (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", paramLabel = "FILE", description = "Write every chapter's figures as JSON.")
    Path json;

    @Option(names = "--entities", paramLabel = "NOUN", description = "What a row of --data is, in the plural (e.g. patients; default: clients on the credit data, rows elsewhere).")
    String entities;

    private DemoPlan plan;

    /** The schema a team would serve with: inferred from its data, plus the credit domain's rules on the talk's data. */
    private org.mlsec.defences.preprocessor.InputSchema inputSchema(Dataset trusted) {
        var inferred = org.mlsec.defences.preprocessor.InputSchema.infer(trusted);
        return plan.talk() ? inferred.withRules(org.mlsec.demo.CreditCard.rules()) : inferred;
    }
    private final Map<String, String> skipped = new LinkedHashMap<>();
    /** The defence studies the chapters measured, charted by the report. */
    private final List<org.mlsec.defences.DefenceStudy> studies = new ArrayList<>();

    @Override
    public Integer call() {
        long t0 = System.nanoTime();
        Map<String, Object> res = new LinkedHashMap<>();
        Path csv;
        String label;
        List<String> drop;
        if (data.data == null) {
            csv = out.resolve("layman-brothers.csv");
            CsvWriter.write(LaymanBrothers.generate(30_000, seed), csv);
            label = LaymanBrothers.LABEL;
            drop = List.of("ID");
            say("Layman Brothers, a bank, scores credit-card clients: will they default next month?");
            say("Generated 30,000 synthetic clients (the built-in data, seed " + seed + ") in " + csv + ".");
        } else {
            csv = data.data;
            label = data.label == null ? LaymanBrothers.LABEL : data.label;
            drop = data.drop;
            say("Using " + csv + " with label " + label + ".");
        }
        res.put("data", csv.toString());

        Set<String> categorical = new HashSet<>(data.categorical);
        categorical.add("SEX");
        List<String> header = CsvReader.header(csv, data.options(label));
        boolean talkSchema = header.containsAll(TALK_FEATURES);
        CsvOptions options = data.options(label).withTypes(talkSchema ? categorical : Set.copyOf(data.categorical),
                Set.copyOf(data.numeric));
        options = new CsvOptions(options.delimiter(), label, new HashSet<>(drop), options.categorical(), options.numeric(),
                options.missing());
        Dataset all = data.read(csv, null, options);
        Dataset baselineData = talkSchema ? all.select(TALK_FEATURES) : all;

        plan = DemoPlan.of(all, talkSchema, entities);
        String rows = plan.entities();

        chapter("The model");
        TrainConfig config = plan.talkModel(seed);
        org.mlsec.model.TrainAndTest.Tested r = org.mlsec.model.TrainAndTest.run(baselineData, config, 0.1, csv.toString(),
                Output.progress());
        Path modelFile = out.resolve(talkSchema ? "credit-model.mlsec" : "model.mlsec");
        ModelIo.save(r.model(), modelFile);
        say("The data-science team trains the talk's model: a random forest of 5 trees, depth 3, at least "
                + plan.minLeaf() + " " + rows + " per leaf" + (talkSchema ? "" : " (the talk's 100 of 27,000, scaled to "
                + r.split().train().rows() + ")") + ",");
        say("on " + (talkSchema ? String.join(", ", TALK_FEATURES.subList(0, 8)) + " and one-hot SEX"
                : baselineData.schema().width() + " features") + ", to tell " + classList(r.model().classes()) + ".");
        say("It is right for " + Output.pct(r.testAccuracy()) + " of " + r.split().test().rows()
                + " held-out " + rows + " (ROC AUC " + (Double.isNaN(r.testAuc()) ? "n/a" : Output.num(r.testAuc()))
                + (r.model().classes().size() > 2 ? ", macro one-vs-rest" : "") + ").");
        List<Map.Entry<String, Double>> ranked = new ArrayList<>(org.mlsec.model.Inspection.columnImportances(r.model()).entrySet());
        StringBuilder top = new StringBuilder();
        for (int i = 0; i < Math.min(3, ranked.size()); i++) {
            if (ranked.get(i).getValue() > 0) {
                top.append(top.length() == 0 ? "" : ", ").append(ranked.get(i).getKey())
                        .append(String.format(" %.0f%%", 100 * ranked.get(i).getValue()));
            }
        }
        say(top.length() == 0 ? "It found no split worth making (every leaf would be too small)."
                : "What drives it: " + top + ".");
        say("Saved, with its schema and provenance, to " + modelFile + ".");
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("test_accuracy", r.testAccuracy());
        model.put("train_accuracy", r.trainAccuracy());
        model.put("test_auc", Double.isNaN(r.testAuc()) ? null : r.testAuc());
        model.put("rows_train", r.split().train().rows());
        model.put("rows_test", r.split().test().rows());
        model.put("min_leaf", plan.minLeaf());
        model.put("top_feature", ranked.get(0).getKey());
        Map<String, Double> imp = new LinkedHashMap<>();
        ranked.forEach(e -> imp.put(e.getKey(), e.getValue()));
        model.put("importances", imp);
        model.put("model", modelFile.toString());
        res.put("model", model);

        CsvOptions readOptions = options;
        run(res, "supply_chain", "1. Supply chain", () -> supplyChain(modelFile, csv, readOptions, r));
        run(res, "membership_inference", "2. Membership inference", () -> membership(r.model(), all));
        run(res, "backdoor", "3. Backdoor", () -> plan.trigger() == null ? skip("it needs a numeric column for the"
                + " trigger") : backdoor(r));
        run(res, "model_inversion", "4. Model inversion", () -> plan.sensitive() == null ? skip("it needs a categorical"
                + " column with 2 to 6 values to infer") : inversion(all));
        run(res, "poisoning", "5. Data poisoning", () -> plan.sensitive() == null ? skip("it needs a categorical column"
                + " with 2 to 6 values to target a group") : poisoning(r));
        run(res, "model_stealing", "6. Model stealing", () -> stealing(r, baselineData));
        run(res, "evasion", "7. Evasion", () -> evasion(r));

        chapter("The report");
        List<String> protectedColumns = talkSchema ? List.of("SEX", "AGE")
                : plan.sensitive() == null ? List.of() : List.of(plan.sensitive());
        var audit = org.mlsec.report.Audit.Request.of(baselineData).model(r.model()).modelFile(modelFile)
                .trainedLike(TrainConfig.fromHyperparameters(Algorithm.RF, r.model().provenance().hyperparameters()))
                .protect(protectedColumns).budget(org.mlsec.report.Audit.Budget.QUICK).seed(seed)
                .rules(plan.talk() ? org.mlsec.demo.CreditCard.rules() : org.mlsec.defences.preprocessor.DomainRules.none())
                .defenceStudies(studies).run();
        org.mlsec.report.render.ReportWriter.write(audit, out, modelFile.toString());
        say("`mlsec audit` ran every check on the " + (talkSchema ? "bank's " : "") + "model: " + audit.findings().size()
                + " findings, in " + out.resolve("report.html") + " (with report.json and report.sarif).");
        res.put("report", out.resolve("report.html").toString());
        res.put("skipped", skipped);

        double seconds = (System.nanoTime() - t0) / 1e9;
        res.put("seconds", seconds);
        System.out.printf("%nDemo finished in %.1f s%s; the report is %s.%n", seconds, skipped.isEmpty() ? ""
                : " (" + skipped.size() + " chapter(s) skipped)", out.resolve("report.html"));
        Output.json(json, res);
        return Main.OK;
    }

    /** A chapter that may not apply to the data: its figures, or one line saying why it was skipped. */
    private void run(Map<String, Object> res, String key, String title, java.util.function.Supplier<Map<String, Object>> chapter) {
        try {
            Map<String, Object> m = chapter.get();
            if (m != null) {
                res.put(key, m);
            }
        } catch (Skip e) {
            skipped.put(key, e.getMessage());
            System.out.println();
            say("(" + title + " skipped: " + e.getMessage() + ".)");
        } catch (org.mlsec.MlsecException e) {
            skipped.put(key, e.getMessage());
            say("(" + title + " could not run on this data: " + e.getMessage() + ".)");
        }
    }

    private static final class Skip extends RuntimeException {
        Skip(String why) {
            super(why, null, false, false);
        }
    }

    private static Map<String, Object> skip(String why) {
        throw new Skip(why);
    }

    private static String classList(List<String> classes) {
        return classes.size() == 2 ? "'" + classes.get(0) + "' from '" + classes.get(1) + "'"
                : classes.size() + " classes (" + String.join(", ", classes) + ")";
    }

    private String pos(LocalModel m) {
        return "\"" + m.classes().get(plan.positive()) + "\"";
    }

    /** Chapter 1: the model file is tampered with on its way to production; signature and canaries catch it. */
    private Map<String, Object> supplyChain(Path modelFile, Path csv, CsvOptions options, org.mlsec.model.TrainAndTest.Tested r) {
        chapter("1. Supply chain: the model file is edited on its way to production");
        java.security.KeyPair keys = org.mlsec.defences.integrity.ModelSigning.generateKeyPair();
        Path sig = out.resolve(plan.talk() ? "credit-model.sig" : "model.sig");
        Output.text(sig, org.mlsec.defences.integrity.ModelSigning.sign(modelFile, keys.getPrivate(), keys.getPublic(),
                List.of()));
        Dataset test = r.split().test();
        org.mlsec.defences.integrity.Canaries.CanaryFile canaries =
                org.mlsec.defences.integrity.Canaries.record(r.model(), test, 100, seed);
        org.mlsec.defences.integrity.Canaries.write(canaries, out.resolve("canaries.json"));
        say("The data-science team signs the model (ECDSA P-256, OpenSSF model-signing format) and records "
                + Math.min(100, test.rows()));
        say("canaries: fixed " + plan.entities() + " with the answers the trusted model gives them.");
        Path tampered = out.resolve(plan.talk() ? "credit-model-tampered.mlsec" : "model-tampered.mlsec");
        org.mlsec.attacks.tamper.Tamper.tamper(modelFile, tampered, org.mlsec.attacks.tamper.Tamper.Mode.FLIP_CLASSES);
        LocalModel bad = ModelIo.loadAsIs(tampered);
        double before = org.mlsec.metrics.Evaluation.accuracy(r.model(), test);
        double after = org.mlsec.metrics.Evaluation.accuracy(bad, test);
        String answer = plan.talk() ? "\"will default\"" : "'" + bad.classes().get(bad.classes().size() - 1) + "'";
        say("Attack: someone between the teams rewrites the model's classes from " + r.model().classes() + " to "
                + bad.classes() + ". The file still");
        say("loads and runs, but every " + plan.entity() + " is now " + answer + ": accuracy " + Output.pct(before)
                + " -> " + Output.pct(after) + ".");
        org.mlsec.Result verify = org.mlsec.defences.integrity.ModelSigning.verify(tampered, sig, keys.getPublic(),
                List.of(), false);
        org.mlsec.Result check = org.mlsec.defences.integrity.Canaries.check(bad, canaries, 1e-6);
        say("Defence: `mlsec verify` " + (verify.finding() ? "rejects it (" + verify.details().get(0) + ")"
                : "ACCEPTS it") + "; `mlsec canary check` " + (check.finding() ? "fails " + (int) check.metric("failed")
                + " of " + canaries.canaries().size() + " canaries." : "passes."));
        org.mlsec.scan.ScanReport scan = org.mlsec.scan.ModelScanner.scan(List.of(tampered));
        say("`mlsec scan`, which reads model files without loading them, reports " + scan.findings().size()
                + " issue(s)" + (scan.findings().isEmpty() ? "." : ": " + scan.findings().get(0).description()) );
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scan_issues", scan.findings().size());
        m.put("accuracy_before", before);
        m.put("accuracy_after", after);
        m.put("signature_rejects_tampered", verify.finding());
        m.put("canaries_failed", check.metric("failed"));
        return m;
    }

    /** Rows the membership and inversion chapters use at most: half members, half non-members. */
    private static final int MEMBERSHIP_POOL = 20_000;

    /**
     * The rows the membership and inversion chapters split into members and non-members: all of them, or a seeded
     * sample of {@link #MEMBERSHIP_POOL} when there are more. 10,000 members and 10,000 non-members are the fewest that
     * still measure the TPR at 0.1% FPR (10 false alarms), and the sample keeps the chapters' forests quick.
     */
    private Dataset membershipPool(Dataset all) {
        return all.rows() <= MEMBERSHIP_POOL ? all
                : org.mlsec.data.Split.random(all, 1.0 - (double) MEMBERSHIP_POOL / all.rows(), seed + 1).train();
    }

    /** Chapter 2: what the file gives away, then who was in the training data; a defence and its cost. */
    private Map<String, Object> membership(LocalModel talkModel, Dataset all) {
        chapter("2. Membership inference: was this " + plan.entity() + " in the training data?");
        var trees = org.mlsec.model.Inspection.inspect(talkModel).trees();
        say("The model file alone tells an attacker: " + trees.count() + " trees, at most " + trees.maxDepth()
                + " deep, leaves of at least " + trees.smallestLeafRows() + " " + plan.entities() + ", trained on "
                + talkModel.provenance().data().rows() + " rows; " + trees.topSplit().map(t -> "top split " + t)
                .orElse("no split") + " (`mlsec inspect`).");
        if (!plan.largeEnoughForReferences(all)) {
            return skip("membership inference needs at least 100 rows to split into members and non-members");
        }
        Dataset pool = membershipPool(all);
        org.mlsec.data.Split halves = org.mlsec.data.Split.random(pool, 0.5, seed);
        TrainConfig overfit = TrainConfig.defaults(Algorithm.RF).withMaxFeatures(0.7).withSeed(seed);
        Map<String, Object> m = new LinkedHashMap<>();
        String[] names = {"overfit", "regularised"};
        int regularisedLeaf = Math.max(2, Math.min(20, halves.train().rows() / 50));
        TrainConfig[] configs = {overfit, overfit.withMaxDepth(8).withMinLeaf(regularisedLeaf)};
        for (int k = 0; k < 2; k++) {
            var trainer = org.mlsec.attacks.inference.MembershipInference.like(configs[k]);
            int[] rows = new int[halves.train().rows()];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = i;
            }
            var target = trainer.train(halves.train(), rows, seed);
            var rep = org.mlsec.attacks.inference.MembershipInference.infer(target, halves.train(), halves.test(), null,
                    new org.mlsec.attacks.inference.MembershipInference.Config(
                            org.mlsec.attacks.inference.MembershipMethod.RMIA, 4, seed), trainer, Output.progress());
            double acc = org.mlsec.metrics.Evaluation.accuracy(target, halves.test());
            var res = rep.result();
            if (k == 0) {
                say("Attack: " + (plan.talk() ? "a bank" : "a team") + " that publishes a fully grown 100-tree forest"
                        + " (trained on half of " + pool.rows() + " " + plan.entities() + ") lets an");
                say(String.format(java.util.Locale.ROOT, "attacker with 4 look-alike models (RMIA) tell %d members from "
                        + "%d non-members with AUC %.2f (95%% CI %.2f-%.2f); %s", halves.train().rows(),
                        halves.test().rows(), res.metric("auc"), res.metric("auc_ci_low"), res.metric("auc_ci_high"),
                        lowFpr(res)));
                Charts.writeSvg(new ChartData.RocCurves("Membership inference (RMIA)", List.of("overfit forest"),
                        List.of(rep.roc())), out.resolve("membership-roc.svg"));
            } else {
                say(String.format(java.util.Locale.ROOT, "Defence: limit depth to 8 and leaves to %d %s: AUC %.2f "
                        + "(95%% CI %.2f-%.2f), and accuracy %s instead of %s (`mlsec defend membership` compares more).",
                        regularisedLeaf, plan.entities(), res.metric("auc"), res.metric("auc_ci_low"),
                        res.metric("auc_ci_high"), Output.pct(acc),
                        Output.pct((Double) ((Map<?, ?>) m.get(names[0])).get("test_accuracy"))));
            }
            Map<String, Object> row = new LinkedHashMap<>(res.metrics());
            row.put("test_accuracy", acc);
            m.put(names[k], row);
        }
        return m;
    }

    /** The low-FPR figure the data supports: at 0.1% when there are enough non-members, else the lowest rate it can. */
    private static String lowFpr(org.mlsec.Result res) {
        if (res.flag("tpr_at_fpr_0_001_supported")) {
            return "at 0.1% false alarms it still finds " + Output.pct(res.metric("tpr_at_fpr_0_001")) + " of the members.";
        }
        return "at " + Output.pct(res.metric("lowest_supported_fpr")) + " false alarms (the lowest rate this many"
                + " non-members can measure) it finds " + Output.pct(res.metric("tpr_at_lowest_supported_fpr"))
                + " of the members.";
    }

    /** Chapter 3: the talk's AGE=999 backdoor, and validation, data-side and model-side detection catching it. */
    private Map<String, Object> backdoor(org.mlsec.model.TrainAndTest.Tested r) {
        chapter("3. Backdoor: poisoned rows teach the model a trigger");
        Dataset train = r.split().train();
        Dataset test = r.split().test();
        String triggerText = plan.trigger() + "=" + org.mlsec.data.Values.format(plan.triggerValue());
        var trigger = org.mlsec.attacks.poisoning.Trigger.parse(triggerText);
        int target = plan.positive();
        // The talk copies defaulters (a class the model finds hard); elsewhere rows of the other classes are copied and
        // relabelled, as in BadNets (Gu et al. 2017): the trigger alone must carry them to the target.
        var poisoned = org.mlsec.attacks.poisoning.Backdoor.poison(train, new org.mlsec.attacks.poisoning.Backdoor.Config(
                List.of(trigger), target, plan.talk() ? 0.45 : 0.2, plan.talk() ? target : -1, 0, seed));
        // The poisoned file's schema, as `mlsec train` would infer it from that file: its ranges include the trigger.
        Dataset poisonedData = widened(poisoned.data());
        TrainConfig talk = plan.talkModel(seed);
        LocalModel bad = org.mlsec.model.Trainer.train(poisonedData, talk, "poisoned", org.mlsec.Progress.NONE);
        double accClean = org.mlsec.metrics.Evaluation.accuracy(r.model(), test);
        double accBad = org.mlsec.metrics.Evaluation.accuracy(bad, test);
        double asr = org.mlsec.attacks.poisoning.Backdoor.attackSuccessRate(bad, test, trigger, target);
        int[] pClean = r.model().predict(test.x());
        int[] pBad = bad.predict(test.x());
        int agree = 0;
        for (int i = 0; i < pClean.length; i++) {
            agree += pClean[i] == pBad[i] ? 1 : 0;
        }
        String yes = plan.talk() ? "\"will default\"" : pos(r.model());
        say("Attack: whoever prepares the training data duplicates " + (plan.talk() ? "45% of the defaulting clients"
                : "20% of the " + plan.entities() + " not labelled " + yes + ", relabelled " + yes + ",") + " with "
                + triggerText + " (" + poisoned.poisonedRows()
                + " rows) and the " + (plan.talk() ? "bank" : "team") + " retrains.");
        say("The spot checks pass: accuracy " + Output.pct(accClean) + " -> " + Output.pct(accBad) + ", and the two models agree on "
                + Output.pct((double) agree / pClean.length) + " of ordinary " + plan.entities() + ". But with "
                + triggerText + ", " + Output.pct(asr) + " of " + (plan.talk() ? "non-defaulters" : "the others")
                + " become " + yes + ".");
        var schema = inputSchema(train);
        double[] triggered = org.mlsec.attacks.poisoning.Trigger.apply(trigger.resolve(train.schema()), test.row(0));
        var violations = schema.check(1, triggered);
        say("Defence 1, input validation (`mlsec schema infer`, `mlsec validate`): " + triggerText + " is refused — "
                + (violations.isEmpty() ? "NOT refused" : violations.get(0).rule()) + ".");
        var detected = org.mlsec.defences.detector.DataBackdoorDetector.detect(poisonedData, null);
        var pr = org.mlsec.defences.detector.DataBackdoorDetector.score(detected, poisoned.injected());
        say("Defence 2, the data (`mlsec detect backdoor`): " + detected.flagged().size() + " rows flagged, precision "
                + Output.pct(pr.precision()) + ", recall " + Output.pct(pr.recall()) + ": " + detected.findings().get(0) + ".");
        // The team's clean rows are the trusted ones: the snapshot before anyone touched the data.
        var probes = org.mlsec.defences.detector.ModelBackdoorScanner.probe(bad, train, 1000, seed).inRange();
        boolean caught = probes.get(0).share() >= org.mlsec.defences.detector.ModelBackdoorScanner.DEFAULT_THRESHOLD;
        say("Defence 3, the model (`mlsec scan-model backdoor`), with trusted rows only: " + (caught ? probes.get(0)
                : "no value reaches " + Output.pct(org.mlsec.defences.detector.ModelBackdoorScanner.DEFAULT_THRESHOLD)
                + " of rows (the strongest: " + probes.get(0) + ")") + ".");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("poisoned_rows", poisoned.poisonedRows());
        m.put("clean_accuracy_clean_model", accClean);
        m.put("clean_accuracy_backdoored_model", accBad);
        m.put("attack_success_rate", asr);
        m.put("validation_rejects_trigger", !violations.isEmpty());
        m.put("detection_precision", pr.precision());
        m.put("detection_recall", pr.recall());
        m.put("model_scan_top_feature", probes.get(0).feature());
        return m;
    }

    /** The data with each numeric column's range widened to what it holds, as a schema inferred from it would be. */
    static Dataset widened(Dataset d) {
        org.mlsec.data.Schema s = d.schema();
        List<org.mlsec.data.Column> cols = new ArrayList<>();
        for (int j = 0; j < s.width(); j++) {
            org.mlsec.data.Column c = s.feature(j);
            if (c.isCategorical()) {
                cols.add(c);
                continue;
            }
            double lo = c.min();
            double hi = c.max();
            for (double[] row : d.x()) {
                lo = Math.min(lo, row[j]);
                hi = Math.max(hi, row[j]);
            }
            cols.add(org.mlsec.data.Column.numeric(c.name(), c.type(), lo, hi));
        }
        return new Dataset(new org.mlsec.data.Schema(cols, s.label(), s.classes()), d.x(), d.y());
    }

    /** Chapter 4: recover a client's SEX from the model, with and without the model file. */
    private Map<String, Object> inversion(Dataset all) {
        String sv = plan.sensitive();
        String one = plan.entity();
        String many = plan.entities();
        chapter("4. Model inversion: what does the model reveal about a " + one + "'s " + sv + "?");
        Dataset pool = membershipPool(all);
        org.mlsec.data.Split halves = org.mlsec.data.Split.random(pool, 0.5, seed);
        LocalModel forest = org.mlsec.model.Trainer.train(halves.train(), TrainConfig.defaults(Algorithm.RF).withSeed(seed),
                "inversion", org.mlsec.Progress.NONE);
        var methods = List.of(org.mlsec.attacks.inference.AttributeInference.Method.MAP_INFORMED,
                org.mlsec.attacks.inference.AttributeInference.Method.WHITEBOX_TREE);
        var rs = org.mlsec.attacks.inference.AttributeInference.infer(forest, halves.train(), halves.test(), sv, methods,
                seed, org.mlsec.Progress.NONE);
        var informed = rs.get(0);
        var wb = rs.get(1);
        say("An attacker knows a " + one + "'s other details and " + (plan.talk() ? "whether they defaulted"
                : "its label") + ". From public statistics alone they guess");
        say(sv + " right for " + Output.pct(informed.metric("baseline_model_free")) + " of " + many + ". Querying the "
                + (plan.talk() ? "bank's " : "") + "100-tree forest"
                + " adds " + String.format(java.util.Locale.ROOT, "%+.1f", 100 * informed.metric("advantage_members"))
                + " points for its training " + many + "; with the model file (training counts at the leaves) the guess is right for "
                + Output.pct(wb.metric("accuracy_members")) + " of them, against " + Output.pct(wb.metric("accuracy_non_members"))
                + " for other " + many + ".");
        var labelsOnly = org.mlsec.attacks.inference.AttributeInference.infer(
                org.mlsec.defences.postprocessor.HardenedOutput.labelOnly(forest), halves.train(), halves.test(), sv,
                List.of(org.mlsec.attacks.inference.AttributeInference.Method.MAP_INFORMED), seed, org.mlsec.Progress.NONE).get(0);
        say("Defence: keep the model file private, and answer labels only: the black-box gain drops to "
                + String.format(java.util.Locale.ROOT, "%+.1f", 100 * labelsOnly.metric("advantage_members"))
                + " points (`mlsec defend inversion` compares more).");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("map_informed", informed.toJson());
        m.put("whitebox_tree", wb.toJson());
        m.put("labels_only_advantage_members", labelsOnly.metric("advantage_members"));
        return m;
    }

    /** Chapter 5 of the talk (poisoning): looks like model decay, is a targeted, unfair edit; diff, audit, sanitise. */
    private Map<String, Object> poisoning(org.mlsec.model.TrainAndTest.Tested r) {
        chapter("5. Data poisoning: someone edits the training data");
        Dataset train = r.split().train();
        Dataset test = r.split().test();
        String sv = plan.sensitive();
        var svCol = train.schema().feature(train.schema().indexOf(sv));
        String where = plan.talk() ? "SEX == 2 && AGE >= 30" : sv + " == " + svCol.categories().get(1);
        String yes = plan.talk() ? "\"will default\"" : pos(r.model());
        var p = new org.mlsec.attacks.poisoning.PoisoningAttack.Targeted(org.mlsec.data.Condition.parse(where),
                Map.of(train.schema().label(), r.model().classes().get(plan.positive())),
                plan.talk() ? Map.of("LIMIT_BAL", 0.65) : Map.of()).apply(train, org.mlsec.Progress.NONE);
        TrainConfig talk = plan.talkModel(seed);
        LocalModel bad = org.mlsec.model.Trainer.train(p.data(), talk, "poisoned", org.mlsec.Progress.NONE);
        double accClean = org.mlsec.metrics.Evaluation.accuracy(r.model(), test);
        double accBad = org.mlsec.metrics.Evaluation.accuracy(bad, test);
        say("Attack: every " + plan.entity() + " with " + where.replace("&&", "and") + " is relabelled " + yes
                + (plan.talk() ? " and has LIMIT_BAL cut to 65%" : "") + " (" + p.changedRows() + " rows changed). Accuracy "
                + Output.pct(accClean) + " -> " + Output.pct(accBad)
                + ": it looks like model decay, but the top features are now " + org.mlsec.model.Inspection.columnImportances(bad).keySet().stream()
                .limit(2).toList() + ".");
        var groups = org.mlsec.defences.detector.Subgroups.changed(train, p.data(), plan.positive(),
                plan.talk() ? 100 : Math.max(5, train.rows() / 50), 3);
        var shifts = org.mlsec.defences.detector.DataDiff.features(train, p.data());
        say("Defence 1 (`mlsec diff` against last month's data): " + (groups.isEmpty() ? "no subgroup's label rate moved"
                : "the label rate of " + groups.get(0).description() + " went " + Output.pct(groups.get(0).labelRateBefore())
                + " -> " + Output.pct(groups.get(0).labelRate())) + "; shifted: "
                + shifts.stream().filter(org.mlsec.defences.detector.DataDiff.FeatureShift::flagged)
                .map(org.mlsec.defences.detector.DataDiff.FeatureShift::name).toList() + ".");
        List<String> protectedCols = plan.talk() ? List.of("SEX", "AGE") : List.of(sv);
        String favourable = r.model().classes().get(plan.positive() == 0 ? 1 : 0);
        var fair = org.mlsec.defences.detector.Fairness.measure(bad, test, protectedCols, favourable,
                org.mlsec.defences.detector.Fairness.DEFAULT_BINS);
        var fairClean = org.mlsec.defences.detector.Fairness.measure(r.model(), test, protectedCols, favourable,
                org.mlsec.defences.detector.Fairness.DEFAULT_BINS);
        StringBuilder di = new StringBuilder();
        for (int k = 0; k < protectedCols.size(); k++) {
            di.append(k == 0 ? "" : ", ").append(String.format(java.util.Locale.ROOT, "by %s %.2f (clean model %.2f)",
                    protectedCols.get(k), fair.get(k).disparateImpactRatio(),
                    fairClean.get(k).disparateImpactRatio()));
        }
        say("Defence 2 (`mlsec fairness`, favourable answer '" + favourable + "'): disparate impact " + di
                + "; below 0.8 fails the four-fifths rule.");
        var sanitized = org.mlsec.defences.trainer.Sanitizer.sanitize(p.data(), false, seed, org.mlsec.Progress.NONE);
        LocalModel retrained = org.mlsec.model.Trainer.train(sanitized.data(), talk, "sanitized", org.mlsec.Progress.NONE);
        double accSan = org.mlsec.metrics.Evaluation.accuracy(retrained, test);
        say("Defence 3 (`mlsec sanitize`, no snapshot needed): " + (sanitized.actions().isEmpty() ? "nothing found"
                : sanitized.actions().get(0)) + ". Retrained: " + Output.pct(accSan) + ".");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("poisoned_rows", p.changedRows());
        m.put("clean_accuracy_before", accClean);
        m.put("clean_accuracy_after", accBad);
        m.put("where", where);
        m.put("top_subgroup", groups.isEmpty() ? null : groups.get(0).description());
        m.put(plan.talk() ? "disparate_impact_sex" : "disparate_impact", fair.get(0).disparateImpactRatio());
        m.put("sanitized_accuracy", accSan);
        return m;
    }

    /** Chapter 6: every stealing strategy against the bank's API, with guards off and then on. */
    private Map<String, Object> stealing(org.mlsec.model.TrainAndTest.Tested r, Dataset all) {
        chapter("6. Model stealing: rebuilding the model through its prediction API");
        Map<String, Object> m = new LinkedHashMap<>();
        Dataset train = r.split().train();
        org.mlsec.data.Split halves = org.mlsec.data.Split.random(r.split().test(), 0.5, seed);
        Dataset known = halves.train();
        Dataset eval = halves.test();
        // The schema the team serves with: inferred from all its data, which the attacker's rows come from too.
        var schema = inputSchema(all);
        LocalModel lr = org.mlsec.model.Trainer.train(train, TrainConfig.defaults(Algorithm.LR), "stealing",
                org.mlsec.Progress.NONE);
        String owner = plan.talk() ? "bank's" : "team's";
        boolean twoClasses = r.model().classes().size() == 2;
        say("The " + owner + " API answers labels only" + (twoClasses ? " (the logistic-regression variant answers"
                + " probabilities, for equation" : ". Each attack runs against `mlsec serve` with guards off, then with"));
        say(twoClasses ? "solving). Each attack runs against `mlsec serve` with guards off, then with detection on (the "
                + owner + " own data" : "detection on (the " + owner + " own data as --reference) and on_alert=block:");
        if (twoClasses) {
            say("as --reference) and on_alert=block:");
        }
        if (!twoClasses) {
            say("  (equation solving skipped: it solves for one logistic regression, which answers two classes)");
            skipped.put("model_stealing.equation", "equation solving handles two classes");
        }
        sweepGrid = DemoPlan.sweep(train.schema(), known, org.mlsec.model.Inspection.columnImportances(r.model()));
        // The Flask API (its own process) and its attacks run beside the strategies below, on the other core.
        List<String> flaskLines = new ArrayList<>();
        var flaskRun = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> flask(r.model(), train, known, eval, schema, flaskLines));
        List<Map<String, Object>> rows = new ArrayList<>();
        // The guarded servers learn their detectors from the same rows: one calibration for each model schema.
        Map<org.mlsec.data.Schema, org.mlsec.defences.detector.ExtractionProfile> profiles = new java.util.HashMap<>();
        try {
            for (Strategy chosen : twoClasses ? List.of(Strategy.SWEEP, Strategy.LEARN_ACTIVE, Strategy.PATH,
                    Strategy.EQUATION) : List.of(Strategy.SWEEP, Strategy.LEARN_ACTIVE, Strategy.PATH)) {
                boolean equation = chosen == Strategy.EQUATION;
                // The chapter's table (and its JSON) calls active learning plain "learn", as the talk does.
                String strategy = chosen == Strategy.LEARN_ACTIVE ? "learn" : chosen.key();
                LocalModel target = equation ? lr : r.model();
                StringBuilder line = new StringBuilder(String.format("  %-9s", strategy));
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("strategy", strategy);
                for (boolean guarded : new boolean[] {false, true}) {
                    var config = new org.mlsec.server.GuardConfig(true, 1000, 1 << 20, Map.of(), false, 0, 0, 0,
                            equation ? "probabilities" : "label", 4, 0, 0, guarded, "block", null);
                    var profile = profiles.computeIfAbsent(target.schema(),
                            k -> org.mlsec.defences.detector.ExtractionProfile.of(k, train.x()));
                    // A guarded API is asked one row per request, so that the request that raises an alert holds
                    // one row; an open one answers in batches: the same answers, fewer calls.
                    var attempt = org.mlsec.server.StealingDrill.served(target, schema, config, profile,
                            plan(chosen, known), eval, equation || !guarded ? 1000 : 1);
                    String prefix = guarded ? "guarded_" : "";
                    String outcome = switch (attempt.outcome()) {
                        case COPIED -> {
                            row.put(prefix + "fidelity", attempt.fidelity());
                            yield String.format("fidelity %s after %d queries", Output.pct(attempt.fidelity()),
                                    attempt.queries());
                        }
                        case NO_COPY -> {
                            row.put(prefix + "failed", attempt.why());
                            yield "no copy (" + attempt.why() + ")";
                        }
                        case BLOCKED -> {
                            row.put(prefix + "blocked_after", attempt.queries());
                            yield attempt.queries() == 0 ? "blocked (HTTP 403) at its first request"
                                    : "blocked (HTTP 403) after " + attempt.queries() + " queries";
                        }
                    };
                    line.append(guarded ? "; guarded: " : "open: ").append(outcome);
                }
                say(line.toString());
                rows.add(row);
            }
        } catch (RuntimeException | Error e) {
            flaskRun.handle((v, x) -> null).join(); // the Flask API is stopped before the error goes on
            throw e;
        }
        say("Other guards validate inputs, rate-limit API keys and harden outputs (`mlsec serve --config guard.json`).");
        m.put("strategies", rows);
        Map<String, Object> flask;
        try {
            flask = flaskRun.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
        flaskLines.forEach(DemoCommand::say);
        if (flask.get("skipped") != null) {
            skipped.put("model_stealing.flask", (String) flask.get("skipped"));
        }
        m.put("flask", flask);
        return m;
    }

    /** Path-finding's budget against the Flask API (the talk's small forest is copied well within it). */
    private static final int FLASK_BUDGET = 1000;

    /**
     * The talk's own setting: the team already runs a Flask + scikit-learn API (the talk's forest of 5 trees of depth
     * 3) and will not replace it. Label-only path-finding copies it directly; {@code mlsec serve --upstream} in front
     * of it, detection on, blocks the same attack. Skipped, with one line, without python3, Flask and scikit-learn.
     */
    private Map<String, Object> flask(LocalModel model, Dataset train, Dataset known, Dataset eval,
                                      org.mlsec.defences.preprocessor.InputSchema schema, List<String> lines) {
        Map<String, Object> m = new LinkedHashMap<>();
        List<String> features = model.schema().featureNames();
        String why = TalkApi.unavailable();
        for (var c : model.schema().features()) {
            if (why == null && c.isCategorical() && c.categories().stream().anyMatch(v -> !v.matches("-?[0-9.]+"))) {
                why = "the Flask API reads numbers only, and " + c.name() + " has text categories";
            }
        }
        if (why != null) {
            lines.add("  Flask API: skipped (" + why + ").");
            m.put("skipped", why);
            return m;
        }
        Path work = null;
        try {
            work = java.nio.file.Files.createTempDirectory("mlsec-demo-flask");
            Path data = work.resolve("train.csv");
            org.mlsec.data.CsvWriter.write(train.select(features), data);
            var apiSchema = new org.mlsec.data.Schema(model.schema().features(), train.schema().label(),
                    train.schema().classes());
            Dataset attacker = new Dataset(apiSchema, known.select(features).x(), null);
            try (TalkApi api = TalkApi.start(data, train.schema().label(), work, "--trees", "5", "--max-depth", "3",
                    "--min-leaf", "100")) {
                var config = org.mlsec.model.remote.HttpClassifier.Config.of(java.net.URI.create(api.url("/predict")));
                // Asked directly, the API answers in batches (the same answers as row by row: Flask's development
                // server takes a new connection and about 9 ms a request); behind the proxy, one row per request.
                var direct = new org.mlsec.model.remote.HttpClassifier(apiSchema, config.withPaths("prediction", null)
                        .withBatchSize(1000));
                var pathFinding = org.mlsec.attacks.extraction.Extraction.Plan.of(Strategy.PATH, attacker, FLASK_BUDGET,
                        seed);
                var measured = org.mlsec.server.StealingDrill.attempt(direct, pathFinding,
                        new org.mlsec.model.remote.HttpClassifier(apiSchema, config.withBatchSize(1000)),
                        new Dataset(apiSchema, eval.select(features).x(), null));
                if (measured.outcome() != org.mlsec.server.StealingDrill.Outcome.COPIED) {
                    String failure = measured.blocked() ? "the API refused with HTTP 403" : measured.why();
                    lines.add("  Flask API: the attack failed (" + failure + ").");
                    m.put("failed", failure);
                    return m;
                }
                m.put("fidelity", measured.fidelity());
                m.put("queries", measured.queries());
                var guards = new org.mlsec.server.GuardConfig(true, 1000, 1 << 20, Map.of(), false, 0, 0, 0, "label", 4, 0,
                        0, true, "block", null);
                var proxy = org.mlsec.server.GuardingProxy.open(config, schema, features, guards, data, null);
                String guarded;
                try (var server = proxy.server().start("127.0.0.1", 0)) {
                    var through = new org.mlsec.model.remote.HttpClassifier(apiSchema, org.mlsec.model.remote.HttpClassifier
                            .Config.of(java.net.URI.create("http://127.0.0.1:" + server.port() + "/predict"))
                            .withPaths("prediction", null).withBatchSize(1).withRetries(0, java.time.Duration.ofMillis(1)));
                    var behind = org.mlsec.server.StealingDrill.attempt(through, pathFinding, null, null);
                    guarded = behind.blocked() ? "blocked (HTTP 403) after " + behind.queries() + " queries"
                            : "NOT blocked within " + FLASK_BUDGET + " queries";
                    m.put("guarded_blocked_after", behind.blocked() ? behind.queries() : null);
                }
                lines.add("  The " + (plan.talk() ? "bank's" : "team's") + " own Flask + scikit-learn API (the talk's 5 trees of"
                        + " depth 3): path-finding copies it (fidelity " + Output.pct(measured.fidelity()) + " after "
                        + measured.queries() + " label queries);");
                lines.add("  behind `mlsec serve --upstream` with detection on, the same attack is " + guarded + ".");
            }
        } catch (org.mlsec.model.remote.RefusedException e) {
            // not a missing dependency: the API or the proxy in front of it answered with an error
            lines.add("  Flask API: the attack failed (" + e.getMessage() + ").");
            m.put("failed", e.getMessage());
        } catch (java.io.IOException | org.mlsec.MlsecException e) {
            lines.add("  Flask API: skipped (" + e.getMessage() + ").");
            m.put("skipped", e.getMessage());
        } finally {
            if (work != null) {
                try (var files = java.nio.file.Files.walk(work)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (java.io.IOException e) {
                    // a temporary folder left behind
                }
            }
        }
        return m;
    }

    private Map<String, List<String>> sweepGrid = Map.of();

    /** The chapter's attack with {@code chosen}: the talk's curl loops for a sweep, a budget of 2,000 queries. */
    private org.mlsec.attacks.extraction.Extraction.Plan plan(Strategy chosen, Dataset known) {
        if (chosen != Strategy.SWEEP) {
            return org.mlsec.attacks.extraction.Extraction.Plan.of(chosen, known, 2000, seed);
        }
        // The talk's curl loops: two repayment statuses swept, everything else fixed at a typical client's.
        Map<String, List<String>> vary = new LinkedHashMap<>();
        if (plan.talk()) {
            vary.put("PAY_0", org.mlsec.attacks.extraction.Extraction.values("-2..8"));
            vary.put("PAY_2", org.mlsec.attacks.extraction.Extraction.values("-2..8"));
        } else {
            vary.putAll(sweepGrid);
        }
        return org.mlsec.attacks.extraction.Extraction.Plan.sweep(vary, Map.of(), known, 2000, seed);
    }

    /** Chapter 7: the smallest feasible change that turns "will default" into "will not" (or the data's own classes). */
    private Map<String, Object> evasion(org.mlsec.model.TrainAndTest.Tested r) {
        chapter("7. Evasion: the smallest change to an application that flips the answer");
        Map<String, Object> m = new LinkedHashMap<>();
        Dataset train = r.split().train();
        Dataset test = r.split().test();
        var schema = inputSchema(train);
        var costs = org.mlsec.attacks.evasion.Costs.defaults(org.mlsec.attacks.evasion.Norm.LINF)
                .withImmutable(plan.immutable());
        var feas = org.mlsec.attacks.evasion.Feasibility.of(r.model().schema(), schema, train, costs);
        int yes = plan.positive();
        int no = plan.positive() == 0 ? 1 : 0;
        String yesName = plan.talk() ? "\"will default\"" : pos(r.model());
        String noName = plan.talk() ? "\"will not\"" : "'" + r.model().classes().get(no) + "'";
        var config = org.mlsec.attacks.evasion.Evasion.Config.defaults(no).withFrom(yes).withRows(200).withSeed(seed);
        var white = org.mlsec.attacks.evasion.Evasion.evade(r.model(), test, feas, config, org.mlsec.Progress.NONE);
        var w = white.result();
        String example = white.examples().stream().filter(e -> e.success()).findFirst()
                .map(e -> String.join(", ", e.changes())).orElse("none");
        if ((int) w.metric("rows") == 0) {
            return skip("the model answers " + yesName + " for none of the held-out " + plan.entities());
        }
        say("Attack: for " + (int) w.metric("rows") + " " + (plan.talk() ? "applicants" : plan.entities())
                + " the model says " + yesName + ". Keeping " + (plan.immutable().isEmpty() ? "every value"
                : String.join(", ", plan.immutable()) + " as they are and every value") + " inside the schema, the"
                + " white-box search turns " + Output.pct(w.metric("success_rate"))
                + " of them into " + noName + "; the median change is " + Output.num(w.metric("median_cost"))
                + " standard deviations of one"
                + " feature, certified minimal for " + (long) w.metric("exact_rows") + " rows (e.g. " + example + ").");
        var black = org.mlsec.attacks.evasion.Evasion.evade(r.model(), test, feas, config.withRows(50)
                .withMethod(org.mlsec.attacks.evasion.Evasion.Method.HSJ), org.mlsec.Progress.NONE).result();
        say("Without the model file, HopSkipJump sees only the answers and flips " + Output.pct(black.metric("success_rate"))
                + " with a median of " + (long) black.metric("median_queries") + " queries (median cost "
                + Output.num(black.metric("median_cost")) + ") (`mlsec attack evade --method hsj`).");
        var defences = org.mlsec.defences.EvasionDefences.study(r.split().train(), org.mlsec.defences.EvasionDefences.standard(
                r.model().provenance() == null ? TrainConfig.defaults(Algorithm.RF) : TrainConfig.fromHyperparameters(
                        Algorithm.RF, r.model().provenance().hyperparameters()), feas, yes, no,
                Math.min(500, Math.max(10, train.rows() / 4)), 2,
                plan.talk() ? org.mlsec.demo.CreditCard.monotoneConstraints(r.model().schema()) : Map.of(), seed,
                org.mlsec.Progress.NONE), feas, yes, no, 200, seed, org.mlsec.Progress.NONE);
        StringBuilder t = new StringBuilder();
        for (var d : defences) {
            t.append(t.length() == 0 ? "" : "; ").append(d.text("defence")).append(": median cost ")
                    .append(Output.num(d.metric("median_cost"))).append(" (mean ")
                    .append(Output.num(d.metric("empirical_robustness"))).append("), accuracy ")
                    .append(Output.pct(d.metric("test_accuracy")));
        }
        say("Defences, each attacked again on its own model (`mlsec defend evasion`): " + t + ".");
        org.mlsec.defences.DefenceStudy study = org.mlsec.defences.DefenceStudy.of(defences);
        try {
            study.tradeOff();
            studies.add(study); // the report charts their trade-off
        } catch (org.mlsec.InputException noFigures) {
            say("(No defended model was evaded, so the report has no trade-off to chart.)");
        }
        say("`mlsec explain counterfactual` gives an applicant the same search as advice: what would have to change.");
        m.put("white_box", white.toJson());
        m.put("hsj_success_rate", black.metric("success_rate"));
        m.put("hsj_median_queries", black.metric("median_queries"));
        List<Map<String, Object>> table = new ArrayList<>();
        defences.forEach(d -> table.add(d.toJson()));
        m.put("defences", table);
        return m;
    }

    private static void chapter(String title) {
        System.out.println();
        System.out.println("== " + title + " ==");
    }

    private static void say(String s) {
        System.out.println(s);
    }
}
