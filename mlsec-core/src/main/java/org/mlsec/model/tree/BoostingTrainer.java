package org.mlsec.model.tree;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.mlsec.Progress;
import org.mlsec.data.Dataset;
import org.mlsec.model.FeatureEncoder;
import org.mlsec.model.Provenance;
import org.mlsec.model.TrainConfig;

/**
 * Second-order gradient boosting with logistic loss (the XGBoost objective): each round fits a tree to the
 * gradients and hessians of the current scores, with exact splits and L2-penalised leaf scores.
 */
public final class BoostingTrainer {
    private BoostingTrainer() {
    }

    /**
     * Boosts {@code c.trees()} rounds of depth {@code c.maxDepth()} trees with shrinkage {@code c.learningRate()}.
     *
     * @param train the labelled training rows
     * @param c the configuration
     * @param source where the data came from, for the provenance
     * @param progress told after each round
     * @return the boosted model
     */
    public static BoostedModel train(Dataset train, TrainConfig c, String source, Progress progress) {
        List<Integer> monotone = c.monotoneDirections(train.schema());
        FeatureEncoder enc = new FeatureEncoder(train.schema());
        double[][] rows = enc.encodeAll(train.x());
        TreeGrower grower = new TreeGrower(enc.encodeColumns(train.x()));
        int n = train.rows();
        int[] y = train.y();
        int k = train.schema().classes().size();
        int outputs = k == 2 ? 1 : k;
        double[] prior = new double[k];
        for (int v : y) {
            prior[v] += 1.0 / n;
        }
        double[] base = new double[outputs];
        if (outputs == 1) {
            double p = Math.min(1 - 1e-6, Math.max(1e-6, prior[1]));
            base[0] = Math.log(p / (1 - p));
        } else {
            for (int j = 0; j < k; j++) {
                base[j] = Math.log(Math.max(prior[j], 1e-6));
            }
        }
        double[][] score = new double[n][outputs];
        for (double[] s : score) {
            System.arraycopy(base, 0, s, 0, outputs);
        }
        int[] weight = new int[n];
        Arrays.fill(weight, 1);
        TreeParams params = new TreeParams(c.maxDepth(), c.minLeaf(), 2, c.featureShare(grower.features()),
                Math.max(c.l2(), 1e-6), 1e-3, monotone);
        SplittableRandom rng = new SplittableRandom(c.seed());
        double[] grad = new double[n];
        double[] hess = new double[n];
        double[] prob = new double[k];
        List<Tree> trees = new ArrayList<>();
        for (int round = 0; round < c.trees(); round++) {
            for (int out = 0; out < outputs; out++) {
                for (int i = 0; i < n; i++) {
                    double p;
                    int target;
                    if (outputs == 1) {
                        p = 1 / (1 + Math.exp(-score[i][0]));
                        target = y[i];
                    } else {
                        BoostedModel.softmax(score[i], prob);
                        p = prob[out];
                        target = y[i] == out ? 1 : 0;
                    }
                    grad[i] = p - target;
                    hess[i] = Math.max(p * (1 - p), 1e-6);
                }
                Tree t = shrink(grower.boosting(grad, hess, weight, params, rng), c.learningRate());
                trees.add(t);
                for (int i = 0; i < n; i++) {
                    score[i][out] += t.value()[t.leaf(rows[i])];
                }
            }
            progress.update("boosting rounds", round + 1, c.trees());
        }
        Provenance p = Provenance.of(c.algorithm().kind(), c.hyperparameters(), train, source, Map.of());
        return new BoostedModel(train.schema(), p, trees, base);
    }

    private static Tree shrink(Tree t, double rate) {
        double[] v = t.value().clone();
        for (int i = 0; i < v.length; i++) {
            v[i] *= rate;
        }
        return new Tree(t.feature(), t.threshold(), t.left(), t.right(), v, 1, t.samples(), t.gain());
    }
}
