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

    public double auc() {
        return auc;
    }

    public double[] fpr() {
        return fpr.clone();
    }

    public double[] tpr() {
        return tpr.clone();
    }

    /** The largest TPR reached while the FPR stays at or below {@code maxFpr}. */
    public double tprAtFpr(double maxFpr) {
        double best = 0;
        for (int i = 0; i < fpr.length; i++) {
            if (fpr[i] <= maxFpr) {
                best = Math.max(best, tpr[i]);
            }
        }
        return best;
    }

    /** max over thresholds of TPR - FPR. */
    public double maxAdvantage() {
        double best = 0;
        for (int i = 0; i < fpr.length; i++) {
            best = Math.max(best, tpr[i] - fpr[i]);
        }
        return best;
    }

    /** The threshold (score at or above counts as positive) that maximises TPR - FPR on these scores. */
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
