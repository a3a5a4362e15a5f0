package org.mlsec.model.formats.lightgbm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.model.Models;
import org.mlsec.model.tree.BoostedModel;
import org.mlsec.model.tree.Tree;

/**
 * Every decision type (missing type None, Zero, NaN; default left or right) at thresholds below, inside and above
 * LightGBM's zero band, with internal children so that copied subtrees are exercised: the imported tree reaches
 * the leaf LightGBM's {@code NumericalDecision} (include/LightGBM/tree.h, written out again below) reaches, for
 * values at and next to the band's edges, the threshold, zero, infinities and NaN.
 */
class LightGbmMissingValuesTest {
    private static final double Z = (double) 1e-35f;

    @TempDir
    Path tmp;

    /** LightGBM 4's NumericalDecision and GetLeaf, for the reference. */
    static int lightGbmLeaf(int[] feature, double[] threshold, int[] decision, int[] left, int[] right, double[] x) {
        int node = 0;
        while (node >= 0) {
            double v = x[feature[node]];
            int missing = (decision[node] >> 2) & 3;
            boolean defaultLeft = (decision[node] & 2) != 0;
            if (Double.isNaN(v) && missing != 2) {
                v = 0.0;
            }
            if ((missing == 1 && v >= -Z && v <= Z) || (missing == 2 && Double.isNaN(v))) {
                node = defaultLeft ? left[node] : right[node];
            } else {
                node = v <= threshold[node] ? left[node] : right[node];
            }
        }
        return ~node;
    }

    @Test
    void everyDecisionTypeAnswersAsLightGbm() throws IOException {
        double[] thresholds = {-5, Math.nextDown(-Z), -Z, -Z / 2, 0.0, Z / 2, Math.nextDown(Z), Z, Math.nextUp(Z), 5,
            Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};
        int[] types = {0, 2, 4, 6, 8, 10};
        int checked = 0;
        for (double t : thresholds) {
            for (int top : types) {
                for (int below : types) {
                    // node 0 on feature a with the tested type; nodes 1 and 2 (its children) on feature b
                    int[] feature = {0, 1, 1};
                    double[] threshold = {t, 1.0, -Z};
                    int[] decision = {top, below, below};
                    int[] left = {1, ~0, ~2};
                    int[] right = {2, ~1, ~3};
                    double[] leaves = {0.5, -0.25, 1.5, -2.0};
                    String text = LightGbmSafetyTest.model(tree(feature, threshold, decision, left, right, leaves));
                    Path file = tmp.resolve("m.txt");
                    Files.writeString(file, text);
                    BoostedModel m = (BoostedModel) Models.load(file);
                    Tree tree = m.trees().get(0);
                    for (double a : probes(t)) {
                        for (double b : probes(1.0)) {
                            double[] x = {a, b};
                            int expected = lightGbmLeaf(feature, threshold, decision, left, right, x);
                            double got = tree.value()[tree.leaf(x)];
                            assertEquals(leaves[expected], got, () -> "t=" + t + " types " + top + "/" + below
                                    + " x=(" + a + ", " + b + ")");
                            checked++;
                        }
                    }
                }
            }
        }
        System.out.println("LightGBM decision types: " + checked + " (tree, row) pairs agree");
    }

    private static List<Double> probes(double t) {
        List<Double> p = new ArrayList<>(List.of(Double.NaN, 0.0, -0.0, Z, -Z, Math.nextUp(Z), Math.nextDown(-Z),
                Math.nextDown(Z), Math.nextUp(-Z), -1.0, 1.0, 7.0, -7.0, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY));
        if (Double.isFinite(t)) {
            p.add(t);
            p.add(Math.nextUp(t));
            p.add(Math.nextDown(t));
        }
        return p;
    }

    private static String tree(int[] feature, double[] threshold, int[] decision, int[] left, int[] right,
                               double[] leaves) {
        return "num_leaves=" + leaves.length + "\nnum_cat=0\nsplit_feature=" + join(feature) + "\nsplit_gain=1 1 1"
                + "\nthreshold=" + join(threshold) + "\ndecision_type=" + join(decision) + "\nleft_child="
                + join(left) + "\nright_child=" + join(right) + "\nleaf_value=" + join(leaves)
                + "\nleaf_count=1 1 1 1\ninternal_count=4 2 2\nis_linear=0\nshrinkage=1\n";
    }

    private static String join(int[] v) {
        StringBuilder s = new StringBuilder();
        for (int x : v) {
            s.append(s.length() == 0 ? "" : " ").append(x);
        }
        return s.toString();
    }

    private static String join(double[] v) {
        StringBuilder s = new StringBuilder();
        for (double x : v) {
            String t = Double.isInfinite(x) ? (x > 0 ? "inf" : "-inf") : Double.toString(x);
            s.append(s.length() == 0 ? "" : " ").append(t);
        }
        return s.toString();
    }
}
