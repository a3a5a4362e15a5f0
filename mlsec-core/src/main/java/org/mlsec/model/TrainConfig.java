package org.mlsec.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mlsec.InputException;
import org.mlsec.data.Column;
import org.mlsec.data.Schema;
import org.mlsec.data.Values;
import org.mlsec.internal.Json;
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
 * @param monotone     monotone constraints of tree models: schema column name to +1 (the probability of the last
 *                     class, "default" in a binary problem, never falls as the column grows) or -1 (never rises);
 *                     empty for none. Zero entries mean "unconstrained" and are dropped.
 * @param robust       robust tree training against evasion (rf and tree only): the attacker's budget and reach that
 *                     every split is chosen against; null for ordinary training
 */
public record TrainConfig(Algorithm algorithm, int trees, int maxDepth, int minLeaf, double maxFeatures,
                          double learningRate, double l2, long seed, int threads, Map<String, Integer> monotone,
                          Robustness robust) {
    /** The {@code maxFeatures} value meaning the square root of the number of features. */
    public static final double SQRT = -1;
    /** The seed of the defaults. */
    public static final long DEFAULT_SEED = 42;
    /** The hyperparameter under which monotone constraints are saved: a JSON object such as {"months_late":1}. */
    public static final String MONOTONE_KEY = "monotone_constraints";
    /** The hyperparameter of the robust training radius (absent for ordinary training). */
    public static final String ROBUST_RADIUS_KEY = "robust_radius";
    /** The hyperparameter of the per-column robust budgets: a JSON object of column name to cost. */
    public static final String ROBUST_BUDGET_KEY = "robust_budget";
    /** The hyperparameter of the per-column reach: a JSON object of column name to {down, up, lo, hi, whole}. */
    public static final String ROBUST_REACH_KEY = "robust_reach";

    /**
     * Checks every setting's range; monotone constraints are for tree models only.
     *
     * @param algorithm model family
     * @param trees trees in a forest, or boosting rounds
     * @param maxDepth deepest level of a tree (Integer.MAX_VALUE: grown until pure)
     * @param minLeaf fewest training rows in a leaf
     * @param maxFeatures share of features drawn at each split; {@link #SQRT} for the square root of their number
     * @param learningRate shrinkage of boosting steps
     * @param l2 L2 penalty (logistic regression on standardised features; leaf scores in boosting)
     * @param seed every random choice follows from it
     * @param threads worker threads (0: one per core)
     * @param monotone monotone constraints of tree models: schema column name to +1 (the probability of the last class,
     *     "default" in a binary problem, never falls as the column grows) or -1 (never rises); empty for none. Zero
     *     entries mean "unconstrained" and are dropped.
     * @param robust robust tree training against evasion (rf and tree only), or null for ordinary training
     */
    public TrainConfig {
        Validate.notNull(algorithm, "algorithm");
        Validate.positive(trees, "trees");
        Validate.positive(maxDepth, "maxDepth");
        Validate.positive(minLeaf, "minLeaf");
        Validate.isTrue(maxFeatures == SQRT || (maxFeatures > 0 && maxFeatures <= 1),
                "maxFeatures must be in (0, 1] or sqrt, got " + maxFeatures, "maxFeatures");
        Validate.isTrue(learningRate > 0 && learningRate <= 1, "learningRate must be in (0, 1], got " + learningRate,
                "learningRate");
        Validate.isTrue(l2 >= 0 && Double.isFinite(l2), "l2 must be non-negative, got " + l2, "l2");
        Validate.isTrue(threads >= 0, "threads must not be negative, got " + threads, "threads");
        monotone = checkedMonotone(monotone);
        Validate.isTrue(monotone.isEmpty() || algorithm != Algorithm.LR,
                "monotone constrains tree models (rf, tree, gbt), not " + algorithm.flag(), "monotone");
        Validate.isTrue(robust == null || algorithm == Algorithm.RF || algorithm == Algorithm.TREE,
                "robust training grows forests and single trees (rf, tree), not " + algorithm.flag(), "robust-radius");
        Validate.isTrue(robust == null || monotone.isEmpty(),
                "robust training and monotone constraints cannot be combined", "robust-radius");
    }

    /**
     * A configuration without robust training.
     *
     * @param algorithm model family
     * @param trees trees in a forest, or boosting rounds
     * @param maxDepth deepest level of a tree
     * @param minLeaf fewest training rows in a leaf
     * @param maxFeatures share of features drawn at each split, or {@link #SQRT}
     * @param learningRate shrinkage of boosting steps
     * @param l2 L2 penalty
     * @param seed every random choice follows from it
     * @param threads worker threads (0: one per core)
     * @param monotone monotone constraints of tree models, column name to direction; empty for none
     */
    public TrainConfig(Algorithm algorithm, int trees, int maxDepth, int minLeaf, double maxFeatures,
                       double learningRate, double l2, long seed, int threads, Map<String, Integer> monotone) {
        this(algorithm, trees, maxDepth, minLeaf, maxFeatures, learningRate, l2, seed, threads, monotone, null);
    }

    /**
     * A configuration without monotone constraints.
     *
     * @param algorithm model family
     * @param trees trees in a forest, or boosting rounds
     * @param maxDepth deepest level of a tree
     * @param minLeaf fewest training rows in a leaf
     * @param maxFeatures share of features drawn at each split, or {@link #SQRT}
     * @param learningRate shrinkage of boosting steps
     * @param l2 L2 penalty
     * @param seed every random choice follows from it
     * @param threads worker threads (0: one per core)
     */
    public TrainConfig(Algorithm algorithm, int trees, int maxDepth, int minLeaf, double maxFeatures,
                       double learningRate, double l2, long seed, int threads) {
        this(algorithm, trees, maxDepth, minLeaf, maxFeatures, learningRate, l2, seed, threads, Map.of(), null);
    }

    /**
     * scikit-learn-like defaults: 100 fully grown trees with sqrt features; boosting 100 rounds of depth 4.
     *
     * @param a the model family
     * @return its defaults, seed {@link #DEFAULT_SEED}, one thread per core
     */
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

    /**
     * The same settings with another number of trees or rounds.
     *
     * @param n positive
     * @return the new configuration
     */
    public TrainConfig withTrees(int n) {
        return new TrainConfig(algorithm, n, maxDepth, minLeaf, maxFeatures, learningRate, l2, seed, threads, monotone, robust);
    }

    /**
     * The same settings with another depth limit.
     *
     * @param d positive
     * @return the new configuration
     */
    public TrainConfig withMaxDepth(int d) {
        return new TrainConfig(algorithm, trees, d, minLeaf, maxFeatures, learningRate, l2, seed, threads, monotone, robust);
    }

    /**
     * The same settings with another leaf size.
     *
     * @param k positive
     * @return the new configuration
     */
    public TrainConfig withMinLeaf(int k) {
        return new TrainConfig(algorithm, trees, maxDepth, k, maxFeatures, learningRate, l2, seed, threads, monotone, robust);
    }

    /**
     * The same settings with another share of features per split.
     *
     * @param f in (0, 1], or {@link #SQRT}
     * @return the new configuration
     */
    public TrainConfig withMaxFeatures(double f) {
        return new TrainConfig(algorithm, trees, maxDepth, minLeaf, f, learningRate, l2, seed, threads, monotone, robust);
    }

    /**
     * The same settings with another learning rate.
     *
     * @param r in (0, 1]
     * @return the new configuration
     */
    public TrainConfig withLearningRate(double r) {
        return new TrainConfig(algorithm, trees, maxDepth, minLeaf, maxFeatures, r, l2, seed, threads, monotone, robust);
    }

    /**
     * The same settings with another L2 penalty.
     *
     * @param v not negative
     * @return the new configuration
     */
    public TrainConfig withL2(double v) {
        return new TrainConfig(algorithm, trees, maxDepth, minLeaf, maxFeatures, learningRate, v, seed, threads, monotone, robust);
    }

    /**
     * The same settings with another seed.
     *
     * @param s the seed
     * @return the new configuration
     */
    public TrainConfig withSeed(long s) {
        return new TrainConfig(algorithm, trees, maxDepth, minLeaf, maxFeatures, learningRate, l2, s, threads, monotone, robust);
    }

    /**
     * The same settings with another number of threads.
     *
     * @param t not negative (0: one per core)
     * @return the new configuration
     */
    public TrainConfig withThreads(int t) {
        return new TrainConfig(algorithm, trees, maxDepth, minLeaf, maxFeatures, learningRate, l2, seed, t, monotone, robust);
    }

    /**
     * The same settings with these monotone constraints (column name to +1 or -1) instead of any before.
     *
     * @param constraints column name to direction
     * @return the new configuration
     */
    public TrainConfig withMonotone(Map<String, Integer> constraints) {
        return new TrainConfig(algorithm, trees, maxDepth, minLeaf, maxFeatures, learningRate, l2, seed, threads,
                constraints, robust);
    }

    /**
     * The same settings with robust tree training against this attacker (null: ordinary training).
     *
     * @param r the attacker's budget and reach
     * @return the new configuration
     */
    public TrainConfig withRobust(Robustness r) {
        return new TrainConfig(algorithm, trees, maxDepth, minLeaf, maxFeatures, learningRate, l2, seed, threads,
                monotone, r);
    }

    /**
     * Share of features per split for {@code width} encoded features.
     *
     * @param width the number of encoded features
     * @return the share, in (0, 1]
     */
    public double featureShare(int width) {
        return maxFeatures == SQRT ? Math.sqrt(width) / width : maxFeatures;
    }

    /**
     * The settings that matter for this algorithm, as saved in provenance (and read back by attacks).
     *
     * @return name to value as text
     */
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
                m.put("criterion", robust == null ? "gini" : "adversarial_gini");
                putMonotone(m);
                putRobust(m);
                break;
            case GBT:
                m.put("trees", Integer.toString(trees));
                m.put("max_depth", Integer.toString(maxDepth));
                m.put("min_leaf", Integer.toString(minLeaf));
                m.put("max_features", Values.format(maxFeatures == SQRT ? 1 : maxFeatures));
                m.put("learning_rate", Values.format(learningRate));
                m.put("l2", Values.format(l2));
                putMonotone(m);
                break;
            default:
                m.put("l2", Values.format(l2));
                m.put("solver", "newton");
        }
        m.put("seed", Long.toString(seed));
        return m;
    }

    /**
     * Reads back the settings saved by {@link #hyperparameters()} (reference models are trained like the target).
     *
     * @param a the model family
     * @param h the saved hyperparameters; missing ones take the family's defaults
     * @return the configuration
     */
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
        if (h.containsKey(MONOTONE_KEY)) {
            c = c.withMonotone(parseMonotone(h.get(MONOTONE_KEY)));
        }
        if (h.containsKey(ROBUST_RADIUS_KEY)) {
            c = c.withRobust(parseRobust(h));
        }
        return c;
    }

    /**
     * The monotone direction of each encoded feature of {@code schema} (0 where unconstrained), or an empty list
     * when there are no constraints. This is where constraints meet the data, so the checks that need the schema
     * live here: every constrained column exists, is numeric (one-hot categories have no order) and the label has
     * two classes (the constraints speak of the probability of the last one).
     *
     * @param schema the training data's schema
     * @return one direction per encoded feature, or empty
     */
    public List<Integer> monotoneDirections(Schema schema) {
        if (monotone.isEmpty()) {
            return List.of();
        }
        if (schema.classes().size() != 2) {
            throw InputException.about("monotone needs a binary label (it constrains the probability of the last "
                    + "class); '" + schema.label() + "' has " + schema.classes().size() + " classes "
                    + schema.classes(), "monotone");
        }
        FeatureEncoder encoder = new FeatureEncoder(schema);
        List<Integer> directions = new ArrayList<>(Collections.nCopies(encoder.width(), 0));
        for (Map.Entry<String, Integer> e : monotone.entrySet()) {
            int column = schema.indexOf(e.getKey());
            if (column < 0) {
                throw InputException.about("monotone: no feature '" + e.getKey() + "' to constrain; the features are "
                        + schema.featureNames(), "monotone");
            }
            Column c = schema.feature(column);
            if (c.isCategorical()) {
                throw InputException.about("monotone: '" + c.name() + "' is categorical " + c.categories()
                        + ", so it has no order to be monotone in; read it as numeric if its codes are ordered",
                        "monotone", "numeric");
            }
            for (int f = 0; f < encoder.width(); f++) {
                if (encoder.sourceColumn(f) == column) {
                    directions.set(f, e.getValue());
                }
            }
        }
        return List.copyOf(directions);
    }

    /** Checks each direction and returns the non-zero ones, sorted by column name and unmodifiable. */
    private static Map<String, Integer> checkedMonotone(Map<String, Integer> constraints) {
        if (constraints == null || constraints.isEmpty()) {
            return Map.of();
        }
        TreeMap<String, Integer> kept = new TreeMap<>();
        for (Map.Entry<String, Integer> e : constraints.entrySet()) {
            Integer d = e.getValue();
            Validate.isTrue(e.getKey() != null && !e.getKey().isBlank(), "monotone: a constraint has no column name", "monotone");
            Validate.isTrue(d != null && d >= -1 && d <= 1, "monotone " + e.getKey() + "=" + d
                    + ": the direction must be +1 (increasing), -1 (decreasing) or 0 (unconstrained)", "monotone");
            if (d != 0) {
                kept.put(e.getKey(), d);
            }
        }
        return Collections.unmodifiableMap(kept);
    }

    private void putMonotone(Map<String, String> m) {
        if (monotone.isEmpty()) {
            return; // absent rather than empty, so models trained without constraints keep their provenance
        }
        try {
            m.put(MONOTONE_KEY, Json.MAPPER.writeValueAsString(monotone));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void putRobust(Map<String, String> m) {
        if (robust == null) {
            return;
        }
        m.put(ROBUST_RADIUS_KEY, Values.format(robust.radius()));
        try {
            if (!robust.budgets().isEmpty()) {
                m.put(ROBUST_BUDGET_KEY, Json.MAPPER.writeValueAsString(robust.budgets()));
            }
            m.put(ROBUST_REACH_KEY, Json.MAPPER.writeValueAsString(robust.reach()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Robustness parseRobust(Map<String, String> h) {
        String text = h.get(ROBUST_RADIUS_KEY) + " " + h.get(ROBUST_BUDGET_KEY) + " " + h.get(ROBUST_REACH_KEY);
        try {
            double radius = Double.parseDouble(h.get(ROBUST_RADIUS_KEY));
            Map<String, Double> budgets = new LinkedHashMap<>();
            if (h.containsKey(ROBUST_BUDGET_KEY)) {
                for (Map.Entry<String, JsonNode> e : Json.MAPPER.readTree(h.get(ROBUST_BUDGET_KEY)).properties()) {
                    budgets.put(e.getKey(), e.getValue().asDouble());
                }
            }
            Map<String, Robustness.Reach> reach = new LinkedHashMap<>();
            JsonNode node = Json.MAPPER.readTree(h.getOrDefault(ROBUST_REACH_KEY, "{}"));
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                JsonNode r = e.getValue();
                reach.put(e.getKey(), new Robustness.Reach(r.path("down").asDouble(), r.path("up").asDouble(),
                        number(r.path("lo"), Double.NEGATIVE_INFINITY), number(r.path("hi"), Double.POSITIVE_INFINITY),
                        r.path("whole").asBoolean()));
            }
            return new Robustness(radius, budgets, reach);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new InputException("malformed robust hyperparameters '" + text + "': " + e.getMessage());
        }
    }

    /** A saved bound: a number, or null/text for an infinite one. */
    private static double number(JsonNode n, double missing) {
        return n.isNumber() ? n.asDouble() : n.isTextual() ? Double.parseDouble(n.asText()) : missing;
    }

    private static Map<String, Integer> parseMonotone(String json) {
        try {
            JsonNode node = Json.MAPPER.readTree(json);
            Map<String, Integer> m = new LinkedHashMap<>();
            if (node != null && node.isObject()) {
                for (Map.Entry<String, JsonNode> e : node.properties()) {
                    if (!e.getValue().isInt()) {
                        throw new InputException("malformed hyperparameter " + MONOTONE_KEY + " '" + json + "': the "
                                + "direction of '" + e.getKey() + "' is not a whole number");
                    }
                    m.put(e.getKey(), e.getValue().intValue());
                }
                return m;
            }
        } catch (JsonProcessingException e) {
            // reported below, as any other malformed value
        }
        throw new InputException("malformed hyperparameter " + MONOTONE_KEY + " '" + json
                + "': expected a JSON object of column names to -1 or 1, such as {\"months_late\":1}");
    }
}
