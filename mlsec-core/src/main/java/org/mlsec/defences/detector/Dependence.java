package org.mlsec.defences.detector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The broken-dependencies test, learnt from genuine reference rows and calibrated on them. Genuine clients send rows
 * whose features keep the dependencies of real data (successive bill amounts, successive repayment statuses); an
 * extraction attack that draws its queries feature by feature (from the marginals of known rows, or uniformly in the
 * ranges, as the learning strategies and equation solving do) breaks them all at once.
 *
 * <p>The statistic, over a window of {@link #WINDOW} rows: for every feature pair whose rank (Spearman) correlation
 * in the reference is strong ({@code |rho| > }{@link #STRONG}), the distance between the window's rank correlation
 * and the reference's; the statistic is the largest distance. Ranks, not Pearson's raw values: amounts are
 * heavy-tailed, and over 200 rows one large amount moves a Pearson correlation by more than any threshold that still
 * separates attacks (on the built-in Layman Brothers data a fixed 0.3 on Pearson correlations fired on 6.9% of benign
 * requests, through its moderately correlated payment amounts; rank correlations have a bounded influence per row).
 *
 * <p>The threshold is calibrated on the reference rows themselves, with a seed:
 * <ol>
 * <li>the benign tail: the statistic of {@link #CALIBRATION_WINDOWS} windows of reference rows drawn with
 * replacement (as independent genuine clients would send them); its maximum, the {@code 1 - 1/1000} quantile;</li>
 * <li>the attack's head: the statistic of {@link #ATTACK_WINDOWS} windows whose every feature is drawn from a
 * different reference row (the reference's marginals with their dependencies broken: what a feature-by-feature
 * query generator sends); its 1% quantile;</li>
 * <li>the threshold is the midpoint of the two (the widest margin on both sides). When the attack's head does not lie
 * above the benign tail (no strong pair, or dependencies too weak to tell in a window), the test is off.</li>
 * </ol>
 * This is the standard construction of a detector's operating point from its null distribution (here resampled from
 * the reference, a bootstrap: Efron and Tibshirani, "An Introduction to the Bootstrap", 1993) with a margin towards
 * the alternative; rank correlation after Spearman (1904). The idea of flagging query streams whose feature
 * dependencies differ from genuine data follows the distribution-based extraction detectors of Juuti et al. (PRADA,
 * 2019) and Kesarwani et al. ("Model extraction warning in MLaaS paradigm", 2018).
 */
final class Dependence {
    /** Rows per client over which the statistic is computed. */
    static final int WINDOW = 200;
    /** |rank correlation| from which a pair is checked. */
    static final double STRONG = 0.3;
    /** Windows of genuine rows drawn to estimate the benign tail. */
    static final int CALIBRATION_WINDOWS = 1000;
    /** Windows of dependency-free rows drawn to estimate the attack's head. */
    static final int ATTACK_WINDOWS = 200;

    private final int[] a;
    private final int[] b;
    private final double[] rho;
    private final double threshold;
    private final double benignTail;
    private final double attackHead;

    private Dependence(int[] a, int[] b, double[] rho, double threshold, double benignTail, double attackHead) {
        this.a = a;
        this.b = b;
        this.rho = rho;
        this.threshold = threshold;
        this.benignTail = benignTail;
        this.attackHead = attackHead;
    }

    /**
     * Learns the strong pairs from the reference and calibrates the threshold on it.
     *
     * @param reference genuine rows, all of width {@code d}
     * @param d         the features
     * @param seed      of the calibration windows
     * @return the test (off, {@link #on()} false, when nothing separates)
     */
    static Dependence learn(double[][] reference, int d, long seed) {
        double[][] r = rankCorrelation(Arrays.asList(reference), d);
        List<int[]> pairs = new ArrayList<>();
        for (int i = 0; i < d; i++) {
            for (int j = i + 1; j < d; j++) {
                if (Math.abs(r[i][j]) > STRONG) {
                    pairs.add(new int[] {i, j});
                }
            }
        }
        int m = pairs.size();
        int[] a = new int[m];
        int[] b = new int[m];
        double[] rho = new double[m];
        for (int k = 0; k < m; k++) {
            a[k] = pairs.get(k)[0];
            b[k] = pairs.get(k)[1];
            rho[k] = r[a[k]][b[k]];
        }
        if (m == 0) {
            return new Dependence(a, b, rho, Double.NaN, Double.NaN, Double.NaN);
        }
        Dependence untuned = new Dependence(a, b, rho, Double.NaN, Double.NaN, Double.NaN);
        SplittableRandom rng = new SplittableRandom(seed);
        int n = reference.length;
        double tail = 0;
        List<double[]> window = new ArrayList<>(WINDOW);
        for (int w = 0; w < CALIBRATION_WINDOWS; w++) {
            window.clear();
            for (int i = 0; i < WINDOW; i++) {
                window.add(reference[rng.nextInt(n)]);
            }
            tail = Math.max(tail, untuned.statistic(window, d));
        }
        double[] head = new double[ATTACK_WINDOWS];
        for (int w = 0; w < ATTACK_WINDOWS; w++) {
            window.clear();
            for (int i = 0; i < WINDOW; i++) {
                double[] row = new double[d];
                for (int j = 0; j < d; j++) {
                    row[j] = reference[rng.nextInt(n)][j];
                }
                window.add(row);
            }
            head[w] = untuned.statistic(window, d);
        }
        Arrays.sort(head);
        double attack = head[(int) Math.floor(0.01 * (ATTACK_WINDOWS - 1))];
        double threshold = attack > tail ? (tail + attack) / 2 : Double.NaN;
        return new Dependence(a, b, rho, threshold, tail, attack);
    }

    /** @return true when the test can tell genuine windows from dependency-free ones (it has a threshold) */
    boolean on() {
        return !Double.isNaN(threshold);
    }

    /** @return the calibrated threshold on the statistic, NaN when off */
    double threshold() {
        return threshold;
    }

    /** @return the benign tail found in calibration (NaN without strong pairs) */
    double benignTail() {
        return benignTail;
    }

    /** @return the attack's head found in calibration (NaN without strong pairs) */
    double attackHead() {
        return attackHead;
    }

    /** @return the feature pairs checked */
    int pairs() {
        return a.length;
    }

    /** @return true when the window's dependencies stray beyond the threshold */
    boolean broken(Iterable<double[]> window, int d) {
        return on() && statistic(window, d) > threshold;
    }

    /**
     * The largest distance between the window's rank correlation and the reference's over the strong pairs (only the
     * features of those pairs are ranked).
     */
    double statistic(Iterable<double[]> window, int d) {
        List<double[]> list = new ArrayList<>();
        window.forEach(list::add);
        double[][] ranks = new double[d][];
        double[] sorted = new double[list.size()];
        double worst = 0;
        for (int k = 0; k < a.length; k++) {
            double[] x = ranks[a[k]] != null ? ranks[a[k]] : (ranks[a[k]] = ranks(list, a[k], sorted));
            double[] y = ranks[b[k]] != null ? ranks[b[k]] : (ranks[b[k]] = ranks(list, b[k], sorted));
            worst = Math.max(worst, Math.abs(pearson(x, y) - rho[k]));
        }
        return worst;
    }

    /** Mid-ranks (1-based; ties share their mean rank) of column j of rows; {@code sorted} is scratch space. */
    private static double[] ranks(List<double[]> rows, int j, double[] sorted) {
        int n = rows.size();
        for (int i = 0; i < n; i++) {
            sorted[i] = rows.get(i)[j];
        }
        Arrays.sort(sorted, 0, n);
        // The mid-rank of each tie group, stored at the group's first position.
        double[] mid = new double[n];
        for (int i = 0; i < n; ) {
            int k = i;
            while (k + 1 < n && Double.compare(sorted[k + 1], sorted[i]) == 0) {
                k++;
            }
            mid[i] = (i + k) / 2.0 + 1;
            i = k + 1;
        }
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = mid[firstAtLeast(sorted, n, rows.get(i)[j])];
        }
        return r;
    }

    /** Pearson's correlation of two equally long arrays, 0 when either is constant. */
    private static double pearson(double[] x, double[] y) {
        int n = x.length;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            double u = x[i] - mx;
            double v = y[i] - my;
            sxy += u * v;
            sxx += u * u;
            syy += v * v;
        }
        return sxx > 1e-12 && syy > 1e-12 ? sxy / Math.sqrt(sxx * syy) : 0;
    }

    /** Spearman correlations of the columns of rows: Pearson's on mid-ranks (ties share their mean rank). */
    static double[][] rankCorrelation(Iterable<double[]> rows, int d) {
        List<double[]> list = new ArrayList<>();
        rows.forEach(list::add);
        int n = list.size();
        double[][] ranked = new double[n][d];
        double[] sorted = new double[n];
        for (int j = 0; j < d; j++) {
            double[] r = ranks(list, j, sorted);
            for (int i = 0; i < n; i++) {
                ranked[i][j] = r[i];
            }
        }
        return ExtractionProfile.correlation(Arrays.asList(ranked), d);
    }

    /** The first index whose value is at least v, in the first n values of a sorted array. */
    private static int firstAtLeast(double[] sorted, int n, double v) {
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int m = (lo + hi) >>> 1;
            if (Double.compare(sorted[m], v) < 0) {
                lo = m + 1;
            } else {
                hi = m;
            }
        }
        return lo;
    }
}
