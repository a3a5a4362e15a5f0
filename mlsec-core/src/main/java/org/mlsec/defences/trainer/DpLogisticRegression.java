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
 */
public final class DpLogisticRegression {
    /** Logistic loss's bound on the second derivative. */
    static final double C = 0.25;
    static final double CLIP_SD = 3;

    private DpLogisticRegression() {
    }

    /**
     * @param epsilon privacy budget (smaller: more private)
     * @param lambda  regularisation of the average loss
     */
    public static LogisticModel train(Dataset train, double epsilon, double lambda, long seed) {
        Validate.isTrue(epsilon > 0 && Double.isFinite(epsilon), "epsilon must be positive, got " + epsilon);
        Validate.isTrue(lambda > 0, "lambda must be positive, got " + lambda);
        Validate.isTrue(train.schema().classes().size() == 2, "DP logistic regression supports two classes");
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
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            z[i][0] = 1 / radius;
            for (int j = 0; j < d; j++) {
                double v = Math.min(high[j], Math.max(low[j], x[i][j]));
                z[i][j + 1] = (v - mean[j]) / sd[j] / radius;
            }
            t[i] = train.y()[i];
        }
        double epsPrime = epsilon - Math.log(1 + 2 * C / (n * lambda) + C * C / ((double) n * n * lambda * lambda));
        double delta = 0;
        if (epsPrime <= 0) {
            delta = C / (n * (Math.exp(epsilon / 4) - 1)) - lambda;
            epsPrime = epsilon / 2;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        double[] b = noise(p, epsPrime, rng);
        // n * [ (1/n) sum loss + lambda/2 |w|^2 + (1/n) b.w + delta/2 |w|^2 ]
        double[] w = LogisticTrainer.fit(z, t, n * (lambda + delta), b, true);
        double[] scale = new double[d];
        double[] weights = new double[p];
        weights[0] = w[0] / radius;
        for (int j = 0; j < d; j++) {
            scale[j] = sd[j] * radius;
            weights[j + 1] = w[j + 1];
        }
        Map<String, String> h = new java.util.LinkedHashMap<>();
        h.put("epsilon", Double.toString(epsilon));
        h.put("lambda", Double.toString(lambda));
        h.put("mechanism", "objective-perturbation");
        h.put("seed", Long.toString(seed));
        Provenance prov = Provenance.of("dp_logistic_regression", h, train, "dp-training", Map.of("epsilon", epsilon));
        return new LogisticModel(train.schema(), prov, mean, scale, new double[][] {weights}, low, high);
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
