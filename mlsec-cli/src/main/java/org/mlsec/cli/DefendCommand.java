package org.mlsec.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mlsec.InputException;
import org.mlsec.Result;
import org.mlsec.attacks.inference.MembershipMethod;
import org.mlsec.data.Dataset;
import org.mlsec.defences.MembershipDefences;
import org.mlsec.defences.postprocessor.OutputMode;
import org.mlsec.model.Algorithm;
import org.mlsec.model.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "defend", mixinStandardHelpOptions = true, description = "Measure defences against an attack, with what they cost.",
        subcommands = {DefendCommand.Membership.class, InversionCommands.DefendInversion.class, DefendEvasion.class,
            DefendExtraction.class, DefendPoisoning.class})
final class DefendCommand extends GroupCommand {
    static final String OUTPUTS_HELP = "Output-hardening rows: rounded (1 decimal), label, top1, reverse-sigmoid (beta 0.5),"
            + " noise (sd 0.05); default rounded,label.";

    /** The --outputs modes, or the default rows (rounded, label). */
    static List<OutputMode> outputModes(List<String> keys) {
        if (keys == null || keys.isEmpty()) {
            return MembershipDefences.DEFAULT_OUTPUTS;
        }
        List<OutputMode> modes = new ArrayList<>();
        for (String k : keys) {
            try {
                modes.add(OutputMode.parse(k.trim()));
            } catch (InputException e) {
                throw new InputException("--outputs: " + e.getMessage());
            }
        }
        return modes;
    }

    @Command(name = "membership", mixinStandardHelpOptions = true,
            description = {"Train the model with each membership-inference defence (regularisation, output hardening,",
                    "differentially private logistic regression) and attack each: a privacy/utility table."})
    static final class Membership implements Callable<Integer> {
        @Mixin
        DataOptions data;

        @Mixin
        EngineOptions engine;

        @Option(names = "--algo", paramLabel = "ALGO", defaultValue = "rf", description = "The undefended model (default: ${DEFAULT-VALUE}).")
        String algo;

        @Option(names = "--trees", paramLabel = "N", description = "Trees (default 100).")
        Integer trees;

        @Option(names = "--max-features", paramLabel = "F", description = "Share of features per split, or sqrt.")
        String maxFeatures;

        @Option(names = "--method", paramLabel = "M", defaultValue = "rmia", description = "The attack (default: ${DEFAULT-VALUE}).")
        String method;

        @Option(names = "--references", paramLabel = "K", defaultValue = "4", description = "Reference models per attack (default: ${DEFAULT-VALUE}).")
        int references;

        @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--json", paramLabel = "FILE", description = "Write the table as JSON.")
        Path json;

        @Option(names = "--schema", paramLabel = "FILE",
                description = "Public bounds for the DP random forests (else taken from the data, which leaks; the rows say so).")
        Path schema;

        @Option(names = "--dp-epsilons", paramLabel = "E,...", split = ",", description = "Budgets of the DP random forests (default 8,1; Infinity for no noise).")
        List<Double> dpEpsilons;

        @Option(names = "--outputs", paramLabel = "MODE,...", split = ",", description = OUTPUTS_HELP)
        List<String> outputs;

        @Override
        public Integer call() {
            try (org.mlsec.attacks.inference.ReferenceEngine e = engine.open()) {
                data.tables = e.tables().orElse(null);
                return run(e);
            }
        }

        private Integer run(org.mlsec.attacks.inference.ReferenceEngine e) {
            Dataset all = data.readLabelled();
            TrainConfig base = TrainConfig.defaults(Algorithm.parse(algo)).withSeed(seed);
            if (trees != null) {
                base = base.withTrees(trees);
            }
            if (maxFeatures != null) {
                base = base.withMaxFeatures(TrainCommand.parseShare(maxFeatures));
            }
            org.mlsec.data.Schema bounds = schema == null ? null
                    : org.mlsec.defences.preprocessor.InputSchema.read(schema).toSchema();
            MembershipDefences.DpForests dp = dpEpsilons == null || dpEpsilons.isEmpty()
                    ? MembershipDefences.DpForests.of(bounds, String.valueOf(schema))
                    : new MembershipDefences.DpForests(bounds, String.valueOf(schema), dpEpsilons);
            List<Result> rows = MembershipDefences.study(all, base, MembershipMethod.parse(method), references, seed,
                    Output.progress(), dp, outputModes(outputs), e);
            System.out.printf("Membership-inference defences on %s (members: a random half; attack: %s, %d references)%n",
                    data.data, method, references);
            System.out.printf("  %-70s %9s %-19s %-16s %9s %8s  %s%n", "defence", "accuracy", "AUC [95% CI]",
                    "TPR at low FPR", "advantage", "train s", "guarantee");
            List<Map<String, Object>> out = new ArrayList<>();
            boolean unsupported = false;
            for (Result r : rows) {
                boolean at001 = r.flag("tpr_at_fpr_0_001_supported");
                unsupported |= !at001;
                String low = at001 ? Output.pct(r.metric("tpr_at_fpr_0_001")) + " @0.1%"
                        : Output.pct(r.metric("tpr_at_lowest_supported_fpr")) + " @" + Output.pct(r.metric("lowest_supported_fpr"));
                System.out.printf("  %-70s %9s %-19s %-16s %9.3f %8.1f  %s%n", r.text("defence"),
                        Output.pct(r.metric("test_accuracy")), String.format(java.util.Locale.ROOT, "%.3f [%.3f, %.3f]",
                                r.metric("auc"), r.metric("auc_ci_low"), r.metric("auc_ci_high")), low, r.metric("advantage"),
                        r.metric("training_seconds"), r.text("guarantee"));
                out.add(r.toJson());
            }
            if (unsupported) {
                System.out.printf("  (%d non-members cannot measure a 0.1%% false-positive rate; the TPR is given at the lowest"
                        + " rate they support)%n", (long) rows.get(0).metric("non_members"));
            }
            Map<String, Object> res = new LinkedHashMap<>();
            res.put("method", method);
            res.put("references", references);
            res.put("defences", out);
            Output.json(json, res);
            return Main.OK;
        }
    }
}
