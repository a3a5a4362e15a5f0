package org.mlsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.data.CsvWriter;
import org.mlsec.demo.LaymanBrothers;
import org.mlsec.internal.Json;

/** {@code mlsec defend extraction}: the detectors measured offline, as a table and as JSON. */
class DefendExtractionCliTest {
    @TempDir
    Path dir;

    @Test
    void printsEachStrategysDetectionDelaysAndTheBenignFalseAlarms() throws IOException {
        Path train = dir.resolve("train.csv");
        Path reference = dir.resolve("reference.csv");
        CsvWriter.write(LaymanBrothers.generate(1_500, 3), train);
        CsvWriter.write(LaymanBrothers.generate(1_600, 4), reference);
        Path model = dir.resolve("lr.mlsec");
        Cli t = Cli.run("train", "--data", train.toString(), "--label", "DEFAULT", "--drop", "ID", "--algo", "lr",
                "--out", model.toString());
        assertEquals(0, t.code(), t.err());
        Path json = dir.resolve("x.json");
        Cli r = Cli.run("defend", "extraction", "--model", model.toString(), "--reference", reference.toString(),
                "--label", "DEFAULT", "--drop", "ID", "--budget", "100", "--seed", "5", "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("not detected within 100"), r.out());
        assertTrue(r.out().contains("path skipped: path-finding copies tree models"), r.out());
        JsonNode j = Json.MAPPER.readTree(json.toFile());
        assertEquals(4, j.get("strategies").size());
        JsonNode equation = j.get("strategies").get(3);
        assertEquals("equation", equation.get("strategy").asText());
        assertTrue(equation.get("queries_before_detection").get("implausible-rows").isNumber(), equation.toString());
        assertTrue(equation.get("queries_before_detection").get("grid-sweep").isNull(), equation.toString());
        assertTrue(equation.get("fidelity").asDouble() > 0.99, equation.toString());
        assertEquals(400, j.get("benign_queries").asInt());
        assertTrue(j.get("false_alarm_rate").get("prada").asDouble() >= 0, j.toString());
        Cli bad = Cli.run("defend", "extraction", "--model", model.toString(), "--reference", reference.toString(),
                "--label", "DEFAULT", "--drop", "ID", "--budget", "5");
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("--budget must be at least 10"), bad.err());
    }
}
