package org.mlsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.model.LocalModel;
import org.mlsec.model.ModelIo;

/** {@code mlsec train --algo dp-rf}: bounds from a schema, the budget spent in the file; no bounds, no model. */
class DpForestCliTest {
    @TempDir
    static Path dir;
    static Path data;
    static Path schema;

    @BeforeAll
    static void generate() {
        data = dir.resolve("clients.csv");
        assertEquals(0, Cli.run("data", "generate", "--rows", "3000", "--seed", "5", "--out", data.toString()).code());
        schema = dir.resolve("schema.json"); // stands for a schema with public bounds
        Cli s = Cli.run("schema", "infer", "--data", data.toString(), "--label", "DEFAULT", "--drop", "ID",
                "--out", schema.toString());
        assertEquals(0, s.code(), s.err());
    }

    static Cli train(String... more) {
        return Cli.run(java.util.stream.Stream.concat(java.util.stream.Stream.of("train", "--data", data.toString(),
                "--label", "DEFAULT", "--drop", "ID", "--algo", "dp-rf"), java.util.Arrays.stream(more)).toArray(String[]::new));
    }

    @Test
    void trainsWithPublicBoundsAndRecordsTheBudgetSpent() throws IOException {
        Path model = dir.resolve("dp.mlsec");
        Cli t = train("--epsilon", "1", "--schema", schema.toString(), "--out", model.toString(),
                "--json", dir.resolve("dp.json").toString());
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("privacy spent: epsilon 1.0, delta 0.0 (parallel composition"), t.out());
        JsonNode j = CliTest.json(dir.resolve("dp.json"));
        assertEquals(1.0, j.get("epsilon_spent").asDouble(), 0);
        assertEquals(schema.toString(), j.get("bounds_source").asText());
        LocalModel m = ModelIo.load(model);
        assertEquals("dp_random_forest", m.provenance().algorithm());
        assertEquals(1.0, m.provenance().metrics().get("epsilon_spent"), 0);

        Cli shared = train("--epsilon", "1", "--delta", "1e-5", "--composition", "shared", "--trees", "200",
                "--schema", schema.toString(), "--out", dir.resolve("shared.mlsec").toString());
        assertEquals(0, shared.code(), shared.err());
        assertTrue(shared.out().contains("(advanced composition"), shared.out());
    }

    @Test
    void refusesWithoutBoundsAndWarnsLoudlyWhenTheyComeFromTheData() {
        String out = dir.resolve("x.mlsec").toString();
        Cli r = train("--epsilon", "1", "--out", out);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("needs public bounds: --schema FILE, or --bounds-from-data") && !r.err().contains("\tat "), r.err());
        r = train("--schema", schema.toString(), "--out", out);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("needs --epsilon"), r.err());
        r = train("--epsilon", "-1", "--schema", schema.toString(), "--out", out);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("epsilon must be positive"), r.err());
        r = train("--epsilon", "4", "--bounds-from-data", "--out", out);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("WARNING: bounds taken from the training data"), r.err());
    }
}
