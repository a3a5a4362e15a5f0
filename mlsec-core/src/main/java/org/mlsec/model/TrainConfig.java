package org.mlsec.model;

import java.util.LinkedHashMap;
import java.util.Map;
import org.mlsec.data.Values;
import org.mlsec.internal.Validate;

/**
 * Everything that decides how a model trains; validated here, in one place.
 *
 * @param algorithm    model family
 * @param trees        trees in a forest, or boosting rounds
 * @param maxDepth     deepest level of a tree (Integer.MAX_VALUE: grown until pure)
 * @param minLeaf      fewest training rows in a leaf
 * @param maxFeatures  share of features drawn at each split; {@link #SQRT} for the square root of their number
 * @param learningRate shrinkage of boosting steps
 * @param l2           L2 penalty (logistic regression on standardised features; leaf scores in boosting)
 * @param seed         every random choice follows from it
 * @param threads      worker threads (0: one per core)
 */
public record TrainConfig(Algorithm algorithm, int trees, int maxDepth, int minLeaf, double maxFeatures,
                          double learningRate, double l2, long seed, int threads) {
    public static final double SQRT = -1;
    public static final long DEFAULT_SEED = 42;

    public TrainConfig {
        Validate.notNull(algorithm, "algorithm");
        Validate.positive(trees, "--trees");
        Validate.positive(maxDepth, "--max-depth");
        Validate.positive(minLeaf, "--min-leaf");
        Validate.isTrue(maxFeatures == SQRT || (maxFeatures > 0 && maxFeatures <= 1),
                "--max-features must be in (0, 1] or sqrt, got " + maxFeatures);
        Validate.isTrue(learningRate > 0 && learningRate <= 1, "--learning-rate must be in (0, 1], got " + learningRate);
        Validate.isTrue(l2 >= 0 && Double.isFinite(l2), "--l2 must be non-negative, got " + l2);
        Validate.isTrue(threads >= 0, "--threads must not be negative, got " + threads);
    }

    /** scikit-learn-like defaults: 100 fully grown trees with sqrt features; boosting 100 rounds of depth 4. */
    public static TrainConfig defaults(Algorithm a) {
        switch (a) {
            case RF:
                return new TrainConfig(a, 100, Integer.MAX_VALUE, 1, SQRT, 0.1, 0, DEFAULT_SEED, 0);
            case GBT:
                return new TrainConfig(a, 100, 4, 1, 1.0, 0.1, 1.0, DEFAULT_SEED, 0);
            case LR:
                return new TrainConfig(a, 1, Integer.MAX_VALUE, 1, 1.0, 0.1, 1.0, DEFAULT_SEED, 0);
            default:
                return new TrainConfig(a, 1, Integer.MAX_VALUE, 1, 1.0, 0.1, 0, DEFAULT_SEED, 0);
        }
    }

    public TrainConfig withTrees(int n) {
        return new TrainConfig(algorithm, n, maxDepth, minLeaf, maxFeatures, learningRate, l2, seed, threads);
    }

    public TrainConfig withMaxDepth(int d) {
        return new TrainConfig(algorithm, trees, d, minLeaf, maxFeatures, learningRate, l2, seed, threads);
    }

    public TrainConfig withMinLeaf(int k) {
        return new TrainConfig(algorithm, trees, maxDepth, k, maxFeatures, learningRate, l2, seed, threads);
    }

    public TrainConfig withMaxFeatures(double f) {
        return new TrainConfig(algorithm, trees, maxDepth, minLeaf, f, learningRate, l2, seed, threads);
    }

    public TrainConfig withLearningRate(double r) {
        return new TrainConfig(algorithm, trees, maxDepth, minLeaf, maxFeatures, r, l2, seed, threads);
    }

    public TrainConfig withL2(double v) {
        return new TrainConfig(algorithm, trees, maxDepth, minLeaf, maxFeatures, learningRate, v, seed, threads);
    }

    public TrainConfig withSeed(long s) {
        return new TrainConfig(algorithm, trees, maxDepth, minLeaf, maxFeatures, learningRate, l2, s, threads);
    }

    public TrainConfig withThreads(int t) {
        return new TrainConfig(algorithm, trees, maxDepth, minLeaf, maxFeatures, learningRate, l2, seed, t);
    }

    /** Share of features per split for {@code width} encoded features. */
    public double featureShare(int width) {
        return maxFeatures == SQRT ? Math.sqrt(width) / width : maxFeatures;
    }

    /** The settings that matter for this algorithm, as saved in provenance (and read back by attacks). */
    public Map<String, String> hyperparameters() {
        Map<String, String> m = new LinkedHashMap<>();
        switch (algorithm) {
            case RF:
            case TREE:
                if (algorithm == Algorithm.RF) {
                    m.put("trees", Integer.toString(trees));
                    m.put("max_features", maxFeatures == SQRT ? "sqrt" : Values.format(maxFeatures));
                    m.put("bootstrap", "true");
                }
                m.put("max_depth", maxDepth == Integer.MAX_VALUE ? "none" : Integer.toString(maxDepth));
                m.put("min_leaf", Integer.toString(minLeaf));
                m.put("criterion", "gini");
                break;
            case GBT:
                m.put("trees", Integer.toString(trees));
                m.put("max_depth", Integer.toString(maxDepth));
                m.put("min_leaf", Integer.toString(minLeaf));
                m.put("max_features", Values.format(maxFeatures == SQRT ? 1 : maxFeatures));
                m.put("learning_rate", Values.format(learningRate));
                m.put("l2", Values.format(l2));
                break;
            default:
                m.put("l2", Values.format(l2));
                m.put("solver", "newton");
        }
        m.put("seed", Long.toString(seed));
        return m;
    }

    /** Reads back the settings saved by {@link #hyperparameters()} (reference models are trained like the target). */
    public static TrainConfig fromHyperparameters(Algorithm a, Map<String, String> h) {
        TrainConfig c = defaults(a);
        if (h.containsKey("trees")) {
            c = c.withTrees(Integer.parseInt(h.get("trees")));
        }
        if (h.containsKey("max_depth")) {
            String d = h.get("max_depth");
            c = c.withMaxDepth("none".equals(d) ? Integer.MAX_VALUE : Integer.parseInt(d));
        }
        if (h.containsKey("min_leaf")) {
            c = c.withMinLeaf(Integer.parseInt(h.get("min_leaf")));
        }
        if (h.containsKey("max_features")) {
            String f = h.get("max_features");
            c = c.withMaxFeatures("sqrt".equals(f) ? SQRT : Double.parseDouble(f));
        }
        if (h.containsKey("learning_rate")) {
            c = c.withLearningRate(Double.parseDouble(h.get("learning_rate")));
        }
        if (h.containsKey("l2")) {
            c = c.withL2(Double.parseDouble(h.get("l2")));
        }
        if (h.containsKey("seed")) {
            c = c.withSeed(Long.parseLong(h.get("seed")));
        }
        return c;
    }
}
