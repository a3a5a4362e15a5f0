package org.mlsec.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.InputException;
import org.mlsec.Progress;
import org.mlsec.TestData;
import org.mlsec.data.Dataset;

class TrainAndTestTest {
    @TempDir
    static Path dir;
    static Dataset data;
    static final TrainConfig SMALL = TrainConfig.defaults(Algorithm.RF).withTrees(5).withMaxDepth(4).withSeed(3);

    @BeforeAll
    static void read() throws IOException {
        data = TestData.layman(600, 5, dir);
    }

    @Test
    void theTwoPartsAddUpToTheDataAndTheTestPartIsTheAskedShare() {
        TrainAndTest.Tested t = TrainAndTest.run(data, SMALL, 0.2, "layman", Progress.NONE);
        assertEquals(data.rows(), t.split().train().rows() + t.split().test().rows());
        assertEquals(0.2, (double) t.split().test().rows() / data.rows(), 0.01);
        assertTrue(t.heldOut());
    }

    @Test
    void theFiguresAreRecordedInTheProvenanceAndReportedUnderTheirKeys() {
        TrainAndTest.Tested t = TrainAndTest.run(data, SMALL, 0.2, "layman", Progress.NONE);
        assertEquals(t.trainAccuracy(), t.model().provenance().metrics().get("train_accuracy"));
        assertEquals(t.testAccuracy(), t.model().provenance().metrics().get("test_accuracy"));
        Map<String, Object> json = t.toJson();
        assertEquals("random_forest", json.get("algorithm"));
        assertEquals(t.testAccuracy(), json.get("test_accuracy"));
        assertEquals(t.split().test().rows(), json.get("rows_test"));
        assertEquals(data.schema().featureNames(), json.get("features"));
        assertEquals("5", ((Map<?, ?>) json.get("hyperparameters")).get("trees"));
    }

    @Test
    void aZeroShareTrainsOnEveryRowAndLeavesTheTestFiguresUndefined() {
        TrainAndTest.Tested t = TrainAndTest.run(data, SMALL, 0, "layman", Progress.NONE);
        assertEquals(data.rows(), t.split().train().rows());
        assertFalse(t.heldOut());
        assertTrue(Double.isNaN(t.testAccuracy()));
        assertNull(t.toJson().get("test_accuracy"));
        assertNull(t.toJson().get("test_auc"));
        assertFalse(t.model().provenance().metrics().containsKey("test_accuracy"));
    }

    @Test
    void theSameSeedGivesTheSameSplitAndModel() {
        TrainAndTest.Tested a = TrainAndTest.run(data, SMALL, 0.2, "layman", Progress.NONE);
        TrainAndTest.Tested b = TrainAndTest.run(data, SMALL, 0.2, "layman", Progress.NONE);
        assertEquals(java.util.Arrays.toString(a.split().testIndex()), java.util.Arrays.toString(b.split().testIndex()));
        assertEquals(a.testAccuracy(), b.testAccuracy());
    }

    @Test
    void aShareOfOneIsRefusedByItsParameterName() {
        InputException e = assertThrows(InputException.class, () -> TrainAndTest.run(data, SMALL, 1, "layman", Progress.NONE));
        assertTrue(e.getMessage().startsWith("testFraction"), e.getMessage());
    }
}
