package org.mlsec.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mlsec.InputException;
import org.mlsec.Result;
import org.mlsec.data.Dataset;
import org.mlsec.defences.PoisoningDefences;
import org.mlsec.model.Algorithm;
import org.mlsec.model.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "poisoning", mixinStandardHelpOptions = true,
        description = {"Train the model with each poisoning defence (none, sanitisation, deep partition aggregation),",
                "poison its training rows with --budget label flips chosen by an attacker who knows the defence, and",
                "retrain: accuracy, AUC, the attack's effect, training time and the certified poisoning size (DPA)."})
final class DefendPoisoning implements Callable<Integer> {
    @Mixin
    DataOptions data;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--budget", paramLabel = "N", defaultValue = "300", description = "The attacker's label flips (default: ${DEFAULT-VALUE}).")
    int budget;

    @Option(names = "--partitions", paramLabel = "K", defaultValue = "500", description = "Parts of the partition ensemble (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--partition-algo", paramLabel = "ALGO", defaultValue = "tree", description = "The model of each part (default: ${DEFAULT-VALUE}).")
    String partitionAlgo;

    @Option(names = "--no-knn", description = "Sanitise with the implausible subgroups only, without kNN label consistency.")
    boolean noKnn;

    @Option(names = "--filter-rounds", paramLabel = "R", defaultValue = "3", description = "Rounds of the attack on sanitisation (default: ${DEFAULT-VALUE}).")
    int filterRounds;

    @Option(names = "--test-fraction", paramLabel = "F", defaultValue = "0.1", description = "Share of rows held out (default: ${DEFAULT-VALUE}).")
    double testFraction;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the table as JSON.")
    Path json;

    @Override
    public Integer call() {
        TrainConfig part;
        try {
            part = TrainConfig.defaults(Algorithm.parse(partitionAlgo));
        } catch (InputException e) {
            throw new InputException("--partition-algo: " + e.getMessage());
        }
        PoisoningDefences.Config config = new PoisoningDefences.Config(modelOptions.config(seed), budget, partitions,
                part, !noKnn, filterRounds, testFraction, seed);
        Dataset all = data.readLabelled();
        List<Result> table = PoisoningDefences.study(all, config, Output.progress());
        System.out.printf("Poisoning defences on %s (attack: %d label flips, re-run against each defence knowing it;"
                + " %s of the rows held out)%n", data.data, budget, Output.pct(testFraction));
        System.out.printf("  %-62s %9s %6s %9s %9s %8s %9s  %s%n", "defence", "accuracy", "AUC", "attacked", "acc. drop",
                "changed", "train ms", "guarantee");
        List<Map<String, Object>> out = new ArrayList<>();
        for (Result r : table) {
            String guarantee = r.has("median_certified_size")
                    ? String.format(java.util.Locale.ROOT, "median certified size %s rows; %s of rows certified at >= %d",
                    org.mlsec.data.Values.format(r.metric("median_certified_size")), Output.pct(r.metric("certified_share_at_budget")), budget)
                    : r.text("guarantee");
            System.out.printf("  %-62s %9s %6.3f %9s %9s %8s %9d  %s%n", r.text("defence"),
                    Output.pct(r.metric("clean_accuracy_before")), r.metric("auc_before"),
                    Output.pct(r.metric("clean_accuracy_after")), Output.pct(r.metric("accuracy_drop")),
                    Output.pct(r.metric("answers_changed")), (long) r.metric("training_ms"), guarantee);
            out.add(r.toJson());
        }
        System.out.println("  (accuracy and AUC: trained on clean rows; attacked: the accuracy after the attack; changed:"
                + " held-out answers the poisoning changed)");
        for (Result r : table) {
            System.out.printf("  %s: %s, %d flips, %d ms%n", r.text("defence"), r.text("attack"),
                    (long) r.metric("poisoned_rows"), (long) r.metric("attack_ms"));
            if (r.has("flips_undone")) {
                System.out.printf("    the sanitiser relabels %d clean training rows and undoes %d of these flips (of the"
                                + " greedy flips that do not know it: %d)%n", (long) r.metric("relabelled_clean"),
                        (long) r.metric("flips_undone"), (long) r.metric("greedy_flips_undone"));
            }
            if (r.has("certified_rows_changed")) {
                System.out.printf("    certified rows whose answer the attack changed: %d (the certificate holds for any"
                        + " attack of at most that many inserted, deleted or relabelled rows)%n",
                        (long) r.metric("certified_rows_changed"));
            }
        }
        if (2L * budget > partitions) {
            System.out.printf("  (%d parts certify at most %d flips per row: more parts, or a smaller budget, for"
                    + " certificates at the budget)%n", partitions, partitions / 2);
        }
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("budget", budget);
        res.put("rows", all.rows());
        res.put("defences", out);
        Output.json(json, res);
        return Main.OK;
    }
}
