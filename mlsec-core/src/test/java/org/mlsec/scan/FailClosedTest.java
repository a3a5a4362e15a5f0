package org.mlsec.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.internal.Json;

/** Issue 19: nothing is reported clean unless it was fully understood. */
class FailClosedTest {
    @TempDir
    Path dir;

    Path write(String name, byte[] b) throws IOException {
        Path f = dir.resolve(name);
        Files.createDirectories(f.getParent());
        Files.write(f, b);
        return f;
    }

    static ScanReport scan(Path... p) {
        return ModelScanner.scan(List.of(p));
    }

    @Test
    void randomBytesZeroStartsAndBrokenArchivesAreNeverClean() throws IOException {
        for (int seed = 0; seed < 20; seed++) {
            byte[] noise = new byte[4096];
            new SplittableRandom(seed).nextBytes(noise);
            ScanReport r = scan(write("r" + seed + "/model.pkl", noise));
            assertTrue(r.exitCode() != ScanReport.CLEAN, "seed " + seed);
        }
        ScanReport zero = scan(write("zero.pkl", new byte[] {0, 1, 2, 3}));
        assertEquals(ScanReport.INCOMPLETE, zero.exitCode());
        assertEquals(ScanReport.UNSUPPORTED, zero.skipped().get(0).category());
        byte[] brokenZip = "PK\u0003\u0004garbage that is no zip at all".getBytes(StandardCharsets.ISO_8859_1);
        ScanReport pt = scan(write("model.pt", brokenZip));
        assertEquals(ScanReport.INCOMPLETE, pt.exitCode(), pt.errors().toString());
        assertFalse(pt.errors().get(0).description().contains("null"));
        assertEquals(ScanReport.INCOMPLETE, scan(write("weights.bin", new byte[] {0x7f, 'E', 'L', 'F'})).exitCode());
    }

    @Test
    void incompleteInputsAreListedInJsonAndSarif() throws IOException {
        write("m/zero.pkl", new byte[] {0, 0});
        write("m/README.md", "# a model".getBytes(StandardCharsets.US_ASCII));
        ScanReport r = scan(dir.resolve("m"));
        assertEquals(ScanReport.INCOMPLETE, r.exitCode());
        assertEquals(ScanReport.CLEAN, r.exitCode(false), "only unsupported, no unparseable input");
        JsonNode j = Json.MAPPER.valueToTree(r.toJson());
        assertEquals(1, j.at("/summary/skipped/total_incomplete").asInt());
        assertFalse(j.at("/summary/complete").asBoolean());
        JsonNode s = Json.MAPPER.valueToTree(r.toSarif(dir));
        assertFalse(s.at("/runs/0/invocations/0/executionSuccessful").asBoolean());
        assertTrue(s.at("/runs/0/invocations/0/toolExecutionNotifications/0/message/text").asText()
                .contains("unsupported format"));
    }

    @Test
    void aReadmeNextToACleanModelKeepsTheFolderClean() throws IOException {
        write("m/model.pkl", new byte[] {(byte) 0x80, 4, 'N', '.'});
        write("m/README.md", "# a model".getBytes(StandardCharsets.US_ASCII));
        assertEquals(ScanReport.CLEAN, scan(dir.resolve("m")).exitCode());
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void fifosAreReportedNeverWaitedOn() throws Exception {
        Path fifo = dir.resolve("m/model.pkl");
        Files.createDirectories(fifo.getParent());
        Process p;
        try {
            p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        } catch (IOException e) {
            Assumptions.abort("no mkfifo here");
            return;
        }
        Assumptions.assumeTrue(p.waitFor() == 0 && Files.exists(fifo), "mkfifo failed");
        ScanReport named = scan(fifo);
        assertEquals(ScanReport.SPECIAL_FILE, named.skipped().get(0).category());
        assertEquals(ScanReport.INCOMPLETE, named.exitCode());
        ScanReport inFolder = scan(dir.resolve("m"));
        assertEquals(ScanReport.INCOMPLETE, inFolder.exitCode());
        assertEquals(ScanReport.SPECIAL_FILE, inFolder.skipped().get(0).category());
    }

    @Test
    void symlinksAreFollowedInsideTheRootAndReportedWhenTheyLeaveIt() throws IOException {
        Path real = write("real/evil.pkl", Pickles.callProtocol2("os", "system", "id")).getParent();
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createSymbolicLink(root.resolve("inside"), Files.createDirectories(root.resolve("models")));
        Files.copy(real.resolve("evil.pkl"), root.resolve("models/evil.pkl"));
        ScanReport in = scan(root.resolve("inside"));
        assertEquals(ScanReport.FINDINGS, in.exitCode(), "a symlinked folder given as the path is scanned");
        Path root2 = Files.createDirectories(dir.resolve("root2"));
        Files.createSymbolicLink(root2.resolve("out"), real);
        ScanReport out = scan(root2);
        assertEquals(ScanReport.INCOMPLETE, out.exitCode(), out.skipped().toString());
        assertEquals(ScanReport.OUTSIDE_ROOT, out.skipped().get(0).category());
        Path root3 = Files.createDirectories(dir.resolve("root3"));
        Files.createDirectories(root3.resolve("a"));
        Files.copy(real.resolve("evil.pkl"), root3.resolve("a/evil.pkl"));
        Files.createSymbolicLink(root3.resolve("b"), root3.resolve("a"));
        ScanReport both = scan(root3);
        assertEquals(2, both.scannedFiles().size(), "a link inside the root is followed");
    }
}
