package org.mlsec.model.tree;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Grows exact CART trees fast. Each feature's rows are sorted once per data set and shared by every tree grown on
 * it; a tree keeps, for each feature, its in-sample rows in sorted order and partitions these lists stably at each
 * split, so no node ever sorts. Split search is then one linear scan per drawn feature, and it finds every
 * threshold an exact sort-based CART (scikit-learn's) would consider: midpoints between consecutive distinct values.
 */
public final class TreeGrower {
    private final double[][] cols;
    private final int[][] sorted;
    private final int rows;
    private final int features;

    /** @param cols encoded training data, column-major: {@code cols[feature][row]} */
    public TreeGrower(double[][] cols) {
        this.cols = cols;
        this.features = cols.length;
        this.rows = features == 0 ? 0 : cols[0].length;
        this.sorted = new int[features][];
        for (int f = 0; f < features; f++) {
            sorted[f] = argsort(cols[f]);
        }
    }

    public int rows() {
        return rows;
    }

    public int features() {
        return features;
    }

    /**
     * A classification tree (Gini impurity).
     *
     * @param y      class index per row
     * @param k      number of classes
     * @param weight how often each row is in the sample (bootstrap multiplicity; 0 leaves it out)
     */
    public Tree classification(int[] y, int k, int[] weight, TreeParams p, SplittableRandom rng) {
        return new Growth(weight, p, rng).growClassification(y, k);
    }

    /** A regression tree on gradients and hessians (second-order boosting), over the rows with weight above 0. */
    public Tree boosting(double[] grad, double[] hess, int[] weight, TreeParams p, SplittableRandom rng) {
        return new Growth(weight, p, rng).growBoosting(grad, hess);
    }

    static int[] argsort(double[] v) {
        int n = v.length;
        // Sort (value, index) pairs through order-preserving 64-bit keys: no boxing, no comparator.
        long[] keys = new long[n];
        double[] distinct = v.clone();
        Arrays.sort(distinct);
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (i == 0 || distinct[i] != distinct[m - 1]) {
                distinct[m++] = distinct[i];
            }
        }
        for (int i = 0; i < n; i++) {
            long rank = Arrays.binarySearch(distinct, 0, m, v[i]);
            keys[i] = (rank << 32) | i;
        }
        Arrays.sort(keys);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = (int) keys[i];
        }
        return order;
    }

    /** The state of one tree's growth. */
    private final class Growth {
        final int[] weight;
        final TreeParams p;
        final SplittableRandom rng;
        final int[][] order;
        final int m;
        final boolean[] goesLeft;
        final int[] buffer;
        final int[] featurePool;
        final int mtry;
        // Growing node arrays.
        int count;
        int[] feature = new int[64];
        double[] threshold = new double[64];
        int[] left = new int[64];
        int[] right = new int[64];
        int[] samples = new int[64];
        double[] gain = new double[64];
        double[] value;
        int width;

        Growth(int[] weight, TreeParams p, SplittableRandom rng) {
            this.weight = weight;
            this.p = p;
            this.rng = rng;
            int inSample = 0;
            for (int w : weight) {
                if (w > 0) {
                    inSample++;
                }
            }
            this.m = inSample;
            this.order = new int[features][m];
            for (int f = 0; f < features; f++) {
                int[] src = sorted[f];
                int[] dst = order[f];
                int c = 0;
                for (int r : src) {
                    if (weight[r] > 0) {
                        dst[c++] = r;
                    }
                }
            }
            this.goesLeft = new boolean[rows];
            this.buffer = new int[m];
            this.featurePool = new int[features];
            for (int f = 0; f < features; f++) {
                featurePool[f] = f;
            }
            this.mtry = p.featuresPerSplit(features);
        }

        int newNode() {
            if (count == feature.length) {
                int n = count * 2;
                feature = Arrays.copyOf(feature, n);
                threshold = Arrays.copyOf(threshold, n);
                left = Arrays.copyOf(left, n);
                right = Arrays.copyOf(right, n);
                samples = Arrays.copyOf(samples, n);
                gain = Arrays.copyOf(gain, n);
                value = Arrays.copyOf(value, n * width);
            }
            feature[count] = -1;
            return count++;
        }

        Tree finish() {
            return new Tree(Arrays.copyOf(feature, count), Arrays.copyOf(threshold, count), Arrays.copyOf(left, count),
                    Arrays.copyOf(right, count), Arrays.copyOf(value, count * width), width,
                    Arrays.copyOf(samples, count), Arrays.copyOf(gain, count));
        }

        // ---- classification ----

        Tree growClassification(int[] y, int k) {
            width = k;
            value = new double[64 * k];
            int root = newNode();
            double[] rootCounts = new double[k];
            for (int r : order[0]) {
                rootCounts[y[r]] += weight[r];
            }
            if (m == 0) {
                return finish();
            }
            int[] stackNode = new int[64];
            int[] stackStart = new int[64];
            int[] stackEnd = new int[64];
            int[] stackDepth = new int[64];
            double[][] stackCounts = new double[64][];
            int sp = 0;
            stackNode[sp] = root;
            stackStart[sp] = 0;
            stackEnd[sp] = m;
            stackDepth[sp] = 0;
            stackCounts[sp] = rootCounts;
            sp++;
            double[] leftW = new double[k];
            double[] bestLeft = new double[k];
            while (sp > 0) {
                sp--;
                int node = stackNode[sp];
                int start = stackStart[sp];
                int end = stackEnd[sp];
                int depth = stackDepth[sp];
                double[] counts = stackCounts[sp];
                int n = end - start;
                System.arraycopy(counts, 0, value, node * k, k);
                samples[node] = n;
                double total = 0;
                int nonZero = 0;
                for (double c : counts) {
                    total += c;
                    if (c > 0) {
                        nonZero++;
                    }
                }
                if (depth >= p.maxDepth() || n < p.minSplit() || n < 2 * p.minLeaf() || nonZero <= 1) {
                    continue;
                }
                double parentScore = 0;
                for (double c : counts) {
                    parentScore += c * c;
                }
                parentScore /= total;
                double bestScore = parentScore + 1e-12 * total;
                int bestFeature = -1;
                int bestLeftRows = 0;
                double bestThreshold = 0;
                int visited = 0;
                for (int drawn = 0; drawn < features && visited < mtry; drawn++) {
                    int pick = drawn + rng.nextInt(features - drawn);
                    int f = featurePool[pick];
                    featurePool[pick] = featurePool[drawn];
                    featurePool[drawn] = f;
                    int[] ord = order[f];
                    double[] col = cols[f];
                    if (col[ord[start]] == col[ord[end - 1]]) {
                        continue; // constant here: does not count as a drawn feature, as in scikit-learn
                    }
                    visited++;
                    Arrays.fill(leftW, 0);
                    double wl = 0;
                    int minLeaf = p.minLeaf();
                    for (int i = start; i < end - 1; i++) {
                        int r = ord[i];
                        double w = weight[r];
                        leftW[y[r]] += w;
                        wl += w;
                        int nLeft = i - start + 1;
                        if (nLeft < minLeaf) {
                            continue;
                        }
                        if (n - nLeft < minLeaf) {
                            break;
                        }
                        double v = col[r];
                        double next = col[ord[i + 1]];
                        if (v == next) {
                            continue;
                        }
                        double wr = total - wl;
                        double sl = 0;
                        double sr = 0;
                        for (int c = 0; c < k; c++) {
                            double a = leftW[c];
                            double b = counts[c] - a;
                            sl += a * a;
                            sr += b * b;
                        }
                        double score = sl / wl + sr / wr;
                        if (score > bestScore) {
                            bestScore = score;
                            bestFeature = f;
                            bestLeftRows = nLeft;
                            double t = (v + next) / 2;
                            bestThreshold = t >= next ? v : t;
                            System.arraycopy(leftW, 0, bestLeft, 0, k);
                        }
                    }
                }
                if (bestFeature < 0) {
                    continue;
                }
                double[] lc = bestLeft.clone();
                double[] rc = new double[k];
                for (int c = 0; c < k; c++) {
                    rc[c] = counts[c] - lc[c];
                }
                // Weighted Gini decrease: total*gini(parent) - wl*gini(left) - wr*gini(right) = scores' difference.
                gain[node] = bestScore - parentScore;
                int mid = split(node, bestFeature, bestThreshold, start, end, bestLeftRows);
                if (sp + 2 > stackNode.length) {
                    int s = stackNode.length * 2;
                    stackNode = Arrays.copyOf(stackNode, s);
                    stackStart = Arrays.copyOf(stackStart, s);
                    stackEnd = Arrays.copyOf(stackEnd, s);
                    stackDepth = Arrays.copyOf(stackDepth, s);
                    stackCounts = Arrays.copyOf(stackCounts, s);
                }
                stackNode[sp] = right[node];
                stackStart[sp] = mid;
                stackEnd[sp] = end;
                stackDepth[sp] = depth + 1;
                stackCounts[sp] = rc;
                sp++;
                stackNode[sp] = left[node];
                stackStart[sp] = start;
                stackEnd[sp] = mid;
                stackDepth[sp] = depth + 1;
                stackCounts[sp] = lc;
                sp++;
            }
            return finish();
        }

        /** Records the split, makes the two children and partitions every feature's rows; returns the middle. */
        int split(int node, int f, double t, int start, int end, int nLeft) {
            feature[node] = f;
            threshold[node] = t;
            int l = newNode();
            int r = newNode();
            left[node] = l;
            right[node] = r;
            int mid = start + nLeft;
            int[] ord = order[f];
            for (int i = start; i < mid; i++) {
                goesLeft[ord[i]] = true;
            }
            for (int i = mid; i < end; i++) {
                goesLeft[ord[i]] = false;
            }
            for (int g = 0; g < features; g++) {
                if (g == f) {
                    continue;
                }
                int[] o = order[g];
                int a = start;
                int b = 0;
                for (int i = start; i < end; i++) {
                    int row = o[i];
                    if (goesLeft[row]) {
                        o[a++] = row;
                    } else {
                        buffer[b++] = row;
                    }
                }
                System.arraycopy(buffer, 0, o, a, b);
            }
            return mid;
        }

        // ---- boosting ----

        Tree growBoosting(double[] grad, double[] hess) {
            width = 1;
            value = new double[64];
            int root = newNode();
            if (m == 0) {
                return finish();
            }
            double lambda = p.lambda();
            int[] stackNode = new int[64];
            int[] stackStart = new int[64];
            int[] stackEnd = new int[64];
            int[] stackDepth = new int[64];
            int sp = 0;
            stackNode[sp] = root;
            stackStart[sp] = 0;
            stackEnd[sp] = m;
            stackDepth[sp] = 0;
            sp++;
            while (sp > 0) {
                sp--;
                int node = stackNode[sp];
                int start = stackStart[sp];
                int end = stackEnd[sp];
                int depth = stackDepth[sp];
                int n = end - start;
                double gSum = 0;
                double hSum = 0;
                int[] ord0 = order[0];
                for (int i = start; i < end; i++) {
                    int r = ord0[i];
                    gSum += grad[r] * weight[r];
                    hSum += hess[r] * weight[r];
                }
                value[node] = -gSum / (hSum + lambda);
                samples[node] = n;
                if (depth >= p.maxDepth() || n < p.minSplit() || n < 2 * p.minLeaf()) {
                    continue;
                }
                double parentScore = gSum * gSum / (hSum + lambda);
                double bestScore = parentScore + 1e-12;
                int bestFeature = -1;
                int bestLeftRows = 0;
                double bestThreshold = 0;
                int visited = 0;
                for (int drawn = 0; drawn < features && visited < mtry; drawn++) {
                    int pick = drawn + rng.nextInt(features - drawn);
                    int f = featurePool[pick];
                    featurePool[pick] = featurePool[drawn];
                    featurePool[drawn] = f;
                    int[] ord = order[f];
                    double[] col = cols[f];
                    if (col[ord[start]] == col[ord[end - 1]]) {
                        continue;
                    }
                    visited++;
                    double gl = 0;
                    double hl = 0;
                    for (int i = start; i < end - 1; i++) {
                        int r = ord[i];
                        gl += grad[r] * weight[r];
                        hl += hess[r] * weight[r];
                        int nLeft = i - start + 1;
                        if (nLeft < p.minLeaf()) {
                            continue;
                        }
                        if (n - nLeft < p.minLeaf()) {
                            break;
                        }
                        double v = col[r];
                        double next = col[ord[i + 1]];
                        if (v == next || hl < p.minChildWeight() || hSum - hl < p.minChildWeight()) {
                            continue;
                        }
                        double gr = gSum - gl;
                        double score = gl * gl / (hl + lambda) + gr * gr / (hSum - hl + lambda);
                        if (score > bestScore) {
                            bestScore = score;
                            bestFeature = f;
                            bestLeftRows = nLeft;
                            double t = (v + next) / 2;
                            bestThreshold = t >= next ? v : t;
                        }
                    }
                }
                if (bestFeature < 0) {
                    continue;
                }
                gain[node] = bestScore - parentScore;
                int mid = split(node, bestFeature, bestThreshold, start, end, bestLeftRows);
                if (sp + 2 > stackNode.length) {
                    int s = stackNode.length * 2;
                    stackNode = Arrays.copyOf(stackNode, s);
                    stackStart = Arrays.copyOf(stackStart, s);
                    stackEnd = Arrays.copyOf(stackEnd, s);
                    stackDepth = Arrays.copyOf(stackDepth, s);
                }
                stackNode[sp] = right[node];
                stackStart[sp] = mid;
                stackEnd[sp] = end;
                stackDepth[sp] = depth + 1;
                sp++;
                stackNode[sp] = left[node];
                stackStart[sp] = start;
                stackEnd[sp] = mid;
                stackDepth[sp] = depth + 1;
                sp++;
            }
            return finish();
        }
    }
}
