package org.mlsec.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.InputException;
import org.mlsec.Progress;
import org.mlsec.TestData;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.model.formats.Sniff;

/** Models.load: one entry point, formats recognised by content, clear errors for everything else. */
class ModelsTest {
    @TempDir
    Path dir;

    @Test
    void mlsecModelsAreRecognisedByContentWhateverTheirName() throws IOException {
        Dataset d = TestData.layman(600, 1, dir);
        LocalModel m = Trainer.train(d, TrainConfig.defaults(Algorithm.RF).withTrees(5).withMaxDepth(4), "t", Progress.NONE);
        Path file = dir.resolve("model.pkl");
        ModelIo.save(m, file);
        LocalModel back = Models.load(file);
        assertEquals(m.kind(), back.kind());
        assertArrayEquals(m.predictProba(d.x())[7], back.predictProba(d.x())[7]);

        Path gz = dir.resolve("model.onnx");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(Files.readAllBytes(file));
        }
        assertEquals(m.kind(), Models.load(gz).kind(), "a gzip layer is removed first");
    }

    @Test
    void unknownFilesSayWhatTheyLookLike() throws IOException {
        assertMessage(write("a.json", "{\"hello\": 1}"), "a JSON document, not a model format mlsec reads");
        assertMessage(write("a.bin", "PK\u0003\u0004rest"), "a zip archive");
        assertMessage(write("a.txt", "just text\n"), "a text file");
        assertMessage(bytes("a.ser", new byte[] {(byte) 0xac, (byte) 0xed, 0, 5, 1, 2}), "Java serialization");
        assertMessage(bytes("random.pkl", new byte[] {0, 17, (byte) 200, 3, (byte) 255}), "binary data of no known model format");
        assertMessage(bytes("empty.pkl", new byte[0]), "is empty");
        assertMessage(dir, "is a folder");
        assertMessage(dir.resolve("missing.json"), "no such model file");
    }

    @Test
    void aFifoIsRefusedWithoutWaitingForAWriter() throws Exception {
        Path fifo = dir.resolve("model.fifo");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        if (p.waitFor() != 0) {
            return; // no mkfifo on this system
        }
        assertMessage(fifo, "not a regular file");
    }

    @Test
    void decompressionBombsStopAtTheLimit() throws IOException {
        Path bomb = dir.resolve("bomb.json.gz");
        byte[] zeros = new byte[1 << 20];
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(bomb))) {
            for (int i = 0; i < 16; i++) {
                out.write(zeros);
            }
        }
        assertTrue(Files.size(bomb) < 100_000);
        InputException e = assertThrows(InputException.class, () -> Sniff.readAll(bomb, 4 << 20));
        assertTrue(e.getMessage().contains("decompression bomb"), e.getMessage());
    }

    @Test
    void truncatedCompressedDataIsAnInputError() throws IOException {
        Path gz = dir.resolve("cut.gz");
        byte[] full;
        try (var buf = new java.io.ByteArrayOutputStream(); OutputStream out = new GZIPOutputStream(buf)) {
            out.write("{\"format\": \"mlsec-model\", \"padding\": \"".repeat(200).getBytes());
            out.close();
            full = buf.toByteArray();
        }
        Files.write(gz, java.util.Arrays.copyOf(full, full.length / 2));
        assertMessage(gz, "corrupt or truncated");
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private Path bytes(String name, byte[] b) throws IOException {
        return Files.write(dir.resolve(name), b);
    }

    private static void assertMessage(Path file, String expected) {
        InputException e = assertThrows(InputException.class, () -> Models.load(file));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void openGivesAClassifierForFilesUrlsAndBlackBoxGraphs() throws IOException {
        Dataset d = TestData.layman(300, 2, dir);
        LocalModel m = Trainer.train(d, TrainConfig.defaults(Algorithm.TREE).withMaxDepth(3), "t", Progress.NONE);
        Path file = dir.resolve("m.bin");
        ModelIo.save(m, file);
        assertTrue(Models.open(file.toString(), null) instanceof LocalModel, "white-box file");
        assertTrue(Models.open("http://127.0.0.1:9/predict", d.schema()) instanceof org.mlsec.model.remote.HttpClassifier);
        InputException e = assertThrows(InputException.class, () -> Models.open("https://example.invalid/p", null));
        assertTrue(e.getMessage().contains("is a black box"), e.getMessage());
        Path graph = Path.of("src/test/resources/fixtures/onnx/matmul_sigmoid.onnx");
        // ONNX Runtime is in mlsec-onnx (whose OnnxTest opens the graph): without it the refusal names the module.
        for (Schema s : java.util.Arrays.asList(null, d.schema())) {
            InputException noRuntime = assertThrows(InputException.class, () -> Models.open(graph.toString(), s));
            assertTrue(noRuntime.getMessage().contains("add the dependency org.mlsec:mlsec-onnx")
                    && noRuntime.getMessage().contains("MatMul"), noRuntime.getMessage());
        }
    }
}
