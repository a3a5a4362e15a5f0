package org.mlsec.metrics;

import java.util.Arrays;

/** The Shapiro-Wilk W statistic of normality, with Royston's (1992) approximation of the coefficients (n from 3 to 5000). */
public final class ShapiroWilk {
    private ShapiroWilk() {
    }

    private static final java.util.Map<Integer, double[]> COEFFICIENTS = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The W statistic of a sample: near 1 for normal data, lower the less normal it is.
     *
     * @param sample the values, 3 to 5000 of them for the approximation to hold
     * @return W, 0 to 1; 1 for fewer than 3 values
     */
    public static double w(double[] sample) {
        int n = sample.length;
        if (n < 3) {
            return 1;
        }
        double[] x = sample.clone();
        Arrays.sort(x);
        double[] a = COEFFICIENTS.computeIfAbsent(n, ShapiroWilk::coefficients);
        double mean = 0;
        for (double v : x) {
            mean += v / n;
        }
        double num = 0;
        double den = 0;
        for (int i = 0; i < n; i++) {
            num += a[i] * x[i];
            den += (x[i] - mean) * (x[i] - mean);
        }
        return den == 0 ? 1 : Math.min(1, num * num / den);
    }

    /** Royston's coefficients for samples of size n (they depend on n only, so they are cached). */
    static double[] coefficients(int n) {
        double[] m = new double[n];
        double mm = 0;
        for (int i = 0; i < n; i++) {
            m[i] = inverseNormal((i + 1 - 0.375) / (n + 0.25));
            mm += m[i] * m[i];
        }
        double[] a = new double[n];
        double u = 1 / Math.sqrt(n);
        double an = m[n - 1] / Math.sqrt(mm) + 0.221157 * u - 0.147981 * u * u - 2.071190 * Math.pow(u, 3)
                + 4.434685 * Math.pow(u, 4) - 2.706056 * Math.pow(u, 5);
        if (n > 5) {
            double an1 = m[n - 2] / Math.sqrt(mm) + 0.042981 * u - 0.293762 * u * u - 1.752461 * Math.pow(u, 3)
                    + 5.682633 * Math.pow(u, 4) - 3.582633 * Math.pow(u, 5);
            double phi = (mm - 2 * m[n - 1] * m[n - 1] - 2 * m[n - 2] * m[n - 2]) / (1 - 2 * an * an - 2 * an1 * an1);
            for (int i = 2; i < n - 2; i++) {
                a[i] = m[i] / Math.sqrt(phi);
            }
            a[n - 1] = an;
            a[n - 2] = an1;
            a[0] = -an;
            a[1] = -an1;
        } else {
            double phi = (mm - 2 * m[n - 1] * m[n - 1]) / (1 - 2 * an * an);
            for (int i = 1; i < n - 1; i++) {
                a[i] = m[i] / Math.sqrt(phi);
            }
            a[n - 1] = an;
            a[0] = -an;
        }
        return a;
    }

    /** Acklam's rational approximation of the standard normal quantile (relative error below 1.2e-9). */
    static double inverseNormal(double p) {
        double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
                -3.066479806614716e+01, 2.506628277459239e+00};
        double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
                -1.328068155288572e+01};
        double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
                4.374664141464968e+00, 2.938163982698783e+00};
        double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
        double q;
        if (p < 0.02425) {
            q = Math.sqrt(-2 * Math.log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        if (p > 1 - 0.02425) {
            q = Math.sqrt(-2 * Math.log(1 - p));
            return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        q = p - 0.5;
        double r = q * q;
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
}
