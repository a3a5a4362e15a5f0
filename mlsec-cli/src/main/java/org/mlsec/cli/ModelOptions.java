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
        return sizes(TrainConfig.defaults(Algorithm.parse(algo)).withSeed(seed), trees, maxDepth, minLeaf);
    }

    /** {@code c} with the tree options that were given (null: the algorithm's default stays). */
    static TrainConfig sizes(TrainConfig c, Integer trees, Integer maxDepth, Integer minLeaf) {
        TrainConfig out = c;
        if (trees != null) {
            out = out.withTrees(trees);
        }
        if (maxDepth != null) {
            out = out.withMaxDepth(maxDepth);
        }
        if (minLeaf != null) {
            out = out.withMinLeaf(minLeaf);
        }
        return out;
    }
}
