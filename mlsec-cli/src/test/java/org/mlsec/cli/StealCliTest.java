package org.mlsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.defences.preprocessor.InputSchema;
import org.mlsec.model.LocalModel;
import org.mlsec.model.ModelIo;
import org.mlsec.model.tree.ForestModel;
import org.mlsec.server.GuardConfig;
import org.mlsec.server.GuardedServer;

/** Model stealing against a real label-only server running the talk's model trained on the real data. */
class StealCliTest {
    @TempDir
    Path dir;

    /** Half the real data trains the talk's model; of the rest, half is known to the attacker, half held out. */
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

    private GuardedServer serveLabelsOnly(LocalModel m) {
        GuardConfig labelOnly = new GuardConfig(true, 1000, 1 << 20, Map.of(), false, 0, 0, 0, "label", 2, 0, 0, false,
                "log", null);
        return new GuardedServer(m, InputSchema.infer(org.mlsec.data.CsvReader.read(dir.resolve("a.csv"), m.schema(),
                org.mlsec.data.CsvOptions.labelled("DEFAULT"))), labelOnly).start("127.0.0.1", 0);
    }

    /** {@code attack steal} against the server, as the attacker would run it, plus the given options. */
    private Cli steal(GuardedServer server, String... more) {
        List<String> args = new ArrayList<>(List.of("attack", "steal", "--target",
                "http://127.0.0.1:" + server.port() + "/predict", "--data", dir.resolve("known.csv").toString(),
                "--label", "DEFAULT", "--drop", "ID", "--features", BackdoorCliTest.TALK, "--labels-only",
                "--eval", dir.resolve("eval.csv").toString()));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(new String[0]));
    }

    @Test
    void labelOnlyServerIsCopiedWithFidelityOneInTwoThousandQueries() throws IOException {
        LocalModel m = trainTalksModel();
        try (GuardedServer server = serveLabelsOnly(m)) {
            Path json = dir.resolve("steal.json");
            Cli s = steal(server, "--strategy", "learn", "--active", "--budget", "2000",
                    "--out", dir.resolve("stolen.mlsec").toString(), "--json", json.toString());
            assertEquals(0, s.code(), s.err());
            JsonNode j = CliTest.json(json);
            assertTrue(j.get("queries").asInt() <= 2000, j.toString());
            assertEquals(1.0, j.get("fidelity").asDouble(), 0.0005, j.toString());
            assertEquals("learn-active", j.get("strategy").asText());
        }
        assertTrue(Files.exists(dir.resolve("stolen.mlsec")));
    }

    @Test
    void pathFindingCopiesTheLabelOnlyServerExactlyInTwoThousandQueries() throws IOException {
        LocalModel m = trainTalksModel();
        Path json = dir.resolve("path.json");
        Path stolen = dir.resolve("path.mlsec");
        try (GuardedServer server = serveLabelsOnly(m)) {
            Cli s = steal(server, "--strategy", "path", "--budget", "2000", "--out", stolen.toString(),
                    "--json", json.toString());
            assertEquals(0, s.code(), s.err());
            assertTrue(s.out().contains("label-changing thresholds found"), s.out());
        }
        JsonNode j = CliTest.json(json);
        assertEquals("path", j.get("strategy").asText());
        assertTrue(j.get("queries").asInt() <= 2000, j.toString());
        // Every one of the 7,500 held-out rows gets the target's answer.
        assertEquals(7500, j.get("eval_rows").asInt(), j.toString());
        assertEquals(1.0, j.get("fidelity").asDouble(), j.toString());
        assertEquals(j.get("target_accuracy").asDouble(), j.get("surrogate_accuracy").asDouble(), j.toString());
        LocalModel copy = ModelIo.load(stolen);
        assertEquals(ForestModel.DECISION_TREE, copy.kind());
    }

    @Test
    void badPathParametersExitWithTwo() {
        LocalModel m = trainTalksModel();
        try (GuardedServer server = serveLabelsOnly(m)) {
            Cli small = steal(server, "--strategy", "path", "--budget", "5");
            assertEquals(2, small.code(), small.err());
            assertTrue(small.err().contains("--budget must be at least 10"), small.err());
            Cli unknown = steal(server, "--strategy", "paths");
            assertEquals(2, unknown.code(), unknown.err());
            assertTrue(unknown.err().contains("learn, learn-active, sweep, path, equation"), unknown.err());
        }
    }

    @Test
    void equationSolvingIsBlockedByAServerWithReferenceDataButNotByAnOpenOne() throws IOException {
        trainTalksModel();
        Path lr = dir.resolve("lr.mlsec");
        assertEquals(0, Cli.run("train", "--data", dir.resolve("a.csv").toString(), "--label", "DEFAULT", "--drop", "ID",
                "--features", BackdoorCliTest.TALK, "--algo", "lr", "--test-fraction", "0", "--out", lr.toString()).code());
        LocalModel m = ModelIo.load(lr);
        org.mlsec.data.Dataset reference = org.mlsec.data.CsvReader.read(dir.resolve("a.csv"), m.schema(),
                org.mlsec.data.CsvOptions.labelled("DEFAULT"));
        for (boolean detect : new boolean[] {false, true}) {
            GuardConfig c = new GuardConfig(true, 1000, 1 << 20, Map.of(), false, 0, 0, 0, "probabilities", 2, 0, 0, detect,
                    "block", null);
            try (GuardedServer server = new GuardedServer(m, InputSchema.infer(reference), c, reference).start("127.0.0.1", 0)) {
                Cli r = Cli.run("attack", "steal", "--target", "http://127.0.0.1:" + server.port() + "/predict_proba",
                        "--data", dir.resolve("known.csv").toString(), "--label", "DEFAULT", "--drop", "ID", "--features",
                        BackdoorCliTest.TALK, "--strategy", "equation", "--eval", dir.resolve("eval.csv").toString());
                if (detect) {
                    assertTrue(r.code() != 0 && r.err().contains("403"), r.out() + r.err());
                } else {
                    assertEquals(0, r.code(), r.err());
                    assertTrue(r.out().contains("fidelity 1.0000"), r.out());
                }
            }
        }
    }
}
