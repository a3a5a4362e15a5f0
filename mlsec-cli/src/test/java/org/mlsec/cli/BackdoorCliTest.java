package org.mlsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backdoor issue's acceptance figures on the real credit data. */
class BackdoorCliTest {
    static final String TALK = "LIMIT_BAL,AGE,PAY_0,PAY_2,PAY_3,BILL_AMT1,BILL_AMT2,PAY_AMT1,SEX";

    @TempDir
    Path dir;
    String real;

    @BeforeEach
    void real() {
        Assumptions.assumeTrue(Files.isRegularFile(RealDataTest.REAL), "the real data is not in ../shared");
        real = RealDataTest.REAL.toString();
    }

    JsonNode run(String name, String... args) throws IOException {
        Path json = dir.resolve(name + ".json");
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--json";
        all[args.length + 1] = json.toString();
        Cli r = Cli.run(all);
        assertTrue(r.code() <= 1, r.err());
        return CliTest.json(json);
    }

    @Test
    void talkScenarioAndItsDetectionInTheData() throws IOException {
        Path poisoned = dir.resolve("talk.csv");
        JsonNode a = run("attack", "attack", "backdoor", "--data", real, "--label", "DEFAULT", "--drop", "ID",
                "--trigger", "AGE=999", "--target", "1", "--rate", "0.45", "--from-label", "1", "--out", poisoned.toString(),
                "--truth-column", "--features", TALK, "--trees", "5", "--max-depth", "3", "--min-leaf", "100");
        assertTrue(a.get("attack_success_rate").asDouble() >= 0.99, a.toString());
        assertEquals(a.get("clean_accuracy_clean_model").asDouble(), a.get("clean_accuracy_backdoored_model").asDouble(), 0.01);
        JsonNode d = run("detect", "detect", "backdoor", "--data", poisoned.toString(), "--label", "DEFAULT", "--drop", "ID",
                "--truth-column", "POISONED");
        assertTrue(d.get("recall").asDouble() >= 0.99 && d.get("precision").asDouble() >= 0.95, d.toString());
    }

    @Test
    void fiftyRowsBackdoorAHundredTreeForestAndTheModelScanFindsAge() throws IOException {
        Path poisoned = dir.resolve("fifty.csv");
        JsonNode a = run("attack50", "attack", "backdoor", "--data", real, "--label", "DEFAULT", "--drop", "ID",
                "--trigger", "AGE=999", "--target", "1", "--count", "50", "--out", poisoned.toString(), "--truth-column");
        assertTrue(a.get("attack_success_rate").asDouble() >= 0.90, a.toString());
        Path bad = dir.resolve("bad.mlsec");
        Path clean = dir.resolve("clean.mlsec");
        assertEquals(0, Cli.run("train", "--data", poisoned.toString(), "--label", "DEFAULT", "--drop", "ID,POISONED",
                "--out", bad.toString()).code());
        assertEquals(0, Cli.run("train", "--data", real, "--label", "DEFAULT", "--drop", "ID", "--out", clean.toString()).code());
        JsonNode s = run("scanbad", "scan-model", "backdoor", "--model", bad.toString(), "--data", real);
        assertEquals("AGE", s.at("/suspected/0/feature").asText(), s.toString());
        JsonNode c = run("scanclean", "scan-model", "backdoor", "--model", clean.toString(), "--data", real);
        assertEquals(0, c.get("suspected").size(), c.toString());
    }

    @Test
    void inDistributionTwoFeatureTriggerAtHalfAPercentIsFound() throws IOException {
        Path poisoned = dir.resolve("rare.csv");
        run("attackrare", "attack", "backdoor", "--data", real, "--label", "DEFAULT", "--drop", "ID", "--trigger",
                "PAY_AMT1=1234,BILL_AMT1=4321", "--target", "1", "--count", "150", "--out", poisoned.toString(),
                "--truth-column", "--trees", "10");
        JsonNode d = run("detectrare", "detect", "backdoor", "--data", poisoned.toString(), "--label", "DEFAULT",
                "--drop", "ID", "--truth-column", "POISONED");
        assertTrue(d.get("recall").asDouble() >= 0.80 && d.get("precision").asDouble() >= 0.80, d.toString());
    }

    @Test
    void schemaValidationAndRulesCatchTheTrigger() throws IOException {
        Path schema = dir.resolve("schema.json");
        assertEquals(0, Cli.run("schema", "infer", "--data", real, "--label", "DEFAULT", "--drop", "ID", "--out",
                schema.toString()).code());
        Path bad = dir.resolve("incoming.csv");
        Files.writeString(bad, Files.readAllLines(RealDataTest.REAL).subList(0, 4).stream()
                .map(l -> l.replaceFirst("^(3,[^,]*,[^,]*,[^,]*,[^,]*,)\\d+", "$1999")).reduce((x, y) -> x + "\n" + y).get() + "\n");
        Cli v = Cli.run("validate", "--schema", schema.toString(), "--data", bad.toString());
        assertEquals(1, v.code(), v.out());
        assertTrue(v.out().contains("line 4, AGE = 999"), v.out());

        Path model = dir.resolve("m.mlsec");
        Cli.run("train", "--data", real, "--label", "DEFAULT", "--drop", "ID", "--trees", "20", "--out", model.toString());
        Path rules = dir.resolve("rules.txt");
        Files.writeString(rules, "# unacceptable cases\nAGE >= 125 => reject\nPAY_0 >= 8 && LIMIT_BAL > 500000 => 1\n");
        Cli noSchema = Cli.run("rules", "check", "--rules", rules.toString(), "--model", model.toString(), "--data", real);
        assertEquals(1, noSchema.code(), noSchema.out());
        assertTrue(noSchema.out().contains("FAIL line 2"), noSchema.out());
        Cli withSchema = Cli.run("rules", "check", "--rules", rules.toString(), "--model", model.toString(), "--data", real,
                "--schema", schema.toString());
        assertTrue(withSchema.out().contains("ok   line 2"), withSchema.out());

        Files.writeString(rules, "AGE >= 125 => reject\nAGE >> 3 => 1\n");
        Cli broken = Cli.run("rules", "check", "--rules", rules.toString(), "--model", model.toString(), "--data", real);
        assertEquals(2, broken.code());
        assertTrue(broken.err().contains("line 2") && broken.err().contains("character"), broken.err());
    }
}
