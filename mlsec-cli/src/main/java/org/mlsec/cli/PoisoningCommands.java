package org.mlsec.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.mlsec.InputException;
import org.mlsec.Result;
import org.mlsec.attacks.poisoning.Poisoning;
import org.mlsec.data.Column;
import org.mlsec.data.ColumnType;
import org.mlsec.data.Condition;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.CsvWriter;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.data.Split;
import org.mlsec.defences.detector.DataDiff;
import org.mlsec.defences.detector.Fairness;
import org.mlsec.defences.detector.Subgroups;
import org.mlsec.defences.trainer.Sanitizer;
import org.mlsec.metrics.Evaluation;
import org.mlsec.model.Algorithm;
import org.mlsec.model.Classifier;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Models;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;
import org.mlsec.report.ChartData;
import org.mlsec.report.render.Charts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Data poisoning: the attack, and diffs, sanitisation, fairness audits and model comparison against it. */
final class PoisoningCommands {
    private PoisoningCommands() {
    }

    /** Reads every column (so the written CSV keeps them) with the label. */
    static Dataset readAll(DataOptions data, Path file) {
        if (data.label == null) {
            throw new InputException("--label COLUMN is required");
        }
        return CsvReader.read(file, new CsvOptions(data.options(data.label).delimiter(), data.label, Set.of(),
                Set.copyOf(data.categorical), Set.copyOf(data.numeric)));
    }

    static List<String> kept(Dataset d, DataOptions data) {
        List<String> keep = new ArrayList<>(d.schema().featureNames());
        keep.removeAll(new HashSet<>(data.drop));
        return keep;
    }

    static void writeWithTruth(Dataset d, boolean[] changed, boolean truth, Path out) {
        if (!truth) {
            CsvWriter.write(d, out);
            return;
        }
        List<Column> cols = new ArrayList<>(d.schema().features());
        cols.add(Column.numeric("POISONED", ColumnType.INTEGER, 0, 1));
        double[][] x = new double[d.rows()][];
        for (int i = 0; i < x.length; i++) {
            x[i] = java.util.Arrays.copyOf(d.row(i), d.schema().width() + 1);
            x[i][x[i].length - 1] = changed[i] ? 1 : 0;
        }
        CsvWriter.write(new Dataset(new Schema(cols, d.schema().label(), d.schema().classes()), x, d.y()), out);
    }

    @Command(name = "poison", mixinStandardHelpOptions = true,
            description = {"Poison training data: targeted edits (--where COND --set COL=V --scale COL=F), random label",
                    "flips (--flip-rate R) or budgeted greedy flips (--flip-budget N); measure a clean and a poisoned model."})
    static final class Poison implements Callable<Integer> {
        @Mixin
        DataOptions data;

        @Option(names = "--where", paramLabel = "COND", description = "Rows to edit, e.g. \"SEX == 2 && AGE >= 30\".")
        String where;

        @Option(names = "--set", paramLabel = "COL=V", description = "Assignments (the label included), e.g. DEFAULT=1.")
        List<String> set = new ArrayList<>();

        @Option(names = "--scale", paramLabel = "COL=F", description = "Multiply a column, e.g. LIMIT_BAL=0.65.")
        List<String> scale = new ArrayList<>();

        @Option(names = "--flip-rate", paramLabel = "R", description = "Flip the labels of a random share of rows.")
        Double flipRate;

        @Option(names = "--flip-budget", paramLabel = "N", description = "Flip N labels chosen greedily against --against.")
        Integer flipBudget;

        @Option(names = "--against", paramLabel = "ALGO", defaultValue = "rf", description = "The victim's model for --flip-budget (default: ${DEFAULT-VALUE}).")
        String against;

        @Mixin
        ModelOptions modelOptions;

        @Option(names = "--features", paramLabel = "A,B", split = ",", description = "Train on these columns only.")
        List<String> features;

        @Option(names = "--out", paramLabel = "FILE", required = true, description = "The poisoned CSV.")
        Path out;

        @Option(names = "--truth-column", description = "Add a column POISONED (1 for changed rows).")
        boolean truth;

        @Option(names = "--seed", paramLabel = "S", defaultValue = "42") long seed;

        @Option(names = "--json", paramLabel = "FILE", description = "Write the results as JSON.")
        Path json;

        @Override
        public Integer call() {
            int modes = (where != null ? 1 : 0) + (flipRate != null ? 1 : 0) + (flipBudget != null ? 1 : 0);
            if (modes != 1) {
                throw new InputException("give exactly one of --where (with --set/--scale), --flip-rate or --flip-budget");
            }
            Dataset full = readAll(data, data.requireData());
            Condition cond = where == null ? null : Condition.parse(where);
            TrainConfig tc = modelOptions.config(seed);
            Split split = Split.stratified(full, 0.1, seed);
            Poisoning.Poisoned all = poison(full, cond, tc);
            Poisoning.Poisoned train = poison(split.train(), cond, tc);
            writeWithTruth(all.data(), all.changed(), truth, out);

            List<String> keep = features != null ? features : kept(full, data);
            LocalModel clean = Trainer.train(split.train().select(keep), tc, data.data.toString(), Output.progress());
            LocalModel bad = Trainer.train(train.data().select(keep), tc, out.toString(), Output.progress());
            Dataset test = split.test().select(keep);
            double before = Evaluation.accuracy(clean, test);
            double after = Evaluation.accuracy(bad, test);
            Map<String, Object> rates = new LinkedHashMap<>();
            if (cond != null) {
                rates.put("target group: " + where, groupRates(clean, bad, split.test(), keep, cond, true));
                rates.put("everyone else", groupRates(clean, bad, split.test(), keep, cond, false));
            }
            rates.put("all", groupRates(clean, bad, split.test(), keep, null, true));
            Result r = Result.of("poisoning", cond != null ? "targeted" : flipRate != null ? "random-flip" : "budget-flip")
                    .metric("clean_accuracy_before", before).metric("clean_accuracy_after", after)
                    .metric("poisoned_rows", train.changedRows()).metric("poisoned_rows_in_file", all.changedRows())
                    .metric("group_rates", rates)
                    .metric("importances_before", DemoCommand.importanceMap(clean))
                    .metric("importances_after", DemoCommand.importanceMap(bad))
                    .finding(true).build();
            System.out.printf("Poisoned %d of %d rows in %s (the file); measured with %d of the %d training rows poisoned"
                            + " the same way.%n", all.changedRows(), full.rows(), out, train.changedRows(),
                    split.train().rows());
            System.out.printf("  accuracy on clean held-out rows: %s before, %s after%n", Output.pct(before), Output.pct(after));
            rates.forEach((k, v) -> System.out.printf("  predicted %s rate, %s: %s -> %s%n", full.schema().classes()
                            .get(full.schema().classes().size() - 1), k, Output.pct(((Map<?, ?>) v).get("before") instanceof Double b ? b : 0),
                    Output.pct(((Map<?, ?>) v).get("after") instanceof Double a ? a : 0)));
            System.out.println("  most important before: " + DemoCommand.importanceMap(clean).keySet().stream().limit(3).toList()
                    + ", after: " + DemoCommand.importanceMap(bad).keySet().stream().limit(3).toList());
            Output.json(json, r.toJson());
            return Main.OK;
        }

        private Poisoning.Poisoned poison(Dataset d, Condition cond, TrainConfig tc) {
            if (cond != null) {
                return Poisoning.targeted(d, cond, Assignments.of(set, "--set"), Assignments.factors(scale, "--scale"));
            }
            if (flipRate != null) {
                return Poisoning.flipRandom(d, flipRate, seed);
            }
            Dataset sel = d.select(features != null ? features : kept(d, data));
            Poisoning.Poisoned p = Poisoning.flipBudget(sel, flipBudget, TrainConfig.defaults(Algorithm.parse(against))
                    .withSeed(seed), seed, Output.progress());
            return new Poisoning.Poisoned(new Dataset(d.schema(), d.x(), p.data().y()), p.changed(), p.changedRows());
        }

        private Map<String, Object> groupRates(Classifier clean, Classifier bad, Dataset test, List<String> keep,
                                               Condition cond, boolean inside) {
            List<Integer> rows = new ArrayList<>();
            for (int i = 0; i < test.rows(); i++) {
                if (cond == null || cond.test(test.schema(), test.row(i)) == inside) {
                    rows.add(i);
                }
            }
            Dataset g = test.subset(rows.stream().mapToInt(Integer::intValue).toArray()).select(keep);
            String positive = test.schema().classes().get(test.schema().classes().size() - 1);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rows", g.rows());
            m.put("before", positiveRate(clean, g, positive));
            m.put("after", positiveRate(bad, g, positive));
            return m;
        }
    }

    static double positiveRate(Classifier m, Dataset d, String positive) {
        if (d.rows() == 0) {
            return Double.NaN;
        }
        String[] names = Evaluation.predictedNames(m, d.x());
        int n = 0;
        for (String s : names) {
            n += s.equals(positive) ? 1 : 0;
        }
        return (double) n / names.length;
    }

    @Command(name = "diff", mixinStandardHelpOptions = true,
            description = {"Compare new training data with a trusted snapshot: per-feature tests (KS, chi-square, PSI),",
                    "label rates, row-level edits by ID, and the subgroups whose label rate changed most."})
    static final class Diff implements Callable<Integer> {
        @Option(names = "--reference", paramLabel = "FILE", required = true, description = "The trusted snapshot.")
        Path reference;

        @Mixin
        DataOptions data;

        @Option(names = "--id", paramLabel = "COLUMN", description = "Column that identifies rows in both files.")
        String id;

        @Option(names = "--plots", paramLabel = "DIR", description = "Write before/after histograms of flagged features (SVG).")
        Path plots;

        @Option(names = "--json", paramLabel = "FILE", description = "Write the results as JSON.")
        Path json;

        @Override
        public Integer call() {
            Dataset before = readAll(data, reference);
            Dataset after = CsvReader.read(data.requireData(), before.schema(), data.options(data.label));
            Dataset b = before.select(kept(before, data));
            Dataset a = after.select(kept(before, data));
            List<DataDiff.FeatureShift> shifts = DataDiff.features(b, a);
            int positive = before.schema().classes().size() - 1;
            int minRows = Math.max(30, before.rows() / 200);
            List<Subgroups.Group> groups = Subgroups.changed(b, a, positive, minRows, 10);
            double rb = before.classShares()[positive];
            double ra = after.classShares()[positive];
            System.out.printf("%s against %s: %d and %d rows; label %s rate %s -> %s%n", data.data, reference, after.rows(),
                    before.rows(), before.schema().classes().get(positive), Output.pct(rb), Output.pct(ra));
            System.out.println("  shifted features:");
            shifts.stream().filter(DataDiff.FeatureShift::flagged).forEach(f -> System.out.printf(
                    "    %-12s %s %.3f, p %.2g, PSI %.3f%n", f.name(), f.test(), f.statistic(), f.pValue(), f.psi()));
            System.out.println("  subgroups whose label rate changed most:");
            groups.stream().limit(5).forEach(g -> System.out.printf("    %-40s %6d rows  %s -> %s%n", g.description(), g.rows(),
                    Output.pct(g.labelRateBefore()), Output.pct(g.labelRate())));
            Map<String, Object> res = new LinkedHashMap<>();
            List<Map<String, Object>> fs = new ArrayList<>();
            for (DataDiff.FeatureShift f : shifts) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", f.name());
                m.put("test", f.test());
                m.put("statistic", f.statistic());
                m.put("p_value", f.pValue());
                m.put("psi", f.psi());
                m.put("flagged", f.flagged());
                fs.add(m);
            }
            res.put("features", fs);
            res.put("label_rate_before", rb);
            res.put("label_rate_after", ra);
            List<Map<String, Object>> gs = new ArrayList<>();
            for (Subgroups.Group g : groups) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("description", g.description());
                m.put("rows", g.rows());
                m.put("label_rate_before", g.labelRateBefore());
                m.put("label_rate_after", g.labelRate());
                gs.add(m);
            }
            res.put("subgroups", gs);
            if (id != null) {
                res.put("rows", DataDiff.rows(before, after, id));
                System.out.println("  rows matched by " + id + ": " + res.get("rows"));
            }
            if (plots != null) {
                int written = 0;
                for (DataDiff.FeatureShift f : shifts) {
                    if (f.flagged()) {
                        Charts.writeSvg(new ChartData.Histograms(f.name(), column(b, f.name()), column(a, f.name())),
                                plots.resolve(f.name() + ".svg"));
                        written++;
                    }
                }
                System.out.println(written == 0 ? "  no histograms: no feature was flagged"
                        : "  " + written + " histograms of flagged features in " + plots);
            }
            Output.json(json, res);
            boolean finding = shifts.stream().anyMatch(DataDiff.FeatureShift::flagged)
                    || (!groups.isEmpty() && Math.abs(groups.get(0).labelRate() - groups.get(0).labelRateBefore()) > 0.2);
            return finding ? Main.FINDINGS : Main.OK;
        }

        static double[] column(Dataset d, String name) {
            int j = d.schema().require(name);
            double[] v = new double[d.rows()];
            for (int i = 0; i < v.length; i++) {
                v[i] = d.row(i)[j];
            }
            return v;
        }
    }

    @Command(name = "sanitize", mixinStandardHelpOptions = true,
            description = {"Sanitise training data without a snapshot: relabel implausible subgroups (nearly one label",
                    "inside, not just outside) from a model of the other rows; optionally kNN label consistency."})
    static final class Sanitize implements Callable<Integer> {
        @Mixin
        DataOptions data;

        @Option(names = "--out", paramLabel = "FILE", required = true, description = "The sanitised CSV.")
        Path out;

        @Option(names = "--knn", description = "Also relabel rows whose 10 nearest neighbours almost all disagree.")
        boolean knn;

        @Option(names = "--seed", paramLabel = "S", defaultValue = "42") long seed;

        @Option(names = "--json", paramLabel = "FILE", description = "Write what was changed as JSON.")
        Path json;

        @Override
        public Integer call() {
            Dataset full = readAll(data, data.requireData());
            Dataset analysed = full.select(kept(full, data));
            Sanitizer.Sanitized s = Sanitizer.sanitize(analysed, knn, seed, Output.progress());
            CsvWriter.write(new Dataset(full.schema(), full.x(), s.data().y()), out);
            s.actions().forEach(a -> System.out.println("  " + a));
            System.out.printf("Relabelled %d of %d rows; wrote %s.%n", s.relabelled().size(), full.rows(), out);
            Map<String, Object> res = new LinkedHashMap<>();
            res.put("rows", full.rows());
            res.put("relabelled", s.relabelled().size());
            res.put("actions", s.actions());
            res.put("relabelled_lines", s.relabelled().stream().sorted().limit(100_000).map(i -> i + 2).toList());
            Output.json(json, res);
            return Main.OK;
        }
    }

    @Command(name = "fairness", mixinStandardHelpOptions = true,
            description = {"Fairness audit: demographic-parity and equal-opportunity differences and the disparate-impact",
                    "ratio of the favourable answer per protected attribute (numeric ones in quantile bins), with group",
                    "sizes. Exit 1 when a gap is too large."})
    static final class FairnessAudit implements Callable<Integer> {
        @Option(names = "--model", paramLabel = "MODEL", required = true, description = "Model file, ONNX file or URL.")
        String model;

        @Mixin
        DataOptions data;

        @Option(names = "--protected", paramLabel = "A,B", split = ",", required = true, description = "Protected attributes, e.g. SEX,AGE.")
        List<String> protectedColumns;

        @Option(names = "--favourable", paramLabel = "CLASS", description = "The favourable answer (default: the label's first class).")
        String favourable;

        @Option(names = "--bins", paramLabel = "N", defaultValue = "5",
                description = "Quantile bins for numeric attributes with more than 10 values (default: ${DEFAULT-VALUE}).")
        int bins;

        @Option(names = "--json", paramLabel = "FILE", description = "Write the results as JSON.")
        Path json;

        @Override
        public Integer call() {
            Target t = Target.open(model, data, true);
            if (bins < 2) {
                throw new InputException("--bins must be at least 2, got " + bins);
            }
            String fav = favourable != null ? favourable : t.data().schema().classes().get(0);
            List<Result> rs = Fairness.audit(t.model(), t.data(), protectedColumns, fav, bins);
            List<Map<String, Object>> out = new ArrayList<>();
            boolean finding = false;
            for (Result r : rs) {
                System.out.printf("%s: demographic parity difference %.3f, equal opportunity difference %.3f, disparate"
                                + " impact %.2f%s%n", r.metrics().get("attribute"), r.metric("demographic_parity_difference"),
                        r.metric("equal_opportunity_difference"), r.metric("disparate_impact_ratio"),
                        r.finding() ? "  <- unfair" : "");
                ((Map<?, ?>) r.metrics().get("groups")).forEach((g, v) -> System.out.printf(
                        "    %-22s %6s rows, answered '%s' %s, of those truly '%s' %s%n", g, ((Map<?, ?>) v).get("rows"),
                        fav, Output.pct((Double) ((Map<?, ?>) v).get("favourable_rate")), fav,
                        Output.pct((Double) ((Map<?, ?>) v).get("true_favourable_rate"))));
                if (r.metrics().containsKey("groups_too_small")) {
                    System.out.println("    (groups of fewer than " + Fairness.MIN_GROUP + " rows left out: "
                            + r.metrics().get("groups_too_small") + ")");
                }
                finding |= r.finding();
                out.add(r.toJson());
            }
            Output.json(json, Map.of("attributes", out));
            return finding ? Main.FINDINGS : Main.OK;
        }
    }

    @Command(name = "compare", mixinStandardHelpOptions = true,
            description = "Compare two models: feature-importance changes and, with --data, prediction rates and agreement.")
    static final class Compare implements Callable<Integer> {
        @Option(names = "--model", paramLabel = "MODEL", required = true, arity = "1", description = "Give twice: A then B.")
        List<Path> models;

        @Mixin
        DataOptions data;

        @Option(names = "--json", paramLabel = "FILE", description = "Write the results as JSON.")
        Path json;

        @Override
        public Integer call() {
            if (models.size() != 2) {
                throw new InputException("give --model twice: the reference model, then the one to compare");
            }
            LocalModel a = Models.load(models.get(0));
            LocalModel b = Models.load(models.get(1));
            Map<String, Double> ia = DemoCommand.importanceMap(a);
            Map<String, Double> ib = DemoCommand.importanceMap(b);
            Map<String, Object> res = new LinkedHashMap<>();
            List<Map<String, Object>> rows = new ArrayList<>();
            Set<String> names = new java.util.LinkedHashSet<>(ia.keySet());
            names.addAll(ib.keySet());
            for (String n : names) {
                double x = ia.getOrDefault(n, 0.0);
                double y = ib.getOrDefault(n, 0.0);
                rows.add(new LinkedHashMap<>(Map.of("feature", n, "importance_a", x, "importance_b", y, "change", y - x)));
            }
            rows.sort((p, q) -> Double.compare(Math.abs((Double) q.get("change")), Math.abs((Double) p.get("change"))));
            System.out.println("Largest importance changes (A -> B):");
            rows.stream().limit(6).forEach(r -> System.out.printf("  %-12s %5.1f%% -> %5.1f%%%n", r.get("feature"),
                    100 * (Double) r.get("importance_a"), 100 * (Double) r.get("importance_b")));
            res.put("importances", rows);
            if (data.data != null) {
                Dataset d = data.readFor(a.schema(), false);
                int[] pa = a.predict(d.x());
                int[] pb = b.predict(d.x());
                int agree = 0;
                for (int i = 0; i < pa.length; i++) {
                    agree += a.classes().get(pa[i]).equals(b.classes().get(pb[i])) ? 1 : 0;
                }
                String positive = a.classes().get(a.classes().size() - 1);
                double ra = positiveRate(a, d, positive);
                double rb = positiveRate(b, d, positive);
                System.out.printf("On %s: predicted %s rate %s -> %s; the models agree on %s of rows.%n", data.data, positive,
                        Output.pct(ra), Output.pct(rb), Output.pct((double) agree / pa.length));
                res.put("positive_rate_a", ra);
                res.put("positive_rate_b", rb);
                res.put("agreement", (double) agree / pa.length);
            }
            Output.json(json, res);
            return Main.OK;
        }
    }
}
