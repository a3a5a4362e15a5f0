package org.mlsec.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.cli.Main;

/** `mlsec attack membership --engine spark` finds the engine on the classpath and reports what local mode does. */
class SparkCliTest {
    @TempDir
    Path dir;

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

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
