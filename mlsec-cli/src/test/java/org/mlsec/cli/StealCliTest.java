package org.mlsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.defences.preprocessor.InputSchema;
import org.mlsec.model.LocalModel;
import org.mlsec.model.ModelIo;
import org.mlsec.server.GuardConfig;
import org.mlsec.server.GuardedServer;

/** Model stealing against a real label-only server running the talk's model trained on the real data. */
class StealCliTest {
    @TempDir
    Path dir;

    @Test
    void labelOnlyServerIsCopiedWithFidelityOneInTwoThousandQueries() throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(RealDataTest.REAL), "the real data is not in ../shared");
        Path a = dir.resolve("a.csv");
        Path rest = dir.resolve("rest.csv");
        Path known = dir.resolve("known.csv");
        Path eval = dir.resolve("eval.csv");
        Cli.run("data", "split", "--data", RealDataTest.REAL.toString(), "--fraction", "0.5", "--seed", "1",
                "--out-first", a.toString(), "--out-second", rest.toString());
        Cli.run("data", "split", "--data", rest.toString(), "--fraction", "0.5", "--seed", "2",
                "--out-first", known.toString(), "--out-second", eval.toString());
        Path model = dir.resolve("talk.mlsec");
        assertEquals(0, Cli.run("train", "--data", a.toString(), "--label", "DEFAULT", "--drop", "ID", "--features",
                BackdoorCliTest.TALK, "--trees", "5", "--max-depth", "3", "--min-leaf", "100", "--test-fraction", "0",
                "--out", model.toString()).code());
        LocalModel m = ModelIo.load(model);
        GuardConfig labelOnly = new GuardConfig(true, 1000, 1 << 20, Map.of(), false, 0, 0, 0, "label", 2, 0, 0, false,
                "log", null);
        try (GuardedServer server = new GuardedServer(m, InputSchema.infer(org.mlsec.data.CsvReader.read(a,
                m.schema(), org.mlsec.data.CsvOptions.labelled("DEFAULT"))), labelOnly).start("127.0.0.1", 0)) {
            Path json = dir.resolve("steal.json");
            Cli s = Cli.run("attack", "steal", "--target", "http://127.0.0.1:" + server.port() + "/predict", "--data",
                    known.toString(), "--label", "DEFAULT", "--drop", "ID", "--features", BackdoorCliTest.TALK, "--labels-only", "--strategy", "learn", "--active",
                    "--budget", "2000", "--eval", eval.toString(), "--out", dir.resolve("stolen.mlsec").toString(),
                    "--json", json.toString());
            assertEquals(0, s.code(), s.err());
            JsonNode j = CliTest.json(json);
            assertTrue(j.get("queries").asInt() <= 2000, j.toString());
            assertEquals(1.0, j.get("fidelity").asDouble(), 0.0005, j.toString());
            assertEquals("learn-active", j.get("strategy").asText());
        }
        assertTrue(Files.exists(dir.resolve("stolen.mlsec")));
    }
}
