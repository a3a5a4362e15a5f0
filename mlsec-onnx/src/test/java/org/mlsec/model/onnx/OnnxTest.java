package org.mlsec.model.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.InputException;
import org.mlsec.Progress;
import org.mlsec.TestData;
import org.mlsec.data.Dataset;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Models;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

class OnnxTest {
    @TempDir
    Path dir;

    @Test
    void exportedLogisticRegressionRunsInOnnxRuntimeAsItDoesHere() throws IOException {
        Dataset data = TestData.layman(3_000, 9, dir);
        LocalModel lr = Trainer.train(data, TrainConfig.defaults(Algorithm.LR), "test", Progress.NONE);
        Path f = dir.resolve("lr.onnx");
        OnnxExport.export(lr, f);
        double[][] rows = Arrays.copyOf(data.x(), 500);
        try (OnnxClassifier onnx = new OnnxClassifier(f, lr.schema())) {
            double[][] p = onnx.predictProba(rows);
            double[][] q = lr.predictProba(rows);
            for (int i = 0; i < rows.length; i++) {
                assertArrayEquals(q[i], p[i], 1e-4, "row " + i);
            }
            assertEquals(500, onnx.queries());
        }
    }

    @Test
    void garbageIsRefusedClearly() throws IOException {
        Dataset data = TestData.layman(500, 9, dir);
        Path f = dir.resolve("junk.onnx");
        Files.write(f, new byte[] {1, 2, 3, 4, 5});
        assertThrows(InputException.class, () -> new OnnxClassifier(f, data.schema()));
    }

    @Test
    void modelsOpenRunsAGraphBeyondTreesThroughOnnxRuntimeFoundOnTheClasspath() throws IOException {
        Dataset data = TestData.layman(500, 9, dir);
        Path graph = Path.of("../mlsec-core/src/test/resources/fixtures/onnx/matmul_sigmoid.onnx");
        InputException noSchema = assertThrows(InputException.class, () -> Models.open(graph.toString(), null));
        assertTrue(noSchema.getMessage().contains("is a black box"), noSchema.getMessage());
        LocalModel lr = Trainer.train(data, TrainConfig.defaults(Algorithm.LR), "test", Progress.NONE);
        Path f = dir.resolve("lr.onnx");
        OnnxExport.export(lr, f);
        // mlsec's own export is a plain-operator graph, so it too is left to ONNX Runtime.
        try (OnnxClassifier onnx = assertInstanceOf(OnnxClassifier.class, Models.open(f.toString(), lr.schema()))) {
            assertArrayEquals(lr.predictProba(data.x())[0], onnx.predictProba(new double[][] {data.row(0)})[0], 1e-4);
        }
    }
}
