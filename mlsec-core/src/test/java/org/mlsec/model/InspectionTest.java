package org.mlsec.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        Inspection.Report r = Inspection.inspect(m);
        assertEquals(5, r.trees().count());
        assertTrue(r.trees().maxDepth() <= 3);
        assertTrue(r.trees().smallestLeafRows() >= 100, "reveals the leaf-size limit");
        assertEquals(3_000, r.trainingRows());
        assertEquals("PAY_0", r.featureImportances().keySet().iterator().next());
        assertEquals(r.trees().perTree().stream().mapToLong(Inspection.TreeSummary::nodes).sum(), r.trees().nodes());
        Map<String, Object> json = r.toJson();
        assertEquals(List.of("family", "classes", "features", "hyperparameters", "training_rows", "training_data",
                "training_fingerprint", "trained_at", "figures", "feature_importances", "trees", "max_depth", "leaves",
                "smallest_leaf_rows", "top_splits", "per_tree"), List.copyOf(json.keySet()));
        assertEquals(r.trees().topSplit().orElseThrow(), ((Map<?, ?>) json.get("top_splits")).keySet().iterator().next());
        assertEquals(5, Inspection.writeDot(m, dir.resolve("dot")));
        String dot = Files.readString(dir.resolve("dot/tree-000.dot"));
        assertTrue(dot.startsWith("digraph tree0 {") && dot.contains(" <= ") && dot.contains("-> n"), dot);
    }
}
