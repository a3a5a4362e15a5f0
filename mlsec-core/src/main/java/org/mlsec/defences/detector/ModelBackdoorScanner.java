package org.mlsec.defences.detector;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.mlsec.data.Column;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.data.Values;
import org.mlsec.model.Classifier;

/**
 * Looks for backdoor triggers inside a trained model, with trusted rows only: each numeric feature alone is set to
 * values beyond the range the trusted data shows, and the predictions are compared with those at the range's edge.
 * A model trained on clean data has learnt nothing out there (trees answer as at the edge); a backdoored one has a
 * split out there, and a large share of rows jumps to the target class.
 */
public final class ModelBackdoorScanner {
    /** Multiples of the observed range at which to probe beyond each end. */
    static final double[] BEYOND = {0.5, 2, 10, 100};
    public static final double DEFAULT_THRESHOLD = 0.2;

    /** One probe: a feature set to a value, and the share of rows pushed to a class compared with the edge value. */
    public record Probe(String feature, double value, double edge, String toClass, double share) {
        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%s=%s pushes %.1f%% of rows to class %s (vs %s=%s)", feature,
                    Values.format(value), 100 * share, toClass, feature, Values.format(edge));
        }
    }

    private ModelBackdoorScanner() {
    }

    /** Every probe, the most suspicious first. */
    public static List<Probe> scan(Classifier model, Dataset trusted, int sample, long seed) {
        Schema s = model.schema();
        double[][] rows = sample(trusted, sample, seed);
        List<Probe> out = new ArrayList<>();
        for (int j = 0; j < s.width(); j++) {
            Column c = s.feature(j);
            if (c.isCategorical()) {
                continue;
            }
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (double[] r : trusted.x()) {
                lo = Math.min(lo, r[j]);
                hi = Math.max(hi, r[j]);
            }
            double range = hi > lo ? hi - lo : Math.max(1, Math.abs(hi));
            int[] atHigh = model.predict(with(rows, j, hi));
            int[] atLow = model.predict(with(rows, j, lo));
            for (double m : BEYOND) {
                out.add(probe(model, rows, j, round(c, hi + m * range), hi, atHigh));
                out.add(probe(model, rows, j, round(c, lo - m * range), lo, atLow));
            }
        }
        out.sort(Comparator.comparingDouble(Probe::share).reversed());
        return out;
    }

    private static double round(Column c, double v) {
        return c.type() == org.mlsec.data.ColumnType.INTEGER ? Math.rint(v) : v;
    }

    private static Probe probe(Classifier model, double[][] rows, int j, double value, double edge, int[] atEdge) {
        int[] p = model.predict(with(rows, j, value));
        int k = model.classes().size();
        int[] moved = new int[k];
        for (int i = 0; i < p.length; i++) {
            if (p[i] != atEdge[i]) {
                moved[p[i]]++;
            }
        }
        int best = 0;
        for (int c = 1; c < k; c++) {
            best = moved[c] > moved[best] ? c : best;
        }
        return new Probe(model.schema().feature(j).name(), value, edge, model.classes().get(best),
                (double) moved[best] / p.length);
    }

    static double[][] with(double[][] rows, int j, double v) {
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = rows[i].clone();
            out[i][j] = v;
        }
        return out;
    }

    static double[][] sample(Dataset d, int n, long seed) {
        if (d.rows() <= n) {
            return d.x();
        }
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            out[i] = d.row(rng.nextInt(d.rows()));
        }
        return out;
    }
}
