package org.mlsec.defences.trainer;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.mlsec.model.tree.Tree;

/**
 * The data-independent shape of a random decision tree: at each node a random feature whose range (public bounds,
 * narrowed by the ancestors' splits) is not empty, and a threshold drawn uniformly in that range; grown to a fixed
 * depth, or stopped where no feature can be split. Nodes are numbered so that children follow their parent.
 */
final class RandomTree {
    private final int[] feature;
    private final double[] threshold;
    private final int[] left;
    private final int[] right;

    private RandomTree(int[] feature, double[] threshold, int[] left, int[] right) {
        this.feature = feature;
        this.threshold = threshold;
        this.left = left;
        this.right = right;
    }

    static RandomTree grow(double[] low, double[] high, int depth, SplittableRandom rng) {
        List<int[]> nodes = new ArrayList<>(); // {feature, left, right}
        List<Double> thresholds = new ArrayList<>();
        List<double[][]> ranges = new ArrayList<>();
        List<Integer> depths = new ArrayList<>();
        nodes.add(new int[] {-1, -1, -1});
        thresholds.add(0.0);
        ranges.add(new double[][] {low.clone(), high.clone()});
        depths.add(0);
        for (int n = 0; n < nodes.size(); n++) {
            double[] lo = ranges.get(n)[0];
            double[] hi = ranges.get(n)[1];
            List<Integer> open = new ArrayList<>();
            for (int f = 0; f < lo.length; f++) {
                if (hi[f] > lo[f]) {
                    open.add(f);
                }
            }
            if (depths.get(n) >= depth || open.isEmpty()) {
                continue;
            }
            int f = open.get(rng.nextInt(open.size()));
            double t = lo[f] + rng.nextDouble() * (hi[f] - lo[f]);
            double[] leftHigh = hi.clone();
            leftHigh[f] = t;
            double[] rightLow = lo.clone();
            rightLow[f] = t;
            int l = nodes.size();
            nodes.get(n)[0] = f;
            nodes.get(n)[1] = l;
            nodes.get(n)[2] = l + 1;
            thresholds.set(n, t);
            for (double[][] r : List.of(new double[][] {lo, leftHigh}, new double[][] {rightLow, hi})) {
                nodes.add(new int[] {-1, -1, -1});
                thresholds.add(0.0);
                ranges.add(r);
                depths.add(depths.get(n) + 1);
            }
        }
        int m = nodes.size();
        int[] feature = new int[m];
        int[] left = new int[m];
        int[] right = new int[m];
        double[] threshold = new double[m];
        for (int n = 0; n < m; n++) {
            feature[n] = nodes.get(n)[0];
            left[n] = nodes.get(n)[1];
            right[n] = nodes.get(n)[2];
            threshold[n] = feature[n] < 0 ? 0 : thresholds.get(n);
        }
        return new RandomTree(feature, threshold, left, right);
    }

    int nodes() {
        return feature.length;
    }

    int leaf(double[] x) {
        int n = 0;
        while (feature[n] >= 0) {
            n = x[feature[n]] <= threshold[n] ? left[n] : right[n];
        }
        return n;
    }

    /**
     * The tree with each leaf's class counts plus Laplace noise of the given scale, clipped at 0; internal nodes
     * hold the sums of their children (post-processing, no further privacy cost).
     */
    Tree withNoisyCounts(double[] counts, int k, double scale, SplittableRandom rng) {
        int m = nodes();
        double[] value = new double[m * k];
        for (int n = m - 1; n >= 0; n--) {
            for (int c = 0; c < k; c++) {
                value[n * k + c] = feature[n] < 0
                        ? Math.max(0, counts[n * k + c] + DpRandomForest.laplace(scale, rng))
                        : value[left[n] * k + c] + value[right[n] * k + c];
            }
        }
        int[] samples = new int[m];
        for (int n = 0; n < m; n++) {
            double s = 0;
            for (int c = 0; c < k; c++) {
                s += value[n * k + c];
            }
            samples[n] = (int) Math.round(s);
        }
        return new Tree(feature.clone(), threshold.clone(), left.clone(), right.clone(), value, k, samples, new double[m]);
    }
}
