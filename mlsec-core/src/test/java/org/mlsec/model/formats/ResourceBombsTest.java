package org.mlsec.model.formats;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small hostile files that would cost a reader far more than their size: each is refused quickly with a clear
 * message (found in review: quadratic decimal parsing, empty-container floods, oversized token lines).
 */
class ResourceBombsTest {
    @TempDir
    Path dir;

    private Path gzip(String name, byte[] content) throws IOException {
        Path f = dir.resolve(name);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
            out.write(content);
        }
        return f;
    }

    /** Found by fuzzing (ReaderFuzzTest#mlsecModel): 13 bytes whose lzma header asks for a 1.3 GB dictionary. */
    @Test
    void anLzmaHeaderAskingForAHugeDictionaryIsRefusedBeforeItIsAllocated() throws IOException {
        byte[] lzma = {0x5d, 0, 0, 0x40, 0x51, (byte) 0xe1, 0, 3, (byte) 0xe8, 's', 't', 'a', ','};
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean)
                java.lang.management.ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        org.mlsec.InputException e = org.junit.jupiter.api.Assertions.assertThrows(org.mlsec.InputException.class,
                () -> org.mlsec.model.Models.load(Path.of("m.joblib"), lzma));
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("KiB of decoder memory"), e.getMessage());
        org.junit.jupiter.api.Assertions.assertTrue(allocated < 100L << 20, allocated + " bytes allocated");
    }

    @Test
    void aPickleOfHugeDecimalIntegersIsRefusedAtOnce() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {(byte) 0x80, 2});
        for (int i = 0; i < 3000; i++) {
            b.write('L');
            b.writeBytes("7".repeat(65_000).getBytes(StandardCharsets.US_ASCII));
            b.writeBytes("\n0".getBytes(StandardCharsets.US_ASCII));
        }
        b.writeBytes("N.".getBytes(StandardCharsets.US_ASCII));
        Path f = gzip("ints.pkl.gz", b.toByteArray());
        assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> FixtureAssertions.refusedToLoad(f, "beyond 4300 digits"));
    }

    @Test
    void aUbjsonFloodOfEmptyArraysStopsAtTheValueLimit() throws IOException {
        int n = 49_000_000;
        ByteArrayOutputStream b = new ByteArrayOutputStream(n + 64);
        b.writeBytes(new byte[] {'{', 'U', 7});
        b.writeBytes("learner".getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(new byte[] {'[', '$', '[', '#', 'l'});
        b.writeBytes(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
        byte[] close = new byte[1 << 20];
        java.util.Arrays.fill(close, (byte) ']');
        for (int w = 0; w < n; w += close.length) {
            b.write(close, 0, Math.min(close.length, n - w));
        }
        b.write('}');
        Path f = gzip("flood.ubj.gz", b.toByteArray());
        assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> FixtureAssertions.refusedToLoad(f, "values, larger than any model mlsec reads"));
    }

    @Test
    void aLightGbmLineWithMillionsOfTokensIsCountedNotSplit() throws IOException {
        String model = new String(Files.readAllBytes(Path.of("src/test/resources/fixtures/lightgbm/binary.model.txt")),
                StandardCharsets.UTF_8);
        int at = model.indexOf("\nleaf_value=");
        int end = model.indexOf('\n', at + 1);
        String bomb = model.substring(0, at) + "\nleaf_value=" + "1 ".repeat(8_000_000) + model.substring(end);
        Path f = gzip("tokens.txt.gz", bomb.getBytes(StandardCharsets.UTF_8));
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> FixtureAssertions.refusedToLoad(f, "values where"));
    }
}
