package org.mlsec.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MetricsTest {
    @Test
    void aucCountsTiesHalf() {
        assertEquals(1.0, Metrics.auc(new boolean[] {false, false, true, true}, new double[] {1, 2, 3, 4}));
        assertEquals(0.5, Metrics.auc(new boolean[] {false, true}, new double[] {1, 1}));
        assertEquals(0.75, Metrics.auc(new boolean[] {false, true, false, true}, new double[] {1, 2, 3, 4}));
    }

    @Test
    void balancedAccuracyIsMeanRecall() {
        assertEquals(0.75, Metrics.balancedAccuracy(new int[] {0, 0, 1, 1}, new int[] {0, 0, 1, 0}, 2));
        assertEquals(0.75, Metrics.accuracy(new int[] {0, 0, 1, 1}, new int[] {0, 0, 1, 0}));
    }
}
