package org.mlsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stealing a third-party scoring API as a real attacker does, from rows without labels: the talk's Flask +
 * scikit-learn service (a 5-tree, depth-3 random forest on the talk's nine columns of the real credit data), started
 * by the test with Debian's python3-flask and python3-sklearn (installed by .ci/run; skipped without them or without
 * the real data). The API's classes are learnt from its answers; label-only path-finding from 7,500 unlabelled rows
 * copies it at fidelity at least 0.999 on 7,500 held-out rows within 2,000 queries (issue 18).
 */
class FlaskStealTest {
    @TempDir
    Path dir;

    @Test
    void labelOnlyPathFindingCopiesTheFlaskApiFromUnlabelledRows() throws Exception {
        Assumptions.assumeTrue(FlaskAuditTest.flaskAvailable(), "python3 with flask and scikit-learn is not installed");
        Assumptions.assumeTrue(Files.isRegularFile(RealDataTest.REAL), "the real data is not in ../shared");
        Path rest = dir.resolve("rest.csv");
        Path trained = dir.resolve("a.csv");
        assertEquals(0, Cli.run("data", "split", "--data", RealDataTest.REAL.toString(), "--fraction", "0.5", "--seed", "1",
                "--out-first", trained.toString(), "--out-second", rest.toString()).code());
        assertEquals(0, Cli.run("data", "split", "--data", rest.toString(), "--fraction", "0.5", "--seed", "2",
                "--out-first", dir.resolve("known.csv").toString(), "--out-second", dir.resolve("eval.csv").toString()).code());
        List<String> talk = Arrays.asList(BackdoorCliTest.TALK.split(","));
        // The team's training file: the talk's columns and the label. The attacker's files: every column but the label.
        Path apiData = UnlabelledAttacksCliTest.copyColumns(trained, dir.resolve("api.csv"),
                c -> talk.contains(c) || c.equals("DEFAULT"));
        Path known = UnlabelledAttacksCliTest.copyColumns(dir.resolve("known.csv"), dir.resolve("known-unlabelled.csv"),
                c -> !c.equals("DEFAULT"));
        Path eval = UnlabelledAttacksCliTest.copyColumns(dir.resolve("eval.csv"), dir.resolve("eval-unlabelled.csv"),
                c -> !c.equals("DEFAULT"));
        assertEquals(7_501, Files.readAllLines(known).size());
        try (TalkApi api = TalkApi.start(apiData, "DEFAULT", dir, "--trees", "5", "--max-depth", "3")) {
            String url = api.url("/predict");
            Path json = dir.resolve("steal.json");
            Path copy = dir.resolve("copy.mlsec");
            Cli s = Cli.run("attack", "steal", "--target", url, "--data", known.toString(), "--drop", "ID",
                    "--features", BackdoorCliTest.TALK, "--labels-only", "--strategy", "path", "--budget", "2000",
                    "--eval", eval.toString(), "--out", copy.toString(), "--json", json.toString());
            assertEquals(0, s.code(), s.err());
            assertTrue(s.err().contains("learnt the API's classes [0, 1]"), s.err());
            assertTrue(s.err().contains("fidelity only (accuracy needs the true labels)"), s.err());
            JsonNode j = CliTest.json(json);
            System.out.println("path-finding against the Flask API from unlabelled rows: " + j);
            assertEquals(7_500, j.get("eval_rows").asInt(), j.toString());
            assertTrue(j.get("queries").asInt() <= 2_000, j.toString());
            assertEquals(100, j.get("class_discovery_queries").asInt(), j.toString());
            assertTrue(j.get("fidelity").asDouble() >= 0.999, j.toString());
            assertFalse(j.has("surrogate_accuracy"), "no labels, no accuracy: " + j);
            assertTrue(Files.size(copy) > 0);

            // Classes the API never answers: refused in one line, naming the answer and the classes given.
            Cli wrong = Cli.run("attack", "steal", "--target", url, "--data", known.toString(), "--drop", "ID",
                    "--features", BackdoorCliTest.TALK, "--labels-only", "--classes", "yes,no", "--strategy", "path",
                    "--budget", "300");
            assertEquals(2, wrong.code(), wrong.err());
            assertTrue(wrong.err().contains("answered class '0', not one of [yes, no]"), wrong.err());
            // More classes than the API's probability columns.
            Path members = dir.resolve("members.csv");
            Path nonMembers = dir.resolve("non-members.csv");
            Files.write(members, Files.readAllLines(known).subList(0, 201));
            Files.write(nonMembers, Files.readAllLines(eval).subList(0, 201));
            Cli three = Cli.run("attack", "membership", "--model", url, "--members", members.toString(),
                    "--non-members", nonMembers.toString(), "--drop", "ID", "--algo", "rf", "--references", "2",
                    "--classes", "0,1,2");
            assertEquals(2, three.code(), three.err());
            assertTrue(three.err().contains("answers 2 probabilities per row, but 3 classes [0, 1, 2]"), three.err());
        }
    }
}
