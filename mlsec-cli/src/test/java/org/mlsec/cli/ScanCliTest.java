package org.mlsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScanCliTest {
    @TempDir
    Path dir;

    @Test
    void exitCodesFollowModelscan() throws IOException {
        Path evil = dir.resolve("evil.pkl");
        Files.write(evil, "cos\nsystem\n(S'id'\ntR.".getBytes(StandardCharsets.ISO_8859_1));
        Path sarif = dir.resolve("scan.sarif");
        Cli r = Cli.run("scan", evil.toString(), "--format", "sarif", "--out", sarif.toString(), "--json",
                dir.resolve("scan.json").toString());
        assertEquals(1, r.code(), r.err());
        JsonNode s = CliTest.json(sarif);
        assertEquals("2.1.0", s.get("version").asText());
        assertEquals("MLS001", s.at("/runs/0/results/0/ruleId").asText());
        assertEquals(1, CliTest.json(dir.resolve("scan.json")).at("/summary/total_issues_by_severity/CRITICAL").asInt());

        Path clean = dir.resolve("clean.pkl");
        Files.write(clean, new byte[] {(byte) 0x80, 4, 'N', '.'});
        Cli ok = Cli.run("scan", clean.toString());
        assertEquals(0, ok.code());
        assertTrue(ok.out().contains("1 scanned, 0 skipped, 0 issues"), ok.out());

        assertEquals(2, Cli.run("scan", dir.resolve("missing.pkl").toString()).code());
    }
}
