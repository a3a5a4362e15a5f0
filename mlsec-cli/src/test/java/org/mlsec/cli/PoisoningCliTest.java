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

/** The poisoning issue's acceptance run on the real data, through the command line. */
class PoisoningCliTest {
    @TempDir
    Path dir;

    @Test
    void talkPoisoningDiffFairnessSanitiseAndCompare() throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(RealDataTest.REAL), "the real data is not in ../shared");
        String real = RealDataTest.REAL.toString();
        Path poisoned = dir.resolve("poisoned.csv");
        Path pj = dir.resolve("poison.json");
        Cli p = Cli.run("attack", "poison", "--data", real, "--label", "DEFAULT", "--drop", "ID", "--where",
                "SEX == 2 && AGE >= 30", "--set", "DEFAULT=1", "--scale", "LIMIT_BAL=0.65", "--out", poisoned.toString(),
                "--truth-column", "--features", BackdoorCliTest.TALK, "--trees", "5", "--max-depth", "3", "--min-leaf", "100",
                "--json", pj.toString());
        assertEquals(0, p.code(), p.err());
        JsonNode j = CliTest.json(pj);
        assertTrue(j.get("clean_accuracy_after").asDouble() < j.get("clean_accuracy_before").asDouble() - 0.15, j.toString());
        assertEquals(1.0, j.at("/group_rates/target group: SEX == 2 && AGE >= 30/after").asDouble(), 0.01);

        Path dj = dir.resolve("diff.json");
        Cli d = Cli.run("diff", "--reference", real, "--data", poisoned.toString(), "--label", "DEFAULT", "--drop",
                "ID,POISONED", "--id", "ID", "--plots", dir.resolve("plots").toString(), "--json", dj.toString());
        assertEquals(1, d.code(), d.err());
        JsonNode diff = CliTest.json(dj);
        assertEquals("SEX == 2 && AGE >= 30", diff.at("/subgroups/0/description").asText());
        boolean limitFlagged = false;
        for (JsonNode f : diff.get("features")) {
            limitFlagged |= f.get("name").asText().equals("LIMIT_BAL") && f.get("flagged").asBoolean();
        }
        assertTrue(limitFlagged, diff.get("features").toString());
        assertTrue(Files.readString(dir.resolve("plots/LIMIT_BAL.svg")).contains("<svg"));

        Path badModel = dir.resolve("bad.mlsec");
        Path cleanModel = dir.resolve("clean.mlsec");
        Cli.run("train", "--data", poisoned.toString(), "--label", "DEFAULT", "--drop", "ID,POISONED", "--features",
                BackdoorCliTest.TALK, "--trees", "5", "--max-depth", "3", "--min-leaf", "100", "--out", badModel.toString());
        Cli.run("train", "--data", real, "--label", "DEFAULT", "--drop", "ID", "--features", BackdoorCliTest.TALK, "--trees",
                "5", "--max-depth", "3", "--min-leaf", "100", "--out", cleanModel.toString());
        Cli unfair = Cli.run("fairness", "--model", badModel.toString(), "--data", real, "--protected", "SEX,AGE");
        assertEquals(1, unfair.code(), unfair.out());
        Cli fair = Cli.run("fairness", "--model", cleanModel.toString(), "--data", real, "--protected", "SEX,AGE");
        assertEquals(0, fair.code(), fair.out());

        Path sj = dir.resolve("san.json");
        Cli s = Cli.run("sanitize", "--data", poisoned.toString(), "--label", "DEFAULT", "--drop", "ID,POISONED", "--out",
                dir.resolve("clean.csv").toString(), "--json", sj.toString());
        assertEquals(0, s.code(), s.err());
        assertTrue(s.out().contains("subgroup SEX == 2 && AGE >= 30"), s.out());

        Path cj = dir.resolve("cmp.json");
        Cli c = Cli.run("compare", "--model", cleanModel.toString(), "--model", badModel.toString(), "--data", real,
                "--json", cj.toString());
        assertEquals(0, c.code(), c.err());
        assertTrue(CliTest.json(cj).get("positive_rate_b").asDouble() > CliTest.json(cj).get("positive_rate_a").asDouble());

        Cli bad = Cli.run("attack", "poison", "--data", real, "--label", "DEFAULT", "--where", "SEX === 2", "--set",
                "DEFAULT=1", "--out", dir.resolve("x.csv").toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("character"), bad.err());
    }
}
