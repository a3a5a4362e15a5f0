package org.mlsec.model.tree;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Grows exact CART trees fast. Each feature's rows are sorted once per data set and shared by every tree grown on
 * it; a tree keeps, for each feature, its in-sample rows in sorted order and partitions these lists stably at each
 * split, so no node ever sorts. Split search is then one linear scan per drawn feature, and it finds every
 * threshold an exact sort-based CART (scikit-learn's) would consider: midpoints between consecutive distinct values.
 *
 * <p>Monotone constraints ({@link TreeParams#monotone()}) follow XGBoost: every node carries bounds [lo, hi] on its
 * output (the class-1 share of a classification node, the score of a boosting node). A split on a constrained
 * feature is taken only if its children's outputs, clipped into the bounds, are ordered in the constrained
 * direction; its children then split the bounds at the midpoint of those outputs (increasing: the left child gets
 * [lo, mid], the right [mid, hi]), while other splits hand the bounds down unchanged. Leaves are clipped into their
 * bounds, so every leaf left of a constrained split is at most every leaf right of it and the tree is monotone.
 * Without constraints nothing of this runs and the trees are exactly the unconstrained ones.
 *
 * <p>Robust growth ({@link TreeParams#robust()}, binary classification) chooses each split against an attacker who
 * may move every row within its feasible {@link Perturbation}, following Chen, Zhang, Boning and Hsieh, "Robust
 * Decision Trees Against Adversarial Examples" (ICML 2019) and GROOT (Vos and Verwer, "Efficient Training of Robust
 * Decision Trees Against Adversarial Examples", ICML 2021). For a threshold t on feature f a row whose reachable
 * interval on f lies at or below t certainly goes left, one whose interval lies above t certainly goes right, and
 * one whose interval contains t is uncertain: the attacker puts it on whichever side hurts most. A split is scored
 * by GROOT's adversarial Gini impurity, the children's weighted impurity after the attacker's worst placement of the
 * uncertain rows (a concave function of the numbers of each class moved, maximised exactly for up to 24 uncertain
 * rows of the rarer class and by its continuous, conservative bound above, at the box's edges), and
 * only a split with a positive adversarial gain is taken. The uncertain rows then go where the attacker put them
 * (GROOT), and each child remembers the side: its box on f ends at t (left) or starts above it (right), and every
 * later split intersects a row's reachable interval with its node's box, so an attacker is never credited with
 * moving a row to both sides of one threshold. The reachable intervals are monotone in the row's value, so the
 * presorted order still serves: certainly-left rows are a prefix and certainly-right rows a suffix of it, and the
 * thresholds worth trying are the midpoints between consecutive distinct interval ends, found in one merge. The
 * perturbation is a box per row (each feature moved up to its own reach), which contains the attacker's cost ball
 * under every norm; it honours immutable features (radius 0), one-way features, feasible ranges and whole numbers.
 * With no movable feature the trees are exactly the ordinary ones.
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

    /**
     * The rows of the training data.
     *
     * @return the row count
     */
    public int rows() {
        return rows;
    }

    /**
     * The encoded features of the training data.
     *
     * @return the feature count
     */
    public int features() {
        return features;
    }

    /**
     * A classification tree (Gini impurity).
     *
     * @param y      class index per row
     * @param k      number of classes
     * @param weight how often each row is in the sample (bootstrap multiplicity; 0 leaves it out)
     *
     * @param p how the tree grows
     * @param rng draws the features tried at each split
     * @return the tree
     */
    public Tree classification(int[] y, int k, int[] weight, TreeParams p, SplittableRandom rng) {
        return new Growth(weight, p, rng).growClassification(y, k);
    }

    /**
     * A regression tree on gradients and hessians (second-order boosting), over the rows with weight above 0.
     *
     * @param grad per row, the loss gradient
     * @param hess per row, the loss hessian
     * @param weight how often each row is in the sample (0 leaves it out)
     * @param p how the tree grows
     * @param rng draws the features tried at each split
     * @return the tree
     */
    public Tree boosting(double[] grad, double[] hess, int[] weight, TreeParams p, SplittableRandom rng) {
        return new Growth(weight, p, rng).growBoosting(grad, hess);
    }

    /** Validates per-feature directions; null when none is constrained. */
    private int[] directions(List<Integer> monotone) {
        if (monotone.isEmpty()) {
            return null;
        }
        if (monotone.size() != features) {
            throw new IllegalArgumentException(monotone.size() + " monotone directions for " + features + " features");
        }
        int[] d = new int[features];
        boolean any = false;
        for (int f = 0; f < features; f++) {
            d[f] = monotone.get(f);
            if (d[f] < -1 || d[f] > 1) {
                throw new IllegalArgumentException("monotone direction " + d[f] + " of feature " + f);
            }
            any |= d[f] != 0;
        }
        return any ? d : null;
    }

    /** Whether the (bounded) outputs of a split's children follow the constrained direction. */
    static boolean ordered(int direction, double leftOutput, double rightOutput) {
        return direction > 0 ? leftOutput <= rightOutput : leftOutput >= rightOutput;
    }

    static double clamp(double v, double lo, double hi) {
        return v < lo ? lo : v > hi ? hi : v;
    }

    /**
     * Rounds a class-1 share to a multiple of 2^-24. Classification bounds live on this grid so that a clipped
     * leaf's rescaled counts (share times an integer total below 2^29) are exact and divide back to exactly the
     * bound: then monotonicity holds exactly in {@link ForestModel}'s arithmetic, not only up to rounding.
     */
    static double onShareGrid(double share) {
        return Math.rint(share * 0x1p24) * 0x1p-24;
    }

    /** Uncertain rows of the rarer class up to which the attacker's placement is searched exactly. */
    static final int EXACT_UNCERTAIN = 24;

    /** Weighted Gini impurity of a node of a class-0 and b class-1 weight: (a + b) gini = 2ab / (a + b). */
    static double impurity(double a, double b) {
        double s = a + b;
        return s > 0 ? 2 * a * b / s : 0;
    }

    /**
     * GROOT's adversarial Gini impurity of a binary split (Vos &amp; Verwer 2021): l0, l1 weight of each class is
     * certainly left, r0, r1 certainly right, and u0, u1 uncertain (the attacker may put it on either side). The
     * attacker moves x of the u0 and y of the u1 to the left so as to maximise the children's weighted impurity
     * G(x, y) = imp(l0 + x, l1 + y) + imp(r0 + u0 - x, r1 + u1 - y). G is concave (imp is concave and 1-homogeneous),
     * so for a fixed x its best whole y is the floor or ceiling of its stationary point, where both children have the
     * same class shares: y = ((l0 + x)(r1 + u1) - (r0 + u0 - x) l1) / (l0 + r0 + u0), clipped into [0, u1]. The
     * four edges of the box are searched so; when the rarer uncertain class has at most {@link #EXACT_UNCERTAIN}
     * weight, every x (or y) is tried and the maximum is exact. Above that, the continuous maximum over the box (on
     * its boundary, since the unconstrained maximum is a whole line that, if it meets the box, also crosses its
     * boundary) is returned: never below the attacker's best whole placement, so the split is judged
     * conservatively.
     *
     * @param enough a value at which the search may stop (the split is then of no use), +infinity for none
     * @param move receives the attacker's best whole placement found (x, y)
     * @return the attacker's maximum weighted impurity (or at least {@code enough})
     */
    static double attack(double l0, double l1, double u0, double u1, double r0, double r1, double enough,
                         double[] move) {
        move[0] = 0;
        move[1] = 0;
        double best = impurity(l0, l1) + impurity(r0 + u0, r1 + u1);
        if (u0 == 0 && u1 == 0) {
            return best;
        }
        best = Math.max(best, placeY(l0, l1, u0, u1, r0, r1, 0, best, move));
        best = Math.max(best, placeY(l0, l1, u0, u1, r0, r1, u0, best, move));
        best = Math.max(best, placeX(l0, l1, u0, u1, r0, r1, 0, best, move));
        best = Math.max(best, placeX(l0, l1, u0, u1, r0, r1, u1, best, move));
        if (best >= enough) {
            return best;
        }
        if (Math.min(u0, u1) <= EXACT_UNCERTAIN) {
            if (u0 <= u1) {
                for (double x = 1; x < u0; x++) {
                    best = Math.max(best, placeY(l0, l1, u0, u1, r0, r1, x, best, move));
                }
            } else {
                for (double y = 1; y < u1; y++) {
                    best = Math.max(best, placeX(l0, l1, u0, u1, r0, r1, y, best, move));
                }
            }
            return best;
        }
        double a0 = l0 + r0 + u0;
        double a1 = l1 + r1 + u1;
        double cont = best;
        for (double x : new double[] {0, u0}) {
            double y = a0 > 0 ? clamp(((l0 + x) * (r1 + u1) - (r0 + u0 - x) * l1) / a0, 0, u1) : 0;
            cont = Math.max(cont, impurity(l0 + x, l1 + y) + impurity(r0 + u0 - x, r1 + u1 - y));
        }
        for (double y : new double[] {0, u1}) {
            double x = a1 > 0 ? clamp(((l1 + y) * (r0 + u0) - (r1 + u1 - y) * l0) / a1, 0, u0) : 0;
            cont = Math.max(cont, impurity(l0 + x, l1 + y) + impurity(r0 + u0 - x, r1 + u1 - y));
        }
        return cont;
    }

    /** The attacker's best whole y for x class-0 rows moved left; updates move when it beats best. */
    private static double placeY(double l0, double l1, double u0, double u1, double r0, double r1, double x,
                                 double best, double[] move) {
        return place(l0, l1, u0, u1, r0, r1, x, best, move, 0, 1);
    }

    /** The attacker's best whole x for y class-1 rows moved left: placeY with the classes swapped. */
    private static double placeX(double l0, double l1, double u0, double u1, double r0, double r1, double y,
                                 double best, double[] move) {
        return place(l1, l0, u1, u0, r1, r0, y, best, move, 1, 0);
    }

    /**
     * For {@code fixed} rows of the first class moved left, the best whole number of the second class to move: the
     * floor or ceiling of the stationary point; writes (fixed, it) to move[first], move[second] when it beats best.
     */
    private static double place(double l0, double l1, double u0, double u1, double r0, double r1, double fixed,
                                double best, double[] move, int first, int second) {
        double a0 = l0 + r0 + u0;
        double stationary = a0 > 0 ? ((l0 + fixed) * (r1 + u1) - (r0 + u0 - fixed) * l1) / a0 : 0;
        double top = best;
        for (double other : new double[] {Math.floor(stationary), Math.ceil(stationary)}) {
            other = clamp(other, 0, u1);
            double g = impurity(l0 + fixed, l1 + other) + impurity(r0 + u0 - fixed, r1 + u1 - other);
            if (g > top) {
                top = g;
                move[first] = fixed;
                move[second] = other;
            }
        }
        return top;
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
        /** Per row of the node being split, 1 when it goes to the left child and 0 when it goes right. */
        final byte[] goesLeft;
        final int[] buffer;
        final int[] featurePool;
        final int mtry;
        /** Monotone direction per feature, or null when nothing is constrained. */
        final int[] monotone;
        /** The attacker's perturbation of robust growth, or null for ordinary CART. */
        final Perturbation robust;
        // Robust scan buffers (null without robust growth): reachable interval ends, class-weight prefix sums,
        // merged interval ends.
        double[] reachLo;
        double[] reachHi;
        double[] cum0;
        double[] cum1;
        double[] events;
        final double[] move = new double[2];
        // The best robust split of the node being scanned.
        double bScore;
        int bFeature;
        double bThreshold;
        int bCertainLeft;
        int bUncertainEnd;
        int bLeftRows;
        double bGl;
        double bHl;
        /**
         * Per row, two numbers side by side (one memory access in the scans): its weight and its class-1 weight
         * (binary classification), or its weighted gradient and hessian (boosting); null otherwise.
         */
        double[] pairs;
        double bMove0;
        double bMove1;
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
            this.goesLeft = new byte[rows];
            this.buffer = new int[m];
            this.featurePool = new int[features];
            for (int f = 0; f < features; f++) {
                featurePool[f] = f;
            }
            this.mtry = p.featuresPerSplit(features);
            this.monotone = directions(p.monotone());
            Perturbation pert = p.robust();
            if (pert != null && pert.width() != features) {
                throw new IllegalArgumentException("a perturbation of " + pert.width() + " features for " + features);
            }
            this.robust = pert != null && pert.any() ? pert : null;
            if (robust != null) {
                reachLo = new double[m];
                reachHi = new double[m];
                cum0 = new double[m + 1];
                cum1 = new double[m + 1];
                events = new double[2 * m];
            }
        }

        /** The next candidate feature: one step of a seeded partial Fisher-Yates shuffle of the feature pool. */
        private int draw(int drawn) {
            int pick = drawn + rng.nextInt(features - drawn);
            int f = featurePool[pick];
            featurePool[pick] = featurePool[drawn];
            featurePool[drawn] = f;
            return f;
        }

        /** Whether the feature takes one value on the node's rows {@code [start, end)} of its sorted order. */
        private boolean constantOn(int f, int start, int end) {
            int[] ord = order[f];
            return cols[f][ord[start]] == cols[f][ord[end - 1]];
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

        /**
         * Clips a leaf's output into its monotone bounds. A classification leaf keeps its total weight and has its
         * class counts rescaled to the clipped share, since {@link ForestModel} reads shares off the counts.
         */
        void boundLeaf(int node, double lo, double hi) {
            if (monotone == null) {
                return;
            }
            if (width == 1) {
                value[node] = clamp(value[node], lo, hi);
                return;
            }
            int b = node * 2;
            double total = value[b] + value[b + 1];
            double share = value[b + 1] / total;
            if (total > 0 && (share < lo || share > hi)) {
                value[b + 1] = clamp(share, lo, hi) * total;
                value[b] = total - value[b + 1];
            }
        }

        Tree finish() {
            return new Tree(Arrays.copyOf(feature, count), Arrays.copyOf(threshold, count), Arrays.copyOf(left, count),
                    Arrays.copyOf(right, count), Arrays.copyOf(value, count * width), width,
                    Arrays.copyOf(samples, count), Arrays.copyOf(gain, count));
        }

        // ---- classification ----

        Tree growClassification(int[] y, int k) {
            if (monotone != null && k != 2) {
                throw new IllegalArgumentException("monotone constraints need two classes, not " + k);
            }
            if (robust != null && (k != 2 || monotone != null)) {
                throw new IllegalArgumentException(k != 2 ? "robust splits need two classes, not " + k
                        : "robust splits and monotone constraints cannot be combined");
            }
            width = k;
            value = new double[64 * k];
            if (k == 2) {
                pairs = new double[2 * rows];
                for (int r = 0; r < rows; r++) {
                    pairs[2 * r] = weight[r];
                    pairs[2 * r + 1] = y[r] == 1 ? weight[r] : 0;
                }
            }
            int root = newNode();
            double[] rootCounts = new double[k];
            for (int r : order[0]) {
                rootCounts[y[r]] += weight[r];
            }
            if (m == 0) {
                return finish();
            }
            Pending stack = new Pending();
            double[] rootBoxLo = null;
            double[] rootBoxHi = null;
            if (robust != null) { // robust growth: per node, the box the splits above it hold the attacker's changes in
                rootBoxLo = new double[features];
                rootBoxHi = new double[features];
                Arrays.fill(rootBoxLo, Double.NEGATIVE_INFINITY);
                Arrays.fill(rootBoxHi, Double.POSITIVE_INFINITY);
            }
            stack.push(root, 0, m, 0, rootCounts, 0, 1, rootBoxLo, rootBoxHi);
            double[] leftW = new double[k];
            double[] bestLeft = new double[k];
            while (stack.size > 0) {
                int sp = --stack.size;
                int node = stack.node[sp];
                int start = stack.start[sp];
                int end = stack.end[sp];
                int depth = stack.depth[sp];
                double[] counts = stack.counts[sp];
                double lo = stack.lo[sp];
                double hi = stack.hi[sp];
                double[] boxLo = stack.boxLo[sp];
                double[] boxHi = stack.boxHi[sp];
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
                if (depth >= Math.min(p.maxDepth(), Tree.MAX_DEPTH) || n < p.minSplit() || n < 2 * p.minLeaf() || nonZero <= 1) {
                    boundLeaf(node, lo, hi);
                    continue;
                }
                double parentScore = 0;
                for (double c : counts) {
                    parentScore += c * c;
                }
                parentScore /= total;
                double[] lc;
                double[] rc;
                int mid;
                double leftLo = lo;
                double leftHi = hi;
                double rightLo = lo;
                double rightHi = hi;
                double[][] boxes = null;
                if (robust != null) {
                    if (!growRobust(node, y, counts, total, parentScore, start, end, boxLo, boxHi)) {
                        continue;
                    }
                    mid = partition(node, bFeature, bThreshold, start, end, -1);
                    lc = new double[2];
                    int[] ord = order[bFeature];
                    for (int i = start; i < mid; i++) {
                        lc[y[ord[i]]] += weight[ord[i]];
                    }
                    rc = new double[] {counts[0] - lc[0], counts[1] - lc[1]};
                    boxes = childBoxes(bFeature, bThreshold, boxLo, boxHi);
                } else {
                    // Any split is taken, even one that leaves the Gini impurity as it is (as scikit-learn does): a node
                    // of XOR-like rows only becomes separable one level further down, and a fully grown tree must get there.
                    bScore = Double.NEGATIVE_INFINITY;
                    bFeature = -1;
                    int visited = 0;
                    for (int drawn = 0; drawn < features && visited < mtry; drawn++) {
                        int f = draw(drawn);
                        if (constantOn(f, start, end)) {
                            continue; // constant here: does not count as a drawn feature, as in scikit-learn
                        }
                        visited++;
                        int direction = monotone == null ? 0 : monotone[f];
                        if (k == 2 && direction == 0) {
                            scanBinary(f, counts[1], total, start, end, bestLeft);
                        } else {
                            scanGini(f, y, k, counts, total, start, end, direction, lo, hi, leftW, bestLeft);
                        }
                    }
                    double bestScore = bScore;
                    int bestFeature = bFeature;
                    int bestLeftRows = bLeftRows;
                    double bestThreshold = bThreshold;
                    if (bestFeature < 0) {
                        boundLeaf(node, lo, hi);
                        continue;
                    }
                    lc = bestLeft.clone();
                    rc = new double[k];
                    for (int c = 0; c < k; c++) {
                        rc[c] = counts[c] - lc[c];
                    }
                    int direction = monotone == null ? 0 : monotone[bestFeature];
                    if (direction != 0) {
                        double l = clamp(lc[1] / (lc[0] + lc[1]), lo, hi);
                        double r = clamp(rc[1] / (rc[0] + rc[1]), lo, hi);
                        double middle = onShareGrid((l + r) / 2);
                        if (direction > 0) {
                            leftHi = middle;
                            rightLo = middle;
                        } else {
                            leftLo = middle;
                            rightHi = middle;
                        }
                    }
                    // Weighted Gini decrease: total*gini(parent) - wl*gini(left) - wr*gini(right) = scores' difference.
                    gain[node] = Math.max(0, bestScore - parentScore);
                    mid = split(node, bestFeature, bestThreshold, start, end, bestLeftRows);
                }
                stack.push(right[node], mid, end, depth + 1, rc, rightLo, rightHi, boxes == null ? null : boxes[2],
                        boxes == null ? null : boxes[3]);
                stack.push(left[node], start, mid, depth + 1, lc, leftLo, leftHi, boxes == null ? null : boxes[0],
                        boxes == null ? null : boxes[1]);
            }
            return finish();
        }

        /**
         * One feature's Gini scan of a node's rows {@code [start, end)} in that feature's order: every threshold
         * between two distinct values that leaves at least {@code minLeaf} rows on each side, scored by
         * {@code sum_c left_c^2 / left + sum_c right_c^2 / right} (the weighted Gini decrease up to a constant);
         * a better split than the best so far ({@link #bScore}) is recorded with its left class weights.
         */
        void scanGini(int f, int[] y, int k, double[] counts, double total, int start, int end, int direction,
                      double lo, double hi, double[] leftW, double[] bestLeft) {
            int[] ord = order[f];
            double[] col = cols[f];
            int n = end - start;
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
                // The constraint is checked only for a better split, so it costs nothing in the scan.
                if (score > bScore && (direction == 0 || ordered(direction,
                        clamp(leftW[1] / wl, lo, hi), clamp((counts[1] - leftW[1]) / wr, lo, hi)))) {
                    recordSplit(f, score, nLeft, v, next);
                    System.arraycopy(leftW, 0, bestLeft, 0, k);
                }
            }
        }

        /**
         * {@link #scanGini} for two classes without a constraint, on scalars: the weights are whole numbers, so
         * every sum is exact and the scores are bit for bit those of the general scan. Each row's weight and class-1
         * weight sit side by side in {@link #pairs} (one memory access), and a row's value is read once.
         */
        void scanBinary(int f, double total1, double total, int start, int end, double[] bestLeft) {
            int[] ord = order[f];
            double[] col = cols[f];
            double[] wy = pairs;
            int minLeaf = Math.max(1, p.minLeaf());
            int first = start + minLeaf - 1; // the first row that may end a left child
            int last = end - minLeaf - 1;    // the last one
            if (first > last) {
                return;
            }
            double wl = 0;
            double l1 = 0;
            for (int i = start; i < first; i++) {
                int r = ord[i] << 1;
                wl += wy[r];
                l1 += wy[r + 1];
            }
            double best = bScore;
            int r = ord[first];
            double v = col[r];
            for (int i = first; i <= last; i++) {
                wl += wy[r << 1];
                l1 += wy[(r << 1) + 1];
                int nextRow = ord[i + 1];
                double next = col[nextRow];
                if (v != next) {
                    double l0 = wl - l1;
                    double wr = total - wl;
                    double r1 = total1 - l1;
                    double r0 = wr - r1;
                    double score = (l0 * l0 + l1 * l1) / wl + (r0 * r0 + r1 * r1) / wr;
                    if (score > best) {
                        best = score;
                        recordSplit(f, score, i - start + 1, v, next);
                        bestLeft[0] = l0;
                        bestLeft[1] = l1;
                    }
                }
                r = nextRow;
                v = next;
            }
        }

        /**
         * One feature's boosting scan of a node's rows {@code [start, end)} in that feature's order: every threshold
         * between two distinct values that leaves {@code minLeaf} rows and {@code minChildWeight} hessian on each
         * side, scored by XGBoost's gain {@code G_l^2 / (H_l + lambda) + G_r^2 / (H_r + lambda)} (under monotone
         * constraints, at the bounded leaf scores); a better split than {@link #bScore} is recorded with its left
         * sums. Each row's weighted gradient and hessian sit side by side in {@link #pairs}.
         */
        void scanBoosting(int f, double gSum, double hSum, int start, int end, double lo, double hi) {
            int[] ord = order[f];
            double[] col = cols[f];
            double[] gh = pairs;
            double lambda = p.lambda();
            double minChild = p.minChildWeight();
            int direction = monotone == null ? 0 : monotone[f];
            int minLeaf = Math.max(1, p.minLeaf());
            int first = start + minLeaf - 1;
            int last = end - minLeaf - 1;
            if (first > last) {
                return;
            }
            double gl = 0;
            double hl = 0;
            for (int i = start; i < first; i++) {
                int r = ord[i] << 1;
                gl += gh[r];
                hl += gh[r + 1];
            }
            int r = ord[first];
            double v = col[r];
            for (int i = first; i <= last; i++) {
                gl += gh[r << 1];
                hl += gh[(r << 1) + 1];
                int nextRow = ord[i + 1];
                double next = col[nextRow];
                if (v != next && hl >= minChild && hSum - hl >= minChild) {
                    double gr = gSum - gl;
                    double score;
                    boolean allowed = true;
                    if (monotone == null) {
                        score = gl * gl / (hl + lambda) + gr * gr / (hSum - hl + lambda);
                    } else {
                        double wl = clamp(-gl / (hl + lambda), lo, hi);
                        double wr = clamp(-gr / (hSum - hl + lambda), lo, hi);
                        allowed = direction == 0 || ordered(direction, wl, wr);
                        score = scoreAtWeight(gl, hl, wl) + scoreAtWeight(gr, hSum - hl, wr);
                    }
                    if (allowed && score > bScore) {
                        recordSplit(f, score, i - start + 1, v, next);
                        bGl = gl;
                        bHl = hl;
                    }
                }
                r = nextRow;
                v = next;
            }
        }

        /** Records the best split so far: feature, score, left rows, and the threshold between v and next. */
        private void recordSplit(int f, double score, int nLeft, double v, double next) {
            bScore = score;
            bFeature = f;
            bLeftRows = nLeft;
            double t = (v + next) / 2;
            bThreshold = t >= next ? v : t;
        }

        /**
         * XGBoost's structure score of a child whose leaf score is held at {@code w} (its bounded optimum):
         * -(2 G w + (H + lambda) w^2), which is G^2 / (H + lambda) when w is the unbounded optimum -G / (H + lambda).
         */
        double scoreAtWeight(double g, double h, double w) {
            return -(2 * g * w + (h + p.lambda()) * w * w);
        }

        /** Records the split, makes the two children and partitions every feature's rows; returns the middle. */
        int split(int node, int f, double t, int start, int end, int nLeft) {
            int mid = start + nLeft;
            int[] ord = order[f];
            for (int i = start; i < mid; i++) {
                goesLeft[ord[i]] = 1;
            }
            for (int i = mid; i < end; i++) {
                goesLeft[ord[i]] = 0;
            }
            partition(node, f, t, start, end, f);
            return mid;
        }

        /**
         * Records the split, makes the two children and stably partitions every feature's rows but {@code skip}'s
         * (already in place, or -1 for none) by {@link #goesLeft}; returns the middle.
         */
        int partition(int node, int f, double t, int start, int end, int skip) {
            feature[node] = f;
            threshold[node] = t;
            int l = newNode();
            int r = newNode();
            left[node] = l;
            right[node] = r;
            int mid = start;
            for (int g = 0; g < features; g++) {
                if (g == skip) {
                    continue;
                }
                int[] o = order[g];
                int a = start;
                int b = 0;
                // Branch-free: the side is as good as random, so a branch on it would be mispredicted half the time.
                // Each row is written to both places and only the index of its side moves on (a <= i: o[i] is read).
                for (int i = start; i < end; i++) {
                    int row = o[i];
                    int side = goesLeft[row];
                    o[a] = row;
                    buffer[b] = row;
                    a += side;
                    b += 1 - side;
                }
                System.arraycopy(buffer, 0, o, a, b);
                mid = a;
            }
            return mid;
        }


        // ---- robust classification ----

        /**
         * Finds the node's best robust split over the drawn features and sets {@link #goesLeft} for its rows as the
         * attacker would place them; false (and the node made a leaf) when no split has a positive adversarial gain.
         */
        boolean growRobust(int node, int[] y, double[] counts, double total, double parentScore, int start, int end,
                           double[] boxLo, double[] boxHi) {
            // Only a split that still helps when the attacker places the uncertain rows is taken.
            bScore = parentScore + 1e-10 * total;
            bFeature = -1;
            int visited = 0;
            for (int drawn = 0; drawn < features && visited < mtry; drawn++) {
                int f = draw(drawn);
                if (constantOn(f, start, end)) {
                    continue;
                }
                visited++;
                scanRobust(f, y, counts, total, start, end, boxLo[f], boxHi[f]);
            }
            if (bFeature < 0) {
                return false;
            }
            gain[node] = bScore - parentScore;
            int[] ord = order[bFeature];
            double moved0 = 0;
            double moved1 = 0;
            for (int i = start; i < end; i++) {
                int r = ord[i];
                int offset = i - start;
                if (offset < bCertainLeft) {
                    goesLeft[r] = 1;
                } else if (offset >= bUncertainEnd) {
                    goesLeft[r] = 0;
                } else if (y[r] == 0) {
                    goesLeft[r] = (byte) (moved0 + weight[r] <= bMove0 ? 1 : 0);
                    moved0 += goesLeft[r] * weight[r];
                } else {
                    goesLeft[r] = (byte) (moved1 + weight[r] <= bMove1 ? 1 : 0);
                    moved1 += goesLeft[r] * weight[r];
                }
            }
            return true;
        }

        /** The boxes of a split's children: the left child's feature f ends at t, the right child's starts above it. */
        double[][] childBoxes(int f, double t, double[] boxLo, double[] boxHi) {
            double[] leftHi = boxHi.clone();
            double[] rightLo = boxLo.clone();
            leftHi[f] = Math.min(boxHi[f], robust.whole(f) ? Math.floor(t) : t);
            rightLo[f] = Math.max(boxLo[f], robust.whole(f) ? Math.floor(t) + 1 : t);
            return new double[][] {boxLo, leftHi, rightLo, boxHi};
        }

        /**
         * One feature's robust scan. Each row's reachable interval [lo, hi] (its perturbation, held in the node's box)
         * has ends that never fall along the presorted order, so for a threshold t the rows with hi &lt;= t (certainly
         * left) form a prefix and those with lo &gt; t (certainly right) a suffix; the rows between are uncertain.
         * These sets change only where t crosses an interval's end, so one threshold is tried between each two
         * consecutive distinct ends (their midpoint), in one merge of the two sorted lists of ends.
         */
        void scanRobust(int f, int[] y, double[] counts, double total, int start, int end, double boxLo, double boxHi) {
            int n = end - start;
            int[] ord = order[f];
            double[] col = cols[f];
            boolean whole = robust.whole(f);
            for (int i = 0; i < n; i++) {
                int r = ord[start + i];
                double x = col[r];
                double l = Math.max(robust.low(f, x), boxLo);
                double h = Math.min(robust.high(f, x), boxHi);
                reachLo[i] = whole ? Math.ceil(l) : l;
                reachHi[i] = whole ? Math.floor(h) : h;
                double w = weight[r];
                cum0[i + 1] = cum0[i] + (y[r] == 0 ? w : 0);
                cum1[i + 1] = cum1[i] + (y[r] == 0 ? 0 : w);
            }
            int ne = 0;
            for (int a = 0, b = 0; a < n || b < n; ) {
                double v = b >= n || (a < n && reachHi[a] <= reachLo[b]) ? reachHi[a++] : reachLo[b++];
                if (ne == 0 || v != events[ne - 1]) {
                    events[ne++] = v;
                }
            }
            double tot0 = counts[0];
            double tot1 = counts[1];
            int minLeaf = p.minLeaf();
            int certainLeft = 0;
            int uncertainEnd = 0;
            for (int e = 0; e + 1 < ne; e++) {
                double t = (events[e] + events[e + 1]) / 2;
                if (t >= events[e + 1]) {
                    t = events[e];
                }
                while (certainLeft < n && reachHi[certainLeft] <= t) {
                    certainLeft++;
                }
                while (uncertainEnd < n && reachLo[uncertainEnd] <= t) {
                    uncertainEnd++;
                }
                if (certainLeft < minLeaf) {
                    continue;
                }
                if (n - uncertainEnd < minLeaf) {
                    break;
                }
                double l0 = cum0[certainLeft];
                double l1 = cum1[certainLeft];
                double u0 = cum0[uncertainEnd] - l0;
                double u1 = cum1[uncertainEnd] - l1;
                double impurity = attack(l0, l1, u0, u1, tot0 - l0 - u0, tot1 - l1 - u1, total - bScore, move);
                double score = total - impurity;
                if (score > bScore) {
                    bScore = score;
                    bFeature = f;
                    bThreshold = t;
                    bCertainLeft = certainLeft;
                    bUncertainEnd = uncertainEnd;
                    bMove0 = move[0];
                    bMove1 = move[1];
                }
            }
        }

        // ---- boosting ----

        Tree growBoosting(double[] grad, double[] hess) {
            width = 1;
            value = new double[64];
            pairs = new double[2 * rows];
            for (int r = 0; r < rows; r++) {
                pairs[2 * r] = grad[r] * weight[r];
                pairs[2 * r + 1] = hess[r] * weight[r];
            }
            int root = newNode();
            if (m == 0) {
                return finish();
            }
            double lambda = p.lambda();
            Pending stack = new Pending();
            stack.push(root, 0, m, 0, null, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, null, null);
            while (stack.size > 0) {
                int sp = --stack.size;
                int node = stack.node[sp];
                int start = stack.start[sp];
                int end = stack.end[sp];
                int depth = stack.depth[sp];
                double lo = stack.lo[sp];
                double hi = stack.hi[sp];
                int n = end - start;
                double gSum = 0;
                double hSum = 0;
                int[] ord0 = order[0];
                for (int i = start; i < end; i++) {
                    int r = ord0[i] << 1;
                    gSum += pairs[r];
                    hSum += pairs[r + 1];
                }
                value[node] = -gSum / (hSum + lambda);
                samples[node] = n;
                if (depth >= Math.min(p.maxDepth(), Tree.MAX_DEPTH) || n < p.minSplit() || n < 2 * p.minLeaf()) {
                    boundLeaf(node, lo, hi);
                    continue;
                }
                // Under constraints every score is taken at the bounded leaf scores, as XGBoost does.
                double parentScore = monotone == null ? gSum * gSum / (hSum + lambda)
                        : scoreAtWeight(gSum, hSum, clamp(value[node], lo, hi));
                bScore = parentScore + 1e-12;
                bFeature = -1;
                int visited = 0;
                for (int drawn = 0; drawn < features && visited < mtry; drawn++) {
                    int f = draw(drawn);
                    if (constantOn(f, start, end)) {
                        continue;
                    }
                    visited++;
                    scanBoosting(f, gSum, hSum, start, end, lo, hi);
                }
                int bestFeature = bFeature;
                double bestScore = bScore;
                double bestThreshold = bThreshold;
                int bestLeftRows = bLeftRows;
                double bestGl = bGl;
                double bestHl = bHl;
                if (bestFeature < 0) {
                    boundLeaf(node, lo, hi);
                    continue;
                }
                gain[node] = bestScore - parentScore;
                double leftLo = lo;
                double leftHi = hi;
                double rightLo = lo;
                double rightHi = hi;
                int direction = monotone == null ? 0 : monotone[bestFeature];
                if (direction != 0) {
                    double middle = (clamp(-bestGl / (bestHl + lambda), lo, hi)
                            + clamp(-(gSum - bestGl) / (hSum - bestHl + lambda), lo, hi)) / 2;
                    if (direction > 0) {
                        leftHi = middle;
                        rightLo = middle;
                    } else {
                        leftLo = middle;
                        rightHi = middle;
                    }
                }
                int mid = split(node, bestFeature, bestThreshold, start, end, bestLeftRows);
                stack.push(right[node], mid, end, depth + 1, null, rightLo, rightHi, null, null);
                stack.push(left[node], start, mid, depth + 1, null, leftLo, leftHi, null, null);
            }
            return finish();
        }
    }

    /**
     * The nodes still to grow, depth first (the classification and boosting loops share it): each node's rows
     * {@code [start, end)} in the feature orders, its depth, its class counts (classification), the bounds monotone
     * constraints put on its value, and the box the splits above it hold the attacker's changes in (robust growth).
     */
    private static final class Pending {
        int size;
        int[] node = new int[64];
        int[] start = new int[64];
        int[] end = new int[64];
        int[] depth = new int[64];
        double[][] counts = new double[64][];
        double[] lo = new double[64];
        double[] hi = new double[64];
        double[][] boxLo = new double[64][];
        double[][] boxHi = new double[64][];

        void push(int n, int from, int to, int d, double[] c, double low, double high, double[] bl, double[] bh) {
            if (size == node.length) {
                int grown = size * 2;
                node = Arrays.copyOf(node, grown);
                start = Arrays.copyOf(start, grown);
                end = Arrays.copyOf(end, grown);
                depth = Arrays.copyOf(depth, grown);
                counts = Arrays.copyOf(counts, grown);
                lo = Arrays.copyOf(lo, grown);
                hi = Arrays.copyOf(hi, grown);
                boxLo = Arrays.copyOf(boxLo, grown);
                boxHi = Arrays.copyOf(boxHi, grown);
            }
            node[size] = n;
            start[size] = from;
            end[size] = to;
            depth[size] = d;
            counts[size] = c;
            lo[size] = low;
            hi[size] = high;
            boxLo[size] = bl;
            boxHi[size] = bh;
            size++;
        }
    }
}
