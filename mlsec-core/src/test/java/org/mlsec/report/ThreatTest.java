package org.mlsec.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mlsec.InputException;
import org.mlsec.internal.Json;

class ThreatTest {
    @Test
    void theThreatsAreListedInReportOrderByTheirKeys() {
        assertEquals(List.of("supply-chain", "membership-inference", "backdoor", "model-inversion", "poisoning",
                "model-stealing", "evasion"), Threat.keys());
        for (Threat t : Threat.values()) {
            assertEquals(t, Threat.of(t.key()));
            assertTrue(t.atlas().startsWith("AML.T00"), t.atlas());
            assertTrue(t.owasp().matches("ML(0[1-9]|10)"), t.owasp());
        }
    }

    @Test
    void anUnknownKeyIsAnErrorThatListsTheKeys() {
        InputException e = assertThrows(InputException.class, () -> Threat.of("poison"));
        assertTrue(e.getMessage().contains("'poison'") && e.getMessage().contains("model-stealing"), e.getMessage());
        assertEquals(List.of("key"), e.parameters());
    }

    @Test
    void aFindingIsWrittenWithTheThreatsKeyAndCatalogueNames() {
        Finding f = new Finding(Threat.MODEL_STEALING, Severity.HIGH, "copied", "m", "c", "mlsec attack steal",
                Map.of("fidelity", 0.99));
        assertEquals("ML05", f.owasp());
        assertEquals("Model stealing", f.failureMode());
        String json = Json.pretty(Map.of("threat", f.threat(), "severity", f.severity()));
        assertTrue(json.contains("\"model-stealing\"") && json.contains("\"high\""), json);
        assertThrows(InputException.class, () -> new Finding(null, Severity.LOW, "t", "m", "c", "x", Map.of()));
    }
}
