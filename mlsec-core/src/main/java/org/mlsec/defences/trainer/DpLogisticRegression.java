package org.mlsec.defences.trainer;

import java.util.Map;
import java.util.SplittableRandom;
import org.mlsec.data.Dataset;
import org.mlsec.internal.Validate;
import org.mlsec.model.FeatureEncoder;
import org.mlsec.model.Provenance;
import org.mlsec.model.linear.LogisticModel;
import org.mlsec.model.linear.LogisticTrainer;

/**
 * Differentially private logistic regression by objective perturbation (Chaudhuri, Monteleoni and Sarwate 2011,
 * Algorithm 2): a random linear term, drawn with density proportional to exp(-eps'/2 |b|), is added to the
 * regularised objective, whose exact minimiser is then epsilon-differentially private.
 *
 * <p>The theorem needs every row to have norm at most 1: features are standardised, clipped to 3 standard deviations
 * and scaled by a fixed factor, and the model applies the same clipping when it predicts. The standardisation
 * statistics are taken from the training data, so strictly the guarantee holds for data whose bounds are public;
 * give the model the schema's published ranges in a stricter setting.
 *
 * <p>With more than two classes it trains one such model per class (one-vs-rest), each with epsilon / k: every model
 * sees every row, so by sequential composition (Dwork and Roth 2014, Theorem 3.14) the k models together are
 * epsilon-differentially private.
 */
public final class DpLogisticRegression {
    /** Logistic loss's bound on the second derivative. */
    static final double C = 0.25;
    static final double CLIP_SD = 3;

    private DpLogisticRegression() {
    }

    /**
     * Trains an epsilon-differentially private logistic regression (one-vs-rest above two classes).
     *
     * @param train   the training data
     * @param epsilon privacy budget (smaller: more private)
     * @param lambda  regularisation of the average loss
     * @param seed    seed of the noise
     * @return the trained model
     */
    public static LogisticModel train(Dataset train, double epsilon, double lambda, long seed) {
        Validate.isTrue(epsilon > 0 && Double.isFinite(epsilon), "epsilon must be positive, got " + epsilon);
        Validate.isTrue(lambda > 0, "lambda must be positive, got " + lambda);
        int classes = train.schema().classes().size();
        Validate.isTrue(classes >= 2, "DP logistic regression needs at least two classes");
        FeatureEncoder enc = new FeatureEncoder(train.schema());
        double[][] x = enc.encodeAll(train.x());
        int n = x.length;
        int d = enc.width();
        int p = d + 1;
        double[] mean = new double[d];
        double[] sd = new double[d];
        for (double[] r : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += r[j] / n;
            }
        }
        for (double[] r : x) {
            for (int j = 0; j < d; j++) {
                sd[j] += (r[j] - mean[j]) * (r[j] - mean[j]) / n;
            }
        }
        double[] low = new double[d];
        double[] high = new double[d];
        for (int j = 0; j < d; j++) {
            sd[j] = sd[j] > 1e-24 ? Math.sqrt(sd[j]) : 1;
            low[j] = mean[j] - CLIP_SD * sd[j];
            high[j] = mean[j] + CLIP_SD * sd[j];
        }
        double radius = Math.sqrt(1 + CLIP_SD * CLIP_SD * d); // every scaled row has norm <= 1
        double[][] z = new double[n][p];
        for (int i = 0; i < n; i++) {
            z[i][0] = 1 / radius;
            for (int j = 0; j < d; j++) {
                double v = Math.min(high[j], Math.max(low[j], x[i][j]));
                z[i][j + 1] = (v - mean[j]) / sd[j] / radius;
            }
        }
        SplittableRandom rng = new SplittableRandom(seed);
        int outputs = classes == 2 ? 1 : classes;
        double[][] weights = new double[outputs][];
        for (int c = 0; c < outputs; c++) {
            double[] t = new double[n];
            int positive = classes == 2 ? 1 : c;
            for (int i = 0; i < n; i++) {
                t[i] = train.y()[i] == positive ? 1 : 0;
            }
            double[] w = perturbedFit(z, t, epsilon / outputs, lambda, rng);
            weights[c] = new double[p];
            weights[c][0] = w[0] / radius;
            System.arraycopy(w, 1, weights[c], 1, d);
        }
        double[] scale = new double[d];
        for (int j = 0; j < d; j++) {
            scale[j] = sd[j] * radius;
        }
        Map<String, String> h = new java.util.LinkedHashMap<>();
        h.put("epsilon", Double.toString(epsilon));
        h.put("lambda", Double.toString(lambda));
        h.put("mechanism", "objective-perturbation");
        h.put("seed", Long.toString(seed));
        Provenance prov = Provenance.of("dp_logistic_regression", h, train, "dp-training", Map.of("epsilon", epsilon));
        return new LogisticModel(train.schema(), prov, mean, scale, weights, low, high);
    }

    /** Algorithm 2 of Chaudhuri et al. on rows of norm at most 1 with 0/1 targets, spending {@code epsilon}. */
    private static double[] perturbedFit(double[][] z, double[] t, double epsilon, double lambda, SplittableRandom rng) {
        int n = z.length;
        double epsPrime = epsilon - Math.log(1 + 2 * C / (n * lambda) + C * C / ((double) n * n * lambda * lambda));
        double delta = 0;
        if (epsPrime <= 0) {
            delta = C / (n * (Math.exp(epsilon / 4) - 1)) - lambda;
            epsPrime = epsilon / 2;
        }
        double[] b = noise(z[0].length, epsPrime, rng);
        // n * [ (1/n) sum loss + lambda/2 |w|^2 + (1/n) b.w + delta/2 |w|^2 ]
        return LogisticTrainer.fit(z, t, n * (lambda + delta), b, true);
    }

    /** A vector with density proportional to exp(-eps/2 |b|): a Gamma(p, 2/eps) norm in a uniform direction. */
    static double[] noise(int p, double eps, SplittableRandom rng) {
        double norm = 0;
        for (int k = 0; k < p; k++) {
            norm += -Math.log(1 - rng.nextDouble()); // sum of p exponentials: Gamma(p, 1)
        }
        norm *= 2 / eps;
        double[] dir = new double[p];
        double len = 0;
        for (int k = 0; k < p; k++) {
            dir[k] = Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
            len += dir[k] * dir[k];
        }
        len = Math.sqrt(len);
        for (int k = 0; k < p; k++) {
            dir[k] *= norm / len;
        }
        return dir;
    }
}
