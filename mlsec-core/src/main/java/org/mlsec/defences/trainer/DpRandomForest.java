package org.mlsec.defences.trainer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.mlsec.data.Column;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.defences.preprocessor.InputSchema;
import org.mlsec.internal.Validate;
import org.mlsec.model.FeatureEncoder;
import org.mlsec.model.Provenance;
import org.mlsec.model.tree.ForestModel;
import org.mlsec.model.tree.Tree;

/**
 * An epsilon-differentially private random forest of random decision trees, the mechanism of IBM diffprivlib's
 * {@code RandomForestClassifier} (Fletcher and Islam 2017, "Differentially private random decision forests using
 * smooth sensitivity"; Fletcher and Islam 2019, "Decision tree classification with differential privacy: a survey";
 * the random trees of Geurts, Ernst and Wehenkel 2006 and Jagannathan, Pillaipakkamnatt and Wright 2009).
 * <ol>
 * <li>Structure without data: each tree is grown to {@code maxDepth} by drawing, at every node, an encoded
 *     feature at random and a threshold uniformly within the feature's <em>public bounds</em> as narrowed by the
 *     node's ancestors. The bounds come from the caller's schema and must not be learnt from the private rows:
 *     the structure then depends on the seed only and costs no privacy.</li>
 * <li>Noisy leaves: the per-class counts of training rows in each leaf receive independent Laplace noise of scale
 *     1/epsilon_tree and are clipped at 0 (post-processing). Adding or removing one row changes one count of one
 *     tree by one, so a tree's leaf histogram has L1 sensitivity 1 and is epsilon_tree-DP (Dwork et al. 2006).</li>
 * <li>Composition: with {@link Composition#DISJOINT} (diffprivlib's choice) the rows are split into one disjoint
 *     part per tree, and parallel composition makes the forest epsilon-DP with epsilon_tree = epsilon; with
 *     {@link Composition#SHARED} every tree sees every row, and {@link PrivacyAccountant#perStep} gives each tree
 *     the largest budget that basic or (with delta &gt; 0) advanced composition allows.</li>
 * </ol>
 * The guarantee is for add/remove neighbouring datasets (replacing a row is two such steps, 2 epsilon). Rows
 * outside the bounds fall into the outermost leaves, which changes nothing in the argument. Internal nodes hold the
 * sums of their children's noisy counts, {@code samples} their rounded total and {@code gain} zero, so nothing in the
 * saved trees is computed from the rows without noise.
 */
public final class DpRandomForest {
    /** How trees share the rows, and so how their budgets compose. */
    public enum Composition {
        /** Each tree sees its own disjoint part of the rows: parallel composition, each tree gets all of epsilon. */
        DISJOINT,
        /** Every tree sees every row: basic or advanced composition divides epsilon among the trees. */
        SHARED
    }

    /**
     * How the forest is grown and how much privacy it spends.
     *
     * @param trees       trees in the forest
     * @param maxDepth    depth of every random tree (2^depth leaves)
     * @param epsilon     total privacy budget
     * @param delta       slack allowed for advanced composition (0: pure epsilon-DP)
     * @param composition how the trees share the rows
     * @param seed        seed of the structure, the partition and the noise
     */
    public record Config(int trees, int maxDepth, double epsilon, double delta, Composition composition, long seed) {
        /**
         * Validates the configuration.
         *
         * @param trees       trees in the forest, in [1, 10000]
         * @param maxDepth    depth of every random tree, in [0, 20]
         * @param epsilon     total privacy budget, positive (infinity: no noise and no guarantee)
         * @param delta       slack allowed for advanced composition, in [0, 1)
         * @param composition how the trees share the rows, required
         * @param seed        seed of the structure, the partition and the noise
         * @throws org.mlsec.InputException if a value is out of range or the composition is null
         */
        public Config {
            Validate.isTrue(trees >= 1 && trees <= 10_000, "trees must be in [1, 10000], got " + trees);
            Validate.isTrue(maxDepth >= 0 && maxDepth <= 20, "maxDepth must be in [0, 20], got " + maxDepth);
            Validate.isTrue(epsilon > 0, "epsilon must be positive (infinity: no noise, no guarantee), got " + epsilon);
            Validate.isTrue(delta >= 0 && delta < 1, "delta must be in [0, 1), got " + delta);
            Validate.isTrue(composition != null, "composition is required");
        }

        /**
         * diffprivlib's defaults (10 trees, disjoint parts) with depth 8 (the best test AUC on the credit data in a
         * sweep of 10-200 trees, depth 4-12).
         *
         * @param epsilon total privacy budget
         * @param seed    seed of the structure, the partition and the noise
         * @return the configuration
         */
        public static Config of(double epsilon, long seed) {
            return new Config(10, 8, epsilon, 0, Composition.DISJOINT, seed);
        }
    }

    /**
     * The forest and its privacy accounting.
     *
     * @param model       the trained forest, with the public bounds in its schema
     * @param spent       what the forest spends in total
     * @param treeEpsilon the budget each tree's noisy leaf counts were given
     */
    public record Trained(ForestModel model, PrivacyAccountant spent, double treeEpsilon) {
    }

    private DpRandomForest() {
    }

    /**
     * Trains the forest: random tree structures within the public bounds, then Laplace-noised leaf counts.
     *
     * @param train  the private training data
     * @param bounds public bounds: a schema with the training data's columns whose numeric columns have finite
     *               min and max that were not computed from {@code train}
     * @param boundsSource where the bounds come from, recorded in the provenance (e.g. "schema.json")
     * @param c      the forest's configuration
     * @return the forest and its accounting
     * @throws org.mlsec.InputException if the bounds lack a numeric column of the data, or a bound is not finite
     */
    public static Trained train(Dataset train, Schema bounds, String boundsSource, Config c) {
        Schema own = withBounds(train.schema(), bounds);
        FeatureEncoder enc = new FeatureEncoder(own);
        int d = enc.width();
        double[] low = new double[d];
        double[] high = new double[d];
        for (int f = 0; f < d; f++) {
            Column b = own.feature(enc.sourceColumn(f));
            if (b.isCategorical()) {
                high[f] = 1; // an indicator
            } else {
                Validate.isTrue(Double.isFinite(b.min()) && Double.isFinite(b.max()) && b.min() <= b.max(),
                        "bounds of " + b.name() + " must be finite numbers, got [" + b.min() + ", " + b.max() + "]");
                low[f] = b.min();
                high[f] = b.max();
            }
        }
        int k = train.schema().classes().size();
        int n = train.rows();
        SplittableRandom root = new SplittableRandom(c.seed());
        SplittableRandom shapes = root.split(); // the structure's own stream: independent of the rows
        SplittableRandom rng = root.split();
        int[] part = new int[n];
        if (c.composition() == Composition.DISJOINT) {
            int[] perm = permutation(n, rng);
            for (int i = 0; i < n; i++) {
                part[perm[i]] = i % c.trees();
            }
        }
        PrivacyAccountant spent;
        double stepEps;
        if (c.composition() == Composition.DISJOINT || c.trees() == 1 || Double.isInfinite(c.epsilon())) {
            stepEps = c.epsilon();
            spent = PrivacyAccountant.parallel(stepEps);
        } else {
            PrivacyAccountant.Plan plan = PrivacyAccountant.perStep(c.epsilon(), c.delta(), c.trees());
            stepEps = plan.stepEpsilon();
            spent = plan.total();
        }
        double[][] x = enc.encodeAll(train.x());
        int[] y = train.y();
        List<Tree> trees = new ArrayList<>();
        for (int t = 0; t < c.trees(); t++) {
            RandomTree shape = RandomTree.grow(low, high, c.maxDepth(), shapes);
            double[] counts = new double[shape.nodes() * k];
            for (int i = 0; i < n; i++) {
                if (c.composition() == Composition.SHARED || part[i] == t) {
                    counts[shape.leaf(x[i]) * k + y[i]]++;
                }
            }
            trees.add(shape.withNoisyCounts(counts, k, 1 / stepEps, rng));
        }
        Map<String, String> h = new LinkedHashMap<>();
        h.put("epsilon", Double.toString(c.epsilon()));
        h.put("delta", Double.toString(c.delta()));
        h.put("trees", Integer.toString(c.trees()));
        h.put("max_depth", Integer.toString(c.maxDepth()));
        h.put("composition", c.composition().name().toLowerCase(java.util.Locale.ROOT));
        h.put("mechanism", "random-trees+laplace-leaf-counts");
        h.put("bounds_source", boundsSource);
        h.put("seed", Long.toString(c.seed()));
        Map<String, Double> m = Double.isInfinite(c.epsilon()) ? Map.of() // no guarantee to record
                : Map.of("epsilon_spent", spent.epsilon(), "delta_spent", spent.delta(), "epsilon_per_tree", stepEps);
        Provenance p = Provenance.of("dp_random_forest", h, train, "dp-training", m);
        return new Trained(new ForestModel(ForestModel.RANDOM_FOREST, own, p, trees), spent, stepEps);
    }

    /**
     * The data's schema with each numeric column's range taken from {@code bounds} (matched by name): the model
     * records the public bounds it was built on, so that an attacker's reference models can be built the same way.
     *
     * @param data   the training data's schema
     * @param bounds a schema holding the public range of every numeric column of {@code data}
     * @return {@code data} with the ranges of {@code bounds}
     * @throws org.mlsec.InputException if {@code bounds} has no column of that name, or has it categorical
     */
    public static Schema withBounds(Schema data, Schema bounds) {
        Schema s = data;
        for (int j = 0; j < data.width(); j++) {
            Column c = data.feature(j);
            if (c.isCategorical()) {
                continue;
            }
            int b = bounds.indexOf(c.name());
            Validate.isTrue(b >= 0, "bounds have no column " + c.name() + " (they list " + bounds.featureNames() + ")");
            Column given = bounds.feature(b);
            Validate.isTrue(!given.isCategorical(), "bounds of " + c.name() + " must be numeric, the data's column is");
            s = s.withFeature(j, Column.numeric(c.name(), c.type(), given.min(), given.max()));
        }
        return s;
    }

    /**
     * Bounds computed from the rows themselves (observed range widened by {@link InputSchema#MARGIN}). They leak:
     * the extreme values of the private data are published through the thresholds' range, which epsilon does not
     * cover. For experiments and for data whose ranges are public anyway; callers must say so.
     *
     * @param d the data whose ranges become the bounds
     * @return the data's schema with the widened observed ranges
     */
    public static Schema boundsFromData(Dataset d) {
        return InputSchema.infer(d).toSchema();
    }

    /**
     * A trainer of reference models built like {@code target} (a forest this class trained): the same
     * configuration, bounds and mechanism, so that membership inference against it is adaptive.
     *
     * @param target a forest trained by this class, whose provenance holds its configuration
     * @return the configuration {@code target} was trained with
     */
    public static Config configOf(org.mlsec.model.LocalModel target) {
        Map<String, String> h = target.provenance().hyperparameters();
        return new Config(Integer.parseInt(h.get("trees")), Integer.parseInt(h.get("max_depth")),
                Double.parseDouble(h.get("epsilon")), Double.parseDouble(h.get("delta")),
                Composition.valueOf(h.get("composition").toUpperCase(java.util.Locale.ROOT)), Long.parseLong(h.get("seed")));
    }

    /** Laplace noise of the given scale, by inversion. */
    static double laplace(double scale, SplittableRandom rng) {
        if (scale == 0) {
            return 0;
        }
        double u = rng.nextDouble() - 0.5;
        return -scale * Math.signum(u) * Math.log(1 - 2 * Math.abs(u));
    }

    private static int[] permutation(int n, SplittableRandom rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int s = p[i];
            p[i] = p[j];
            p[j] = s;
        }
        return p;
    }
}
