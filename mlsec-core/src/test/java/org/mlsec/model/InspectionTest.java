package org.mlsec.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.Progress;
import org.mlsec.TestData;
import org.mlsec.data.Dataset;

class InspectionTest {
    @TempDir
    Path dir;

    @Test
    void revealsWhatTheFileGivesAway() throws IOException {
        Dataset d = TestData.layman(3_000, 8, dir).select(TestData.TALK_FEATURES);
        LocalModel m = Trainer.train(d, TrainConfig.defaults(Algorithm.RF).withTrees(5).withMaxDepth(3).withMinLeaf(100),
                "test", Progress.NONE);
        Map<String, Object> r = Inspection.inspect(m);
        assertEquals(5, r.get("trees"));
        assertTrue((Integer) r.get("max_depth") <= 3);
        assertTrue((Integer) r.get("smallest_leaf_rows") >= 100, "reveals the leaf-size limit");
        assertEquals(3_000, r.get("training_rows"));
        assertEquals("PAY_0", ((Map<?, ?>) r.get("feature_importances")).keySet().iterator().next());
        assertEquals(5, Inspection.writeDot(m, dir.resolve("dot")));
        String dot = Files.readString(dir.resolve("dot/tree-000.dot"));
        assertTrue(dot.startsWith("digraph tree0 {") && dot.contains(" <= ") && dot.contains("-> n"), dot);
    }
}
