package org.mlsec.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlsec.internal.Json;

class ModelScannerTest {
    static final Path FIXTURE = Path.of("../../shared/fixtures/sklearn-0.22-random-forest.pkl");

    @TempDir
    Path dir;

    Path write(String name, byte[] bytes) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    static ScanReport scan(Path f) {
        return ModelScanner.scan(List.of(f));
    }

    static boolean critical(ScanReport r, String module) {
        return r.findings().stream().anyMatch(f -> f.severity() == Severity.CRITICAL && f.module().equals(module));
    }

    @Test
    void realScikitLearnPickleIsClean() {
        Assumptions.assumeTrue(Files.isRegularFile(FIXTURE), "fixture not in ../shared");
        ScanReport r = scan(FIXTURE);
        assertEquals(List.of(), r.findings());
        assertEquals(1, r.scannedFiles().size());
        assertEquals(0, r.exitCode());
    }

    @Test
    void osSystemInProtocol0IsCriticalAndNeverRuns() throws IOException {
        Path marker = dir.resolve("pwned");
        ScanReport r = scan(write("model.pkl", Pickles.systemProtocol0("touch " + marker)));
        assertTrue(critical(r, "os.system"), r.findings().toString());
        assertEquals(1, r.exitCode());
        assertFalse(Files.exists(marker), "the payload's side effect happened");
    }

    @ParameterizedTest
    @ValueSource(strings = {"os.system", "posix.system", "subprocess.Popen", "builtins.eval", "__builtin__.eval",
            "runpy.run_path", "builtins.__import__", "socket.create_connection", "shutil.rmtree", "pickle.loads",
            "operator.attrgetter", "importlib.import_module", "webbrowser.open", "torch.load", "numpy.load"})
    void dangerousCallablesAreCriticalInProtocols2And4(String callable) throws IOException {
        int dot = callable.lastIndexOf('.');
        String module = callable.substring(0, dot);
        String name = callable.substring(dot + 1);
        String expected = module.replace("__builtin__", "builtins") + "." + name;
        byte[] p0 = Pickles.protocol(0).global(module, name).raw("(S'x'\ntR.").bytes();
        assertTrue(critical(scan(write("p0.pkl", p0)), expected), "protocol 0");
        assertTrue(critical(scan(write("p2.pkl", Pickles.callProtocol2(module, name, "x"))), expected), "protocol 2");
        assertTrue(critical(scan(write("p4.pkl", Pickles.callProtocol4ViaMemo(module, name, "x"))), expected),
                "protocol 4 via memo");
    }

    @Test
    void stackGlobalOfANonStringIsCritical() throws IOException {
        byte[] p = Pickles.protocol(4).shortUnicode("os").op('K').op(7).op(0x93).op('.').bytes();
        ScanReport r = scan(write("dyn.pkl", p));
        assertTrue(r.findings().stream().anyMatch(f -> f.rule() == Rule.PICKLE_DYNAMIC_GLOBAL), r.findings().toString());
    }

    @Test
    void unknownCallableIsMediumAndAllowedOnesAreSilent() throws IOException {
        ScanReport r = scan(write("u.pkl", Pickles.callProtocol2("mycompany.models", "Scorer", "x")));
        assertEquals(1, r.findings().size());
        assertEquals(Severity.MEDIUM, r.findings().get(0).severity());
        assertEquals(List.of(), scan(write("ok.pkl", Pickles.callProtocol2("collections", "OrderedDict", "x"))).findings());
    }

    @Test
    void secondPickleOfAConcatenatedFileIsScanned() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(Pickles.benign(100));
        b.writeBytes(Pickles.callProtocol2("os", "system", "id"));
        assertTrue(critical(scan(write("two.joblib", b.toByteArray())), "os.system"));
    }

    @Test
    void payloadInsideAPyTorchZipIsFound() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(b)) {
            z.putNextEntry(new ZipEntry("archive/data.pkl"));
            z.write(Pickles.callProtocol2("builtins", "exec", "import os"));
            z.putNextEntry(new ZipEntry("archive/data/0"));
            z.write(new byte[4096]);
            z.putNextEntry(new ZipEntry("archive/version"));
            z.write("3\n".getBytes(StandardCharsets.US_ASCII));
        }
        ScanReport r = scan(write("model.pt", b.toByteArray()));
        assertTrue(critical(r, "builtins.exec"), r.findings().toString());
        assertTrue(r.findings().get(0).source().endsWith("model.pt!archive/data.pkl"));
    }

    @Test
    void numpyObjectArrayIsAPickleAndPlainArraysAreData() throws IOException {
        assertTrue(critical(scan(write("a.npy", npy("|O", Pickles.callProtocol2("os", "system", "id")))), "os.system"));
        assertEquals(List.of(), scan(write("b.npy", npy("<f8", new byte[800]))).findings());
    }

    static byte[] npy(String descr, byte[] data) {
        String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (100,), }";
        while ((10 + header.length() + 1) % 64 != 0) {
            header += " ";
        }
        header += "\n";
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x93);
        b.writeBytes("NUMPY".getBytes(StandardCharsets.US_ASCII));
        b.write(1);
        b.write(0);
        b.write(header.length() & 0xff);
        b.write(header.length() >> 8);
        b.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(data);
        return b.toByteArray();
    }

    @Test
    void javaSerializationGadgetIsCritical() throws IOException {
        String cls = "org.apache.commons.collections.functors.InvokerTransformer";
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {(byte) 0xAC, (byte) 0xED, 0, 5, 0x73, 0x72, 0, (byte) cls.length()});
        b.writeBytes(cls.getBytes(StandardCharsets.UTF_8));
        b.writeBytes(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 2, 0, 0, 0x78, 0x70});
        ScanReport r = scan(write("model.ser", b.toByteArray()));
        assertTrue(critical(r, cls), r.findings().toString());
    }

    @Test
    void kerasLambdaLayerIsHigh() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(b)) {
            z.putNextEntry(new ZipEntry("config.json"));
            z.write(("{\"class_name\": \"Sequential\", \"config\": {\"layers\": [{\"class_name\": \"Lambda\", "
                    + "\"config\": {\"name\": \"evil\", \"function\": \"4wEAAAAA\"}}]}}").getBytes(StandardCharsets.UTF_8));
        }
        ScanReport r = scan(write("model.keras", b.toByteArray()));
        assertEquals(Rule.KERAS_LAMBDA, r.findings().get(0).rule());
        byte[] h5 = ("\u0089HDF\r\n\u001a\n....{\"class_name\": \"Lambda\", \"config\": {}}").getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(Rule.KERAS_LAMBDA, scan(write("model.h5", h5)).findings().get(0).rule());
    }

    @Test
    void onnxExternalDataEscapeAndCustomDomain() throws IOException {
        var tensor = ai.onnx.proto.OnnxMl.TensorProto.newBuilder().setName("w")
                .setDataLocation(ai.onnx.proto.OnnxMl.TensorProto.DataLocation.EXTERNAL)
                .addExternalData(ai.onnx.proto.OnnxMl.StringStringEntryProto.newBuilder().setKey("location")
                        .setValue("../../../etc/passwd"));
        var model = ai.onnx.proto.OnnxMl.ModelProto.newBuilder()
                .addOpsetImport(ai.onnx.proto.OnnxMl.OperatorSetIdProto.newBuilder().setDomain("com.evil").setVersion(1))
                .setGraph(ai.onnx.proto.OnnxMl.GraphProto.newBuilder().addInitializer(tensor)).build();
        ScanReport r = scan(write("m.onnx", model.toByteArray()));
        assertTrue(r.findings().stream().anyMatch(f -> f.rule() == Rule.ONNX_EXTERNAL_DATA_ESCAPE), r.findings().toString());
        assertTrue(r.findings().stream().anyMatch(f -> f.rule() == Rule.ONNX_CUSTOM_DOMAIN), r.findings().toString());
    }

    @Test
    void brokenInputIsAFindingOrSkippedNeverACrash() throws IOException {
        byte[] evil = Pickles.callProtocol2("os", "system", "id");
        ScanReport cut = scan(write("cut.pkl", java.util.Arrays.copyOf(evil, evil.length - 6)));
        assertTrue(cut.findings().stream().anyMatch(f -> f.description().contains("truncated")), cut.findings().toString());
        assertTrue(critical(cut, "os.system"), "what was read before the cut is still judged");

        ScanReport invalid = scan(write("bad.pkl", new byte[] {(byte) 0x80, 2, (byte) 0xff, '.'}));
        assertTrue(invalid.findings().get(0).description().contains("invalid opcode 0xff"));

        byte[] mid = Pickles.protocol(2).op('N').op(0x80).op(2).op('.').bytes();
        assertTrue(scan(write("mid.pkl", mid)).findings().get(0).description().contains("PROTO in the middle"));

        assertTrue(scan(write("empty.pkl", new byte[0])).findings().get(0).description().contains("empty"));

        byte[] noise = new byte[1 << 20];
        new SplittableRandom(1).nextBytes(noise);
        noise[0] = (byte) 0x80;
        noise[1] = 4;
        ScanReport random = scan(write("noise.pkl", noise));
        assertEquals(1, random.exitCode(), "random bytes are a malformed pickle");

        ScanReport text = scan(write("notes.txt", "hello".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(1, text.skipped().size());
        assertEquals(List.of(), text.scannedFiles(), "skipped is not clean");
    }

    @Test
    void twoGigabyteFileEndsAtOnce() throws IOException {
        Path f = dir.resolve("huge.pkl");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.write(new byte[] {(byte) 0x80, 4});
            raf.setLength(2L << 30); // sparse: zeros after the header
        }
        ScanReport r = scan(f);
        assertTrue(r.findings().get(0).description().contains("invalid opcode 0x00 at offset 2"));
    }

    @Test
    void largeTensorsAreSkippedNotRead() throws IOException {
        ScanReport r = scan(write("big.pkl", Pickles.benign(50 << 20)));
        assertEquals(List.of(), r.findings());
    }

    @Test
    void reportHasModelscanShapeAndSarifForGithub() throws IOException {
        write("evil.pkl", Pickles.callProtocol2("os", "system", "id"));
        write("readme.txt", "x".getBytes(StandardCharsets.US_ASCII));
        ScanReport r = ModelScanner.scan(List.of(dir));
        JsonNode j = Json.MAPPER.valueToTree(r.toJson());
        assertEquals(1, j.at("/summary/total_issues").asInt());
        assertEquals(1, j.at("/summary/total_issues_by_severity/CRITICAL").asInt());
        assertEquals(1, j.at("/summary/scanned/total_scanned").asInt());
        assertEquals(1, j.at("/summary/skipped/total_skipped").asInt());
        for (String k : List.of("severity", "description", "operator", "module", "source", "scanner")) {
            assertTrue(j.at("/issues/0").has(k), k);
        }
        JsonNode s = Json.MAPPER.valueToTree(r.toSarif(dir));
        assertEquals("2.1.0", s.get("version").asText());
        JsonNode result = s.at("/runs/0/results/0");
        assertEquals("MLS001", result.get("ruleId").asText());
        assertEquals("evil.pkl", result.at("/locations/0/physicalLocation/artifactLocation/uri").asText());
        JsonNode rule = s.at("/runs/0/tool/driver/rules/0");
        assertEquals("9.8", rule.at("/properties/security-severity").asText());
        assertTrue(rule.at("/properties/tags").toString().contains("\"security\""));
    }

    @Test
    void mlsecModelsAreCheckedAndTheTalksTamperingIsSeen() throws IOException {
        org.mlsec.data.Dataset d = org.mlsec.TestData.layman(1_000, 2, dir);
        Path m = dir.resolve("m.mlsec");
        org.mlsec.model.ModelIo.save(org.mlsec.model.Trainer.train(d, org.mlsec.model.TrainConfig.defaults(
                org.mlsec.model.Algorithm.TREE), "test", org.mlsec.Progress.NONE), m);
        assertEquals(List.of(), scan(m).findings());
        Path t = dir.resolve("t.mlsec");
        org.mlsec.attacks.tamper.Tamper.tamper(m, t, org.mlsec.attacks.tamper.Tamper.Mode.FLIP_CLASSES);
        ScanReport r = scan(t);
        assertEquals(Severity.HIGH, r.findings().get(0).severity(), r.findings().toString());
    }

    @Test
    void sarifLocationsAreRelativeToTheRepositoryRootOrAbsoluteFileUris() {
        Path root = dir.resolve("repo");
        var inside = ScanReport.artifactLocation(root, root.resolve("models/my model.pkl").toString());
        assertEquals("models/my%20model.pkl", inside.get("uri"));
        assertEquals("%SRCROOT%", inside.get("uriBaseId"));
        var outside = ScanReport.artifactLocation(root, dir.resolve("elsewhere.pkl").toString());
        assertTrue(outside.get("uri").toString().startsWith("file:/"), outside.toString());
        assertFalse(outside.containsKey("uriBaseId"), outside.toString());
        var relative = ScanReport.artifactLocation(Path.of("").toAbsolutePath(), "src/main/resources/m.onnx");
        assertEquals("src/main/resources/m.onnx", relative.get("uri"));
    }
}
