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

class MembershipCliTest {
    @TempDir
    Path dir;

    /** Splits, trains the target on the first half, and attacks it; returns the --json result. */
    JsonNode attack(String data, String method, int references, String... trainArgs) throws IOException {
        Path mem = dir.resolve("members.csv");
        Path non = dir.resolve("non-members.csv");
        assertEquals(0, Cli.run("data", "split", "--data", data, "--seed", "3", "--out-first", mem.toString(),
                "--out-second", non.toString()).code());
        Path model = dir.resolve("target.mlsec");
        String[] base = {"train", "--data", mem.toString(), "--label", "DEFAULT", "--drop", "ID", "--test-fraction", "0",
                "--out", model.toString()};
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(trainArgs))
                .toArray(String[]::new);
        Cli t = Cli.run(args);
        assertEquals(0, t.code(), t.err());
        Path json = dir.resolve(method + ".json");
        Path roc = dir.resolve(method + ".svg");
        Cli a = Cli.run("attack", "membership", "--model", model.toString(), "--members", mem.toString(),
                "--non-members", non.toString(), "--drop", "ID", "--method", method, "--references",
                String.valueOf(references), "--roc", roc.toString(), "--json", json.toString());
        assertEquals(0, a.code(), a.err());
        assertTrue(Files.readString(roc).contains("<svg"));
        return CliTest.json(json);
    }

    @Test
    void theSparkEngineWithoutMlsecSparkSaysHowToGetIt() throws IOException {
        Path data = dir.resolve("clients.csv");
        Cli.run("data", "generate", "--rows", "200", "--out", data.toString());
        Path model = dir.resolve("target.mlsec");
        assertEquals(0, Cli.run("train", "--data", data.toString(), "--label", "DEFAULT", "--drop", "ID", "--trees",
                "5", "--out", model.toString()).code());
        Cli a = Cli.run("attack", "membership", "--model", model.toString(), "--members", data.toString(),
                "--non-members", data.toString(), "--drop", "ID", "--engine", "spark", "--master", "local[2]");
        assertEquals(2, a.code(), a.err());
        assertTrue(a.err().contains("mlsec-spark") && a.err().contains("docs/scale.md"), a.err());
        assertEquals(2, Cli.run("attack", "membership", "--model", model.toString(), "--members", data.toString(),
                "--non-members", data.toString(), "--drop", "ID", "--engine", "flink").code());
    }

    @Test
    void attackReportsTheLiteraturesMetrics() throws IOException {
        Path data = dir.resolve("clients.csv");
        Cli.run("data", "generate", "--rows", "3000", "--out", data.toString());
        JsonNode j = attack(data.toString(), "lira-offline", 3, "--trees", "30");
        for (String k : new String[] {"method", "references", "auc", "balanced_accuracy", "advantage",
                "tpr_at_fpr_0_001", "tpr_at_fpr_0_01", "seconds"}) {
            assertTrue(j.has(k), k);
        }
        assertTrue(j.get("auc").asDouble() > 0.6, j.toString());
    }

    /** The acceptance setup on the real data: a 100-tree fully grown forest (max_features 0.7). */
    @Test
    void rmiaOnTheRealDataBeatsTheScikitLearnPeersLira() throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(RealDataTest.REAL), "the real data is not in ../shared");
        JsonNode j = attack(RealDataTest.REAL.toString(), "rmia", 8, "--max-features", "0.7", "--numeric",
                "SEX,EDUCATION,MARRIAGE");
        assertTrue(j.get("auc").asDouble() >= 0.90, j.toString());
        assertTrue(j.get("tpr_at_fpr_0_001").asDouble() >= 0.02, j.toString());
    }

    @Test
    void inspectShowsTheModelsSecrets() throws IOException {
        Path data = dir.resolve("c.csv");
        Cli.run("data", "generate", "--rows", "2000", "--out", data.toString());
        Path model = dir.resolve("m.mlsec");
        Cli.run("train", "--data", data.toString(), "--label", "DEFAULT", "--drop", "ID", "--trees", "5", "--max-depth", "3",
                "--min-leaf", "100", "--out", model.toString());
        Cli i = Cli.run("inspect", "--model", model.toString(), "--dot", dir.resolve("dot").toString(), "--json",
                dir.resolve("i.json").toString());
        assertEquals(0, i.code(), i.err());
        assertTrue(i.out().contains("5 trees, deepest"), i.out());
        assertEquals(5, CliTest.json(dir.resolve("i.json")).get("trees").asInt());
    }
}
