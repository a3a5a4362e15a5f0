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

/** The foundation's acceptance figures on the real UCI credit data in ../shared. */
class RealDataTest {
    static final Path REAL = Path.of("../../shared/data/default_credit_card.csv");

    @TempDir
    Path dir;

    @Test
    void forestReachesEightyPercentAndEvaluateAgreesWithPredict() throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(REAL), "the real data is not in ../shared");
        Path model = dir.resolve("rf.mlsec");
        Cli t = Cli.run("train", "--data", REAL.toString(), "--label", "DEFAULT", "--drop", "ID", "--algo", "rf",
                "--out", model.toString(), "--json", dir.resolve("train.json").toString());
        assertEquals(0, t.code(), t.err());
        JsonNode tj = CliTest.json(dir.resolve("train.json"));
        assertTrue(tj.get("test_accuracy").asDouble() >= 0.80, tj.toString());
        assertEquals(27_000, tj.get("rows_train").asInt());

        Cli e = Cli.run("evaluate", "--model", model.toString(), "--data", REAL.toString(), "--label", "DEFAULT",
                "--json", dir.resolve("eval.json").toString());
        assertEquals(0, e.code(), e.err());
        Path preds = dir.resolve("preds.csv");
        Cli p = Cli.run("predict", "--model", model.toString(), "--data", REAL.toString(), "--out", preds.toString());
        assertEquals(0, p.code(), p.err());
        assertEquals(CliTest.json(dir.resolve("eval.json")).get("accuracy").asDouble(),
                CliTest.accuracyOfPredictions(preds, REAL), 1e-12);
    }
}
