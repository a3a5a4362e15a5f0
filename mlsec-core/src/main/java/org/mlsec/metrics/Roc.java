package org.mlsec.metrics;

import java.util.Arrays;

/**
 * A ROC curve of scores where higher means "positive" (a member, for membership inference), with the low-FPR
 * read-outs the privacy literature reports (Carlini et al. 2022: TPR at 0.1% and 1% FPR).
 */
public final class Roc {
    private final double[] fpr;
    private final double[] tpr;
    private final double[] thresholds;
    private final double auc;

    /**
     * The curve of {@code score} over every threshold, highest score first.
     *
     * @param positive per row, whether it is positive
     * @param score per row, higher meaning more likely positive
     */
    public Roc(boolean[] positive, double[] score) {
        int n = score.length;
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Double.compare(score[b], score[a]));
        long pos = 0;
        for (boolean p : positive) {
            pos += p ? 1 : 0;
        }
        long neg = n - pos;
        double[] f = new double[n + 1];
        double[] t = new double[n + 1];
        double[] th = new double[n + 1];
        th[0] = Double.POSITIVE_INFINITY;
        int points = 1;
        long tp = 0;
        long fp = 0;
        for (int k = 0; k < n; k++) {
            if (positive[idx[k]]) {
                tp++;
            } else {
                fp++;
            }
            if (k == n - 1 || score[idx[k + 1]] != score[idx[k]]) {
                f[points] = neg == 0 ? 0 : (double) fp / neg;
                t[points] = pos == 0 ? 0 : (double) tp / pos;
                th[points] = score[idx[k]];
                points++;
            }
        }
        this.fpr = Arrays.copyOf(f, points);
        this.tpr = Arrays.copyOf(t, points);
        this.thresholds = Arrays.copyOf(th, points);
        this.auc = Metrics.auc(positive, score);
    }

    /**
     * The area under the curve.
     *
     * @return the AUC, 0 to 1
     */
    public double auc() {
        return auc;
    }

    /**
     * The curve's false-positive rates, one per threshold, rising.
     *
     * @return a copy
     */
    public double[] fpr() {
        return fpr.clone();
    }

    /**
     * The curve's true-positive rates, one per point of {@link #fpr()}.
     *
     * @return a copy
     */
    public double[] tpr() {
        return tpr.clone();
    }

    /**
     * The largest TPR reached while the FPR stays at or below {@code maxFpr}.
     *
     * @param maxFpr the largest false-positive rate allowed
     * @return the TPR, 0 to 1
     */
    public double tprAtFpr(double maxFpr) {
        double best = 0;
        for (int i = 0; i < fpr.length; i++) {
            if (fpr[i] <= maxFpr) {
                best = Math.max(best, tpr[i]);
            }
        }
        return best;
    }

    /**
     * False positives a rate must stand on to be measured: a TPR "at 0.1% FPR" from fewer than 10,000 negatives
     * rests on fewer than 10 false positives and says more about chance than about the attack.
     */
    public static final int SUPPORT = 10;

    /**
     * Whether {@code maxFpr} is measurable with {@code negatives} negatives (at least {@link #SUPPORT} of them).
     *
     * @param maxFpr the false-positive rate
     * @param negatives the negative rows
     * @return whether maxFpr times negatives is at least {@link #SUPPORT}
     */
    public static boolean supports(double maxFpr, long negatives) {
        return maxFpr * negatives >= SUPPORT - 1e-9;
    }

    /**
     * The lowest FPR that {@code negatives} negatives can measure.
     *
     * @param negatives the negative rows
     * @return {@link #SUPPORT} / negatives, at most 1
     */
    public static double lowestSupportedFpr(long negatives) {
        return negatives <= 0 ? 1 : Math.min(1, (double) SUPPORT / negatives);
    }

    /**
     * A 95% confidence interval for the AUC (Hanley and McNeil 1982), clipped to [0, 1].
     *
     * @param auc the measured AUC
     * @param positives the positive rows it was measured on
     * @param negatives the negative rows
     * @return {low, high}
     */
    public static double[] aucInterval(double auc, long positives, long negatives) {
        double q1 = auc / (2 - auc);
        double q2 = 2 * auc * auc / (1 + auc);
        double v = (auc * (1 - auc) + (positives - 1) * (q1 - auc * auc) + (negatives - 1) * (q2 - auc * auc))
                / ((double) positives * negatives);
        double h = 1.959964 * Math.sqrt(Math.max(0, v));
        return new double[] {Math.max(0, auc - h), Math.min(1, auc + h)};
    }

    /**
     * A 95% Wilson score interval for a proportion observed as {@code rate} of {@code n} trials.
     *
     * @param rate the observed proportion, 0 to 1
     * @param n the trials; none gives [0, 1]
     * @return {low, high}
     */
    public static double[] wilson(double rate, long n) {
        if (n <= 0) {
            return new double[] {0, 1};
        }
        double z = 1.959964;
        double z2 = z * z;
        double centre = (rate + z2 / (2 * n)) / (1 + z2 / n);
        double h = z / (1 + z2 / n) * Math.sqrt(rate * (1 - rate) / n + z2 / (4.0 * n * n));
        return new double[] {Math.max(0, centre - h), Math.min(1, centre + h)};
    }

    /**
     * max over thresholds of TPR - FPR.
     *
     * @return the membership advantage, 0 to 1
     */
    public double maxAdvantage() {
        double best = 0;
        for (int i = 0; i < fpr.length; i++) {
            best = Math.max(best, tpr[i] - fpr[i]);
        }
        return best;
    }

    /**
     * The threshold (score at or above counts as positive) that maximises TPR - FPR on these scores.
     *
     * @return the score threshold
     */
    public double bestThreshold() {
        double best = -1;
        double th = Double.POSITIVE_INFINITY;
        for (int i = 0; i < fpr.length; i++) {
            if (tpr[i] - fpr[i] > best) {
                best = tpr[i] - fpr[i];
                th = thresholds[i];
            }
        }
        return th;
    }
}
