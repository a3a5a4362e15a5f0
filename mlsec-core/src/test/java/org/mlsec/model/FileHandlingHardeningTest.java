package org.mlsec.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.InputException;
import org.mlsec.Progress;
import org.mlsec.TestData;
import org.mlsec.internal.AtomicFiles;
import org.mlsec.internal.Json;

/** The careless-user cases of issue 20: outputs over inputs and special files, and models that must not load. */
class FileHandlingHardeningTest {
    static LocalModel model;

    @TempDir
    Path dir;

    @BeforeAll
    static void train(@TempDir Path tmp) throws IOException {
        model = Trainer.train(TestData.layman(600, 4, tmp), TrainConfig.defaults(Algorithm.LR), "t", Progress.NONE);
    }

    ObjectNode saved() throws IOException {
        Path f = dir.resolve("m.json");
        ModelIo.save(model, f);
        return (ObjectNode) Json.MAPPER.readTree(f.toFile());
    }

    InputException loading(ObjectNode root) throws IOException {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, root.toString());
        return assertThrows(InputException.class, () -> Models.load(f));
    }

    @Test
    void anOutputNeverReplacesAFifoOrDeviceAndLeavesNoTemporaryFile() throws Exception {
        Path fifo = dir.resolve("pipe");
        Process p;
        try {
            p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        } catch (IOException e) {
            Assumptions.abort("no mkfifo here");
            return;
        }
        Assumptions.assumeTrue(p.waitFor() == 0, "mkfifo failed");
        InputException e = assertThrows(InputException.class, () -> ModelIo.save(model, fifo));
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
        assertTrue(Files.exists(fifo) && !Files.isRegularFile(fifo), "the FIFO is still a FIFO");
        assertThrows(InputException.class, () -> ModelIo.save(model, Path.of("/dev/null")));
        assertThrows(InputException.class, () -> ModelIo.save(model, dir), "a folder is not replaced");
        assertThrows(RuntimeException.class, () -> AtomicFiles.write(dir.resolve("x.csv"), o -> {
            o.write(1);
            throw new IOException("disk full");
        }));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(java.util.List.of("pipe"), s.map(f -> f.getFileName().toString()).toList(),
                    "no temporary or partial file left");
        }
    }

    @Test
    void anOutputThatIsAlsoAnInputIsRefusedThroughAnyPath() throws IOException {
        Path data = dir.resolve("c.csv");
        Files.writeString(data, "a,b\n1,2\n");
        Path link = dir.resolve("link.csv");
        Files.createSymbolicLink(link, data);
        InputException e = assertThrows(InputException.class, () -> AtomicFiles.refuseInput(data, "--out", data));
        assertTrue(e.getMessage().startsWith("--out "), e.getMessage());
        assertThrows(InputException.class, () -> AtomicFiles.refuseInput(link, "--out", Path.of(dir + "/./c.csv")));
        AtomicFiles.refuseInput(dir.resolve("other.csv"), "--out", data);
    }

    @Test
    void nonFiniteParametersAreRefusedNamingTheParameter() throws IOException {
        ObjectNode root = saved();
        ObjectNode body = (ObjectNode) root.get("model");
        String field = body.fieldNames().next();
        body.put(field, "NaN");
        InputException e = loading(root);
        assertTrue(e.getMessage().contains("model parameter model." + field + " is NaN"), e.getMessage());
        root = saved();
        Files.writeString(dir.resolve("bad.json"), root.toString().replaceFirst("(\"[a-z_]+\":\\[)-?[0-9.]+(E-?[0-9]+)?", "$11e999"));
        e = assertThrows(InputException.class, () -> Models.load(dir.resolve("bad.json")));
        assertTrue(e.getMessage().contains("non-finite"), e.getMessage());
    }

    @Test
    void duplicateFeatureNamesAreRefused() throws IOException {
        ObjectNode root = saved();
        ArrayNode features = (ArrayNode) root.path("schema").path("features");
        ((ObjectNode) features.get(1)).put("name", features.get(0).path("name").asText());
        assertTrue(loading(root).getMessage().contains("duplicate feature name"));
    }

    @Test
    void aMappingErrorIsOneLineWithoutJavaClassNames() throws IOException {
        ObjectNode root = saved();
        ((ObjectNode) root.path("schema")).put("features", "not a list");
        String m = loading(root).getMessage();
        assertFalse(m.contains("\n") || m.contains("org.mlsec") || m.contains("java.") || m.contains("com.fasterxml"), m);
        assertTrue(m.contains("features"), m);
    }
}
