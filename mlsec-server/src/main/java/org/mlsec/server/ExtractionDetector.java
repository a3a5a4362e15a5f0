package org.mlsec.server;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-client detectors of extraction attempts, with constant cost per query (bounded windows):
 * <ul>
 * <li>grid sweep: in the last 64 rows, at most two features vary while every other stays fixed (the talk's curl loops);</li>
 * <li>boundary probing: a third of the last 64 rows sit within 0.05 of the decision boundary.</li>
 * </ul>
 */
final class ExtractionDetector {
    static final int WINDOW = 64;
    private final ArrayDeque<double[]> recent = new ArrayDeque<>();
    private final ArrayDeque<Boolean> nearBoundary = new ArrayDeque<>();
    private int near;
    private long seen;

    /** Adds the rows of one request and returns the alerts it raises (empty when none). */
    synchronized List<String> observe(double[][] rows, double[][] proba) {
        List<String> alerts = new ArrayList<>();
        for (int i = 0; i < rows.length; i++) {
            seen++;
            recent.addLast(rows[i]);
            if (recent.size() > WINDOW) {
                recent.removeFirst();
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
        if (recent.size() == WINDOW && sweep()) {
            alerts.add("grid-sweep");
        }
        if (nearBoundary.size() == WINDOW && near >= WINDOW / 3) {
            alerts.add("boundary-probing");
        }
        return alerts;
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

    long seen() {
        return seen;
    }
}
