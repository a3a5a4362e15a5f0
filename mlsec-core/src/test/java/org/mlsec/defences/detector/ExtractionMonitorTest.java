package org.mlsec.defences.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mlsec.data.Column;
import org.mlsec.data.ColumnType;
import org.mlsec.data.Schema;

/** The policies of the per-client monitor: a grid sweep of 64 rows from one client, innocent rows from another. */
class ExtractionMonitorTest {
    static final Schema SCHEMA = new Schema(List.of(Column.numeric("a", ColumnType.INTEGER, 0, 100),
            Column.numeric("b", ColumnType.INTEGER, 0, 100), Column.numeric("c", ColumnType.INTEGER, 0, 100)), "y",
            List.of("0", "1"));

    /** Feeds a 64-row sweep (only a varies) one row per request; the verdict of the last request. */
    static ExtractionMonitor.Verdict sweep(ExtractionMonitor m, String client) {
        ExtractionMonitor.Verdict v = null;
        for (int q = 0; q < 64; q++) {
            v = m.observe(client, new double[][] {{q, 50, 50}}, null);
            if (q < 63) {
                assertTrue(v.alerts().isEmpty(), "no alert before the window is full, row " + q);
            }
        }
        return v;
    }

    @Test
    void blockRefusesTheAlertingRequestAndEveryLaterOneOfThatClientOnly() {
        ExtractionMonitor m = new ExtractionMonitor(ExtractionProfile.of(SCHEMA, null), OnAlert.BLOCK, 10);
        ExtractionMonitor.Verdict v = sweep(m, "mallory");
        assertEquals(List.of(ExtractionAlert.GRID_SWEEP), v.alerts());
        assertTrue(v.refuse());
        assertFalse(v.throttle());
        assertTrue(m.blocked("mallory"));
        assertFalse(m.blocked("alice"));
    }

    @Test
    void logAndThrottleKeepAnswering() {
        ExtractionMonitor log = new ExtractionMonitor(ExtractionProfile.of(SCHEMA, null), OnAlert.LOG, 10);
        ExtractionMonitor.Verdict v = sweep(log, "mallory");
        assertFalse(v.alerts().isEmpty());
        assertFalse(v.refuse() || v.throttle() || log.blocked("mallory"));
        ExtractionMonitor throttle = new ExtractionMonitor(ExtractionProfile.of(SCHEMA, null), OnAlert.THROTTLE, 10);
        ExtractionMonitor.Verdict t = sweep(throttle, "mallory");
        assertTrue(t.throttle());
        assertFalse(t.refuse() || throttle.blocked("mallory"));
    }

    @Test
    void clientsAreWatchedApart() {
        ExtractionMonitor m = new ExtractionMonitor(ExtractionProfile.of(SCHEMA, null), OnAlert.BLOCK, 10);
        // Two clients interleaved: each sends 32 rows of the sweep, so neither fills a window of 64.
        for (int q = 0; q < 64; q++) {
            assertTrue(m.observe(q % 2 == 0 ? "a" : "b", new double[][] {{q, 50, 50}}, null).alerts().isEmpty());
        }
        assertEquals(OnAlert.BLOCK, OnAlert.parse("block"));
        assertEquals("grid-sweep", ExtractionAlert.GRID_SWEEP.key());
    }
}
