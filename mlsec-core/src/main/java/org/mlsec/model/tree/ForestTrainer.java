package org.mlsec.model.tree;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.mlsec.Progress;
import org.mlsec.data.Dataset;
import org.mlsec.internal.Parallel;
import org.mlsec.model.Algorithm;
import org.mlsec.model.FeatureEncoder;
import org.mlsec.model.Provenance;
import org.mlsec.model.TrainConfig;

/** Trains random forests (bootstrap samples, features drawn per split) and single CART trees, trees in parallel. */
public final class ForestTrainer {
    private ForestTrainer() {
    }

    /**
     * Trains a random forest or single tree on every row of {@code train}.
     *
     * @param train the labelled training rows
     * @param c the configuration
     * @param source where the data came from, for the provenance
     * @param progress told after each tree
     * @return the model
     */
    public static ForestModel train(Dataset train, TrainConfig c, String source, Progress progress) {
        FeatureEncoder enc = new FeatureEncoder(train.schema());
        TreeGrower grower = new TreeGrower(enc.encodeColumns(train.x()));
        return train(grower, train, c, source, progress);
    }

    /**
     * Trains on a grower made once, so that many forests on the same rows share its presorting.
     *
     * @param grower a grower over {@code train}'s encoded columns
     * @param train the labelled training rows
     * @param c the configuration
     * @param source where the data came from, for the provenance
     * @param progress told after each tree
     * @return the model
     */
    public static ForestModel train(TreeGrower grower, Dataset train, TrainConfig c, String source, Progress progress) {
        int[] all = new int[train.rows()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return train(grower, train, all, c, source, progress);
    }

    /**
     * Trains on the given rows of {@code pool} only (bootstrap samples drawn from them), reusing the pool's
     * presorted grower: reference models of membership inference are trained this way on random halves.
     *
     * @param grower a grower over {@code pool}'s encoded columns
     * @param pool the labelled rows
     * @param rows the indices of {@code pool} to train on
     * @param c the configuration
     * @param source where the data came from, for the provenance
     * @param progress told after each tree
     * @return the model
     */
    public static ForestModel train(TreeGrower grower, Dataset pool, int[] rows, TrainConfig c, String source,
                                    Progress progress) {
        Dataset train = pool.subset(rows);
        boolean forest = c.algorithm() == Algorithm.RF;
        int trees = forest ? c.trees() : 1;
        int n = pool.rows();
        int m = rows.length;
        int[] y = pool.y();
        int k = pool.schema().classes().size();
        TreeParams params = TreeParams.classification(c.maxDepth(), c.minLeaf(),
                forest ? c.featureShare(grower.features()) : 1.0).withMonotone(c.monotoneDirections(pool.schema()))
                .withRobust(c.robust() == null ? null : c.robust().perturbation(pool.schema()));
        AtomicInteger done = new AtomicInteger();
        List<Tree> built = Parallel.map(trees, c.threads(), t -> {
            SplittableRandom rng = new SplittableRandom(mix(c.seed(), t));
            int[] weight = new int[n];
            if (forest) {
                for (int i = 0; i < m; i++) {
                    weight[rows[rng.nextInt(m)]]++;
                }
            } else {
                for (int r : rows) {
                    weight[r] = 1;
                }
            }
            Tree tree = grower.classification(y, k, weight, params, rng);
            progress.update("training trees", done.incrementAndGet(), trees);
            return tree;
        });
        Provenance p = Provenance.of(c.algorithm().kind(), c.hyperparameters(), train, source, Map.of());
        return new ForestModel(c.algorithm().kind(), train.schema(), p, built);
    }

    /** A seed per tree that does not depend on which thread grows it. */
    static long mix(long seed, int index) {
        long z = seed + 0x9E3779B97F4A7C15L * (index + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
