package org.mlsec.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.cli.Main;

/**
 * `mlsec attack membership --engine spark` and `mlsec defend membership --engine spark` find the engine on the
 * classpath and report what local mode does (the defences' trainers rebuilt on executors from their recipes).
 */
class SparkCliTest {
    @TempDir
    Path dir;

    /** The command line's --engine spark --master local[2] runs use the shared test session. */
    @org.junit.jupiter.api.BeforeAll
    static void session() {
        TestSpark.local();
    }

    static JsonNode withoutSeconds(Path json) throws IOException {
        ObjectNode j = (ObjectNode) new ObjectMapper().readTree(json.toFile());
        j.remove("seconds");
        return j;
    }

    @Test
    void attackMembershipOnSparkReportsExactlyWhatLocalModeReports() throws IOException {
        Path data = dir.resolve("clients.csv");
        Path members = dir.resolve("members.csv");
        Path nonMembers = dir.resolve("non-members.csv");
        Path model = dir.resolve("target.mlsec");
        assertEquals(0, Main.run("data", "generate", "--rows", "600", "--out", data.toString()));
        assertEquals(0, Main.run("data", "split", "--data", data.toString(), "--seed", "3", "--out-first",
                members.toString(), "--out-second", nonMembers.toString()));
        assertEquals(0, Main.run("train", "--data", members.toString(), "--label", "DEFAULT", "--drop", "ID",
                "--test-fraction", "0", "--trees", "10", "--out", model.toString()));
        String[] attack = {"attack", "membership", "--model", model.toString(), "--members", members.toString(),
                "--non-members", nonMembers.toString(), "--drop", "ID", "--method", "lira", "--references", "4"};
        Path local = dir.resolve("local.json");
        Path spark = dir.resolve("spark.json");
        assertEquals(0, Main.run(concat(attack, "--json", local.toString())));
        assertEquals(0, Main.run(concat(attack, "--engine", "spark", "--master", "local[2]", "--json", spark.toString())));
        assertEquals(withoutSeconds(local), withoutSeconds(spark));
        assertTrue(withoutSeconds(spark).get("auc").asDouble() > 0.5);
    }

    @Test
    void defendMembershipOnSparkReportsExactlyWhatLocalModeReports() throws IOException {
        Path data = dir.resolve("clients.csv");
        assertEquals(0, Main.run("data", "generate", "--rows", "400", "--out", data.toString()));
        String[] defend = {"defend", "membership", "--data", data.toString(), "--label", "DEFAULT", "--drop", "ID",
            "--trees", "8", "--references", "2", "--outputs", "noise,label"};
        Path local = dir.resolve("local.json");
        Path spark = dir.resolve("spark.json");
        assertEquals(0, Main.run(concat(defend, "--json", local.toString())));
        assertEquals(0, Main.run(concat(defend, "--engine", "spark", "--master", "local[2]", "--json", spark.toString())));
        JsonNode l = withoutTrainingSeconds(local);
        assertEquals(l, withoutTrainingSeconds(spark));
        List<String> names = new java.util.ArrayList<>();
        l.get("defences").forEach(d -> names.add(d.get("defence").asText()));
        assertTrue(names.stream().anyMatch(n -> n.startsWith("DP random forest")), names.toString());
        assertTrue(names.stream().anyMatch(n -> n.startsWith("DP logistic regression")), names.toString());
        assertTrue(names.stream().anyMatch(n -> n.startsWith("output: ")), names.toString());
    }

    @Test
    void auditOnSparkReportsExactlyWhatLocalModeReports() throws IOException {
        Path data = dir.resolve("clients.csv");
        assertEquals(0, Main.run("data", "generate", "--rows", "400", "--out", data.toString()));
        String[] audit = {"audit", "--data", data.toString(), "--label", "DEFAULT", "--drop", "ID", "--budget", "quick",
            "--only", "membership-inference"};
        Path local = dir.resolve("local");
        Path spark = dir.resolve("spark");
        int code = Main.run(concat(audit, "--out", local.toString()));
        assertEquals(code, Main.run(concat(audit, "--engine", "spark", "--master", "local[2]", "--out",
                spark.toString())));
        JsonNode l = withoutTimes(new ObjectMapper().readTree(local.resolve("report.json").toFile()));
        assertEquals(l, withoutTimes(new ObjectMapper().readTree(spark.resolve("report.json").toFile())));
        assertTrue(l.toString().contains("membership"), l.toString());
    }

    /** The JSON without wall-clock fields (any key with "seconds" in it, and the creation time). */
    static JsonNode withoutTimes(JsonNode j) {
        if (j instanceof ObjectNode o) {
            List<String> drop = new java.util.ArrayList<>();
            o.fieldNames().forEachRemaining(k -> {
                if (k.contains("seconds") || k.equals("created_at")) {
                    drop.add(k);
                }
            });
            o.remove(drop);
            o.forEach(SparkCliTest::withoutTimes);
        } else if (j != null && j.isArray()) {
            j.forEach(SparkCliTest::withoutTimes);
        }
        return j;
    }

    static JsonNode withoutTrainingSeconds(Path json) throws IOException {
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        j.get("defences").forEach(d -> {
            ((ObjectNode) d).remove("training_seconds");
            ((ObjectNode) d).remove("seconds");
        });
        return j;
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
