package org.mlsec.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.mlsec.Result;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.Dataset;
import org.mlsec.defences.detector.DataBackdoorDetector;
import org.mlsec.defences.detector.ModelBackdoorScanner;
import org.mlsec.defences.detector.Rules;
import org.mlsec.defences.preprocessor.InputSchema;
import org.mlsec.defences.preprocessor.SchemaValidation;
import org.mlsec.model.Classifier;
import org.mlsec.model.LocalModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Countermeasures to backdoors: input schemas and validation, detection in data and in models, rule checks. */
final class BackdoorDefenceCommands {
    private BackdoorDefenceCommands() {
    }

    @Command(name = "schema", mixinStandardHelpOptions = true, description = "Input schemas learned from trusted data.",
            subcommands = SchemaInfer.class)
    static final class Schema extends GroupCommand {
    }

    @Command(name = "infer", mixinStandardHelpOptions = true,
            description = {"Learn an editable input schema from trusted data: types, whole numbers, categories, feasible",
                    "ranges (observed range plus a 10%% margin), and the domain rules of --rules."})
    static final class SchemaInfer implements Callable<Integer> {
        @Mixin
        DataOptions data;

        @Mixin
        RulesOption rules;

        @Option(names = "--out", paramLabel = "FILE", required = true, description = "schema.json to write.")
        Path out;

        @Override
        public Integer call() {
            InputSchema s = rules.apply(InputSchema.infer(data.readLabelled()));
            s.write(out);
            System.out.println("Wrote the input schema of " + s.features().size() + " features and " + s.rules().size()
                    + " domain rules to " + out + " (edit it to tighten the ranges).");
            return Main.OK;
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "List the rows of a CSV file that break an input schema; exit 1 when any does.")
    static final class Validate implements Callable<Integer> {
        @Option(names = "--schema", paramLabel = "FILE", required = true, description = "A schema from mlsec schema infer.")
        Path schema;

        @Mixin
        DataOptions data;

        @Option(names = "--json", paramLabel = "FILE", description = "Write the violations as JSON.")
        Path json;

        @Override
        public Integer call() {
            InputSchema s = InputSchema.read(schema);
            org.mlsec.data.Schema ds = s.toSchema();
            Dataset d = data.read(data.requireData(), ds, data.options(null));
            SchemaValidation.Validation v = SchemaValidation.check(s, data.lastReport);
            List<InputSchema.Violation> all = v.violations();
            all.stream().limit(20).forEach(x -> System.out.printf("  line %d, %s = %s: %s%n", x.row(), x.column(), x.value(),
                    x.rule()));
            if (all.size() > 20) {
                System.out.println("  ... and " + (all.size() - 20) + " more");
            }
            System.out.printf("%s: %d of %d rows break the schema (%d violations).%n", data.data, v.invalidRows(), d.rows(),
                    all.size());
            Output.json(json, v.toJson());
            return v.valid() ? Main.OK : Main.FINDINGS;
        }
    }

    @Command(name = "detect", mixinStandardHelpOptions = true, description = "Detect attacks in data.",
            subcommands = DetectBackdoor.class)
    static final class Detect extends GroupCommand {
    }

    @Command(name = "backdoor", mixinStandardHelpOptions = true,
            description = {"Find backdoor triggers in training data: isolated repeated values, value and pair spikes tied to",
                    "one label, and copies of rows with one column changed. Every flagged row comes with its reasons."})
    static final class DetectBackdoor implements Callable<Integer> {
        @Mixin
        DataOptions data;

        @Option(names = "--reference", paramLabel = "FILE", description = "Trusted data: values outside its range are flagged.")
        Path reference;

        @Option(names = "--truth-column", paramLabel = "COLUMN", description = "A 0/1 column marking injected rows (to report precision and recall); not used to detect.")
        String truth;

        @Mixin
        JsonOption json;

        @Override
        public Integer call() {
            Set<String> drop = new HashSet<>(data.drop);
            if (truth != null) {
                drop.add(truth);
            }
            CsvOptions o = new CsvOptions(data.options(data.label).delimiter(), data.label, drop,
                    Set.copyOf(data.categorical), Set.copyOf(data.numeric));
            if (data.label == null) {
                throw new org.mlsec.InputException("--label COLUMN is required");
            }
            Dataset d = CsvReader.read(data.requireData(), o);
            // Conforming to the data's schema: only its columns are read, so the drop list does not apply here.
            Dataset ref = reference == null ? null : CsvReader.read(reference, d.schema(),
                    new CsvOptions(o.delimiter(), data.label, null, null, null));
            long t0 = System.nanoTime();
            DataBackdoorDetector.Report r = DataBackdoorDetector.detect(d, ref);
            r.findings().stream().limit(15).forEach(f -> System.out.println("  " + f));
            System.out.printf("%s: flagged %d of %d rows (%.1f s).%n", data.data, r.flagged().size(), d.rows(),
                    (System.nanoTime() - t0) / 1e9);
            DataBackdoorDetector.Score pr = null;
            if (truth != null) {
                pr = DataBackdoorDetector.score(r, truthMask(truth));
                System.out.printf("  against %s: precision %s, recall %s%n", truth, Output.pct(pr.precision()),
                        Output.pct(pr.recall()));
            }
            Output.json(json, r.toJson(d.rows(), pr));
            return r.flagged().isEmpty() ? Main.OK : Main.FINDINGS;
        }

        private boolean[] truthMask(String column) {
            Dataset t = CsvReader.read(data.requireData(), new CsvOptions(data.options(null).delimiter(), column,
                    Set.of(), Set.of(), Set.of()));
            boolean[] mask = new boolean[t.rows()];
            int one = t.schema().classIndex("1");
            for (int i = 0; i < mask.length; i++) {
                mask[i] = t.y()[i] == one;
            }
            return mask;
        }
    }

    @Command(name = "scan-model", mixinStandardHelpOptions = true, description = "Look for attacks inside a trained model.",
            subcommands = ScanModelBackdoor.class)
    static final class ScanModel extends GroupCommand {
    }

    @Command(name = "backdoor", mixinStandardHelpOptions = true,
            description = {"Probe each numeric feature at values an input may take and rank the narrow ones that push",
                    "predictions to one class: suspected triggers (exit 1 when one reaches the threshold). Values beyond",
                    "the model's schema are listed apart as out-of-range behaviour: validation refuses them."})
    static final class ScanModelBackdoor implements Callable<Integer> {
        @Option(names = "--model", paramLabel = "MODEL", required = true, description = "Model file, ONNX file or URL.")
        String model;

        @Mixin
        DataOptions data;

        @Option(names = "--threshold", paramLabel = "SHARE", defaultValue = "0.2", description = "Share of rows pushed that counts as a trigger (default: ${DEFAULT-VALUE}).")
        double threshold;

        @Option(names = "--rows", paramLabel = "N", defaultValue = "2000", description = "Trusted rows probed (default: ${DEFAULT-VALUE}).")
        int rows;

        @Option(names = "--seed", paramLabel = "S", defaultValue = "42") long seed;

        @Mixin
        JsonOption json;

        @Override
        public Integer call() {
            Target t = Target.open(model, data, false);
            Classifier m = t.model();
            ModelBackdoorScanner.Scan scan = ModelBackdoorScanner.probe(m, t.data(), rows, seed);
            List<ModelBackdoorScanner.Probe> suspects = scan.suspects(threshold);
            List<ModelBackdoorScanner.Probe> beyond = scan.outOfRange(threshold);
            System.out.println("Strongest in-range probes (" + (m instanceof LocalModel ? ((LocalModel) m).kind() : model)
                    + "; values an input may take):");
            scan.inRange().stream().limit(5).forEach(p -> System.out.println("  " + p));
            System.out.println(suspects.isEmpty() ? "No suspected trigger reaches " + Output.pct(threshold) + "."
                    : suspects.size() + " suspected trigger value(s); the first: " + suspects.get(0).feature());
            if (!beyond.isEmpty()) {
                System.out.println("Out-of-range behaviour (low: input validation refuses these values): " + beyond.size()
                        + " probe(s) reach " + Output.pct(threshold) + ", the strongest " + beyond.get(0) + ".");
            }
            Output.json(json, scan.toJson(threshold));
            return suspects.isEmpty() ? Main.OK : Main.FINDINGS;
        }
    }

    @Command(name = "rules", mixinStandardHelpOptions = true, description = "Unacceptable-case rules.",
            subcommands = RulesCheck.class)
    static final class RulesGroup extends GroupCommand {
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Check rules such as 'AGE >= 125 => reject' or 'PAY_0 >= 8 && LIMIT_BAL > 500000 => 1' against",
                    "a model or server, on rows of --data rewritten to meet each condition. Exit 1 when a rule fails."})
    static final class RulesCheck implements Callable<Integer> {
        @Option(names = "--rules", paramLabel = "FILE", required = true, description = "The rule file.")
        Path rules;

        @Option(names = "--model", paramLabel = "MODEL", required = true, description = "Model file, ONNX file or URL.")
        String model;

        @Option(names = "--schema", paramLabel = "FILE", description = "Input schema that should reject (for local models).")
        Path schema;

        @Mixin
        DataOptions data;

        @Mixin
        JsonOption json;

        @Override
        public Integer call() {
            List<Rules.Rule> rs = Rules.read(rules);
            Target t = Target.open(model, data, false);
            InputSchema validator = schema == null ? null : InputSchema.read(schema);
            List<Result> results = Rules.check(rs, t.model(), t.data(), validator, 200, 42);
            int failed = 0;
            List<Map<String, Object>> out = new ArrayList<>();
            for (Result r : results) {
                System.out.printf("  %-4s line %s: %s — %s%n", r.finding() ? "FAIL" : "ok", r.text("line"),
                        r.text("rule"), r.details().get(0));
                failed += r.finding() ? 1 : 0;
                out.add(r.toJson());
            }
            System.out.println(failed == 0 ? "All " + results.size() + " rules hold." : failed + " of " + results.size() + " rules fail.");
            Output.json(json, Map.of("rules", out, "failed", failed));
            return failed == 0 ? Main.OK : Main.FINDINGS;
        }
    }
}
