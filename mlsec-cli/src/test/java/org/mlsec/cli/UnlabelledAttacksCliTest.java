package org.mlsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.defences.preprocessor.InputSchema;
import org.mlsec.model.LocalModel;
import org.mlsec.model.ModelIo;
import org.mlsec.server.GuardConfig;
import org.mlsec.server.GuardedServer;

/**
 * Attacks as a real attacker runs them: rows without labels, against the talk-shaped API (a 5-tree depth-3 forest on
 * the real data) behind mlsec's guarded server, whose schema is inferred from the full data set.
 */
class UnlabelledAttacksCliTest {
    @TempDir
    Path dir;

    private LocalModel trainTalksModel() {
        Assumptions.assumeTrue(Files.isRegularFile(RealDataTest.REAL), "the real data is not in ../shared");
        Path rest = dir.resolve("rest.csv");
        Cli.run("data", "split", "--data", RealDataTest.REAL.toString(), "--fraction", "0.5", "--seed", "1",
                "--out-first", dir.resolve("a.csv").toString(), "--out-second", rest.toString());
        Cli.run("data", "split", "--data", rest.toString(), "--fraction", "0.5", "--seed", "2",
                "--out-first", dir.resolve("known.csv").toString(), "--out-second", dir.resolve("eval.csv").toString());
        Path model = dir.resolve("talk.mlsec");
        assertEquals(0, Cli.run("train", "--data", dir.resolve("a.csv").toString(), "--label", "DEFAULT", "--drop", "ID",
                "--features", BackdoorCliTest.TALK, "--trees", "5", "--max-depth", "3", "--min-leaf", "100",
                "--test-fraction", "0", "--out", model.toString()).code());
        return ModelIo.load(model);
    }

    /** The API, guarded by a schema inferred from every column of its training data (not only the model's). */
    private GuardedServer serve(LocalModel m, String output) {
        GuardConfig c = new GuardConfig(true, 1000, 1 << 20, Map.of(), false, 0, 0, 0, output, 2, 0, 0, false, "log", null);
        InputSchema full = InputSchema.infer(CsvReader.read(dir.resolve("a.csv"), CsvOptions.labelled("DEFAULT", "ID")));
        GuardedServer s = new GuardedServer(m, full, c).start("127.0.0.1", 0);
        assertTrue(s.schemaNote() != null && s.schemaNote().contains("EDUCATION"), s.schemaNote());
        return s;
    }

    /** A copy of a CSV file with only the columns {@code keep} accepts (the attacker's rows carry no label). */
    private Path columns(Path in, String name, Predicate<String> keep) throws IOException {
        return copyColumns(in, dir.resolve(name), keep);
    }

    /** A copy of {@code in} at {@code out} with only the columns {@code keep} accepts. */
    static Path copyColumns(Path in, Path out, Predicate<String> keep) throws IOException {
        List<String> lines = Files.readAllLines(in);
        String[] header = lines.get(0).split(",");
        List<Integer> kept = new ArrayList<>();
        for (int j = 0; j < header.length; j++) {
            if (keep.test(header[j])) {
                kept.add(j);
            }
        }
        List<String> copy = new ArrayList<>();
        for (String line : lines) {
            String[] cells = line.split(",", -1);
            copy.add(String.join(",", kept.stream().map(j -> cells[j]).toList()));
        }
        return Files.write(out, copy);
    }

    private Path talkOnly(Path in, String name, int rows) throws IOException {
        List<String> talk = Arrays.asList(BackdoorCliTest.TALK.split(","));
        Path p = columns(in, name, talk::contains);
        List<String> lines = Files.readAllLines(p);
        Files.write(p, lines.subList(0, Math.min(lines.size(), rows + 1)));
        return p;
    }

    @Test
    void pathFindingCopiesTheApiFromUnlabelledRows() throws IOException {
        LocalModel m = trainTalksModel();
        Path known = columns(dir.resolve("known.csv"), "known-unlabelled.csv", c -> !c.equals("DEFAULT"));
        Path eval = columns(dir.resolve("eval.csv"), "eval-unlabelled.csv", c -> !c.equals("DEFAULT"));
        Path json = dir.resolve("path.json");
        try (GuardedServer server = serve(m, "label")) {
            Cli s = Cli.run("attack", "steal", "--target", "http://127.0.0.1:" + server.port() + "/predict",
                    "--data", known.toString(), "--drop", "ID", "--features", BackdoorCliTest.TALK, "--labels-only",
                    "--strategy", "path", "--budget", "2000", "--eval", eval.toString(), "--json", json.toString());
            assertEquals(0, s.code(), s.err());
            assertTrue(s.err().contains("learnt the API's classes [0, 1]") && s.err().contains("100 queries"), s.err());
            assertTrue(s.err().contains("fidelity only"), s.err());
        }
        JsonNode j = CliTest.json(json);
        assertEquals("path", j.get("strategy").asText());
        assertEquals(100, j.get("class_discovery_queries").asInt(), j.toString());
        assertTrue(j.get("queries").asInt() <= 2000 && j.get("queries").asInt() > 100, j.toString());
        assertEquals(7500, j.get("eval_rows").asInt(), j.toString());
        assertTrue(j.get("fidelity").asDouble() >= 0.999, j.toString());
        assertFalse(j.has("surrogate_accuracy"), "no labels, no accuracy: " + j);
    }

    @Test
    void givenClassesAreTakenVerbatimAndCostNothing() throws IOException {
        LocalModel m = trainTalksModel();
        Path known = talkOnly(dir.resolve("known.csv"), "known-talk.csv", 3000);
        Path json = dir.resolve("learn.json");
        try (GuardedServer server = serve(m, "label")) {
            Cli s = Cli.run("attack", "steal", "--target", "http://127.0.0.1:" + server.port() + "/predict",
                    "--data", known.toString(), "--classes", "0,1", "--labels-only", "--strategy", "learn",
                    "--budget", "300", "--json", json.toString());
            assertEquals(0, s.code(), s.err());
            assertTrue(s.err().contains("taken as given: [0, 1]"), s.err());
        }
        JsonNode j = CliTest.json(json);
        assertFalse(j.has("class_discovery_queries"), j.toString());
        assertTrue(j.get("queries").asInt() <= 300, j.toString());
    }

    @Test
    void evasionAndMembershipRunAgainstTheUrlWithoutLabels() throws IOException {
        LocalModel m = trainTalksModel();
        Path known = talkOnly(dir.resolve("known.csv"), "known-talk.csv", 2000);
        try (GuardedServer server = serve(m, "label")) {
            String url = "http://127.0.0.1:" + server.port() + "/predict";
            Path ev = dir.resolve("evade.json");
            Cli e = Cli.run("attack", "evade", "--target", url, "--data", known.toString(), "--from", "1",
                    "--rows", "5", "--budget-queries", "300", "--method", "boundary", "--threads", "1",
                    "--json", ev.toString());
            assertEquals(0, e.code(), e.err());
            assertTrue(e.err().contains("learnt the API's classes [0, 1]"), e.err());
            JsonNode j = CliTest.json(ev);
            assertEquals(100, j.get("class_discovery_queries").asInt(), j.toString());
            assertTrue(j.get("rows").asInt() > 0, j.toString());
        }
        Path members = talkOnly(dir.resolve("a.csv"), "members.csv", 300);
        Path nonMembers = talkOnly(dir.resolve("eval.csv"), "non-members.csv", 300);
        try (GuardedServer server = serve(m, "probabilities")) {
            Path mj = dir.resolve("membership.json");
            Cli r = Cli.run("attack", "membership", "--model", "http://127.0.0.1:" + server.port() + "/predict_proba",
                    "--members", members.toString(), "--non-members", nonMembers.toString(), "--algo", "rf",
                    "--method", "lira", "--references", "2", "--json", mj.toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(r.err().contains("labelled with the API's answers (600 queries)"), r.err());
            JsonNode j = CliTest.json(mj);
            assertEquals(600, j.get("labelling_queries").asInt(), j.toString());
            assertTrue(j.get("target_queries").asInt() >= 600 + j.get("class_discovery_queries").asInt(), j.toString());
            assertTrue(j.get("auc").asDouble() >= 0 && j.get("auc").asDouble() <= 1, j.toString());
            Cli noAlgo = Cli.run("attack", "membership", "--model", "http://127.0.0.1:" + server.port() + "/predict",
                    "--members", members.toString(), "--non-members", nonMembers.toString());
            assertEquals(2, noAlgo.code(), noAlgo.err());
            assertTrue(noAlgo.err().contains("--algo is required"), noAlgo.err());
        }
    }
}
