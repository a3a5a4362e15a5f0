package org.mlsec.defences.detector;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One client's detectors of extraction attempts, with constant cost per query (bounded windows); made by
 * {@link ExtractionProfile#newDetector()}, fed every request's rows with {@link #observe}. Nothing here knows about
 * HTTP: the guarded server, a proxy and an offline study ({@code ExtractionDefences}) run the same code. The detectors:
 * <ul>
 * <li>grid sweep: in the last 64 rows, at most two features vary while every other stays fixed (the talk's curl loops);</li>
 * <li>boundary probing: a third of the last 64 rows sit within 0.05 of the decision boundary;</li>
 * <li>PRADA (Juuti et al. 2019): per predicted class, a growing set of the client's queries; each new query's
 * distance to the nearest one of its class is recorded, and the query joins the set when it is farther than the
 * recorded distances' mean minus one standard deviation. Benign queries give roughly normal distances; synthetic
 * extraction queries do not, so a Shapiro-Wilk W below the threshold raises an alert. The sets hold at most
 * {@link #MAX_SET} points and the distances the last {@link #MAX_DISTANCES}, so the cost per query is bounded.</li>
 * <li>implausible rows (with reference data): four of the client's last 16 rows are implausible by the reference's
 * {@link Plausibility};</li>
 * <li>broken dependencies (with reference data): over the client's last 200 rows, the rank correlation of feature
 * pairs that are strongly correlated in genuine data (|rho| &gt; 0.3, such as successive repayment statuses) strays
 * from the reference's by more than a threshold calibrated on the reference rows
 * ({@link ExtractionProfile#dependenceThreshold()}; checked every
 * 25 rows). Synthetic queries drawn feature by feature (from marginals or ranges) break those dependencies; genuine
 * clients keep them.</li>
 * </ul>
 */
public final class ExtractionDetector {
    static final int DEPENDENCE_WINDOW = Dependence.WINDOW;
    private final Dependence dependence;
    static final int MAX_SET = 300;
    static final int MAX_DISTANCES = 500;
    static final int MIN_DISTANCES = 100;
    static final double PRADA_W = 0.90;
    private final double[] lo;
    private final double[] span;
    private final java.util.Map<Integer, GrowingSet> sets = new java.util.HashMap<>();

    /** One class's PRADA set: a ring of at most MAX_SET points in one flat array (scanned at memory speed). */
    private static final class GrowingSet {
        final int d;
        final double[] points;
        int size;
        int next;

        GrowingSet(int d) {
            this.d = d;
            this.points = new double[MAX_SET * d];
        }

        void add(double[] x) {
            System.arraycopy(x, 0, points, next * d, d);
            next = (next + 1) % MAX_SET;
            size = Math.min(MAX_SET, size + 1);
        }

        /** Squared distance from x to the nearest point. */
        double nearest(double[] x) {
            double best = Double.POSITIVE_INFINITY;
            for (int p = 0; p < size; p++) {
                int o = p * d;
                double s = 0;
                for (int j = 0; j < d; j++) {
                    double t = x[j] - points[o + j];
                    s += t * t;
                }
                if (s < best) {
                    best = s;
                }
            }
            return best;
        }
    }
    private final ArrayDeque<Double> distances = new ArrayDeque<>();
    private double sum;
    private double sumSq;

    ExtractionDetector(double[] lo, double[] span, Dependence dependence, Plausibility plausibility) {
        this.lo = lo;
        this.span = span;
        this.dependence = dependence;
        this.plausibility = plausibility == null || plausibility.pairs() == 0 ? null : plausibility;
    }

    /** Rows per client over which implausible rows are counted, and how many raise an alert. */
    static final int PLAUSIBILITY_WINDOW = 16;
    static final int IMPLAUSIBLE_ALERT = 4;
    private final Plausibility plausibility;
    private final ArrayDeque<Boolean> implausibleRows = new ArrayDeque<>();
    private int implausible;

    private final ArrayDeque<double[]> dependenceWindow = new ArrayDeque<>();

    private boolean dependenceBroken() {
        return dependence.broken(dependenceWindow, lo.length);
    }
    static final int WINDOW = 64;
    private final ArrayDeque<double[]> recent = new ArrayDeque<>();
    private final ArrayDeque<Boolean> nearBoundary = new ArrayDeque<>();
    private int near;
    private long seen;

    /**
     * Adds the rows of one request and returns the alerts it raises (empty when none), in the order of
     * {@link ExtractionAlert}'s grid sweep, implausible rows, boundary probing, broken dependencies, PRADA.
     *
     * @param rows  the request's rows, in the model's schema
     * @param proba the model's own probabilities of the rows (whatever the client is shown), or null for a model
     *              without them (then the boundary and PRADA detectors are blind)
     * @return the alerts the request raised, empty when none
     */
    public synchronized List<ExtractionAlert> observe(double[][] rows, double[][] proba) {
        List<ExtractionAlert> alerts = new ArrayList<>();
        for (int i = 0; i < rows.length; i++) {
            seen++;
            if (dependence != null) {
                dependenceWindow.addLast(rows[i]);
                if (dependenceWindow.size() > DEPENDENCE_WINDOW) {
                    dependenceWindow.removeFirst();
                }
            }
            recent.addLast(rows[i]);
            if (recent.size() > WINDOW) {
                recent.removeFirst();
            }
            if (plausibility != null) {
                boolean odd = plausibility.implausible(rows[i]);
                implausibleRows.addLast(odd);
                implausible += odd ? 1 : 0;
                if (implausibleRows.size() > PLAUSIBILITY_WINDOW) {
                    implausible -= implausibleRows.removeFirst() ? 1 : 0;
                }
            }
            if (proba != null) {
                double[] p = proba[i];
                double top = 0;
                double second = 0;
                for (double v : p) {
                    if (v > top) {
                        second = top;
                        top = v;
                    } else if (v > second) {
                        second = v;
                    }
                }
                boolean b = top - second < 0.1;
                nearBoundary.addLast(b);
                near += b ? 1 : 0;
                if (nearBoundary.size() > WINDOW) {
                    near -= nearBoundary.removeFirst() ? 1 : 0;
                }
            }
        }
        // The sweep test reads the whole window: run it every 8 rows (constant cost per query either way).
        if (recent.size() == WINDOW && (seen % 8 < rows.length) && sweep()) {
            alerts.add(ExtractionAlert.GRID_SWEEP);
        }
        if (plausibility != null && implausible >= IMPLAUSIBLE_ALERT) {
            alerts.add(ExtractionAlert.IMPLAUSIBLE_ROWS);
        }
        if (nearBoundary.size() == WINDOW && near >= WINDOW / 3) {
            alerts.add(ExtractionAlert.BOUNDARY_PROBING);
        }
        if (dependence != null && dependenceWindow.size() == DEPENDENCE_WINDOW && seen % 25 < rows.length
                && dependenceBroken()) {
            alerts.add(ExtractionAlert.BROKEN_DEPENDENCIES);
        }
        if (proba != null) {
            for (int i = 0; i < rows.length; i++) {
                prada(rows[i], org.mlsec.model.Classifier.argmax(proba[i]));
            }
            if (distances.size() >= MIN_DISTANCES && seen % 50 < rows.length) {
                double[] d = new double[distances.size()];
                int k = 0;
                for (double v : distances) {
                    d[k++] = v;
                }
                if (org.mlsec.metrics.ShapiroWilk.w(d) < PRADA_W) {
                    alerts.add(ExtractionAlert.PRADA);
                }
            }
        }
        return alerts;
    }

    private void prada(double[] row, int cls) {
        double[] x = new double[row.length];
        for (int j = 0; j < x.length; j++) {
            x[j] = (row[j] - lo[j]) / span[j];
        }
        GrowingSet set = sets.computeIfAbsent(cls, c -> new GrowingSet(x.length));
        if (set.size == 0) {
            set.add(x);
            return;
        }
        double best = set.nearest(x);
        // Distances between tabular rows are heavy-tailed; their logarithm is what benign traffic keeps near normal.
        double d = Math.log(Math.sqrt(best) + 1e-3);
        distances.addLast(d);
        sum += d;
        sumSq += d * d;
        if (distances.size() > MAX_DISTANCES) {
            double old = distances.removeFirst();
            sum -= old;
            sumSq -= old * old;
        }
        int n = distances.size();
        double mean = sum / n;
        double sd = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
        // Strictly beyond the threshold: a repeat of the same query (distance 0) carries no new point.
        if (best > 0 && d > mean - sd) {
            set.add(x);
        }
    }

    private boolean sweep() {
        double[] first = recent.peekFirst();
        int varying = 0;
        for (int j = 0; j < first.length; j++) {
            for (double[] r : recent) {
                if (r[j] != first[j]) {
                    varying++;
                    break;
                }
            }
        }
        return varying <= 2;
    }

    /** @return how many rows were observed so far */
    public synchronized long seen() {
        return seen;
    }
}
