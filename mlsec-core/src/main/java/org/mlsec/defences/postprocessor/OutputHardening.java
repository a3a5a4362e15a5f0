package org.mlsec.defences.postprocessor;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.mlsec.internal.Validate;
import org.mlsec.model.Classifier;

/**
 * Output hardening: what an API reveals of the model's probabilities, the one implementation behind the guarded
 * server's {@code output} setting and {@link HardenedOutput}. The label is always the model's own, so accuracy is
 * unchanged; the probabilities are
 * <ul>
 * <li>{@link OutputMode#ROUNDED rounded} to {@code decimals} decimals;</li>
 * <li>reduced to the {@link OutputMode#TOP1 top class} (the others answer 0);</li>
 * <li>perturbed by a {@link OutputMode#REVERSE_SIGMOID reverse sigmoid} (Lee et al. 2018): each score x, clipped to
 * [1e-6, 1 - 1e-6], becomes x - beta * (sigmoid(logit(x) / 2) - 1/2), at least 1e-6, then renormalised. The change is
 * largest for confident scores, which is what extraction and inversion exploit;</li>
 * <li>{@link OutputMode#NOISE noised}: Gaussian noise of standard deviation {@code noise} added to each score (drawn
 * from a generator seeded once, so a run of answers is reproducible), each at least 1e-6, then renormalised.</li>
 * </ul>
 * The two perturbations must not change the answer: when they would move the top, the top's score is swapped back.
 * {@link OutputMode#PROBABILITIES} and {@link OutputMode#LABEL} leave the scores as they are (a label-only API does
 * not serve them at all: see {@link #servesProbabilities()}). Safe for concurrent use.
 */
public final class OutputHardening {
    private final OutputMode mode;
    private final int decimals;
    private final double noise;
    private final double reverseSigmoid;
    private final SplittableRandom rng;

    /**
     * @param mode           what is revealed
     * @param decimals       for {@link OutputMode#ROUNDED}: 0 to 15
     * @param noise          for {@link OutputMode#NOISE}: the standard deviation, not negative
     * @param reverseSigmoid for {@link OutputMode#REVERSE_SIGMOID}: the strength beta, not negative
     * @param seed           of the noise
     */
    public OutputHardening(OutputMode mode, int decimals, double noise, double reverseSigmoid, long seed) {
        this.mode = Validate.notNull(mode, "mode");
        Validate.isTrue(mode != OutputMode.ROUNDED || decimals >= 0 && decimals <= 15,
                "decimals must be 0 to 15, got " + decimals);
        Validate.isTrue(mode != OutputMode.NOISE || noise >= 0 && Double.isFinite(noise),
                "noise must be a finite standard deviation >= 0, got " + noise);
        Validate.isTrue(mode != OutputMode.REVERSE_SIGMOID || reverseSigmoid >= 0 && Double.isFinite(reverseSigmoid),
                "reverseSigmoid must be finite and >= 0, got " + reverseSigmoid);
        this.decimals = decimals;
        this.noise = noise;
        this.reverseSigmoid = reverseSigmoid;
        this.rng = new SplittableRandom(seed);
    }

    /**
     * The settings the defence studies ({@code defend membership}, {@code defend inversion}) measure: 1 decimal, beta
     * 0.5 (the server's default) and noise of standard deviation 0.05 (the server's default).
     *
     * @param mode what is revealed
     * @param seed of the noise
     * @return the hardening with the studies' settings for {@code mode}
     */
    public static OutputHardening forStudies(OutputMode mode, long seed) {
        return new OutputHardening(mode, 1, 0.05, 0.5, seed);
    }

    /**
     * The scores as they are.
     *
     * @return a hardening in {@link OutputMode#PROBABILITIES} mode
     */
    public static OutputHardening none() {
        return new OutputHardening(OutputMode.PROBABILITIES, 0, 0, 0, 0);
    }

    /**
     * What is revealed.
     *
     * @return the mode given at construction
     */
    public OutputMode mode() {
        return mode;
    }

    /**
     * False for {@link OutputMode#LABEL}: such an API answers labels and refuses to give probabilities.
     *
     * @return whether probabilities are answered at all
     */
    public boolean servesProbabilities() {
        return mode != OutputMode.LABEL;
    }

    /**
     * The hardened scores of one row (a new array; {@code p} is unchanged).
     *
     * @param p one row's class probabilities, summing to 1
     * @return the scores this mode reveals, with the same top class as {@code p}
     */
    public double[] harden(double[] p) {
        double[] q = p.clone();
        switch (mode) {
            case ROUNDED: {
                double f = Math.pow(10, decimals);
                for (int k = 0; k < q.length; k++) {
                    q[k] = Math.round(q[k] * f) / f;
                }
                return q;
            }
            case TOP1: {
                int top = Classifier.argmax(p);
                Arrays.fill(q, 0);
                q[top] = p[top];
                return q;
            }
            case REVERSE_SIGMOID: {
                double sum = 0;
                for (int k = 0; k < q.length; k++) {
                    double x = Math.min(1 - 1e-6, Math.max(1e-6, p[k]));
                    double r = reverseSigmoid * (sigmoid(0.5 * Math.log(x / (1 - x))) - 0.5);
                    q[k] = Math.max(1e-6, x - r);
                    sum += q[k];
                }
                return keepTop(p, normalise(q, sum));
            }
            case NOISE: {
                double sum = 0;
                for (int k = 0; k < q.length; k++) {
                    q[k] = Math.max(1e-6, p[k] + noise * gaussian());
                    sum += q[k];
                }
                return keepTop(p, normalise(q, sum));
            }
            default:
                return q;
        }
    }

    /**
     * A short description for tables: "probabilities rounded to 1 decimal", "reverse sigmoid, beta 0.5".
     *
     * @return the mode and its setting in words
     */
    public String describe() {
        switch (mode) {
            case ROUNDED:
                return "probabilities rounded to " + decimals + (decimals == 1 ? " decimal" : " decimals");
            case LABEL:
                return "labels only";
            case TOP1:
                return "top class's probability only";
            case REVERSE_SIGMOID:
                return "reverse sigmoid, beta " + number(reverseSigmoid);
            case NOISE:
                return "Gaussian noise, sd " + number(noise);
            default:
                return "probabilities";
        }
    }

    private static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /** The perturbed scores must not change the answer: swap the top back when they would. */
    private static double[] keepTop(double[] p, double[] q) {
        int a = Classifier.argmax(p);
        int b = Classifier.argmax(q);
        if (a != b) {
            double t = q[a];
            q[a] = q[b];
            q[b] = t;
        }
        return q;
    }

    private static double[] normalise(double[] q, double sum) {
        for (int k = 0; k < q.length; k++) {
            q[k] /= sum;
        }
        return q;
    }

    private synchronized double gaussian() {
        return Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
    }

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }
}
