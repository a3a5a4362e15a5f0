package org.mlsec.defences.detector;

import java.util.Arrays;
import org.mlsec.data.Column;
import org.mlsec.data.Schema;
import org.mlsec.internal.Validate;

/**
 * What the extraction detectors of every client share, learnt once: the features' ranges (to scale PRADA's
 * distances) from the model's schema, and, from genuine reference rows when given, their rank correlations with a
 * threshold calibrated on them (for the broken-dependencies detector: see {@link #dependenceThreshold()}) and their
 * {@link Plausibility} (for the implausible-rows detector). Without reference rows those two detectors are off.
 * Immutable; {@link #newDetector()} gives each client its own state.
 */
public final class ExtractionProfile {
    private final double[] lo;
    private final double[] span;
    private final Dependence dependence;
    private final Plausibility plausibility;

    /** Seed of the broken-dependencies calibration when none is given (the same threshold for the same reference). */
    public static final long CALIBRATION_SEED = 0x5eed;

    private ExtractionProfile(double[] lo, double[] span, Dependence dependence, Plausibility plausibility) {
        this.lo = lo;
        this.span = span;
        this.dependence = dependence;
        this.plausibility = plausibility;
    }

    /**
     * Learns the profile from the model's schema and, when given, genuine rows; the broken-dependencies threshold is
     * calibrated with {@link #CALIBRATION_SEED}.
     *
     * @param schema    the model's inputs: a feature without a finite range is scaled by 1
     * @param reference genuine rows in the schema's order, or null
     * @return the profile every client's detector is made from
     * @throws org.mlsec.InputException if the reference is empty or a row's width differs from the schema's
     */
    public static ExtractionProfile of(Schema schema, double[][] reference) {
        return of(schema, reference, CALIBRATION_SEED);
    }

    /**
     * Learns the profile from the model's schema and, when given, genuine rows, calibrating the broken-dependencies
     * threshold on the reference rows with {@code seed} (see {@link #dependenceThreshold()}).
     *
     * @param schema    the model's inputs: a feature without a finite range is scaled by 1
     * @param reference genuine rows in the schema's order, or null
     * @param seed      of the calibration's resampled windows
     * @return the profile every client's detector is made from
     * @throws org.mlsec.InputException if the reference is empty or a row's width differs from the schema's
     */
    public static ExtractionProfile of(Schema schema, double[][] reference, long seed) {
        int d = schema.width();
        double[] lo = new double[d];
        double[] span = new double[d];
        for (int j = 0; j < d; j++) {
            Column c = schema.feature(j);
            boolean finite = Double.isFinite(c.min()) && Double.isFinite(c.max()) && c.max() > c.min();
            lo[j] = finite ? c.min() : 0;
            span[j] = finite ? c.max() - c.min() : 1;
        }
        if (reference == null) {
            return new ExtractionProfile(lo, span, null, null);
        }
        Validate.isTrue(reference.length > 0, "the reference rows must not be empty");
        for (double[] r : reference) {
            Validate.isTrue(r.length == d, "a reference row has " + r.length + " values; the schema has " + d + " features");
        }
        double[][] corr = correlation(Arrays.asList(reference), d);
        return new ExtractionProfile(lo, span, Dependence.learn(reference, d, seed),
                Plausibility.learn(Arrays.asList(reference), corr));
    }

    /** @return the number of features the profile was learnt for */
    public int width() {
        return lo.length;
    }

    /** @return a fresh detector for one client */
    public ExtractionDetector newDetector() {
        return new ExtractionDetector(lo, span, dependence == null || !dependence.on() ? null : dependence, plausibility);
    }

    /**
     * The broken-dependencies detector's threshold, calibrated on the reference rows. Its statistic, over a client's
     * last 200 rows, is the largest distance between their rank (Spearman) correlation and the reference's, over the
     * feature pairs whose reference rank correlation exceeds 0.3 in absolute value. The threshold is the midpoint
     * between the statistic's maximum over 1,000 windows of reference rows drawn with replacement (genuine clients)
     * and its 1% quantile over 200 windows whose every feature comes from a different reference row (the
     * dependencies broken, as a feature-by-feature query generator breaks them).
     *
     * @return the threshold, or NaN when the detector is off (no reference, no strongly correlated pair, or no
     *         margin between the two)
     */
    public double dependenceThreshold() {
        return dependence == null ? Double.NaN : dependence.threshold();
    }

    /**
     * The calibration's two figures, for a report: the benign tail (the largest statistic of the genuine windows) and
     * the attack's head (the 1% quantile of the dependency-free windows); {@link #dependenceThreshold()} lies midway.
     *
     * @return {benign tail, attack head}, NaN without reference rows or strongly correlated pairs
     */
    public double[] dependenceCalibration() {
        return dependence == null ? new double[] {Double.NaN, Double.NaN}
                : new double[] {dependence.benignTail(), dependence.attackHead()};
    }

    /** @return the implausible-rows detector's model of genuine rows, or null without reference rows */
    public Plausibility plausibility() {
        return plausibility;
    }

    /**
     * What the implausible-rows detector can see, in one line: it checks the feature pairs the reference shows
     * strongly correlated, so on data without them only rows with several extreme features alarm it, and uniform
     * queries inside the ranges go unnoticed by it (the other detectors still apply).
     *
     * @return the note, or null without reference rows
     */
    public String note() {
        if (plausibility == null) {
            return null;
        }
        int n = plausibility.correlatedPairs();
        return n == 0 ? "the implausible-rows detector found no feature pair with |correlation| >= " + Plausibility.STRONG
                + " in the reference, so it flags only rows with " + Plausibility.EXTREME_FEATURES + " or more extreme"
                + " features: queries drawn inside the ranges go unnoticed by it (the sweep, boundary and PRADA"
                + " detectors still apply)"
                : "the implausible-rows detector checks " + n + " strongly correlated feature pair(s) learnt from the reference";
    }

    /** Pearson correlations of the columns of rows (0 where a column is constant). */
    static double[][] correlation(Iterable<double[]> rows, int d) {
        double[] sum = new double[d];
        double[][] cross = new double[d][d];
        int n = 0;
        for (double[] r : rows) {
            n++;
            for (int a = 0; a < d; a++) {
                sum[a] += r[a];
                for (int b = a; b < d; b++) {
                    cross[a][b] += r[a] * r[b];
                }
            }
        }
        double[][] c = new double[d][d];
        for (int a = 0; a < d; a++) {
            for (int b = a; b < d; b++) {
                double cov = cross[a][b] / n - sum[a] / n * sum[b] / n;
                double va = cross[a][a] / n - sum[a] / n * sum[a] / n;
                double vb = cross[b][b] / n - sum[b] / n * sum[b] / n;
                c[a][b] = c[b][a] = va > 1e-12 && vb > 1e-12 ? cov / Math.sqrt(va * vb) : 0;
            }
        }
        return c;
    }
}
