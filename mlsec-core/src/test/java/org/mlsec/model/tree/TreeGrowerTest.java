package org.mlsec.model.tree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.mlsec.TestData;

class TreeGrowerTest {
    static final TreeParams FULL = TreeParams.classification(Integer.MAX_VALUE, 1, 1.0);

    /** Random data with a few distinct values per feature, so ties are common. */
    static double[][] columns(SplittableRandom rng, int features, int rows, int levels) {
        double[][] cols = new double[features][rows];
        for (double[] c : cols) {
            for (int i = 0; i < rows; i++) {
                c[i] = rng.nextInt(levels) * 0.5 - 1;
            }
        }
        return cols;
    }

    static int[] ones(int n) {
        int[] w = new int[n];
        Arrays.fill(w, 1);
        return w;
    }

    static double[] row(double[][] cols, int i) {
        double[] r = new double[cols.length];
        for (int f = 0; f < cols.length; f++) {
            r[f] = cols[f][i];
        }
        return r;
    }

    @Property(tries = 50, seed = TestData.PROPERTY_SEED)
    void fullyGrownTreeFitsEveryConsistentRow(@ForAll @IntRange(min = 1, max = 10_000) int seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 40 + rng.nextInt(200);
        double[][] cols = columns(rng, 3, n, 6);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = (cols[0][i] + cols[1][i] * cols[2][i] > 0.2) ? 1 : 0; // a function of x: no conflicting duplicates
        }
        Tree t = new TreeGrower(cols).classification(y, 2, ones(n), FULL, rng);
        for (int i = 0; i < n; i++) {
            int leaf = t.leaf(row(cols, i));
            double[] v = Arrays.copyOfRange(t.value(), leaf * 2, leaf * 2 + 2);
            assertEquals(y[i], v[1] > v[0] ? 1 : 0, "row " + i);
        }
        t.validate(3, 2);
    }

    @Test
    void rootSplitIsTheBestGiniSplitFoundByBruteForce() {
        SplittableRandom rng = new SplittableRandom(3);
        int n = 300;
        double[][] cols = columns(rng, 4, n, 9);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = rng.nextDouble() < (cols[2][i] > 0.4 ? 0.8 : 0.3) ? 1 : 0;
        }
        Tree t = new TreeGrower(cols).classification(y, 2, ones(n), TreeParams.classification(1, 1, 1.0), rng);
        double best = -1;
        int bestF = -1;
        double bestT = 0;
        for (int f = 0; f < 4; f++) {
            double[] vals = Arrays.stream(cols[f]).distinct().sorted().toArray();
            for (int k = 0; k + 1 < vals.length; k++) {
                double thr = (vals[k] + vals[k + 1]) / 2;
                double[] l = new double[2];
                double[] r = new double[2];
                for (int i = 0; i < n; i++) {
                    (cols[f][i] <= thr ? l : r)[y[i]]++;
                }
                double wl = l[0] + l[1];
                double wr = r[0] + r[1];
                double score = (l[0] * l[0] + l[1] * l[1]) / wl + (r[0] * r[0] + r[1] * r[1]) / wr;
                if (score > best + 1e-12) {
                    best = score;
                    bestF = f;
                    bestT = thr;
                }
            }
        }
        assertEquals(bestF, t.feature()[0]);
        assertEquals(bestT, t.threshold()[0], 1e-12);
        assertEquals(n, t.samples()[0]);
    }

    @Test
    void minLeafAndMaxDepthAreRespected() {
        SplittableRandom rng = new SplittableRandom(5);
        int n = 500;
        double[][] cols = columns(rng, 3, n, 50);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = rng.nextInt(2);
        }
        Tree t = new TreeGrower(cols).classification(y, 2, ones(n), TreeParams.classification(3, 40, 1.0), rng);
        assertTrue(t.depth() <= 3);
        for (int node = 0; node < t.nodes(); node++) {
            if (t.isLeaf(node)) {
                assertTrue(t.samples()[node] >= 40, "leaf " + node + " has " + t.samples()[node]);
            }
        }
    }

    @Test
    void bootstrapWeightsCountInLeafValues() {
        double[][] cols = {{0, 1, 2, 3}};
        int[] y = {0, 0, 1, 1};
        int[] w = {3, 0, 1, 2};
        Tree t = new TreeGrower(cols).classification(y, 2, w, FULL, new SplittableRandom(1));
        assertEquals(3, t.samples()[0], "distinct rows in sample");
        assertEquals(3, t.value()[0]);
        assertEquals(3, t.value()[1]);
    }

    @Test
    void sameSeedSameTree() {
        SplittableRandom a = new SplittableRandom(9);
        double[][] cols = columns(a, 5, 400, 20);
        int[] y = new int[400];
        for (int i = 0; i < 400; i++) {
            y[i] = a.nextInt(3);
        }
        TreeGrower g = new TreeGrower(cols);
        TreeParams p = TreeParams.classification(Integer.MAX_VALUE, 1, 0.5);
        Tree t1 = g.classification(y, 3, ones(400), p, new SplittableRandom(11));
        Tree t2 = g.classification(y, 3, ones(400), p, new SplittableRandom(11));
        assertTrue(Arrays.equals(t1.threshold(), t2.threshold()) && Arrays.equals(t1.feature(), t2.feature()));
    }

    @Test
    void aSingleTreeFollowsTheConstraintWhereItsDataDoesNot() {
        // The class-1 share mostly rises with x but dips twice: a free tree fits the dips, a constrained one cannot.
        double[][] cols = {{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}};
        int[] y = {0, 0, 1, 0, 1, 1, 0, 1, 1, 1};
        int[] ones = ones(10);
        Tree free = new TreeGrower(cols).classification(y, 2, ones, FULL, new SplittableRandom(1));
        Tree up = new TreeGrower(cols).classification(y, 2, ones, FULL.withMonotone(List.of(1)),
                new SplittableRandom(1));
        assertEquals(0.0, share(free, 6.0), "the free tree fits the dip at x=6");
        assertTrue(up.leaves() > 1, "the constrained tree still splits");
        double previous = -1;
        for (double x = -1; x <= 10; x += 0.5) {
            double share = share(up, x);
            assertTrue(share >= previous, "share " + share + " after " + previous + " at x=" + x);
            previous = share;
            int leaf = up.leaf(new double[] {x});
            // Clipped leaves have their counts rescaled but keep their training weight.
            assertEquals(up.samples()[leaf], up.value()[leaf * 2] + up.value()[leaf * 2 + 1], 1e-9);
        }
    }

    static double share(Tree t, double x) {
        int leaf = t.leaf(new double[] {x});
        return t.value()[leaf * 2 + 1] / (t.value()[leaf * 2] + t.value()[leaf * 2 + 1]);
    }

    @Test
    void aBoostingTreeFollowsTheConstraintAndStaysExactWithoutOne() {
        // Gradients of a logistic fit at score 0 to labels that mostly fall with x: constrained to rise, the
        // tree's scores may not fall anywhere.
        double[][] cols = {{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}};
        int[] y = {1, 1, 0, 1, 0, 0, 1, 0, 0, 0};
        double[] grad = new double[10];
        double[] hess = new double[10];
        for (int i = 0; i < 10; i++) {
            grad[i] = 0.5 - y[i];
            hess[i] = 0.25;
        }
        TreeParams p = new TreeParams(10, 1, 2, 1.0, 1e-3, 1e-3);
        Tree free = new TreeGrower(cols).boosting(grad, hess, ones(10), p, new SplittableRandom(1));
        Tree down = new TreeGrower(cols).boosting(grad, hess, ones(10), p.withMonotone(List.of(-1)),
                new SplittableRandom(1));
        Tree up = new TreeGrower(cols).boosting(grad, hess, ones(10), p.withMonotone(List.of(1)),
                new SplittableRandom(1));
        Tree none = new TreeGrower(cols).boosting(grad, hess, ones(10), p.withMonotone(List.of(0)),
                new SplittableRandom(1));
        assertTrue(Arrays.equals(free.value(), none.value()) && Arrays.equals(free.threshold(), none.threshold()),
                "a zero direction is no constraint");
        assertTrue(down.leaves() > 1, "the constrained tree still splits");
        assertTrue(free.value()[free.leaf(new double[] {6})] > free.value()[free.leaf(new double[] {5})],
                "the free tree follows the bump at x=6");
        for (double x = -1; x < 10; x += 0.5) {
            double here = up.value()[up.leaf(new double[] {x})];
            double next = up.value()[up.leaf(new double[] {x + 0.5})];
            assertTrue(next >= here, "up: " + next + " after " + here + " at x=" + x);
            here = down.value()[down.leaf(new double[] {x})];
            next = down.value()[down.leaf(new double[] {x + 0.5})];
            assertTrue(next <= here, "down: " + next + " after " + here + " at x=" + x);
        }
    }

    /** Bootstrap-like weights: most rows once, some twice or more, some left out. */
    static int[] weights(SplittableRandom rng, int n) {
        int[] w = new int[n];
        for (int i = 0; i < n; i++) {
            w[i] = rng.nextInt(4) == 0 ? 0 : 1 + rng.nextInt(3) / 2;
        }
        return w;
    }

    @Property(tries = 60, seed = TestData.PROPERTY_SEED)
    void theTwoClassScanGrowsTheTreeTheGeneralScanGrows(@ForAll @IntRange(min = 1, max = 100_000) int seed) {
        // Two classes take a scan of their own (scalars, no per-class loop); a third class that never occurs sends
        // the same rows through the general scan, which must choose every split the same, bit for bit.
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 30 + rng.nextInt(300);
        double[][] cols = columns(rng, 1 + rng.nextInt(5), n, 2 + rng.nextInt(40));
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = rng.nextDouble() < (cols[0][i] > 0 ? 0.7 : 0.3) ? 1 : 0;
        }
        int[] w = weights(rng, n);
        TreeParams p = TreeParams.classification(rng.nextBoolean() ? Integer.MAX_VALUE : 1 + rng.nextInt(6),
                1 + rng.nextInt(8), rng.nextBoolean() ? 1.0 : 0.5);
        long treeSeed = rng.nextLong();
        TreeGrower g = new TreeGrower(cols);
        Tree two = g.classification(y, 2, w, p, new SplittableRandom(treeSeed));
        Tree three = g.classification(y, 3, w, p, new SplittableRandom(treeSeed));
        assertTrue(Arrays.equals(two.feature(), three.feature()), "features");
        assertTrue(Arrays.equals(two.threshold(), three.threshold()), "thresholds");
        assertTrue(Arrays.equals(two.left(), three.left()) && Arrays.equals(two.right(), three.right()), "children");
        assertTrue(Arrays.equals(two.samples(), three.samples()), "samples");
        assertTrue(Arrays.equals(two.gain(), three.gain()), "gains");
        for (int node = 0; node < two.nodes(); node++) {
            assertEquals(two.value()[2 * node], three.value()[3 * node], "class 0 of node " + node);
            assertEquals(two.value()[2 * node + 1], three.value()[3 * node + 1], "class 1 of node " + node);
        }
    }

    @Property(tries = 60, seed = TestData.PROPERTY_SEED)
    void aBoostingRootSplitIsTheBestGainFoundByBruteForce(@ForAll @IntRange(min = 1, max = 100_000) int seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 20 + rng.nextInt(200);
        int features = 1 + rng.nextInt(4);
        double[][] cols = columns(rng, features, n, 3 + rng.nextInt(30));
        double[] grad = new double[n];
        double[] hess = new double[n];
        for (int i = 0; i < n; i++) {
            grad[i] = rng.nextDouble() * 2 - 1 + cols[0][i];
            hess[i] = 0.05 + rng.nextDouble() * 0.2;
        }
        int[] w = weights(rng, n);
        int minLeaf = 1 + rng.nextInt(6);
        double minChild = rng.nextDouble() * 2;
        double lambda = rng.nextDouble();
        Tree t = new TreeGrower(cols).boosting(grad, hess, w, new TreeParams(1, minLeaf, 2, 1.0, lambda, minChild),
                new SplittableRandom(seed));
        double g = 0;
        double h = 0;
        for (int i = 0; i < n; i++) {
            g += grad[i] * w[i];
            h += hess[i] * w[i];
        }
        double best = g * g / (h + lambda) + 1e-12;
        int bestF = -1;
        double bestT = 0;
        for (int f = 0; f < features; f++) {
            int feature = f;
            // Thresholds lie between the values of the rows in the sample (weight above 0), as in the grower.
            double[] vals = java.util.stream.IntStream.range(0, n).filter(i -> w[i] > 0).mapToDouble(i -> cols[feature][i])
                    .distinct().sorted().toArray();
            for (int k = 0; k + 1 < vals.length; k++) {
                double thr = (vals[k] + vals[k + 1]) / 2;
                double gl = 0;
                double hl = 0;
                int nl = 0;
                int nr = 0;
                for (int i = 0; i < n; i++) {
                    if (w[i] == 0) {
                        continue;
                    }
                    if (cols[f][i] <= thr) {
                        gl += grad[i] * w[i];
                        hl += hess[i] * w[i];
                        nl++;
                    } else {
                        nr++;
                    }
                }
                double gr = g - gl;
                double hr = h - hl;
                if (nl < minLeaf || nr < minLeaf || hl < minChild || hr < minChild) {
                    continue;
                }
                double score = gl * gl / (hl + lambda) + gr * gr / (hr + lambda);
                if (score > best + 1e-9) {
                    best = score;
                    bestF = f;
                    bestT = thr;
                }
            }
        }
        if (bestF < 0) {
            assertTrue(t.gain()[0] <= 1e-9 || t.nodes() == 1, "no split is worth making, yet the root splits");
            return;
        }
        assertEquals(bestF, t.feature()[0], "root feature");
        assertEquals(bestT, t.threshold()[0], 1e-12, "root threshold");
        assertEquals(best - g * g / (h + lambda), t.gain()[0], 1e-9 * Math.max(1, best), "root gain");
    }
}
