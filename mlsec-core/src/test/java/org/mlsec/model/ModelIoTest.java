package org.mlsec.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mlsec.InputException;
import org.mlsec.Progress;
import org.mlsec.TestData;
import org.mlsec.data.Dataset;
import org.mlsec.data.Split;
import org.mlsec.internal.Json;
import org.mlsec.metrics.Metrics;

class ModelIoTest {
    @TempDir
    static Path dir;
    static Dataset data;
    static Split split;

    @BeforeAll
    static void data() throws IOException {
        data = TestData.layman(4_000, 3, dir);
        split = Split.stratified(data, 0.25, 1);
    }

    static LocalModel train(Algorithm a) {
        return Trainer.train(split.train(), TrainConfig.defaults(a).withTrees(20), "test", Progress.NONE);
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void everyFamilyLearnsAndRoundTripsExactly(Algorithm a) {
        LocalModel m = train(a);
        double acc = Metrics.accuracy(split.test().y(), m.predict(split.test().x()));
        // A single fully grown tree overfits; the ensembles and the linear model generalise.
        assertTrue(acc > (a == Algorithm.TREE ? 0.65 : 0.78), a + " accuracy " + acc);
        Path f = dir.resolve(a.flag() + ".mlsec");
        ModelIo.save(m, f);
        LocalModel back = ModelIo.load(f);
        assertEquals(m.kind(), back.kind());
        assertEquals(m.schema(), back.schema());
        assertEquals(m.provenance(), back.provenance());
        double[][] p1 = m.predictProba(split.test().x());
        double[][] p2 = back.predictProba(split.test().x());
        for (int i = 0; i < p1.length; i++) {
            assertArrayEquals(p1[i], p2[i], 0.0);
        }
    }

    @Test
    void provenanceNamesAlgorithmDataAndSettings() {
        LocalModel m = train(Algorithm.RF);
        Provenance p = m.provenance();
        assertEquals("random_forest", p.algorithm());
        assertEquals("20", p.hyperparameters().get("trees"));
        assertEquals("42", p.hyperparameters().get("seed"));
        assertEquals(split.train().rows(), p.data().rows());
        assertEquals(Provenance.fingerprint(split.train()), p.data().fingerprint());
        assertEquals(TrainConfig.defaults(Algorithm.RF).withTrees(20),
                TrainConfig.fromHyperparameters(Algorithm.RF, p.hyperparameters()));
    }

    @Test
    void gzipCompressedFilesLoad() throws IOException {
        Path f = dir.resolve("lr.mlsec");
        ModelIo.save(train(Algorithm.LR), f);
        Path gz = dir.resolve("lr.mlsec.gz");
        try (var out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(Files.readAllBytes(f));
        }
        assertEquals("logistic_regression", ModelIo.load(gz).kind());
    }

    @Test
    void craftedTreeWithACycleIsRefused() throws IOException {
        Path f = dir.resolve("tree.mlsec");
        ModelIo.save(train(Algorithm.TREE), f);
        ObjectNode root = (ObjectNode) Json.MAPPER.readTree(f.toFile());
        ArrayNode left = (ArrayNode) root.at("/model/trees/0/left");
        left.set(0, 0); // the root becomes its own child: prediction would never end
        Files.writeString(f, root.toString());
        String m = assertThrows(InputException.class, () -> ModelIo.load(f)).getMessage();
        assertTrue(m.contains("malformed tree"), m);
    }

    @Test
    void notAModelIsAClearError() throws IOException {
        Path f = dir.resolve("junk.mlsec");
        Files.write(f, new byte[] {1, 2, 3, 4});
        assertTrue(assertThrows(InputException.class, () -> ModelIo.load(f)).getMessage().contains("not an mlsec model"));
        Files.writeString(f, "{\"format\":\"mlsec-model\",\"format_version\":99}");
        assertTrue(assertThrows(InputException.class, () -> ModelIo.load(f)).getMessage().contains("version 99"));
        Files.writeString(f, "");
        assertTrue(assertThrows(InputException.class, () -> ModelIo.load(f)).getMessage().contains("empty"));
        Path truncated = dir.resolve("truncated.mlsec");
        Path good = dir.resolve("good.mlsec");
        ModelIo.save(train(Algorithm.LR), good);
        byte[] bytes = Files.readAllBytes(good);
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThrows(InputException.class, () -> ModelIo.load(truncated));
    }
}
