package org.mlsec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mlsec.report.Threat;

/** The one result type: a typed threat, figures read by key that fail loudly, JSON in one place. */
class ResultTest {
    static final Result STOLEN = Result.of(Threat.MODEL_STEALING, "path").finding(true).metric("queries", 2_000)
            .metric("fidelity", 0.98).detail("first line").build();

    @Test
    void theThreatIsAnEnumWrittenToJsonAsItsKey() {
        Map<String, Object> json = STOLEN.toJson();
        assertEquals(List.of("threat", "technique", "finding", "queries", "fidelity", "details"),
                List.copyOf(json.keySet()));
        assertEquals("model-stealing", json.get("threat"));
        assertEquals(Threat.MODEL_STEALING, STOLEN.threat());
    }

    @Test
    void aKeyTheResultDoesNotHaveFailsListingTheKeysItHas() {
        assertEquals(0.98, STOLEN.metric("fidelity"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> STOLEN.metric("fidelty"));
        assertTrue(e.getMessage().contains("no metric 'fidelty' in this model-stealing result")
                && e.getMessage().contains("[queries, fidelity]"), e.getMessage());
        assertEquals(-1, STOLEN.metricOr("auc", -1));
    }

    @Test
    void aResultNeedsAThreatAndATechnique() {
        InputException e = assertThrows(InputException.class, () -> Result.of(null, "x").build());
        assertTrue(e.getMessage().contains("threat"), e.getMessage());
        assertThrows(InputException.class, () -> Result.of(Threat.EVASION, null).build());
    }

    @Test
    void flagsListsAndTablesAreReadTypedAndFailLoudlyWhenAbsentOrOfAnotherType() {
        Result r = Result.of(Threat.MEMBERSHIP_INFERENCE, "rmia").metric("supported", true)
                .metric("ci", List.of(0.8, 0.9)).metric("prototype", Map.of("AGE", 30)).metric("auc", 0.9).build();
        assertTrue(r.flag("supported"));
        assertEquals(List.of(0.8, 0.9), r.list("ci"));
        assertEquals(Map.of("AGE", 30), r.table("prototype"));
        assertEquals("0.9", r.text("auc"));
        IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class, () -> r.flag("auc"));
        assertTrue(wrongType.getMessage().contains("'auc' is not true or false"), wrongType.getMessage());
        assertThrows(IllegalArgumentException.class, () -> r.list("prototype"));
        assertThrows(IllegalArgumentException.class, () -> r.table("ci"));
        IllegalArgumentException absent = assertThrows(IllegalArgumentException.class, () -> r.flag("suported"));
        assertTrue(absent.getMessage().contains("no metric 'suported'"), absent.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> r.list("ci").clear());
    }
}
