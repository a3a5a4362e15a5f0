package org.mlsec.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mlsec.Result;
import org.mlsec.attacks.evasion.Feasibility;
import org.mlsec.data.Dataset;
import org.mlsec.defences.EvasionDefences;
import org.mlsec.model.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "evasion", mixinStandardHelpOptions = true,
        description = {"Train the model with each evasion defence (adversarial training with feasible examples, robust splits,",
                "monotone constraints) and attack each with the white-box search: accuracy, success rate, median and mean",
                "cost, training time."})
final class DefendEvasion implements Callable<Integer> {
    @Mixin
    DataOptions data;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    EvasionCommands.ConstraintOptions constraints;

    @Option(names = "--from", paramLabel = "CLASS", defaultValue = "1", description = "The class evaders leave (default: ${DEFAULT-VALUE}).")
    String from;

    @Option(names = "--to", paramLabel = "CLASS", defaultValue = "0", description = "The class they want (default: ${DEFAULT-VALUE}).")
    String to;

    @Option(names = "--rows", paramLabel = "N", defaultValue = "100", description = "Held-out rows attacked per model (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--adversarial-rows", paramLabel = "K", defaultValue = "300", description = "Training rows attacked per adversarial-training round (default: ${DEFAULT-VALUE}).")
    int advRows;

    @Option(names = "--rounds", paramLabel = "R", defaultValue = "2", description = "Adversarial-training rounds (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--monotone", paramLabel = "COL=DIR,...", split = ",",
            description = "Constraints of the monotone defence, e.g. PAY_0=1,PAY_2=1 (a higher value never lowers the "
                    + "probability of the last class; -1 the reverse). Without it the monotone rows are left out.")
    Map<String, String> monotone;

    @Option(names = "--robust-radius", paramLabel = "R,...", split = ",",
            description = "Add a row of robust tree training (rf, tree) against the attack's own constraints and costs per radius R, in its cost units.")
    List<Double> robustRadius;

    @Option(names = "--robust-budget", paramLabel = "COL=R,...", split = ",",
            description = "Per-column budgets of the robust row that replace --robust-radius for those columns.")
    Map<String, String> robustBudget;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42") long seed;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the table as JSON.")
    Path json;

    @Override
    public Integer call() {
        Dataset all = data.readLabelled();
        TrainConfig base = modelOptions.config(seed);
        Feasibility feas = constraints.feasibility(all.schema(), all);
        int fromClass = EvasionCommands.classIndex(all.schema().classes(), from, "--from");
        int toClass = EvasionCommands.classIndex(all.schema().classes(), to, "--to");
        Map<String, Integer> constraints = monotone == null || monotone.containsKey("none") ? Map.of()
                : TrainCommand.parseDirections(monotone);
        List<org.mlsec.model.Robustness> robust = new ArrayList<>();
        for (double r : robustRadius != null ? robustRadius : robustBudget != null ? List.of(0.0) : List.<Double>of()) {
            robust.add(feas.robustness(r, TrainCommand.parseBudgets(robustBudget)));
        }
        List<EvasionDefences.Defence> defences = EvasionDefences.standard(base, feas, fromClass, toClass, advRows, rounds,
                constraints, robust, seed, Output.progress());
        List<Result> table = EvasionDefences.study(all, defences, feas, fromClass, toClass, rows, seed, Output.progress());
        System.out.printf("Evasion defences on %s (attack: white-box search, %s cost, %s → %s, %d held-out rows per model)%n",
                data.data, feas.norm().key(), from, to, rows);
        System.out.printf("  %-62s %9s %9s %12s %10s %9s  %s%n", "defence", "accuracy", "success", "median cost",
                "mean cost", "train s", "guarantee");
        List<Map<String, Object>> out = new ArrayList<>();
        for (Result r : table) {
            if (r.has("note")) {
                System.out.printf("  %-62s %9s   nothing to evade: it answers no held-out row %s %18.1f%n",
                        r.text("defence"), Output.pct(r.metric("test_accuracy")), from, r.metric("training_seconds"));
                out.add(r.toJson());
                continue;
            }
            System.out.printf("  %-62s %9s %9s %12s %10s %9.1f  %s%n", r.text("defence"),
                    Output.pct(r.metric("test_accuracy")), Output.pct(r.metric("success_rate")),
                    Output.num(r.metric("median_cost")), Output.num(r.metric("empirical_robustness")),
                    r.metric("training_seconds"), r.text("guarantee"));
            out.add(r.toJson());
        }
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("norm", feas.norm().key());
        res.put("defences", out);
        Output.json(json, res);
        return Main.OK;
    }
}
