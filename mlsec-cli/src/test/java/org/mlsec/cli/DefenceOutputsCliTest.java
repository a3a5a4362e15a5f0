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

/** Every output mode of the server is a row of the membership and inversion defence studies ({@code --outputs}). */
class DefenceOutputsCliTest {
    @TempDir
    Path dir;

    @Test
    void theOtherStudiesMeasureEveryOutputModeAskedFor() throws IOException {
        Path data = dir.resolve("c.csv");
        CsvWriter.write(LaymanBrothers.generate(600, 5), data);
        Path json = dir.resolve("inv.json");
        Cli r = Cli.run("defend", "inversion", "--data", data.toString(), "--label", "DEFAULT", "--drop", "ID",
                "--sensitive", "SEX", "--outputs", "top1,reverse-sigmoid,noise", "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        java.util.List<String> rows = new java.util.ArrayList<>();
        Json.MAPPER.readTree(json.toFile()).get("defences").forEach(d -> rows.add(d.get("defence").asText()));
        assertEquals(java.util.List.of("decision tree (overfit)", "random forest",
                "random forest, top class's probability only", "random forest, reverse sigmoid, beta 0.5",
                "random forest, Gaussian noise, sd 0.05", "DP logistic regression, epsilon 1"), rows.subList(0, 6));
        Cli bad = Cli.run("defend", "membership", "--data", data.toString(), "--label", "DEFAULT", "--drop", "ID",
                "--outputs", "rounded,fuzzy");
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("--outputs: output must be probabilities, rounded, label, top1, reverse-sigmoid or"
                + " noise, got fuzzy"), bad.err());
    }
}
