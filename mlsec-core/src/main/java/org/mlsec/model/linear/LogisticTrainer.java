package org.mlsec.model.linear;

import java.util.Map;
import org.mlsec.MlsecException;
import org.mlsec.Progress;
import org.mlsec.data.Dataset;
import org.mlsec.model.FeatureEncoder;
import org.mlsec.model.Provenance;
import org.mlsec.model.TrainConfig;

/**
 * L2-regularised logistic regression fitted by Newton's method to the exact optimum (not SGD): later attacks and
 * defences (objective perturbation, equation solving) rely on the weights being the true minimiser.
 */
public final class LogisticTrainer {
    static final int MAX_ITERATIONS = 100;

    private LogisticTrainer() {
    }

    /**
     * Standardises the encoded features and fits one model (two classes) or one per class (one-vs-rest) with {@link
     * #fit(double[][], double[], double, double[])}.
     *
     * @param train the training rows
     * @param c the configuration; its {@code l2} is the regularisation strength
     * @param source where the data came from, for the provenance
     * @param progress told after each output is fitted
     * @return the fitted model
     */
    public static LogisticModel train(Dataset train, TrainConfig c, String source, Progress progress) {
        FeatureEncoder enc = new FeatureEncoder(train.schema());
        double[][] x = enc.encodeAll(train.x());
        int n = x.length;
        int d = enc.width();
        double[] mean = new double[d];
        double[] scale = new double[d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j] / n;
            }
        }
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                double v = row[j] - mean[j];
                scale[j] += v * v / n;
            }
        }
        for (int j = 0; j < d; j++) {
            scale[j] = scale[j] > 1e-24 ? Math.sqrt(scale[j]) : 1;
        }
        double[][] z = new double[n][d + 1];
        for (int i = 0; i < n; i++) {
            z[i][0] = 1;
            for (int j = 0; j < d; j++) {
                z[i][j + 1] = (x[i][j] - mean[j]) / scale[j];
            }
        }
        int k = train.schema().classes().size();
        int outputs = k == 2 ? 1 : k;
        double[][] weights = new double[outputs][];
        int[] y = train.y();
        for (int o = 0; o < outputs; o++) {
            int positive = k == 2 ? 1 : o;
            double[] t = new double[n];
            for (int i = 0; i < n; i++) {
                t[i] = y[i] == positive ? 1 : 0;
            }
            weights[o] = fit(z, t, c.l2(), null);
            progress.update("fitting", o + 1, outputs);
        }
        Provenance p = Provenance.of(c.algorithm().kind(), c.hyperparameters(), train, source, Map.of());
        return new LogisticModel(train.schema(), p, mean, scale, weights);
    }

    /**
     * Minimises sum log(1 + exp(-s_i w.z_i)) + l2/2 |w_1..|^2 + b.w (b: an optional linear term, as objective
     * perturbation adds) by damped Newton steps. The intercept w[0] is not penalised.
     *
     * @param z the rows, each with a leading 1 for the intercept
     * @param t per row, 1 for the positive class and 0 otherwise
     * @param l2 the regularisation strength
     * @param linear the linear term b, as long as a row of {@code z}, or null for none
     * @return the minimising w, intercept first
     */
    public static double[] fit(double[][] z, double[] t, double l2, double[] linear) {
        return fit(z, t, l2, linear, false);
    }

    /**
     * As {@link #fit(double[][], double[], double, double[])}; {@code penalizeIntercept} puts w[0] under the L2 term too.
     *
     * @param z the rows, each with a leading 1 for the intercept
     * @param t per row, 1 for the positive class and 0 otherwise
     * @param l2 the regularisation strength
     * @param linear the linear term b, as long as a row of {@code z}, or null for none
     * @param penalizeIntercept whether w[0] is penalised too
     * @return the minimising w, intercept first
     */
    public static double[] fit(double[][] z, double[] t, double l2, double[] linear, boolean penalizeIntercept) {
        int first = penalizeIntercept ? 0 : 1;
        int n = z.length;
        int p = z[0].length;
        double[] w = new double[p];
        double prev = Double.POSITIVE_INFINITY;
        for (int it = 0; it < MAX_ITERATIONS; it++) {
            double[] g = new double[p];
            double[][] h = new double[p][p];
            double loss = 0;
            for (int i = 0; i < n; i++) {
                double[] zi = z[i];
                double s = 0;
                for (int j = 0; j < p; j++) {
                    s += w[j] * zi[j];
                }
                double q = LogisticModel.sigmoid(s);
                loss += t[i] > 0 ? softplus(-s) : softplus(s);
                double r = q - t[i];
                double v = Math.max(q * (1 - q), 1e-12);
                for (int a = 0; a < p; a++) {
                    double za = zi[a];
                    g[a] += r * za;
                    double vza = v * za;
                    double[] ha = h[a];
                    for (int b = 0; b <= a; b++) {
                        ha[b] += vza * zi[b];
                    }
                }
            }
            for (int a = 0; a < p; a++) {
                for (int b = a + 1; b < p; b++) {
                    h[a][b] = h[b][a];
                }
            }
            for (int j = first; j < p; j++) {
                loss += 0.5 * l2 * w[j] * w[j];
                g[j] += l2 * w[j];
                h[j][j] += l2;
            }
            h[0][0] += 1e-9;
            if (linear != null) {
                for (int j = 0; j < p; j++) {
                    loss += linear[j] * w[j];
                    g[j] += linear[j];
                }
            }
            double[] step = solve(h, g);
            double gnorm = 0;
            for (int j = 0; j < p; j++) {
                gnorm = Math.max(gnorm, Math.abs(g[j]));
            }
            // Damped Newton: halve the step until the objective decreases, so that badly scaled data cannot diverge.
            double size = 1;
            double[] trial = new double[p];
            for (int halving = 0; halving < 30; halving++) {
                for (int j = 0; j < p; j++) {
                    trial[j] = w[j] - size * step[j];
                }
                if (objective(z, t, trial, l2, linear, first) <= loss + 1e-12 * Math.max(1, Math.abs(loss))) {
                    break;
                }
                size /= 2;
            }
            System.arraycopy(trial, 0, w, 0, p);
            if (gnorm < 1e-9 * n || Math.abs(prev - loss) < 1e-12 * Math.max(1, Math.abs(loss))) {
                break;
            }
            prev = loss;
        }
        for (double v : w) {
            if (!Double.isFinite(v)) {
                throw new MlsecException("logistic regression did not converge (the classes may be separable; raise the L2 penalty l2)");
            }
        }
        return w;
    }

    /** The penalised negative log-likelihood that {@link #fit} minimises. */
    static double objective(double[][] z, double[] t, double[] w, double l2, double[] linear) {
        return objective(z, t, w, l2, linear, 1);
    }

    static double objective(double[][] z, double[] t, double[] w, double l2, double[] linear, int first) {
        double loss = 0;
        for (int i = 0; i < z.length; i++) {
            double s = 0;
            for (int j = 0; j < w.length; j++) {
                s += w[j] * z[i][j];
            }
            loss += t[i] > 0 ? softplus(-s) : softplus(s);
        }
        for (int j = first; j < w.length; j++) {
            loss += 0.5 * l2 * w[j] * w[j];
        }
        if (linear != null) {
            for (int j = 0; j < w.length; j++) {
                loss += linear[j] * w[j];
            }
        }
        return loss;
    }

    private static double softplus(double s) {
        return s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s));
    }

    /** Solves h x = g for a symmetric positive-definite h (Cholesky, with a tiny ridge when near-singular). */
    static double[] solve(double[][] h, double[] g) {
        int p = g.length;
        double[][] l = new double[p][p];
        for (int i = 0; i < p; i++) {
            for (int j = 0; j <= i; j++) {
                double s = h[i][j];
                for (int k = 0; k < j; k++) {
                    s -= l[i][k] * l[j][k];
                }
                if (i == j) {
                    l[i][i] = Math.sqrt(Math.max(s, 1e-12));
                } else {
                    l[i][j] = s / l[j][j];
                }
            }
        }
        double[] y = new double[p];
        for (int i = 0; i < p; i++) {
            double s = g[i];
            for (int k = 0; k < i; k++) {
                s -= l[i][k] * y[k];
            }
            y[i] = s / l[i][i];
        }
        double[] x = new double[p];
        for (int i = p - 1; i >= 0; i--) {
            double s = y[i];
            for (int k = i + 1; k < p; k++) {
                s -= l[k][i] * x[k];
            }
            x[i] = s / l[i][i];
        }
        return x;
    }
}
