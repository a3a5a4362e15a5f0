package org.mlsec.defences.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.TestData;
import org.mlsec.Progress;
import org.mlsec.attacks.poisoning.PoisoningAttack;
import org.mlsec.data.Condition;
import org.mlsec.data.Dataset;

class SnapshotDiffTest {
    @TempDir
    static Path dir;
    static Dataset data;

    @BeforeAll
    static void read() throws IOException {
        data = TestData.layman(3000, 13, dir).select(TestData.TALK_FEATURES);
    }

    @Test
    void dataComparedWithItselfIsNoFinding() {
        SnapshotDiff.Report r = SnapshotDiff.compare(data, data, data.schema().featureNames(), null);
        assertFalse(r.finding());
        assertTrue(r.flagged().isEmpty());
        assertEquals(r.labelRateBefore(), r.labelRateAfter());
        assertNull(r.toJson().get("rows"));
        assertFalse(r.toJson().containsKey("rows"));
    }

    @Test
    void aGroupWhoseLabelWasSetIsTheStrongestSubgroupAndAFinding() {
        Dataset poisoned = new PoisoningAttack.Targeted(Condition.parse("SEX == 2 && AGE >= 30"), Map.of("DEFAULT", "1"),
                Map.of()).apply(data, Progress.NONE).data();
        SnapshotDiff.Report r = SnapshotDiff.compare(data, poisoned, data.schema().featureNames(), null);
        assertTrue(r.finding());
        assertEquals("1", r.positiveClass());
        assertTrue(r.labelRateAfter() > r.labelRateBefore());
        Subgroups.Group top = r.subgroups().get(0);
        assertTrue(top.labelRate() - top.labelRateBefore() > SnapshotDiff.SUBGROUP_JUMP, top.toString());
        assertTrue(r.flagged().stream().noneMatch(f -> f.name().equals("AGE")), "AGE was not edited");
    }
}
