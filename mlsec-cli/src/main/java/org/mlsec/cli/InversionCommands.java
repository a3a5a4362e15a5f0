package org.mlsec.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mlsec.InputException;
import org.mlsec.Result;
import org.mlsec.attacks.inference.AttributeInference;
import org.mlsec.attacks.inference.Reconstruction;
import org.mlsec.data.Dataset;
import org.mlsec.data.Split;
import org.mlsec.defences.InversionDefences;
import org.mlsec.defences.preprocessor.InputSchema;
import org.mlsec.model.Classifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Model inversion: attribute inference, prototype reconstruction, and what the defences cost. */
final class InversionCommands {
    private InversionCommands() {
    }

    static List<AttributeInference.Method> methods(String s) {
        if ("all".equalsIgnoreCase(s)) {
            return List.of(AttributeInference.Method.MAP, AttributeInference.Method.MAP_INFORMED,
                    AttributeInference.Method.WHITEBOX_TREE, AttributeInference.Method.MODEL);
        }
        return List.of(AttributeInference.parse(s));
    }

    static void print(List<Result> rs) {
        System.out.printf("  %-14s %9s %9s %9s %11s %24s%n", "method", "members", "others", "prior", "model-free",
                "advantage (95% CI)");
        for (Result r : rs) {
            List<?> ci = r.list("ci95_members");
            System.out.printf("  %-14s %9s %9s %9s %11s %+8.1f pts [%+.1f, %+.1f]%n", r.text("method"),
                    Output.pct(r.metric("accuracy_members")), Output.pct(r.metric("accuracy_non_members")),
                    Output.pct(r.metric("baseline_prior")), Output.pct(r.metric("baseline_model_free")),
                    100 * r.metric("advantage_members"), 100 * (Double) ci.get(0), 100 * (Double) ci.get(1));
        }
    }

    @Command(name = "invert", mixinStandardHelpOptions = true,
            description = {"Attribute inference: knowing a person's other features and label, infer the sensitive one",
                    "with the model's help (map, whitebox-tree, model), against the prior and a model-free baseline."})
    static final class Invert implements Callable<Integer> {
        @Option(names = "--model", paramLabel = "MODEL", required = true, description = "Model file, ONNX file or URL.")
        String model;

        @Mixin
        DataOptions data;

        @Option(names = "--sensitive", paramLabel = "COLUMN", required = true, description = "The attribute to infer, e.g. SEX.")
        String sensitive;

        @Option(names = "--method", paramLabel = "M", defaultValue = "all", description = "map, map-informed, whitebox-tree, model or all (default: ${DEFAULT-VALUE}).")
        String method;

        @Option(names = "--members", paramLabel = "FILE", description = "Rows the model was trained on.")
        Path members;

        @Option(names = "--non-members", paramLabel = "FILE", description = "Rows it was not trained on.")
        Path nonMembers;

        @Option(names = "--seed", paramLabel = "S", defaultValue = "42") long seed;

        @Mixin
        JsonOption json;

        @Override
        public Integer call() {
            if ((members == null) != (nonMembers == null)) {
                throw new InputException("give both --members and --non-members, or neither (then --data is split in halves"
                        + " and every row counts as a non-member)");
            }
            if (data.data == null) {
                data.data = members;
            }
            Target t = Target.open(model, data, true);
            Dataset in;
            Dataset out;
            if (members != null) {
                in = data.readWithModelClasses(members, t.model().schema());
                out = data.readWithModelClasses(nonMembers, t.model().schema());
            } else {
                Split s = Split.random(t.data(), 0.5, seed);
                in = s.train();
                out = s.test();
            }
            List<AttributeInference.Method> ms = methods(method);
            String why = AttributeInference.whiteBoxUnavailable(t.model());
            if (why != null && ms.contains(AttributeInference.Method.WHITEBOX_TREE)) {
                if (ms.size() == 1) {
                    throw new org.mlsec.InputException(why);
                }
                System.err.println("mlsec: whitebox-tree left out: " + why);
                ms = ms.stream().filter(m -> m != AttributeInference.Method.WHITEBOX_TREE).toList();
            }
            List<Result> rs = AttributeInference.infer(t.model(), in, out, sensitive, ms, seed, Output.progress());
            System.out.printf("Inferring %s of %d members and %d non-members:%n", sensitive, in.rows(), out.rows() / 2);
            print(rs);
            List<Map<String, Object>> j = new ArrayList<>();
            rs.forEach(r -> j.add(r.toJson()));
            Output.json(json, Map.of("sensitive", sensitive, "methods", j));
            return Main.OK;
        }
    }

    @Command(name = "reconstruct", mixinStandardHelpOptions = true,
            description = {"Reconstruct a class prototype: what the model thinks a member of the class looks like, searched",
                    "inside the feasible ranges (black-box for any model, exact for logistic regression)."})
    static final class Reconstruct implements Callable<Integer> {
        @Option(names = "--model", paramLabel = "MODEL", required = true, description = "Model file, ONNX file or URL.")
        String model;

        @Option(names = "--schema", paramLabel = "FILE", description = "Input schema with feasible ranges (default: the model's observed ranges).")
        Path schema;

        @Option(names = "--class", paramLabel = "CLASS", required = true, description = "The class, e.g. 1.")
        String target;

        @Mixin
        DataOptions data;

        @Option(names = "--seed", paramLabel = "S", defaultValue = "42") long seed;

        @Mixin
        JsonOption json;

        @Override
        public Integer call() {
            Classifier m;
            Dataset d = null;
            if (model.startsWith("http") || data.data != null) {
                Target t = Target.open(model, data, model.startsWith("http"));
                m = t.model();
                d = t.data();
            } else {
                m = org.mlsec.model.Models.load(Path.of(model));
            }
            org.mlsec.data.Schema ranges = schema != null ? InputSchema.read(schema).toSchema() : m.schema();
            if (ranges.features().stream().anyMatch(c -> !c.isCategorical()
                    && (Double.isInfinite(c.min()) || Double.isInfinite(c.max())))) {
                throw new InputException(model + " records no feature ranges to reconstruct within: pass --data F"
                        + " (its ranges are used) or --schema S");
            }
            int k = m.classes().indexOf(org.mlsec.data.Values.canonical(target));
            if (k < 0) {
                throw new InputException("--class " + target + " is not one of " + m.classes());
            }
            Result r = Reconstruction.prototype(m, ranges, k, d, seed);
            System.out.printf("Prototype of class %s (%s, %d queries), model confidence %s:%n", target,
                    r.text("method"), (long) r.metric("queries"), Output.pct(r.metric("confidence")));
            r.table("prototype").forEach((f, v) -> System.out.printf("  %-12s %s%n", f, v));
            if (r.has("nearest_row_distance")) {
                System.out.printf("  nearest real row: line %d, normalised distance %.3f%n", (int) r.metric("nearest_row_line"),
                        r.metric("nearest_row_distance"));
            }
            Output.json(json, r.toJson());
            return Main.OK;
        }
    }

    @Command(name = "inversion", mixinStandardHelpOptions = true,
            description = "Attribute inference against defended models: advantage over the model-free baseline vs accuracy.")
    static final class DefendInversion implements Callable<Integer> {
        @Mixin
        DataOptions data;

        @Option(names = "--sensitive", paramLabel = "COLUMN", required = true) String sensitive;

        @Option(names = "--seed", paramLabel = "S", defaultValue = "42") long seed;

        @Option(names = "--json", paramLabel = "FILE") Path json;

        @Option(names = "--schema", paramLabel = "FILE", description = "Public bounds for the DP random forest (else from the data, which leaks).")
        Path schema;

        @Option(names = "--outputs", paramLabel = "MODE,...", split = ",", description = DefendCommand.OUTPUTS_HELP)
        List<String> outputs;

        @Override
        public Integer call() {
            List<org.mlsec.defences.postprocessor.OutputMode> modes = DefendCommand.outputModes(outputs);
            Dataset all = data.readLabelled();
            InversionDefences.Study study = InversionDefences.study(all, sensitive,
                    schema != null ? InputSchema.read(schema).toSchema() : null, schema != null ? schema.toString() : null,
                    modes, seed, Output.progress());
            System.out.printf("Attribute inference of %s (informed MAP attack) against defences:%n", sensitive);
            System.out.printf("  %-66s %9s %22s %8s  %s%n", "model", "accuracy", "advantage on members", "train s",
                    "guarantee");
            for (InversionDefences.Row r : study.rows()) {
                double[] ci = r.advantageInterval();
                System.out.printf("  %-66s %9s %+8.1f pts [%+.1f, %+.1f] %8.1f  %s%n", r.defence(),
                        Output.pct(r.testAccuracy()), 100 * r.advantage(), 100 * ci[0], 100 * ci[1],
                        r.trainingSeconds(), r.guarantee());
            }
            Output.json(json, study.toJson());
            return Main.OK;
        }
    }
}
