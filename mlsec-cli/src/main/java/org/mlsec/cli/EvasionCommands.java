package org.mlsec.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mlsec.InputException;
import org.mlsec.Result;
import org.mlsec.attacks.evasion.Costs;
import org.mlsec.attacks.evasion.Evasion;
import org.mlsec.attacks.evasion.Feasibility;
import org.mlsec.attacks.evasion.Norm;
import org.mlsec.data.CsvWriter;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.data.Values;
import org.mlsec.defences.preprocessor.InputSchema;
import org.mlsec.model.Classifier;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Models;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Evasion: adversarial examples under real-world constraints, and their benign twin, counterfactual explanations. */
final class EvasionCommands {
    private EvasionCommands() {
    }

    /** What may change and what a change costs: shared by every evasion command. */
    static final class ConstraintOptions {
        @Option(names = "--schema", paramLabel = "FILE", description = "Input schema (mlsec schema infer): ranges, categories, rules.")
        Path schema;

        @Option(names = "--immutable", paramLabel = "A,B", split = ",", description = "Features that cannot change, e.g. SEX,AGE,EDUCATION,MARRIAGE.")
        List<String> immutable = new ArrayList<>();

        @Option(names = "--costs", paramLabel = "FILE", description = "costs.json: norm, immutable features, per-feature cost and direction.")
        Path costs;

        @Option(names = "--norm", paramLabel = "N", description = "linf (largest single change) or l1 (sum of changes); default linf or the costs file's.")
        String norm;

        Feasibility feasibility(Schema model, Dataset scaleData) {
            return feasibility(schema, immutable, costs, norm, model, scaleData);
        }

        /** The attacker's feasibility from these options' values (train's robust options share it). */
        static Feasibility feasibility(Path schema, List<String> immutable, Path costs, String norm, Schema model,
                                       Dataset scaleData) {
            Costs c = costs == null ? Costs.defaults(Norm.LINF) : Costs.read(costs);
            if (norm != null) {
                c = c.withNorm(Norm.parse(norm));
            }
            c = c.withImmutable(immutable);
            for (String name : c.immutable()) {
                if (model.indexOf(name) < 0) {
                    System.err.println("note: immutable feature " + name + " is not an input of the model (nothing to hold)");
                }
            }
            return Feasibility.of(model, schema == null ? null : InputSchema.read(schema), scaleData, c);
        }
    }

    static int classIndex(Classifier m, String name, String option) {
        return classIndex(m.classes(), name, option);
    }

    static int classIndex(List<String> classes, String name, String option) {
        int k = classes.indexOf(Values.canonical(name));
        if (k < 0) {
            throw new InputException(option + " " + name + ": the classes are " + classes);
        }
        return k;
    }

    /** The target class: --to, or for two classes the other one than --from. */
    static int target(Classifier m, String from, String to) {
        if (to != null) {
            return classIndex(m, to, "--to");
        }
        if (m.classes().size() == 2 && from != null) {
            return 1 - classIndex(m, from, "--from");
        }
        throw new InputException("--to CLASS is required (the class the changed input should get)");
    }

    @Command(name = "evade", mixinStandardHelpOptions = true,
            description = {"Evasion: the smallest feasible change to each input that flips the model's answer (adversarial",
                    "examples), under the schema's constraints; success rate, cost, queries and the changes made."})
    static final class Evade implements Callable<Integer> {
        @Option(names = "--certify-radius", paramLabel = "R",
                description = "Report the share of rows certified robust beyond this cost (exact search or verified bound).")
        Double certifyRadius;

        @Option(names = "--model", paramLabel = "MODEL", description = "Model file (white-box for mlsec models), ONNX file.")
        String model;

        @Option(names = "--target", paramLabel = "URL", description = "Or a scoring API (labels only: hsj or boundary).")
        String target;

        @Mixin
        DataOptions data;

        @Option(names = "--classes", paramLabel = "A,B", split = ",",
                description = "--target without --label: the API's classes (default: learnt from its answers).")
        List<String> classes;

        @Mixin
        ConstraintOptions constraints;

        @Option(names = "--from", paramLabel = "CLASS", description = "Attack rows the model gives this class (e.g. 1 = will default).")
        String from;

        @Option(names = "--to", paramLabel = "CLASS", description = "The class to reach (default: the other of two).")
        String to;

        @Option(names = "--rows", paramLabel = "N", defaultValue = "100", description = "Rows to attack, a seeded sample (default: ${DEFAULT-VALUE}).")
        int rows;

        @Option(names = "--method", paramLabel = "M", defaultValue = "auto", description = "auto, tree, gradient, hsj or boundary (default: ${DEFAULT-VALUE}).")
        String method;

        @Option(names = "--budget-queries", paramLabel = "Q", defaultValue = "1000", description = "Queries per row for hsj/boundary (default: ${DEFAULT-VALUE}).")
        int budget;

        @Option(names = "--verify", paramLabel = "N", defaultValue = "0", description = "Tree ensembles: a verified lower bound for the first N rows.")
        int verify;

        @Option(names = "--effort", paramLabel = "K", defaultValue = "1", description = "Search effort multiplier for large ensembles (default: ${DEFAULT-VALUE}).")
        int effort;

        @Option(names = "--out", paramLabel = "FILE", description = "Write the changed rows (with their true labels) as CSV.")
        Path out;

        @Option(names = "--seed", paramLabel = "S", defaultValue = "42") long seed;

        @Option(names = "--threads", paramLabel = "N", defaultValue = "0", description = "Rows attacked in parallel (default: all cores).")
        int threads;

        @Mixin
        JsonOption json;

        @Override
        public Integer call() {
            if ((model == null) == (target == null)) {
                throw new InputException("give either --model FILE or --target URL");
            }
            Target t = Target.openAttacked(model != null ? model : target, data, false, classes);
            Classifier m = t.model();
            Feasibility feas = constraints.feasibility(m.schema(), t.data());
            int toClass = target(m, from, to);
            Evasion.Config c = new Evasion.Config(Evasion.Method.parse(method),
                    from == null ? -1 : classIndex(m, from, "--from"), toClass, rows, budget, effort, verify,
                    2_000_000, seed, threads);
            Evasion.Outcome o = Evasion.evade(m, t.data(), feas, c, Output.progress());
            String used = o.result().text("method");
            if (model != null && c.method() == Evasion.Method.AUTO && !used.equals("tree") && !used.equals("gradient")) {
                System.err.println("mlsec: white-box search not possible on " + model + " ("
                        + (m instanceof LocalModel ? ((LocalModel) m).kind().replace('_', ' ') + " with "
                        + m.classes().size() + " classes: the gradient search handles two-class logistic regression"
                        : "run as a black box: its structure could not be read") + "); used the label-only " + used
                        + " search");
            }
            print(o.result(), o.examples());
            if (out != null) {
                CsvWriter.write(o.adversarialRows(t.data()), out);
                System.out.println("  changed rows written to " + out);
            }
            Map<String, Object> res = o.toJson();
            if (certifyRadius != null) {
                double share = org.mlsec.attacks.evasion.Certificates.shareAbove(o.examples(), certifyRadius);
                System.out.printf("  certified robust beyond cost %s: %s of %d rows%n", Output.num(certifyRadius),
                        Output.pct(share), o.examples().size());
                res.put("certify_radius", certifyRadius);
                res.put("certified_share_above_radius", share);
            }
            if (t.discoveryQueries() > 0) {
                res.put("class_discovery_queries", t.discoveryQueries());
            }
            Output.json(json, res);
            return Main.OK;
        }

        static void print(Result r, List<Evasion.Example> examples) {
            System.out.printf("Evasion (%s, %s cost) from %s to %s: %s of %d rows flipped; median cost %s, p90 %s;"
                            + " median queries %.0f%n", r.text("method"), r.text("norm"),
                    r.text("from"), r.text("to"), Output.pct(r.metric("success_rate")),
                    (int) r.metric("rows"), Output.num(r.metric("median_cost")), Output.num(r.metric("p90_cost")),
                    r.metric("median_queries"));
            if (r.metric("exact_rows") > 0) {
                System.out.printf("  %d rows certified minimal (complete leaf search, or exact ball search to 0.1%%)%n", (long) r.metric("exact_rows"));
            }
            if (r.has("verified_rows")) {
                System.out.printf("  verified: for %d of %d checked rows no feasible change below a positive cost exists"
                                + " (median bound %s)%n", (long) r.metric("rows_with_positive_bound"),
                        (long) r.metric("verified_rows"), Output.num(r.metric("median_lower_bound")));
            }
            int shown = 0;
            for (Evasion.Example e : examples) {
                if (e.success() && shown++ < 5) {
                    System.out.printf("  row %d (cost %s): %s%n", e.row(), Output.num(e.cost()), String.join(", ", e.changes()));
                }
            }
        }
    }

    @Command(name = "explain", mixinStandardHelpOptions = true, description = "Explain a model's answers.",
            subcommands = Counterfactual.class)
    static final class Explain extends GroupCommand {
    }

    @Command(name = "counterfactual", mixinStandardHelpOptions = true,
            description = {"What would have to change in an application for the model to answer differently: the cheapest",
                    "feasible change (the same search as attack evade, framed for the applicant)."})
    static final class Counterfactual implements Callable<Integer> {
        @Option(names = "--model", paramLabel = "MODEL", required = true, description = "An mlsec model file.")
        Path model;

        @Option(names = "--row", paramLabel = "COL=V,...", description = "The application, every feature as COLUMN=VALUE.")
        String row;

        @Mixin
        DataOptions data;

        @Option(names = "--index", paramLabel = "I", description = "Or: the I-th row (from 0) of --data.")
        Integer index;

        @Mixin
        ConstraintOptions constraints;

        @Option(names = "--to", paramLabel = "CLASS", description = "The answer wanted (default: the other of two classes).")
        String to;

        @Option(names = "--method", paramLabel = "M", defaultValue = "auto", description = "auto, tree, gradient, hsj or boundary.")
        String method;

        @Option(names = "--seed", paramLabel = "S", defaultValue = "42") long seed;

        @Option(names = "--json", paramLabel = "FILE", description = "Write the counterfactual as JSON.")
        Path json;

        @Override
        public Integer call() {
            LocalModel m = Models.load(model);
            Dataset d = data.data == null ? null : data.readFor(m.schema(), false);
            double[] x;
            if (row != null) {
                x = parseRow(m.schema(), row);
            } else if (index != null && d != null) {
                if (index < 0 || index >= d.rows()) {
                    throw new InputException("--index " + index + " is outside the data's " + d.rows() + " rows");
                }
                x = d.row(index);
            } else {
                throw new InputException("give --row COL=V,... or --data FILE --index I");
            }
            if (to == null && m.classes().size() != 2) {
                throw new InputException("--to CLASS is required for a model with more than two classes");
            }
            Integer wanted = to != null ? classIndex(m, to, "--to") : null;
            Feasibility feas = constraints.feasibility(m.schema(), d);
            var e = org.mlsec.attacks.evasion.Counterfactual.explain(m, x, wanted, feas, Evasion.Method.parse(method),
                    seed, d);
            if (e.alreadyWanted()) {
                System.out.printf("The model already answers %s for this application: nothing needs to change.%n",
                        e.answer());
            } else if (e.success()) {
                System.out.printf("The model answers %s. For it to answer %s, this application would need:%n",
                        e.answer(), e.wanted());
                for (var ch : e.changes()) {
                    System.out.printf("  %-12s %s → %s%n", ch.feature(), ch.before(), ch.after());
                }
                Evasion.Example found = e.found();
                System.out.printf("  (cost %s%s)%n", Output.num(found.cost()), found.exact()
                        ? ", certified minimal: no change 0.1% cheaper exists"
                        : Double.isNaN(found.lowerBound()) ? "" : "; no change below " + Output.num(found.lowerBound()) + " exists");
            } else {
                System.out.printf("No feasible change makes the model answer %s for this application%s.%n",
                        e.wanted(), constraints.immutable.isEmpty() ? "" : " (immutable: "
                                + String.join(", ", constraints.immutable) + ")");
            }
            Output.json(json, e.toJson());
            return e.success() ? Main.OK : Main.FINDINGS;
        }

        static double[] parseRow(Schema s, String text) {
            double[] x = new double[s.width()];
            boolean[] seen = new boolean[s.width()];
            for (String part : text.split(",")) {
                int eq = part.indexOf('=');
                if (eq <= 0) {
                    throw new InputException("--row: expected COLUMN=VALUE, got '" + part.trim() + "'");
                }
                String name = part.substring(0, eq).trim();
                int j = s.indexOf(name);
                if (j < 0) {
                    throw new InputException("--row: the model has no feature " + name);
                }
                x[j] = s.feature(j).parse(part.substring(eq + 1).trim());
                seen[j] = true;
            }
            for (int j = 0; j < seen.length; j++) {
                if (!seen[j]) {
                    throw new InputException("--row: missing feature " + s.feature(j).name());
                }
            }
            return x;
        }
    }
}
