package org.mlsec.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19: HDF5 model files are read structurally — the root group's {@code model_config}, where Keras reads the
 * architecture, is found wherever the writer put it. Fixtures written by h5py (fixtures/hdf5/make_fixtures.py).
 */
class HdfStructureTest {
    static final Path FIXTURES = Path.of("src/test/resources/fixtures/hdf5");

    @TempDir
    Path dir;

    static ScanReport scan(Path f) {
        return ModelScanner.scan(List.of(f));
    }

    @Test
    void theRootAttributesAreReadAsH5pyWroteThem() throws Exception {
        try (FileChannel ch = FileChannel.open(FIXTURES.resolve("benign.h5"), StandardOpenOption.READ)) {
            Map<String, String> a = Hdf5Attributes.rootTextAttributes(ch);
            assertEquals(List.of("model_config", "training_config", "keras_version", "backend"), List.copyOf(a.keySet()));
            assertTrue(a.get("model_config").startsWith("{\"class_name\": \"Sequential\""), a.get("model_config"));
            assertEquals("2.15.0", a.get("keras_version"));
        }
        try (FileChannel ch = FileChannel.open(FIXTURES.resolve("lambda_fixed_string.h5"), StandardOpenOption.READ)) {
            assertTrue(Hdf5Attributes.rootTextAttributes(ch).get("model_config").contains("\"Lambda\""));
        }
    }

    @Test
    void everyFixtureScansAsItsScriptSays() throws IOException {
        for (String line : Files.readAllLines(FIXTURES.resolve("fixtures.tsv"))) {
            if (line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            Path file = FIXTURES.resolve(f[0]);
            if (!Files.exists(file)) {
                file = gunzip(FIXTURES.resolve(f[0] + ".gz"));
            }
            ScanReport r = scan(file);
            switch (f[1]) {
                case "clean":
                    assertEquals(List.of(), r.findings(), f[0]);
                    assertEquals(List.of(), r.incomplete(), f[0]);
                    break;
                case "lambda":
                    assertTrue(r.findings().stream().anyMatch(x -> x.rule() == Rule.KERAS_LAMBDA), f[0] + ": " + r.findings());
                    assertEquals(List.of(), r.incomplete(), f[0]);
                    break;
                case "critical":
                    assertTrue(r.findings().stream().anyMatch(x -> x.severity() == Severity.CRITICAL), f[0] + ": " + r.findings());
                    break;
                default: // dense attribute storage: not read, so never clean
                    assertFalse(r.incomplete().isEmpty(), f[0]);
                    assertTrue(r.incomplete().get(0).description().contains("dense storage"), r.incomplete().toString());
            }
        }
    }

    @Test
    void aConfigPastTheTextSearchWindowIsFoundOnDiskAndInsideGzip() throws IOException {
        Path gz = FIXTURES.resolve("lambda_after_weights.h5.gz");
        Path plain = gunzip(gz);
        long configAt = Files.readAllLines(FIXTURES.resolve("fixtures.tsv")).stream()
                .filter(l -> l.startsWith("lambda_after_weights.h5\t")).map(l -> Long.parseLong(l.split("\t")[3]))
                .findFirst().orElseThrow();
        assertTrue(configAt > 16 << 20, "the fixture puts the config past the first 16 MiB");
        // over the in-memory limit inside gzip: read from a temporary copy (trailing bytes after the file's end
        // address are never read by HDF5)
        Path big = dir.resolve("big.h5.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(big))) {
            out.write(Files.readAllBytes(plain));
            out.write(new byte[KerasScanner.IN_MEMORY]);
        }
        for (Path f : List.of(plain, gz, big)) {
            ScanReport r = scan(f);
            assertTrue(r.findings().stream().anyMatch(x -> x.rule() == Rule.KERAS_LAMBDA), f + ": " + r.findings());
            assertEquals(List.of(), r.incomplete(), f.toString());
        }
    }

    @Test
    void aTruncatedOrRedirectedStructureIsMalformedNotClean() throws IOException {
        byte[] b = Files.readAllBytes(FIXTURES.resolve("benign.h5"));
        Path cut = dir.resolve("cut.h5");
        Files.write(cut, java.util.Arrays.copyOf(b, 1500));
        ScanReport r = scan(cut);
        assertTrue(r.findings().stream().anyMatch(x -> x.rule() == Rule.MALFORMED), r.findings().toString());
        // the root group's object header address (superblock v0, offset 64) sent past the end of the file
        byte[] far = b.clone();
        far[64 + 3] = 0x7f;
        Path redirected = dir.resolve("far.h5");
        Files.write(redirected, far);
        ScanReport f = scan(redirected);
        assertTrue(f.findings().stream().anyMatch(x -> x.description().contains("outside the file")), f.findings().toString());
    }

    /** h5py leaves a user block free for the user; a pickle written there loads with pickle.load, the rest with h5py. */
    static byte[] polyglot(String fixture, byte[] pickle) throws IOException {
        byte[] b = Files.readAllBytes(FIXTURES.resolve(fixture));
        assertEquals(512, ModelScanner.Format.userBlockHdf5(b), "the fixture has its superblock after a 512-byte user block");
        System.arraycopy(pickle, 0, b, 0, pickle.length);
        return b;
    }

    static final byte[] BENIGN_PICKLE = {(byte) 0x80, 2, 'K', 1, '.'}; // pickle.dumps(1, protocol=2)

    @Test
    void aPickleInAUserBlockIsScannedAsAPickleAndAsTheKerasModelBehindIt() throws IOException {
        byte[] b = polyglot("lambda_userblock.h5", BENIGN_PICKLE);
        Path f = dir.resolve("model.pkl");
        Files.write(f, b);
        for (ScanReport r : List.of(scan(f), ModelScanner.scanBytes(b, "model.pkl"))) {
            assertTrue(r.findings().stream().anyMatch(x -> x.rule() == Rule.POLYGLOT
                    && x.description().contains("pickle") && x.description().contains("offset 512")), r.findings().toString());
            assertTrue(r.findings().stream().anyMatch(x -> x.rule() == Rule.KERAS_LAMBDA), r.findings().toString());
        }
        // the same file as an entry of a zip, read as a stream
        Path zip = dir.resolve("bundle.zip");
        try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new java.util.zip.ZipEntry("model.pkl"));
            out.write(b);
            out.closeEntry();
        }
        ScanReport z = scan(zip);
        assertTrue(z.findings().stream().anyMatch(x -> x.rule() == Rule.KERAS_LAMBDA), z.findings().toString());
        assertTrue(z.findings().stream().anyMatch(x -> x.rule() == Rule.POLYGLOT), z.findings().toString());
    }

    @Test
    void aHarmlessPolyglotIsStillAFindingAndAMaliciousPickleInTheUserBlockIsCritical() throws IOException {
        ScanReport benign = ModelScanner.scanBytes(polyglot("benign_userblock.h5", BENIGN_PICKLE), "model.h5");
        assertTrue(benign.findings().stream().anyMatch(x -> x.rule() == Rule.POLYGLOT), benign.findings().toString());
        // (the user block's zeros after the pickle's STOP read as a broken second pickle: medium, as torch's chained
        // pickles are read)
        assertTrue(benign.findings().stream().allMatch(x -> x.severity() == Severity.MEDIUM), benign.findings().toString());
        assertEquals(ScanReport.FINDINGS, benign.exitCode());
        // protocol 2: GLOBAL 'os system', the command, TUPLE1, REDUCE, STOP
        byte[] evil = "\u0080\u0002cos\nsystem\nX\u0002\u0000\u0000\u0000id\u0085R.".getBytes(
                java.nio.charset.StandardCharsets.ISO_8859_1);
        ScanReport r = ModelScanner.scanBytes(polyglot("benign_userblock.h5", evil), "model.h5");
        assertTrue(r.findings().stream().anyMatch(x -> x.severity() == Severity.CRITICAL), r.findings().toString());
        assertTrue(r.findings().stream().anyMatch(x -> x.rule() == Rule.POLYGLOT), r.findings().toString());
    }

    @Test
    void randomlyDamagedFilesNeverCrashHangOrReadAsClean() throws IOException {
        byte[] clean = Files.readAllBytes(FIXTURES.resolve("lambda.h5"));
        String text = new String(clean, java.nio.charset.StandardCharsets.ISO_8859_1);
        int configFrom = text.indexOf("{\"class_name\": \"Sequential\"");
        String last = "\"backend\": \"tensorflow\"}"; // how the config ends
        int configTo = text.indexOf(last, configFrom) + last.length();
        assertTrue(configFrom > 0 && configTo > configFrom + 100, "the config lies at " + configFrom + ".." + configTo);
        SplittableRandom rng = new SplittableRandom(19);
        long t0 = System.nanoTime();
        int structural = 0;
        for (int i = 0; i < 300; i++) {
            byte[] b = clean.clone();
            boolean configIntact = true;
            StringBuilder damage = new StringBuilder();
            for (int k = 0; k < 1 + rng.nextInt(8); k++) {
                int at = 8 + rng.nextInt(2500); // the superblock, the root group's header, the heap
                b[at] = (byte) rng.nextInt(256);
                damage.append(' ').append(at).append('=').append(b[at] & 0xff);
                configIntact &= at < configFrom || at >= configTo;
            }
            Path f = dir.resolve("d" + i + ".h5");
            Files.write(f, b);
            ScanReport r = scan(f);
            assertEquals(List.of(), r.errors(), "no internal error on variant " + i);
            if (configIntact) { // the Lambda layer is still there to load: found, or the scan is not clean
                structural++;
                assertFalse(r.findings().isEmpty() && r.incomplete().isEmpty(), "variant " + i + " reads as clean; bytes changed:" + damage + ", skipped " + r.skipped());
            }
            Files.delete(f);
        }
        assertTrue(structural > 100, "most variants damage the structure, not the config: " + structural);
        assertTrue(System.nanoTime() - t0 < 60e9, "300 damaged files took over a minute");
    }

    private Path gunzip(Path gz) throws IOException {
        Path out = dir.resolve(gz.getFileName().toString().replace(".gz", ""));
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            Files.copy(in, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return out;
    }
}
