package org.mlsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve --upstream}: what it needs, said in one line with exit 2 before anything listens. */
class ServeUpstreamCliTest {
    @TempDir
    Path dir;

    @Test
    void aGuardingProxyNeedsItsSchemaAndClassesAndOneTarget() throws Exception {
        Path data = Files.writeString(dir.resolve("d.csv"), "a,b,y\n1,2,0\n3,4,1\n5,6,0\n");
        Path schema = dir.resolve("schema.json");
        assertEquals(0, Cli.run("schema", "infer", "--data", data.toString(), "--label", "y", "--out",
                schema.toString()).code());
        String url = "http://127.0.0.1:9/predict";
        String[][] bad = {
            {"serve", "--port", "0"},
            {"serve", "--upstream", url, "--model", data.toString(), "--port", "0"},
            {"serve", "--upstream", url, "--port", "0"},
            {"serve", "--upstream", url, "--schema", schema.toString(), "--port", "0"},
            {"serve", "--upstream", url, "--schema", schema.toString(), "--features", "a,zz", "--classes", "0,1", "--port", "0"},
            {"serve", "--upstream", "ftp://127.0.0.1/predict", "--schema", schema.toString(), "--classes", "0,1", "--port", "0"},
        };
        String[] says = {"give either --model MODEL or --upstream URL", "give either --model MODEL or --upstream URL",
            "--upstream needs --schema FILE", "without its --classes: give them, or --reference rows", "[zz]", "http(s) URL"};
        for (int i = 0; i < bad.length; i++) {
            Cli r = Cli.run(bad[i]);
            assertEquals(2, r.code(), String.join(" ", bad[i]) + ": " + r.err());
            assertTrue(r.err().contains(says[i]), String.join(" ", bad[i]) + ": " + r.err());
            assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
        }
    }
}
