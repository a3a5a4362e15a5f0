package org.mlsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.Dataset;
import org.mlsec.model.LocalModel;
import org.mlsec.model.ModelIo;

/** Issue 10's acceptance on the real data: feasible flips from "will default" to "will not default". */
class EvasionCliTest {
    static final String IMMUTABLE = "SEX,AGE,EDUCATION,MARRIAGE";

    @TempDir
    static Path dir;
    static Path train;
    static Path test;
    static Path schema;

    @BeforeAll
    static void split() {
        Assumptions.assumeTrue(Files.isRegularFile(RealDataTest.REAL), "the real data is not in ../shared");
        train = dir.resolve("train.csv");
        test = dir.resolve("test.csv");
        schema = dir.resolve("schema.json");
        Cli.run("data", "split", "--data", RealDataTest.REAL.toString(), "--seed", "3", "--out-first", train.toString(),
                "--out-second", test.toString());
        assertEquals(0, Cli.run("schema", "infer", "--data", train.toString(), "--label", "DEFAULT", "--drop", "ID",
                "--out", schema.toString()).code());
    }

    /** Attacks, then checks every changed row with mlsec validate and with the model itself. */
    static JsonNode evadeAndConfirm(Path model, String name, String... extra) throws Exception {
        Path adv = dir.resolve(name + "-adv.csv");
        Path json = dir.resolve(name + ".json");
        String[] base = {"attack", "evade", "--model", model.toString(), "--data", test.toString(), "--label", "DEFAULT",
                "--drop", "ID", "--schema", schema.toString(), "--immutable", IMMUTABLE, "--from", "1", "--to", "0",
                "--out", adv.toString(), "--json", json.toString()};
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(extra))
                .toArray(String[]::new);
        Cli r = Cli.run(args);
        assertEquals(0, r.code(), r.err());
        JsonNode j = CliTest.json(json);
        assertTrue(j.get("success_rate").asDouble() >= 0.9, j.get("success_rate").toString());
        assertTrue(j.get("median_cost").asDouble() > 0);
        assertTrue(j.has("median_queries") && j.get("examples").isArray());
        Cli v = Cli.run("validate", "--schema", schema.toString(), "--data", adv.toString(), "--label", "DEFAULT");
        assertEquals(0, v.code(), v.out());
        LocalModel m = ModelIo.load(model);
        Dataset changed = CsvReader.read(adv, m.schema(), CsvOptions.labelled("DEFAULT"));
        assertEquals(Math.round(j.get("success_rate").asDouble() * j.get("rows").asInt()), changed.rows());
        for (int p : m.predict(changed.x())) {
            assertEquals(m.classes().indexOf("0"), p, "the model confirms every change");
        }
        for (JsonNode e : j.get("examples")) {
            for (JsonNode c : e.get("changes")) {
                assertTrue(!IMMUTABLE.contains(c.get("feature").asText()), c.toString());
            }
        }
        return j;
    }

    @Test
    void talkForestIsEvadedWithCertifiedMinimalChanges() throws Exception {
        Path model = dir.resolve("talk.mlsec");
        assertEquals(0, Cli.run("train", "--data", train.toString(), "--label", "DEFAULT", "--drop", "ID", "--trees", "5",
                "--max-depth", "3", "--min-leaf", "100", "--test-fraction", "0", "--out", model.toString()).code());
        JsonNode j = evadeAndConfirm(model, "talk", "--rows", "200", "--verify", "20");
        assertEquals(j.get("rows").asInt(), j.get("exact_rows").asInt(), "complete leaf search on 5 small trees");
        assertEquals(20, j.get("rows_with_positive_bound").asInt());
        JsonNode hsj = evadeAndConfirm(model, "talk-hsj", "--rows", "60", "--method", "hsj");
        assertTrue(hsj.get("median_queries").asDouble() <= 1000, hsj.get("median_queries").toString());
        assertTrue(hsj.get("median_cost").asDouble() >= j.get("median_cost").asDouble() - 1e-9,
                "a black-box attack cannot beat the certified minimum");
    }

    @Test
    void hundredTreeForestIsEvadedWithSmallChanges() throws Exception {
        Path model = dir.resolve("rf.mlsec");
        assertEquals(0, Cli.run("train", "--data", train.toString(), "--label", "DEFAULT", "--drop", "ID", "--trees", "100",
                "--test-fraction", "0", "--out", model.toString()).code());
        JsonNode j = evadeAndConfirm(model, "rf", "--rows", "30", "--verify", "5");
        assertEquals("tree", j.get("method").asText());
        assertTrue(j.get("median_cost").asDouble() < 0.5, "a full-depth forest flips with small changes: " + j.get("median_cost"));
    }

    @Test
    void labelOnlyEvasionOfAGuardedServerIsBlockedButNotOfAnOpenOne() throws Exception {
        Path model = dir.resolve("served.mlsec");
        assertEquals(0, Cli.run("train", "--data", train.toString(), "--label", "DEFAULT", "--drop", "ID", "--trees", "5",
                "--max-depth", "3", "--min-leaf", "100", "--test-fraction", "0", "--out", model.toString()).code());
        LocalModel m = ModelIo.load(model);
        var input = org.mlsec.defences.preprocessor.InputSchema.read(schema);
        for (boolean detect : new boolean[] {false, true}) {
            var config = new org.mlsec.server.GuardConfig(true, 1000, 1 << 20, java.util.Map.of(), false, 0, 0, 0, "label", 2,
                    0, 0, detect, "block", null);
            try (var server = new org.mlsec.server.GuardedServer(m, input, config).start("127.0.0.1", 0)) {
                Path json = dir.resolve("served-" + detect + ".json");
                Cli r = Cli.run("attack", "evade", "--target", "http://127.0.0.1:" + server.port() + "/predict", "--data",
                        test.toString(), "--label", "DEFAULT", "--drop", "ID", "--schema", schema.toString(), "--immutable",
                        IMMUTABLE, "--from", "1", "--to", "0", "--method", "hsj", "--rows", "10", "--budget-queries", "500",
                        "--json", json.toString());
                assertEquals(0, r.code(), r.err());
                JsonNode j = CliTest.json(json);
                if (detect) {
                    assertTrue(j.get("refused_rows").asInt() >= 9, "the boundary-probing detector blocks the attacker: " + j);
                    assertTrue(j.get("success_rate").asDouble() <= 0.2, j.get("success_rate").toString());
                } else {
                    assertEquals(0, j.get("refused_rows").asInt());
                    assertTrue(j.get("success_rate").asDouble() >= 0.9, j.get("success_rate").toString());
                }
            }
        }
    }

    @Test
    void counterfactualSaysWhatWouldHaveToChange() throws Exception {
        Path model = dir.resolve("cf.mlsec");
        Cli.run("train", "--data", train.toString(), "--label", "DEFAULT", "--drop", "ID", "--trees", "5", "--max-depth", "3",
                "--min-leaf", "100", "--out", model.toString());
        Path json = dir.resolve("cf.json");
        Cli r = Cli.run("explain", "counterfactual", "--model", model.toString(), "--data", test.toString(), "--label",
                "DEFAULT", "--drop", "ID", "--index", "0", "--immutable", IMMUTABLE, "--to", "1", "--json", json.toString());
        JsonNode j = CliTest.json(json);
        assertEquals(0, r.code(), r.err());
        assertEquals("1", j.get("wanted").asText());
        assertTrue(r.out().contains("would need") || r.out().contains("already answers"), r.out());
    }

    @Test
    void defencesAreMeasuredWithTheirAccuracyCost() throws Exception {
        Path json = dir.resolve("defend.json");
        Cli r = Cli.run("defend", "evasion", "--data", train.toString(), "--label", "DEFAULT", "--drop", "ID", "--trees", "5",
                "--max-depth", "3", "--min-leaf", "100", "--immutable", IMMUTABLE, "--rows", "60", "--adversarial-rows",
                "200", "--rounds", "1", "--monotone", "PAY_0=1,PAY_2=1", "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode d = CliTest.json(json).get("defences");
        assertEquals(4, d.size(), d.toString());
        assertTrue(d.get(2).get("defence").asText().contains("PAY_0, PAY_2"), d.toString());
        for (JsonNode row : d) {
            assertTrue(row.get("test_accuracy").asDouble() > 0.75, row.toString());
            assertTrue(row.get("success_rate").asDouble() >= 0 && row.has("median_cost") && row.has("empirical_robustness"));
        }
        assertTrue(d.get(2).get("defence").asText().startsWith("monotone constraints on PAY_0"), d.get(2).toString());
        assertTrue(r.out().contains("adversarial training"), r.out());
    }

    @Test
    void robustTrainingIsWiredThroughTrainAndDefend() throws Exception {
        Path model = dir.resolve("robust.mlsec");
        Cli r = Cli.run("train", "--data", train.toString(), "--label", "DEFAULT", "--drop", "ID", "--algo", "tree",
                "--max-depth", "4", "--robust-radius", "0.3", "--robust-budget", "PAY_0=1", "--immutable", IMMUTABLE,
                "--out", model.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("robust splits: radius 0.3"), r.out());
        java.util.Map<String, String> h = org.mlsec.model.ModelIo.load(model).provenance().hyperparameters();
        assertEquals("0.3", h.get("robust_radius"));
        assertEquals("{\"PAY_0\":1.0}", h.get("robust_budget"));
        assertTrue(h.get("robust_reach").contains("\"PAY_2\"") && !h.get("robust_reach").contains("\"SEX\""), h.toString());
        String[] base = {"train", "--data", train.toString(), "--label", "DEFAULT", "--drop", "ID", "--out",
                dir.resolve("x.mlsec").toString()};
        assertEquals(2, Cli.run(concat(base, "--algo", "gbt", "--robust-radius", "0.3")).code());
        assertEquals(2, Cli.run(concat(base, "--robust-radius", "-1")).code());
        assertEquals(2, Cli.run(concat(base, "--robust-budget", "PAY_0=abc")).code());
        assertEquals(2, Cli.run(concat(base, "--algo", "dp-rf", "--epsilon", "1", "--bounds-from-data",
                "--robust-radius", "0.3")).code());
        Cli unknown = Cli.run(concat(base, "--robust-budget", "NO_SUCH=1"));
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("NO_SUCH"), unknown.err());

        Path json = dir.resolve("defend-robust.json");
        Cli d = Cli.run("defend", "evasion", "--data", train.toString(), "--label", "DEFAULT", "--drop", "ID", "--trees",
                "5", "--max-depth", "3", "--min-leaf", "100", "--immutable", IMMUTABLE, "--rows", "40",
                "--adversarial-rows", "100", "--rounds", "1", "--robust-radius", "0.5,1", "--json", json.toString());
        assertEquals(0, d.code(), d.err());
        JsonNode rows = CliTest.json(json).get("defences");
        assertEquals(4, rows.size(), rows.toString());
        assertTrue(rows.get(2).get("defence").asText().startsWith("robust splits (radius 0.5"), rows.toString());
        assertTrue(rows.get(3).get("defence").asText().startsWith("robust splits (radius 1"), rows.toString());
        for (JsonNode row : rows) {
            assertTrue(row.get("training_seconds").asDouble() > 0 && row.has("median_cost"), row.toString());
        }
        assertTrue(d.out().contains("train s"), d.out());
    }

    @Test
    void badOptionsAreUsageErrors() throws Exception {
        Path model = dir.resolve("bad.mlsec");
        Cli.run("train", "--data", train.toString(), "--label", "DEFAULT", "--drop", "ID", "--trees", "3", "--max-depth", "2",
                "--out", model.toString());
        String[] common = {"attack", "evade", "--model", model.toString(), "--data", test.toString(), "--label", "DEFAULT",
                "--drop", "ID"};
        assertEquals(2, Cli.run(concat(common, "--method", "magic")).code());
        assertEquals(2, Cli.run(concat(common, "--to", "7")).code());
        assertEquals(2, Cli.run(concat(common, "--method", "gradient")).code());
        Path costs = dir.resolve("costs.json");
        Files.writeString(costs, "{\"features\": {\"PAY_0\": {\"direction\": \"sideways\"}}}");
        Cli c = Cli.run(concat(common, "--costs", costs.toString()));
        assertEquals(2, c.code());
        assertTrue(c.err().contains("features.PAY_0.direction"), c.err());
        Files.writeString(costs, "{\"features\": ");
        assertEquals(2, Cli.run(concat(common, "--costs", costs.toString())).code());
        Cli row = Cli.run("explain", "counterfactual", "--model", model.toString(), "--row", "LIMIT_BAL=abc");
        assertEquals(2, row.code());
        assertTrue(row.err().contains("LIMIT_BAL=abc"), row.err());
    }

    static String[] concat(String[] a, String... b) {
        return java.util.stream.Stream.concat(java.util.Arrays.stream(a), java.util.Arrays.stream(b)).toArray(String[]::new);
    }
}
