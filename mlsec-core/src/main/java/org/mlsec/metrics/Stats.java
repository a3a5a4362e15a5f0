package org.mlsec.metrics;

import java.util.Arrays;

/** Two-sample tests and drift measures for data diffs. */
public final class Stats {
    private Stats() {
    }

    /**
     * Kolmogorov-Smirnov statistic of two samples.
     *
     * @param a one sample
     * @param b the other
     * @return the largest difference between their empirical distribution functions
     */
    public static double ks(double[] a, double[] b) {
        double[] x = a.clone();
        double[] y = b.clone();
        Arrays.sort(x);
        Arrays.sort(y);
        int i = 0;
        int j = 0;
        double d = 0;
        while (i < x.length && j < y.length) {
            double v = Math.min(x[i], y[j]);
            while (i < x.length && x[i] <= v) {
                i++;
            }
            while (j < y.length && y[j] <= v) {
                j++;
            }
            d = Math.max(d, Math.abs((double) i / x.length - (double) j / y.length));
        }
        return d;
    }

    /**
     * Asymptotic p-value of the two-sample KS statistic (Kolmogorov distribution, Stephens' correction).
     *
     * @param d the statistic
     * @param n the first sample's size
     * @param m the second sample's size
     * @return the p-value, 0 to 1
     */
    public static double ksPValue(double d, long n, long m) {
        double ne = (double) n * m / (n + m);
        double sq = Math.sqrt(ne);
        double lambda = (sq + 0.12 + 0.11 / sq) * d;
        double sum = 0;
        for (int k = 1; k <= 100; k++) {
            double term = 2 * ((k % 2 == 1) ? 1 : -1) * Math.exp(-2 * k * k * lambda * lambda);
            sum += term;
            if (Math.abs(term) < 1e-12) {
                break;
            }
        }
        return Math.min(1, Math.max(0, sum));
    }

    /**
     * Chi-square test of homogeneity of two count vectors; returns {statistic, p-value}.
     *
     * @param a counts per category
     * @param b counts per category, as many
     * @return the statistic and its p-value
     */
    public static double[] chiSquare(long[] a, long[] b) {
        long na = Arrays.stream(a).sum();
        long nb = Arrays.stream(b).sum();
        double stat = 0;
        int df = -1;
        for (int k = 0; k < a.length; k++) {
            long t = a[k] + b[k];
            if (t == 0) {
                continue;
            }
            df++;
            double ea = (double) t * na / (na + nb);
            double eb = (double) t * nb / (na + nb);
            stat += (a[k] - ea) * (a[k] - ea) / ea + (b[k] - eb) * (b[k] - eb) / eb;
        }
        return new double[] {stat, df <= 0 ? 1 : gammaQ(df / 2.0, stat / 2)};
    }

    /**
     * Population stability index of {@code after} against {@code before}, over 10 quantile bins of before.
     *
     * @param before the reference sample
     * @param after the sample compared with it
     * @return the PSI, 0 when the distributions match
     */
    public static double psi(double[] before, double[] after) {
        double[] s = before.clone();
        Arrays.sort(s);
        double[] edges = new double[9];
        for (int q = 1; q <= 9; q++) {
            edges[q - 1] = s[(int) ((long) q * (s.length - 1) / 10)];
        }
        return psi(bins(before, edges), bins(after, edges));
    }

    /**
     * PSI over category counts.
     *
     * @param before the reference counts per category
     * @param after the counts compared with them, as many
     * @return the PSI, 0 when the distributions match
     */
    public static double psi(long[] before, long[] after) {
        double nb = Arrays.stream(before).sum();
        double na = Arrays.stream(after).sum();
        double psi = 0;
        for (int k = 0; k < before.length; k++) {
            double x = Math.max(before[k] / nb, 1e-4);
            double y = Math.max(after[k] / na, 1e-4);
            psi += (y - x) * Math.log(y / x);
        }
        return psi;
    }

    private static long[] bins(double[] v, double[] edges) {
        long[] p = new long[edges.length + 1];
        for (double x : v) {
            int k = 0;
            while (k < edges.length && x > edges[k]) {
                k++;
            }
            p[k]++;
        }
        return p;
    }

    /**
     * {@link #ks(double[], double[])} of two profiled columns: the same statistic, read off their value counts.
     *
     * @param a  one sample's profile
     * @param ja the column in it
     * @param b  the other sample's profile
     * @param jb the column in it
     * @return the largest difference between the empirical distribution functions
     */
    public static double ks(org.mlsec.data.Profile a, int ja, org.mlsec.data.Profile b, int jb) {
        long n = a.rows();
        long m = b.rows();
        long i = 0;
        long j = 0;
        int p = 0;
        int q = 0;
        double d = 0;
        while (p < a.distinct(ja) && q < b.distinct(jb)) {
            double v = Math.min(a.value(ja, p), b.value(jb, q));
            while (p < a.distinct(ja) && a.value(ja, p) <= v) {
                i += a.count(ja, p++);
            }
            while (q < b.distinct(jb) && b.value(jb, q) <= v) {
                j += b.count(jb, q++);
            }
            d = Math.max(d, Math.abs((double) i / n - (double) j / m));
        }
        return d;
    }

    /**
     * {@link #psi(double[], double[])} of two profiled columns: the same index, read off their value counts.
     *
     * @param before the reference sample's profile
     * @param jb     the column in it
     * @param after  the profile compared with it
     * @param ja     the column in it
     * @return the PSI, 0 when the distributions match
     */
    public static double psi(org.mlsec.data.Profile before, int jb, org.mlsec.data.Profile after, int ja) {
        double[] edges = new double[9];
        for (int q = 1; q <= 9; q++) {
            edges[q - 1] = before.valueAtRank(jb, q * (before.rows() - 1) / 10);
        }
        return psi(bins(before, jb, edges), bins(after, ja, edges));
    }

    /** Counts per bin: bin k holds the values above edges[k - 1] and at most edges[k]. */
    private static long[] bins(org.mlsec.data.Profile p, int j, double[] edges) {
        long[] out = new long[edges.length + 1];
        long below = 0;
        for (int k = 0; k < edges.length; k++) {
            long atMost = p.countAtMost(j, edges[k]);
            out[k] = atMost - below;
            below = atMost;
        }
        out[edges.length] = p.rows() - below;
        return out;
    }

    /** Regularised upper incomplete gamma Q(a, x) (Numerical Recipes' series and continued fraction). */
    static double gammaQ(double a, double x) {
        if (x <= 0) {
            return 1;
        }
        if (x < a + 1) {
            double sum = 1 / a;
            double del = sum;
            double ap = a;
            for (int n = 0; n < 1000; n++) {
                ap++;
                del *= x / ap;
                sum += del;
                if (Math.abs(del) < Math.abs(sum) * 1e-15) {
                    break;
                }
            }
            return Math.max(0, 1 - sum * Math.exp(-x + a * Math.log(x) - logGamma(a)));
        }
        double b = x + 1 - a;
        double c = 1 / 1e-300;
        double d = 1 / b;
        double h = d;
        for (int i = 1; i < 1000; i++) {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            d = Math.abs(d) < 1e-300 ? 1e-300 : d;
            c = b + an / c;
            c = Math.abs(c) < 1e-300 ? 1e-300 : c;
            d = 1 / d;
            double del = d * c;
            h *= del;
            if (Math.abs(del - 1) < 1e-15) {
                break;
            }
        }
        return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
    }

    /** Lanczos approximation. */
    static double logGamma(double x) {
        double[] g = {76.18009172947146, -86.50532032941677, 24.01409824083091, -1.231739572450155,
                0.1208650973866179e-2, -0.5395239384953e-5};
        double y = x;
        double tmp = x + 5.5;
        tmp -= (x + 0.5) * Math.log(tmp);
        double ser = 1.000000000190015;
        for (double c : g) {
            ser += c / ++y;
        }
        return -tmp + Math.log(2.5066282746310005 * ser / x);
    }
}
