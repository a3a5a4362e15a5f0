package org.mlsec.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.mlsec.InputException;
import org.mlsec.Result;
import org.mlsec.attacks.poisoning.Poisoning;
import org.mlsec.attacks.poisoning.PoisoningAttack;
import org.mlsec.attacks.poisoning.PoisoningImpact;
import org.mlsec.data.Condition;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.CsvWriter;
import org.mlsec.data.Dataset;
import org.mlsec.defences.detector.DataDiff;
import org.mlsec.defences.detector.Fairness;
import org.mlsec.defences.detector.ModelComparison;
import org.mlsec.defences.detector.SnapshotDiff;
import org.mlsec.defences.trainer.Sanitizer;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Models;
import org.mlsec.model.TrainConfig;
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

        @Mixin
        JsonOption json;

        @Override
        public Integer call() {
            int modes = (where != null ? 1 : 0) + (flipRate != null ? 1 : 0) + (flipBudget != null ? 1 : 0);
            if (modes != 1) {
                throw new InputException("give exactly one of --where (with --set/--scale), --flip-rate or --flip-budget");
            }
            Dataset full = readAll(data, data.requireData());
            List<String> keep = features != null ? features : kept(full, data);
            PoisoningImpact.Impact r = PoisoningImpact.measure(full, poison(keep, full.rows()),
                    PoisoningImpact.Config.of(modelOptions.config(seed), keep, seed), Output.progress());
            CsvWriter.write(truth ? Poisoning.withTruth(r.file().data(), r.file().changed()) : r.file().data(), out);
            System.out.printf("Poisoned %d of %d rows in %s (the file); measured with %d of the %d training rows poisoned"
                            + " the same way.%n", r.file().changedRows(), full.rows(), out, r.train().changedRows(),
                    r.split().train().rows());
            System.out.printf("  accuracy on clean held-out rows: %s before, %s after%n", Output.pct(r.accuracyBefore()),
                    Output.pct(r.accuracyAfter()));
            r.groupRates().forEach(g -> System.out.printf("  predicted %s rate, %s: %s -> %s%n", r.positiveClass(),
                    g.group(), Output.pct(g.before()), Output.pct(g.after())));
            System.out.println("  most important before: " + r.importancesBefore().keySet().stream().limit(3).toList()
                    + ", after: " + r.importancesAfter().keySet().stream().limit(3).toList());
            Output.json(json, r.toJson());
            return Main.OK;
        }

        private PoisoningAttack poison(List<String> keep, int rows) {
            if (where != null) {
                return new PoisoningAttack.Targeted(Condition.parse(where), Assignments.of(set, "--set"),
                        Assignments.factors(scale, "--scale"));
            }
            if (flipRate != null) {
                if (!(flipRate > 0 && flipRate < 1)) {
                    throw new InputException("--flip-rate must be in (0, 1), got " + flipRate);
                }
                return new PoisoningAttack.RandomFlip(flipRate, seed);
            }
            if (flipBudget <= 0 || flipBudget >= rows) {
                throw new InputException("--flip-budget must be between 1 and the number of rows (" + rows + "), got "
                        + flipBudget);
            }
            return new PoisoningAttack.BudgetFlip(flipBudget, keep, TrainConfig.defaults(Algorithm.parse(against)), seed);
        }
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

        @Mixin
        JsonOption json;

        @Override
        public Integer call() {
            Dataset before = readAll(data, reference);
            Dataset after = CsvReader.read(data.requireData(), before.schema(), data.options(data.label));
            SnapshotDiff.Report r = SnapshotDiff.compare(before, after, kept(before, data), id);
            System.out.printf("%s against %s: %d and %d rows; label %s rate %s -> %s%n", data.data, reference, after.rows(),
                    before.rows(), r.positiveClass(), Output.pct(r.labelRateBefore()), Output.pct(r.labelRateAfter()));
            System.out.println("  shifted features:");
            r.flagged().forEach(f -> System.out.printf(
                    "    %-12s %s %.3f, p %.2g, PSI %.3f%n", f.name(), f.test(), f.statistic(), f.pValue(), f.psi()));
            System.out.println("  subgroups whose label rate changed most:");
            r.subgroups().stream().limit(5).forEach(g -> System.out.printf("    %-40s %6d rows  %s -> %s%n", g.description(),
                    g.rows(), Output.pct(g.labelRateBefore()), Output.pct(g.labelRate())));
            if (id != null) {
                System.out.println("  rows matched by " + id + ": " + r.rows());
            }
            if (plots != null) {
                for (DataDiff.FeatureShift f : r.flagged()) {
                    Charts.writeSvg(new ChartData.Histograms(f.name(), before.column(f.name()), after.column(f.name())),
                            plots.resolve(f.name() + ".svg"));
                }
                System.out.println(r.flagged().isEmpty() ? "  no histograms: no feature was flagged"
                        : "  " + r.flagged().size() + " histograms of flagged features in " + plots);
            }
            Output.json(json, r.toJson());
            return r.finding() ? Main.FINDINGS : Main.OK;
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
            Output.json(json, s.toJson());
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

        @Mixin
        JsonOption json;

        @Override
        public Integer call() {
            Target t = Target.open(model, data, true);
            if (bins < 2) {
                throw new InputException("--bins must be at least 2, got " + bins);
            }
            String fav = favourable != null ? favourable : t.data().schema().classes().get(0);
            List<Map<String, Object>> out = new ArrayList<>();
            boolean finding = false;
            for (Fairness.Attribute a : Fairness.measure(t.model(), t.data(), protectedColumns, fav, bins)) {
                System.out.printf("%s: demographic parity difference %.3f, equal opportunity difference %.3f, disparate"
                                + " impact %.2f%s%n", a.attribute(), a.demographicParityDifference(),
                        a.equalOpportunityDifference(), a.disparateImpactRatio(), a.unfair() ? "  <- unfair" : "");
                for (Fairness.Group g : a.groups()) {
                    System.out.printf("    %-22s %6s rows, answered '%s' %s, of those truly '%s' %s%n", g.name(),
                            g.rows(), fav, Output.pct(g.favourableRate()), fav, Output.pct(g.trueFavourableRate()));
                }
                if (!a.groupsTooSmall().isEmpty()) {
                    System.out.println("    (groups of fewer than " + Fairness.MIN_GROUP + " rows left out: "
                            + a.groupsTooSmall() + ")");
                }
                finding |= a.unfair();
                out.add(a.toResult().toJson());
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

        @Mixin
        JsonOption json;

        @Override
        public Integer call() {
            if (models.size() != 2) {
                throw new InputException("give --model twice: the reference model, then the one to compare");
            }
            LocalModel a = Models.load(models.get(0));
            LocalModel b = Models.load(models.get(1));
            ModelComparison.Comparison c = data.data == null ? ModelComparison.compare(a, b)
                    : ModelComparison.compare(a, b, data.readFor(a.schema(), false));
            System.out.println("Largest importance changes (A -> B):");
            c.importances().stream().limit(6).forEach(r -> System.out.printf("  %-12s %5.1f%% -> %5.1f%%%n", r.feature(),
                    100 * r.importanceA(), 100 * r.importanceB()));
            if (c.answers() != null) {
                ModelComparison.Answers on = c.answers();
                System.out.printf("On %s: predicted %s rate %s -> %s; the models agree on %s of rows.%n", data.data,
                        on.positiveClass(), Output.pct(on.positiveRateA()), Output.pct(on.positiveRateB()),
                        Output.pct(on.agreement()));
            }
            Map<String, Object> res = c.toJson();
            Output.json(json, res);
            return Main.OK;
        }
    }
}
