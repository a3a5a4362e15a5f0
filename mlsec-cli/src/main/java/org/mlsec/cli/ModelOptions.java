package org.mlsec.cli;

import org.mlsec.model.Algorithm;
import org.mlsec.model.TrainConfig;
import picocli.CommandLine.Option;

/** How the commands that train models for comparison (before/after an attack) train them. */
public final class ModelOptions {
    @Option(names = "--algo", paramLabel = "ALGO", defaultValue = "rf", description = "Model to train (default: ${DEFAULT-VALUE}).")
    String algo;

    @Option(names = "--trees", paramLabel = "N", description = "Trees in a forest, or boosting rounds.")
    Integer trees;

    @Option(names = "--max-depth", paramLabel = "D", description = "Deepest tree level.")
    Integer maxDepth;

    @Option(names = "--min-leaf", paramLabel = "K", description = "Fewest training rows per leaf.")
    Integer minLeaf;

    TrainConfig config(long seed) {
        TrainConfig c = TrainConfig.defaults(Algorithm.parse(algo)).withSeed(seed);
        if (trees != null) {
            c = c.withTrees(trees);
        }
        if (maxDepth != null) {
            c = c.withMaxDepth(maxDepth);
        }
        if (minLeaf != null) {
            c = c.withMinLeaf(minLeaf);
        }
        return c;
    }
}
