package org.mlsec.defences.detector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What genuine rows look like, learned from reference data: for each pair of strongly correlated features (such as
 * successive bill amounts or repayment statuses) a straight line from one to the other, and how far genuine rows stray
 * from it (1.5 times the 99.9th percentile), and the central 99% of each feature's values. A row that strays beyond
 * a line, or has three features outside their central range at once, is implausible: genuine
 * clients almost never are, while points drawn feature by feature (uniformly in the ranges, as equation solving
 * draws them) almost always are — and an attack that needs only d + 1 queries must be caught row by row.
 */
public final class Plausibility {
    /** |correlation| from which a feature pair is checked. */
    public static final double STRONG = 0.6;
    private final int[] from;
    private final int[] to;
    private final double[] slope;
    private final double[] intercept;
    private final double[] limit;

    /** Per feature, the central 99% of genuine values; a row with several features outside it is implausible too. */
    private final double[] low;
    private final double[] high;
    /** Features outside their central range that make a row implausible. */
    public static final int EXTREME_FEATURES = 3;

    private Plausibility(int[] from, int[] to, double[] slope, double[] intercept, double[] limit, double[] low,
                         double[] high) {
        this.from = from;
        this.to = to;
        this.slope = slope;
        this.intercept = intercept;
        this.limit = limit;
        this.low = low;
        this.high = high;
    }

    /**
     * Learns the lines and ranges from genuine rows and their correlation matrix.
     *
     * @param rows        genuine rows, all of one width
     * @param correlation the rows' feature correlation matrix
     * @return the learnt checks
     */
    public static Plausibility learn(List<double[]> rows, double[][] correlation) {
        int d = correlation.length;
        List<int[]> pairs = new ArrayList<>();
        for (int a = 0; a < d; a++) {
            for (int b = a + 1; b < d; b++) {
                if (Math.abs(correlation[a][b]) >= STRONG) {
                    pairs.add(new int[] {a, b});
                }
            }
        }
        int m = pairs.size();
        int[] from = new int[m];
        int[] to = new int[m];
        double[] slope = new double[m];
        double[] intercept = new double[m];
        double[] limit = new double[m];
        for (int k = 0; k < m; k++) {
            int a = pairs.get(k)[0];
            int b = pairs.get(k)[1];
            double ma = 0;
            double mb = 0;
            for (double[] r : rows) {
                ma += r[a];
                mb += r[b];
            }
            ma /= rows.size();
            mb /= rows.size();
            double cov = 0;
            double va = 0;
            for (double[] r : rows) {
                cov += (r[a] - ma) * (r[b] - mb);
                va += (r[a] - ma) * (r[a] - ma);
            }
            from[k] = a;
            to[k] = b;
            slope[k] = va > 0 ? cov / va : 0;
            intercept[k] = mb - slope[k] * ma;
            double[] res = new double[rows.size()];
            int i = 0;
            for (double[] r : rows) {
                res[i++] = Math.abs(r[b] - intercept[k] - slope[k] * r[a]);
            }
            Arrays.sort(res);
            limit[k] = 1.5 * res[(int) Math.floor(0.999 * (res.length - 1))] + 1e-9;
        }
        double[] low = new double[d];
        double[] high = new double[d];
        double[] v = new double[rows.size()];
        for (int j = 0; j < d; j++) {
            int i = 0;
            for (double[] r : rows) {
                v[i++] = r[j];
            }
            Arrays.sort(v);
            low[j] = v[(int) Math.floor(0.005 * (v.length - 1))];
            high[j] = v[(int) Math.ceil(0.995 * (v.length - 1))];
        }
        return new Plausibility(from, to, slope, intercept, limit, low, high);
    }

    /** @return the checks learnt: correlated pairs plus per-feature ranges (0: nothing to check) */
    public int pairs() {
        return from.length + low.length;
    }

    /** @return how many strongly correlated feature pairs the detector checks */
    public int correlatedPairs() {
        return from.length;
    }

    /**
     * Checks one row against the learnt lines and ranges.
     *
     * @param x the row, in the schema's order
     * @return true when the row strays from some learned line further than genuine rows do, or when several of its
     *         features lie outside the central 99% of genuine values at once
     */
    public boolean implausible(double[] x) {
        for (int k = 0; k < from.length; k++) {
            if (Math.abs(x[to[k]] - intercept[k] - slope[k] * x[from[k]]) > limit[k]) {
                return true;
            }
        }
        int extreme = 0;
        for (int j = 0; j < low.length; j++) {
            if (x[j] < low[j] || x[j] > high[j]) {
                extreme++;
            }
        }
        return extreme >= EXTREME_FEATURES;
    }
}
