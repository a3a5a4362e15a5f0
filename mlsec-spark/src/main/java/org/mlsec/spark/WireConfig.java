package org.mlsec.spark;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mlsec.model.Algorithm;
import org.mlsec.model.TrainConfig;

/** A {@link TrainConfig} as Spark moves it to executors: every field, rebuilt exactly on the other side. */
final class WireConfig implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String algorithm;
    private final int trees;
    private final int maxDepth;
    private final int minLeaf;
    private final double maxFeatures;
    private final double learningRate;
    private final double l2;
    private final long seed;
    private final int threads;
    private final LinkedHashMap<String, Integer> monotone;

    /** @param threads worker threads of one task (an executor runs several tasks side by side) */
    WireConfig(TrainConfig c, int threads) {
        if (c.robust() != null) {
            // Rebuilt without it, the executors would train ordinary trees under a robust model's name.
            throw new org.mlsec.InputException("the Spark engine does not train robust trees (robust_radius "
                    + c.robust().radius() + "); use the local engine");
        }
        algorithm = c.algorithm().name();
        trees = c.trees();
        maxDepth = c.maxDepth();
        minLeaf = c.minLeaf();
        maxFeatures = c.maxFeatures();
        learningRate = c.learningRate();
        l2 = c.l2();
        seed = c.seed();
        this.threads = threads;
        monotone = new LinkedHashMap<>(c.monotone());
    }

    TrainConfig toConfig() {
        return new TrainConfig(Algorithm.valueOf(algorithm), trees, maxDepth, minLeaf, maxFeatures, learningRate, l2,
                seed, threads, Map.copyOf(monotone));
    }
}
