package org.mlsec.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.data.CsvWriter;
import org.mlsec.demo.LaymanBrothers;

/** The careless-user cases of issue 20 through the CLI: exit codes and files left as they were. */
class HardeningCliTest {
    @TempDir
    static Path dir;
    static Path data;
    static Path model;

    @BeforeAll
    static void train() {
        data = dir.resolve("c.csv");
        CsvWriter.write(LaymanBrothers.generate(400, 3), data);
        model = dir.resolve("m.mlsec");
        Cli t = Cli.run("train", "--data", data.toString(), "--label", "DEFAULT", "--drop", "ID", "--algo", "lr",
                "--out", model.toString());
        assertEquals(0, t.code(), t.err());
    }

    @Test
    void trainAndPredictNeverOverwriteTheirOwnInput() throws IOException {
        byte[] csv = Files.readAllBytes(data);
        Cli t = Cli.run("train", "--data", data.toString(), "--label", "DEFAULT", "--drop", "ID", "--algo", "lr",
                "--out", data.toString());
        assertEquals(2, t.code(), t.err());
        assertTrue(t.err().contains("is also an input"), t.err());
        assertArrayEquals(csv, Files.readAllBytes(data));
        byte[] m = Files.readAllBytes(model);
        Cli p = Cli.run("predict", "--model", model.toString(), "--data", data.toString(), "--out", model.toString());
        assertEquals(2, p.code(), p.err());
        assertArrayEquals(m, Files.readAllBytes(model));
    }

    @Test
    void keygenWritesTheKeyOwnerOnlyAndRefusesToOverwriteWithoutForce() throws IOException {
        Path keys = dir.resolve("keys");
        assertEquals(0, Cli.run("keygen", "--out", keys.toString()).code());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve("private-key.pem"))));
        byte[] pub = Files.readAllBytes(keys.resolve("public-key.pem"));
        Files.delete(keys.resolve("private-key.pem"));
        Cli again = Cli.run("keygen", "--out", keys.toString());
        assertEquals(2, again.code(), again.err());
        assertArrayEquals(pub, Files.readAllBytes(keys.resolve("public-key.pem")));
        assertEquals(0, Cli.run("keygen", "--out", keys.toString(), "--force").code());
    }

    @Test
    void serveRefusesATamperedModelAndAnInvalidHost() throws IOException {
        Path keys = dir.resolve("serve-keys");
        Cli.run("keygen", "--out", keys.toString());
        Path sig = dir.resolve("m.sig");
        assertEquals(0, Cli.run("sign", model.toString(), "--private-key", keys.resolve("private-key.pem").toString(),
                "--signature", sig.toString()).code());
        Path copy = dir.resolve("tampered.mlsec");
        Files.writeString(copy, Files.readString(model).replaceFirst("\"LIMIT_BAL\"", "\"LIMIT_BAL\" "));
        Cli s = Cli.run("serve", "--model", copy.toString(), "--signature", sig.toString(), "--public-key",
                keys.resolve("public-key.pem").toString(), "--port", "0");
        assertEquals(1, s.code(), s.err());
        assertTrue(s.err().contains("refusing to serve"), s.err());
        Cli h = Cli.run("serve", "--model", model.toString(), "--host", "999.1.1.1", "--port", "0");
        assertEquals(2, h.code(), h.err());
        assertTrue(h.err().contains("host '999.1.1.1' is not a valid address"), h.err());
    }
}
