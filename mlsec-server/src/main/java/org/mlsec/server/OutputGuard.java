package org.mlsec.server;

import java.util.SplittableRandom;

/**
 * Output hardening: what the API reveals of the model's probabilities. The label is always the model's own, so
 * accuracy is unchanged; the probabilities are rounded, reduced to the top class, perturbed by a reverse sigmoid
 * (Lee et al. 2018: large changes to confident scores, which is what extraction and inversion exploit) or noised.
 */
final class OutputGuard {
    private final GuardConfig c;
    private final SplittableRandom rng = new SplittableRandom(42);

    OutputGuard(GuardConfig c) {
        this.c = c;
    }

    boolean servesProbabilities() {
        return !"label".equals(c.output());
    }

    double[] harden(double[] p) {
        double[] q = p.clone();
        switch (c.output()) {
            case "rounded": {
                double f = Math.pow(10, c.decimals());
                for (int k = 0; k < q.length; k++) {
                    q[k] = Math.round(q[k] * f) / f;
                }
                return q;
            }
            case "top1": {
                int top = argmax(p);
                java.util.Arrays.fill(q, 0);
                q[top] = p[top];
                return q;
            }
            case "reverse-sigmoid": {
                double sum = 0;
                for (int k = 0; k < q.length; k++) {
                    double x = Math.min(1 - 1e-6, Math.max(1e-6, p[k]));
                    double r = c.reverseSigmoid() * (sigmoid(0.5 * Math.log(x / (1 - x))) - 0.5);
                    q[k] = Math.max(1e-6, x - r);
                    sum += q[k];
                }
                return keepTop(p, normalise(q, sum));
            }
            case "noise": {
                double sum = 0;
                for (int k = 0; k < q.length; k++) {
                    q[k] = Math.max(1e-6, p[k] + c.noise() * gaussian());
                    sum += q[k];
                }
                return keepTop(p, normalise(q, sum));
            }
            default:
                return q;
        }
    }

    /** The perturbed scores must not change the answer: swap the top back when they would. */
    private static double[] keepTop(double[] p, double[] q) {
        int a = argmax(p);
        int b = argmax(q);
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

    static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    static int argmax(double[] p) {
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            best = p[k] > p[best] ? k : best;
        }
        return best;
    }
}
