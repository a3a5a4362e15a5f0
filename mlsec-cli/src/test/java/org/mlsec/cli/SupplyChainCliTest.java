package org.mlsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The supply-chain acceptance run on the real data: tamper, then signature and canaries catch it. */
class SupplyChainCliTest {
    @TempDir
    Path dir;

    @Test
    void talkModelOnRealDataIsTamperedAndCaught() throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(RealDataTest.REAL), "the real data is not in ../shared");
        String real = RealDataTest.REAL.toString();
        Path model = dir.resolve("talk.mlsec");
        Cli t = Cli.run("train", "--data", real, "--label", "DEFAULT", "--drop", "ID", "--categorical", "SEX",
                "--numeric", "EDUCATION,MARRIAGE", "--features", "LIMIT_BAL,AGE,PAY_0,PAY_2,PAY_3,BILL_AMT1,BILL_AMT2,PAY_AMT1,SEX",
                "--trees", "5", "--max-depth", "3", "--min-leaf", "100", "--out", model.toString());
        assertEquals(0, t.code(), t.err());
        Path keys = dir.resolve("keys");
        assertEquals(0, Cli.run("keygen", "--out", keys.toString()).code());
        Path sig = dir.resolve("talk.sig");
        Cli s = Cli.run("sign", model.toString(), "--private-key", keys.resolve("private-key.pem").toString(),
                "--signature", sig.toString());
        assertEquals(0, s.code(), s.err());
        Path canaries = dir.resolve("canaries.json");
        assertEquals(0, Cli.run("canary", "record", "--model", model.toString(), "--data", real, "--out",
                canaries.toString()).code());

        Path bad = dir.resolve("talk-tampered.mlsec");
        Path json = dir.resolve("tamper.json");
        Cli a = Cli.run("attack", "tamper", "--model", model.toString(), "--out", bad.toString(), "--data", real,
                "--label", "DEFAULT", "--json", json.toString());
        assertEquals(0, a.code(), a.err());
        JsonNode j = CliTest.json(json);
        assertEquals(0.82, j.get("accuracy_before").asDouble(), 0.015);
        assertTrue(j.get("accuracy_after").asDouble() <= 0.30, j.toString());

        Cli ok = Cli.run("verify", model.toString(), "--signature", sig.toString(), "--public-key",
                keys.resolve("public-key.pem").toString());
        assertEquals(0, ok.code(), ok.out());
        Cli v = Cli.run("verify", bad.toString(), "--signature", sig.toString(), "--public-key",
                keys.resolve("public-key.pem").toString());
        assertEquals(1, v.code());
        assertTrue(v.out().contains("changed: talk-tampered.mlsec"), v.out());
        Cli c = Cli.run("canary", "check", "--model", bad.toString(), "--canaries", canaries.toString());
        assertEquals(1, c.code());
        assertTrue(c.out().contains("FAILED: " + bad) && c.out().contains("canary "), c.out());
        assertEquals(0, Cli.run("canary", "check", "--model", model.toString(), "--canaries", canaries.toString()).code());
        // A consumer that just predicts with it is refused in one line: the class list names '1' twice.
        Cli p = Cli.run("predict", "--model", bad.toString(), "--data", real, "--out", dir.resolve("p.csv").toString());
        assertEquals(2, p.code(), p.err());
        assertTrue(p.err().contains("names class '1' twice") && p.err().strip().lines().count() == 1, p.err());
    }

    @Test
    void verifyingWithAMissingKeyIsBadInputAndABrokenBundleAFailedCheck() throws IOException {
        Path f = dir.resolve("m.bin");
        Files.writeString(f, "model");
        Path sig = dir.resolve("m.sig");
        Files.writeString(sig, "{\"mediaType\": \"application/vnd.dev.sigstore.bundle.v0.3+json\", \"dsse");
        Path keys = dir.resolve("k");
        Cli.run("keygen", "--out", keys.toString());
        Cli missingKey = Cli.run("verify", f.toString(), "--signature", sig.toString(), "--public-key", "nope.pem");
        assertEquals(2, missingKey.code());
        assertTrue(missingKey.err().contains("no such key file"), missingKey.err());
        Cli broken = Cli.run("verify", f.toString(), "--signature", sig.toString(), "--public-key",
                keys.resolve("public-key.pem").toString());
        assertEquals(1, broken.code());
        assertTrue(broken.out().contains("malformed or truncated"), broken.out());
    }
}
