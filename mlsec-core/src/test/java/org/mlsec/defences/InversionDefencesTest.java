package org.mlsec.defences;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.Progress;
import org.mlsec.TestData;
import org.mlsec.data.Dataset;

class InversionDefencesTest {
    @TempDir
    static Path dir;
    static InversionDefences.Study study;

    @BeforeAll
    static void run() throws IOException {
        Dataset data = TestData.layman(800, 14, dir).select(TestData.TALK_FEATURES);
        study = InversionDefences.study(data, "SEX", null, null, List.of(org.mlsec.defences.postprocessor.OutputMode.ROUNDED,
                org.mlsec.defences.postprocessor.OutputMode.LABEL), 3, Progress.NONE);
    }

    @Test
    void everyDefenceHasARowAndDataBoundsAreSaidInTheDpForestsName() {
        assertEquals(List.of("decision tree (overfit)", "random forest", "random forest, probabilities rounded to 1 decimal",
                "random forest, labels only", "DP logistic regression, epsilon 1", "DP random forest, epsilon 1, bounds from data"),
                study.rows().stream().map(InversionDefences.Row::defence).toList());
    }

    @Test
    void answeringWithLabelsOnlyKeepsTheForestsAccuracy() {
        assertEquals(study.rows().get(1).testAccuracy(), study.rows().get(3).testAccuracy());
    }

    @Test
    void eachRowCarriesItsTrainingCostAndItsGuarantee() {
        List<InversionDefences.Row> rows = study.rows();
        for (InversionDefences.Row r : rows) {
            assertTrue(r.trainingSeconds() > 0, r.defence() + " cost " + r.trainingSeconds() + " s");
        }
        // an output hardening costs what its forest cost, and promises nothing
        assertEquals(rows.get(1).trainingSeconds(), rows.get(2).trainingSeconds());
        assertEquals(List.of("none", "none", "none", "none"), rows.subList(0, 4).stream()
                .map(InversionDefences.Row::guarantee).toList());
        assertEquals("epsilon-DP, epsilon = 1 (objective perturbation)", rows.get(4).guarantee());
        // bounds read from the private data break the DP forest's guarantee, and the row says so
        assertTrue(rows.get(5).guarantee().startsWith("epsilon-DP, epsilon = 1 (not met"), rows.get(5).guarantee());
    }

    @Test
    void eachAdvantageLiesInItsIntervalAndTheJsonRowCarriesTheDefence() {
        for (InversionDefences.Row r : study.rows()) {
            double[] ci = r.advantageInterval();
            assertTrue(ci[0] <= r.advantage() && r.advantage() <= ci[1], r.defence() + ": " + r.advantage());
        }
        Map<String, Object> json = study.toJson();
        assertEquals("SEX", json.get("sensitive"));
        Map<?, ?> first = (Map<?, ?>) ((List<?>) json.get("defences")).get(0);
        assertEquals("decision tree (overfit)", first.get("defence"));
        assertEquals(study.rows().get(0).advantage(), first.get("advantage_members"));
        assertEquals("map-informed", first.get("method"));
    }
}
