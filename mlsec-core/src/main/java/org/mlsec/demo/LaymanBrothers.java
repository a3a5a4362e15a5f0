package org.mlsec.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.mlsec.data.Column;
import org.mlsec.data.ColumnType;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.internal.Validate;

/**
 * The built-in "Layman Brothers" data: synthetic credit-card clients with exactly the schema of the UCI
 * "default of credit card clients" data (Yeh and Lien 2009), so that every mlsec command runs anywhere.
 *
 * <p>The generator is calibrated against the real data's marginals and main dependencies: repayment status
 * drives default (default rate by {@code PAY_0} as in the real data), a latent credit quality links limit,
 * repayment status and bills; bills follow the limit and the repayment status; payments follow the previous
 * bill; marriage and education follow age. The same seed always gives the same rows.
 */
public final class LaymanBrothers {
    /** The feature columns, named and ordered as in the UCI file. */
    public static final List<String> COLUMNS = List.of("ID", "LIMIT_BAL", "SEX", "EDUCATION", "MARRIAGE", "AGE",
            "PAY_0", "PAY_2", "PAY_3", "PAY_4", "PAY_5", "PAY_6",
            "BILL_AMT1", "BILL_AMT2", "BILL_AMT3", "BILL_AMT4", "BILL_AMT5", "BILL_AMT6",
            "PAY_AMT1", "PAY_AMT2", "PAY_AMT3", "PAY_AMT4", "PAY_AMT5", "PAY_AMT6");
    /** The label column: 1 when the client defaults next month. */
    public static final String LABEL = "DEFAULT";
    /** The seed the demo uses. */
    public static final long DEFAULT_SEED = 42;

    /** Repayment states from the best clients' (no consumption, paid in full) to the worst, with the real shares. */
    private static final int[] PAY0_BY_RISK = {-2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8};
    private static final double[] PAY0_SHARE = {.0920, .1895, .4912, .1229, .0889, .0107, .0025, .0009, .0004, .0003, .0006};
    /** Default rate by PAY_0 in the real data, indexed by status + 2. */
    private static final double[] DEFAULT_RATE = {.132, .168, .128, .339, .691, .758, .684, .500, .545, .778, .579};

    /** Status one month earlier given the status now (real PAY_0 to PAY_2 transitions), indexed by status + 2. */
    private static final int[][] PREV_STATE = {
            {-2, -1}, {-1, 0, 2, 3}, {0, -1, 2}, {-2, -1, 2, 3, 0, 4}, {0, 2, -1, 3, 4},
            {2, 3, 4}, {3, 4, 5}, {4, 6}, {5}, {6}, {7}};
    private static final double[][] PREV_PROB = {
            {.93, .07}, {.82, .11, .06, .01}, {.97, .025, .005}, {.33, .17, .45, .03, .01, .01}, {.32, .60, .05, .025, .005},
            {.84, .13, .03}, {.76, .20, .04}, {.96, .04}, {1}, {1}, {1}};

    private LaymanBrothers() {
    }

    /**
     * Generates {@code rows} clients; ID runs from 1.
     *
     * @param rows how many clients, positive
     * @param seed the generator's seed; the same seed gives the same rows
     * @return the clients in {@link #schema()}, labelled
     */
    public static Dataset generate(int rows, long seed) {
        Validate.positive(rows, "rows");
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] x = new double[rows][COLUMNS.size()];
        int[] y = new int[rows];
        double[] cumPay0 = cumulative(PAY0_SHARE);
        for (int i = 0; i < rows; i++) {
            y[i] = client(rng, x[i], i + 1, cumPay0);
        }
        return new Dataset(schema(), x, y);
    }

    /**
     * The schema of the generated data: every column is an integer column, as in the real file.
     *
     * @return the {@link #COLUMNS} as unbounded integer columns, label {@link #LABEL} with classes 0 and 1
     */
    public static Schema schema() {
        List<Column> cols = new ArrayList<>();
        for (String c : COLUMNS) {
            cols.add(Column.numeric(c, ColumnType.INTEGER, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY));
        }
        return new Schema(cols, LABEL, List.of("0", "1"));
    }

    private static int client(SplittableRandom rng, double[] r, int id, double[] cumPay0) {
        int sex = rng.nextDouble() < 0.604 ? 2 : 1;
        int age = (int) Math.min(79, 21 + gamma(rng, 2.2, 6.4));
        int marriage = marriage(rng, age);
        int education = education(rng, age);

        double quality = gaussian(rng); // latent credit quality: good clients get higher limits and pay on time
        double limitNoise = 0.62 * gaussian(rng);
        double lnLimit = 11.62 + (education == 1 ? 0.3 : 0) - (education == 3 ? 0.30 : 0) + 0.012 * (age - 35)
                + (sex == 2 ? 0.08 : 0) + 0.6 * quality + limitNoise;
        double limit = Math.min(1_000_000, Math.max(10_000, Math.round(Math.exp(lnLimit) / 10_000) * 10_000));

        double u = phi(-0.75 * quality + 0.66 * gaussian(rng));
        int pay0 = PAY0_BY_RISK[pick(cumPay0, u)];
        int[] pay = new int[6];
        pay[0] = pay0;
        for (int m = 1; m < 6; m++) {
            int s = pay[m - 1] + 2;
            pay[m] = PREV_STATE[s][pickProb(PREV_PROB[s], rng.nextDouble())];
        }

        // Default: the real rate for this repayment status, moved by independent client traits.
        double base = logit(DEFAULT_RATE[pay0 + 2]) * 1.12;
        double traits = (sex == 1 ? 0.12 : -0.08) + (marriage == 1 ? 0.06 : -0.04)
                + (education == 1 ? -0.15 : education == 2 || education == 3 ? 0.12 : -1.0);
        double logit = base + 0.9 * gaussian(rng) - 0.4 * limitNoise + traits + 0.15 * Math.max(0, pay[1]) - 0.12;
        int label = rng.nextDouble() < sigmoid(logit) ? 1 : 0;

        double[] bill = new double[7];
        // Large limits are used less: bills grow with the limit, but far less than in proportion.
        double usage = Math.min(1.6, Math.pow(limit / 140_000, -0.45));
        double util = utilisation(rng, pay[0]);
        for (int m = 0; m < 6; m++) {
            if (m > 0) {
                util = rng.nextDouble() < 0.75 ? util * (0.82 + 0.2 * rng.nextDouble()) : utilisation(rng, pay[m]);
            }
            bill[m] = pay[m] == -2 && rng.nextDouble() < 0.6 ? 0 : Math.round(limit * Math.min(1.1, util * usage));
        }
        bill[6] = Math.round(bill[5] * 0.95);
        double[] payment = new double[6];
        for (int m = 0; m < 6; m++) {
            payment[m] = payment(rng, pay[m], bill[m + 1]);
        }

        int k = 0;
        r[k++] = id;
        r[k++] = limit;
        r[k++] = sex;
        r[k++] = education;
        r[k++] = marriage;
        r[k++] = age;
        for (int m = 0; m < 6; m++) {
            r[k++] = pay[m];
        }
        for (int m = 0; m < 6; m++) {
            r[k++] = bill[m];
        }
        for (int m = 0; m < 6; m++) {
            r[k++] = payment[m];
        }
        return label;
    }

    private static int marriage(SplittableRandom rng, int age) {
        double u = rng.nextDouble();
        if (u < 0.002) {
            return 0;
        }
        if (u < 0.002 + 0.011 * age / 35.0) {
            return 3;
        }
        return rng.nextDouble() < sigmoid(0.19 * (age - 36)) ? 1 : 2;
    }

    private static int education(SplittableRandom rng, int age) {
        double shift = 0.008 * (age - 35);
        double[] p = {0.0005, 0.353 - shift / 2, 0.468 - shift / 2, 0.164 + shift, 0.004, 0.009, 0.0017};
        double u = rng.nextDouble() * sum(p);
        return pickProb(p, u);
    }

    /** Share of the limit in use, by repayment status: idle accounts near 0, revolving half, late ones near full. */
    private static double utilisation(SplittableRandom rng, int status) {
        switch (status) {
            case -2:
                return rng.nextDouble() < 0.05 ? -0.02 * rng.nextDouble() : 0.05 * rng.nextDouble();
            case -1:
                return beta(rng, 0.7, 6);
            case 0:
                return beta(rng, 1.2, 2.2);
            default:
                return beta(rng, 5, 1.5) * (1 + 0.1 * rng.nextDouble());
        }
    }

    /** The payment made in a month, given that month's status and the bill it pays. */
    private static double payment(SplittableRandom rng, int status, double bill) {
        double owed = Math.max(0, bill);
        double amount;
        switch (status) {
            case -2:
                amount = rng.nextDouble() < 0.5 ? 0 : Math.exp(6 + 1.5 * gaussian(rng));
                break;
            case -1:
                amount = owed > 0 ? owed : (rng.nextDouble() < 0.5 ? 0 : Math.exp(6 + gaussian(rng)));
                break;
            case 0:
                amount = owed * (0.04 + 0.08 * rng.nextDouble()) * Math.exp(0.5 * gaussian(rng)) + 300 * rng.nextDouble();
                break;
            default:
                amount = rng.nextDouble() < 0.6 ? 0 : owed * 0.04 * Math.exp(0.5 * gaussian(rng));
        }
        return Math.round(Math.min(amount, 900_000));
    }

    private static double[] cumulative(double[] p) {
        double[] c = new double[p.length];
        double s = 0;
        double total = sum(p);
        for (int i = 0; i < p.length; i++) {
            s += p[i] / total;
            c[i] = s;
        }
        return c;
    }

    private static int pick(double[] cumulative, double u) {
        for (int i = 0; i < cumulative.length; i++) {
            if (u < cumulative[i]) {
                return i;
            }
        }
        return cumulative.length - 1;
    }

    private static int pickProb(double[] p, double u) {
        double s = 0;
        for (int i = 0; i < p.length; i++) {
            s += p[i];
            if (u < s) {
                return i;
            }
        }
        return p.length - 1;
    }

    private static double sum(double[] p) {
        double s = 0;
        for (double v : p) {
            s += v;
        }
        return s;
    }

    static double gaussian(SplittableRandom rng) {
        double u1 = rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** Marsaglia and Tsang's method, for shape at least 1. */
    static double gamma(SplittableRandom rng, double shape, double scale) {
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double z = gaussian(rng);
            double v = 1 + c * z;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = rng.nextDouble();
            if (Math.log(1 - u) < 0.5 * z * z + d - d * v + d * Math.log(v)) {
                return d * v * scale;
            }
        }
    }

    static double beta(SplittableRandom rng, double a, double b) {
        double x = gamma(rng, a + 1, 1) * Math.pow(rng.nextDouble(), 1 / a);
        double y = gamma(rng, b + 1, 1) * Math.pow(rng.nextDouble(), 1 / b);
        return x / (x + y);
    }

    static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    static double logit(double p) {
        return Math.log(p / (1 - p));
    }

    /** Standard normal CDF (Abramowitz and Stegun 7.1.26 through erf). */
    static double phi(double z) {
        double t = 1 / (1 + 0.3275911 * Math.abs(z) / Math.sqrt(2));
        double erf = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
                * Math.exp(-z * z / 2);
        return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }
}
