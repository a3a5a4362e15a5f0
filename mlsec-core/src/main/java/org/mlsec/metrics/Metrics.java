package org.mlsec.metrics;

import java.util.Arrays;

/** Classification metrics as the literature reports them. */
public final class Metrics {
    private Metrics() {
    }

    /**
     * The share of rows whose prediction equals the truth.
     *
     * @param truth class indices
     * @param predicted class indices, as many
     * @return the accuracy, 0 to 1, or NaN for no rows
     */
    public static double accuracy(int[] truth, int[] predicted) {
        int ok = 0;
        for (int i = 0; i < truth.length; i++) {
            if (truth[i] == predicted[i]) {
                ok++;
            }
        }
        return truth.length == 0 ? Double.NaN : (double) ok / truth.length;
    }

    /**
     * {@code m[truth][predicted]} counts.
     *
     * @param truth class indices
     * @param predicted class indices, as many
     * @param classes the number of classes
     * @return a classes-by-classes matrix
     */
    public static long[][] confusion(int[] truth, int[] predicted, int classes) {
        long[][] m = new long[classes][classes];
        for (int i = 0; i < truth.length; i++) {
            m[truth[i]][predicted[i]]++;
        }
        return m;
    }

    /**
     * Mean per-class recall.
     *
     * @param truth class indices
     * @param predicted class indices, as many
     * @param classes the number of classes; classes with no true row are left out of the mean
     * @return the balanced accuracy, 0 to 1, or NaN for no rows
     */
    public static double balancedAccuracy(int[] truth, int[] predicted, int classes) {
        long[][] m = confusion(truth, predicted, classes);
        double sum = 0;
        int present = 0;
        for (int c = 0; c < classes; c++) {
            long row = Arrays.stream(m[c]).sum();
            if (row > 0) {
                sum += (double) m[c][c] / row;
                present++;
            }
        }
        return present == 0 ? Double.NaN : sum / present;
    }

    /**
     * Area under the ROC curve of scores for the positive rows (Mann-Whitney, ties counted half).
     * NaN when either class is absent.
     *
     * @param positive per row, whether it is positive
     * @param score per row, higher meaning more likely positive
     * @return the AUC, 0 to 1, or NaN
     */
    public static double auc(boolean[] positive, double[] score) {
        int n = score.length;
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Double.compare(score[a], score[b]));
        double rankSum = 0;
        long pos = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && score[idx[j + 1]] == score[idx[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (positive[idx[k]]) {
                    rankSum += rank;
                    pos++;
                }
            }
            i = j + 1;
        }
        long neg = n - pos;
        if (pos == 0 || neg == 0) {
            return Double.NaN;
        }
        return (rankSum - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    /**
     * One-vs-rest AUC of class {@code positiveClass} from class probabilities.
     *
     * @param truth class indices
     * @param proba class probabilities per row
     * @param positiveClass the class scored
     * @return the AUC, 0 to 1, or NaN when the class or its complement is absent
     */
    public static double auc(int[] truth, double[][] proba, int positiveClass) {
        boolean[] pos = new boolean[truth.length];
        double[] s = new double[truth.length];
        for (int i = 0; i < truth.length; i++) {
            pos[i] = truth[i] == positiveClass;
            s[i] = proba[i][positiveClass];
        }
        return auc(pos, s);
    }

    /**
     * Macro-averaged one-vs-rest AUC (for two classes, the AUC of class 1).
     *
     * @param truth class indices
     * @param proba class probabilities per row
     * @return the AUC, 0 to 1
     */
    public static double auc(int[] truth, double[][] proba) {
        int k = proba.length == 0 ? 0 : proba[0].length;
        if (k == 2) {
            return auc(truth, proba, 1);
        }
        double sum = 0;
        int used = 0;
        for (int c = 0; c < k; c++) {
            double a = auc(truth, proba, c);
            if (!Double.isNaN(a)) {
                sum += a;
                used++;
            }
        }
        return used == 0 ? Double.NaN : sum / used;
    }

    /**
     * The {@code q} quantile of {@code values}, interpolated linearly between the two nearest order statistics (the
     * median of an even count is the mean of the middle two).
     *
     * @param values the values, not changed
     * @param q      the quantile, 0 to 1
     * @return the quantile, or NaN for no values
     */
    public static double quantile(double[] values, double q) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        double pos = q * (v.length - 1);
        int i = (int) Math.floor(pos);
        double frac = pos - i;
        return i + 1 < v.length ? v[i] * (1 - frac) + v[i + 1] * frac : v[i];
    }
}
