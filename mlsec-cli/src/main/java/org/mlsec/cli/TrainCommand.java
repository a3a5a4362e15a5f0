package org.mlsec.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mlsec.InputException;
import org.mlsec.attacks.evasion.Feasibility;
import org.mlsec.data.Dataset;
import org.mlsec.data.Split;
import org.mlsec.defences.trainer.DpRandomForest;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.ModelIo;
import org.mlsec.model.TrainAndTest;
import org.mlsec.model.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a model on a CSV file, holding out a stratified test part, and save it with its schema and provenance.")
final class TrainCommand implements Callable<Integer> {
    @Mixin
    DataOptions data;

    @Option(names = "--algo", paramLabel = "ALGO", defaultValue = "rf", description = "rf, gbt, lr, tree or dp-rf (differentially private random forest; default: ${DEFAULT-VALUE}).")
    String algo;

    @Option(names = "--trees", paramLabel = "N", description = "Trees in a forest, or boosting rounds (default 100).")
    Integer trees;

    @Option(names = "--max-depth", paramLabel = "D", description = "Deepest tree level (default: unlimited for rf/tree, 4 for gbt).")
    Integer maxDepth;

    @Option(names = "--min-leaf", paramLabel = "K", description = "Fewest training rows per leaf (default 1).")
    Integer minLeaf;

    @Option(names = "--max-features", paramLabel = "F", description = "Share of features drawn per split, or 'sqrt' (rf default).")
    String maxFeatures;

    @Option(names = "--learning-rate", paramLabel = "R", description = "Boosting shrinkage (default 0.1).")
    Double learningRate;

    @Option(names = "--l2", paramLabel = "L", description = "L2 penalty (lr, gbt; default 1).")
    Double l2;

    @Option(names = "--monotone", paramLabel = "COL=DIR,...", split = ",",
            description = {"Monotone constraints of tree models (rf, tree, gbt) on a binary label: COL=+1 means the",
                    "probability of the last class never falls as COL grows, COL=-1 that it never rises,",
                    "e.g. PAY_0=+1,LIMIT_BAL=-1. Numeric columns only."})
    Map<String, String> monotone;

    @Option(names = "--epsilon", paramLabel = "E", description = "dp-rf: total privacy budget epsilon (required).")
    Double epsilon;

    @Option(names = "--delta", paramLabel = "D", defaultValue = "0",
            description = "dp-rf: slack for advanced composition with --composition shared (default: ${DEFAULT-VALUE}, pure epsilon-DP).")
    double delta;

    @Option(names = "--composition", paramLabel = "C", defaultValue = "disjoint",
            description = "dp-rf: disjoint (each tree its own rows, parallel composition) or shared (default: ${DEFAULT-VALUE}).")
    String composition;

    @Option(names = "--schema", paramLabel = "FILE",
            description = {"dp-rf: public bounds of the columns (an mlsec input schema, e.g. edited from `mlsec schema infer`);",
                    "robust training: the evader's feasible ranges, categories and rules, as for evade."})
    Path schema;

    @Option(names = "--bounds-from-data", description = "dp-rf: take the bounds from the training rows; they leak and epsilon does not cover them.")
    boolean boundsFromData;

    @Option(names = "--robust-radius", paramLabel = "R",
            description = {"rf/tree: grow every split against an evader who may move each feature by R in the evasion",
                    "cost units (default: one standard deviation per unit; --costs, --immutable and --schema as evade)."})
    Double robustRadius;

    @Option(names = "--robust-budget", paramLabel = "COL=R,...", split = ",",
            description = "rf/tree: per-column robust budgets that replace --robust-radius for those columns.")
    Map<String, String> robustBudget;

    @Option(names = "--immutable", paramLabel = "A,B", split = ",", description = "Robust training: features the evader cannot change.")
    List<String> immutable = new java.util.ArrayList<>();

    @Option(names = "--costs", paramLabel = "FILE", description = "Robust training: the evasion cost model (costs.json).")
    Path costs;

    @Option(names = "--features", paramLabel = "A,B,...", split = ",", description = "Train on these columns only.")
    List<String> features;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Seed of every random choice (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "0", description = "Worker threads (default: one per core).")
    int threads;

    @Option(names = "--test-fraction", paramLabel = "F", defaultValue = "0.1", description = "Share held out for testing (default: ${DEFAULT-VALUE}; 0 trains on every row).")
    double testFraction;

    @Option(names = "--out", paramLabel = "MODEL", required = true, description = "Where to save the model.")
    Path out;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() {
        org.mlsec.internal.AtomicFiles.refuseInput(out, "--out", data.data);
        org.mlsec.internal.AtomicFiles.refuseInput(json.file, "--json", data.data, out);
        if (testFraction < 0 || testFraction >= 1) {
            throw new InputException("--test-fraction must be in [0, 1), got " + testFraction);
        }
        Dataset all = data.readLabelled();
        if (features != null && !features.isEmpty()) {
            all = all.select(features);
        }
        if ("dp-rf".equalsIgnoreCase(algo)) {
            if (robustRadius != null || robustBudget != null) {
                throw new InputException("--robust-radius/--robust-budget grow rf and tree models, not dp-rf");
            }
            return trainDp(all);
        }
        TrainConfig config = config(Algorithm.parse(algo));
        if (robustRadius != null || robustBudget != null) {
            Feasibility feas = EvasionCommands.ConstraintOptions.feasibility(schema, immutable, costs, null, all.schema(), all);
            config = config.withRobust(feas.robustness(robustRadius == null ? 0 : robustRadius, parseBudgets(robustBudget)));
        }
        TrainAndTest.Tested r = TrainAndTest.run(all, config, testFraction, data.data.toString(), Output.progress());
        LocalModel trained = r.model().withProvenance(r.model().provenance().withMissing(data.lastMissing));
        ModelIo.save(trained, out);
        System.out.printf("Trained %s on %d rows (%d features), tested on %d held-out rows.%n",
                config.algorithm().kind().replace('_', ' '), r.split().train().rows(), all.schema().width(),
                r.split().test().rows());
        System.out.printf("  train accuracy %s, test accuracy %s (%.1f s)%n", Output.pct(r.trainAccuracy()),
                r.heldOut() ? Output.pct(r.testAccuracy()) : "n/a (no rows held out)", r.seconds());
        if (!config.monotone().isEmpty()) {
            System.out.println("  monotone constraints " + config.monotone());
        }
        if (config.robust() != null) {
            System.out.printf("  robust splits: radius %s%s in evasion cost units, %d of %d columns movable%n",
                    Output.num(config.robust().radius()), config.robust().budgets().isEmpty() ? ""
                            : ", budgets " + config.robust().budgets(), config.robust().reach().size(), all.schema().width());
        }
        System.out.println("  saved to " + out);
        Map<String, Object> res = r.toJson();
        res.put("model", out.toString());
        res.put("seconds", r.seconds());
        Output.json(json, res);
        return Main.OK;
    }

    private int trainDp(Dataset all) {
        if (epsilon == null) {
            throw new InputException("--algo dp-rf needs --epsilon E (the privacy budget)");
        }
        if (schema == null && !boundsFromData) {
            throw new InputException("--algo dp-rf needs public bounds: --schema FILE, or --bounds-from-data to take"
                    + " them from the training rows (which leaks the private data's extremes)");
        }
        org.mlsec.data.Schema bounds = schema != null
                ? org.mlsec.defences.preprocessor.InputSchema.read(schema).toSchema() : null;
        String source = schema != null ? schema.toString() : "training data (leaks, not covered by epsilon)";
        DpRandomForest.Composition comp;
        try {
            comp = DpRandomForest.Composition.valueOf(composition.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InputException("--composition must be disjoint or shared, got '" + composition + "'");
        }
        DpRandomForest.Config dc = new DpRandomForest.Config(trees == null ? 10 : trees, maxDepth == null ? 8 : maxDepth,
                epsilon, delta, comp, seed);
        DpRandomForest.Trained[] trained = new DpRandomForest.Trained[1];
        TrainAndTest.Tested r = TrainAndTest.run(all, testFraction, seed, train -> {
            if (bounds == null) {
                System.err.println("WARNING: bounds taken from the training data: they leak its extreme values and"
                        + " the epsilon guarantee does not cover them; give --schema with public bounds instead");
            }
            trained[0] = DpRandomForest.train(train, bounds != null ? bounds : DpRandomForest.boundsFromData(train), source, dc);
            return trained[0].model();
        });
        ModelIo.save(r.model(), out);
        DpRandomForest.Trained t = trained[0];
        System.out.printf("Trained a DP random forest (%d trees, depth %d) on %d rows, tested on %d held-out rows.%n",
                dc.trees(), dc.maxDepth(), r.split().train().rows(), r.split().test().rows());
        System.out.printf("  privacy spent: epsilon %s, delta %s (%s composition, epsilon %s per tree); bounds: %s%n",
                t.spent().epsilon(), t.spent().delta(), t.spent().rule(), t.treeEpsilon(), source);
        System.out.printf("  test accuracy %s (%.1f s); saved to %s%n",
                r.heldOut() ? Output.pct(r.testAccuracy()) : "n/a", r.seconds(), out);
        Map<String, Object> res = r.toJson();
        res.put("epsilon_spent", Double.isInfinite(t.spent().epsilon()) ? null : t.spent().epsilon());
        res.put("delta_spent", t.spent().delta());
        res.put("composition_rule", t.spent().rule());
        res.put("bounds_source", source);
        res.put("model", out.toString());
        res.put("seconds", r.seconds());
        Output.json(json, res);
        return Main.OK;
    }

    TrainConfig config(Algorithm a) {
        TrainConfig c = ModelOptions.sizes(TrainConfig.defaults(a).withSeed(seed).withThreads(threads), trees, maxDepth,
                minLeaf);
        if (maxFeatures != null) {
            c = c.withMaxFeatures(parseShare(maxFeatures));
        }
        if (learningRate != null) {
            c = c.withLearningRate(learningRate);
        }
        if (l2 != null) {
            c = c.withL2(l2);
        }
        if (monotone != null && !monotone.isEmpty()) {
            c = c.withMonotone(parseDirections(monotone));
        }
        return c;
    }

    /** Reads {@code --robust-budget}: column to a cost (Robustness checks the range and the columns). */
    static Map<String, Double> parseBudgets(Map<String, String> spec) {
        Map<String, Double> budgets = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : spec == null ? Map.<String, String>of().entrySet() : spec.entrySet()) {
            try {
                budgets.put(e.getKey().trim(), Double.parseDouble(e.getValue().trim()));
            } catch (NumberFormatException ex) {
                throw new InputException("--robust-budget " + e.getKey() + "=" + e.getValue() + ": the budget must be a number");
            }
        }
        return budgets;
    }

    /** Reads the directions of {@code --monotone}: +1, 1, -1 or 0 (TrainConfig checks the range and the columns). */
    static Map<String, Integer> parseDirections(Map<String, String> spec) {
        Map<String, Integer> directions = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : spec.entrySet()) {
            try {
                directions.put(e.getKey().trim(), Integer.parseInt(e.getValue().trim()));
            } catch (NumberFormatException ex) {
                throw new InputException("--monotone " + e.getKey() + "=" + e.getValue()
                        + ": the direction must be +1 (increasing), -1 (decreasing) or 0 (unconstrained)");
            }
        }
        return directions;
    }

    static double parseShare(String s) {
        if ("sqrt".equalsIgnoreCase(s)) {
            return TrainConfig.SQRT;
        }
        if ("all".equalsIgnoreCase(s)) {
            return 1.0;
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new InputException("--max-features must be a number in (0, 1], 'sqrt' or 'all', got '" + s + "'");
        }
    }
}
