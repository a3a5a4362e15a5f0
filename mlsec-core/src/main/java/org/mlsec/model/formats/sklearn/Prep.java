package org.mlsec.model.formats.sklearn;

import java.util.ArrayList;
import java.util.List;
import org.mlsec.data.Column;
import org.mlsec.data.ColumnType;
import org.mlsec.model.formats.Thresholds;

/**
 * What a pipeline's preprocessing does, in mlsec's terms: the schema columns (numeric, or categorical for a
 * one-hot encoded column, categories in the encoder's {@code categories_} order) whose {@link
 * org.mlsec.model.FeatureEncoder} encoding is exactly the matrix the final estimator saw, apart from an affine map
 * {@code z = (x - mean) / scale} per encoded feature (StandardScaler), which is folded into the estimator:
 * thresholds of trees, mean and scale of a logistic regression.
 *
 * @param columns the schema's feature columns, in the transformed output's order
 * @param mean    per encoded feature, subtracted when {@code centred}
 * @param scale   per encoded feature, divided by when {@code scaled}
 */
record Prep(List<Column> columns, double[] mean, double[] scale, boolean[] centred, boolean[] scaled) {
    int width() {
        return mean.length;
    }

    boolean identity(int feature) {
        return !centred[feature] && !scaled[feature];
    }

    /** Numeric columns passed through unchanged. */
    static Prep identity(List<String> names) {
        List<Column> cols = new ArrayList<>();
        for (String n : names) {
            cols.add(numeric(n));
        }
        int w = names.size();
        return new Prep(cols, new double[w], ones(w), new boolean[w], new boolean[w]);
    }

    static Column numeric(String name) {
        return Column.numeric(name, ColumnType.NUMERIC, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
    }

    static double[] ones(int n) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, 1);
        return a;
    }

    /**
     * mlsec's threshold {@code d} for scikit-learn's test on encoded feature {@code f}: the tree compares
     * {@code (float) z <= t} with {@code z = (x - mean) / scale} computed in doubles (StandardScaler, then the
     * tree's float32 conversion). That test is monotone in {@code x}, so the largest double {@code x} passing it is
     * found by bisection over the ordered doubles: the result is exact, {@code x <= d} iff scikit-learn goes left.
     */
    double threshold(int f, double t) {
        if (identity(f)) {
            return Thresholds.float32LessOrEqual(t);
        }
        double m = mean[f];
        double s = scale[f];
        boolean c = centred[f];
        boolean sc = scaled[f];
        if (!passes(Double.NEGATIVE_INFINITY, t, m, s, c, sc)) {
            return Double.NEGATIVE_INFINITY;
        }
        if (passes(Double.POSITIVE_INFINITY, t, m, s, c, sc)) {
            return Double.POSITIVE_INFINITY;
        }
        long lo = order(Double.NEGATIVE_INFINITY); // passes
        long hi = order(Double.POSITIVE_INFINITY); // fails
        while (Long.compareUnsigned(hi - lo, 1) > 0) { // the key range spans more than a long: unsigned
            long mid = lo + ((hi - lo) >>> 1);
            double x = unorder(mid);
            if (!Double.isNaN(x) && passes(x, t, m, s, c, sc)) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return unorder(lo);
    }

    private static boolean passes(double x, double t, double m, double s, boolean c, boolean sc) {
        double z = x;
        if (c) {
            z = z - m;
        }
        if (sc) {
            z = z / s;
        }
        return (float) z <= t;
    }

    private static long order(double x) {
        long k = Double.doubleToRawLongBits(x);
        return k >= 0 ? k : k ^ Long.MAX_VALUE;
    }

    private static double unorder(long k) {
        return Double.longBitsToDouble(k >= 0 ? k : k ^ Long.MAX_VALUE);
    }
}
