package org.mlsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.internal.Json;

class CliTest {
    @TempDir
    static Path dir;
    static Path data;

    @BeforeAll
    static void generate() {
        data = dir.resolve("clients.csv");
        Cli r = Cli.run("data", "generate", "--rows", "5000", "--seed", "3", "--out", data.toString());
        assertEquals(0, r.code(), r.err());
    }

    static JsonNode json(Path f) throws IOException {
        return Json.MAPPER.readTree(f.toFile());
    }

    /** Accuracy recomputed from the predict command's CSV against the file's labels. */
    static double accuracyOfPredictions(Path predictions, Path labelled) throws IOException {
        List<String> pred = Files.readAllLines(predictions);
        List<String> rows = Files.readAllLines(labelled);
        int labelCol = List.of(rows.get(0).split(",")).indexOf("DEFAULT");
        int ok = 0;
        for (int i = 1; i < rows.size(); i++) {
            String truth = rows.get(i).split(",")[labelCol];
            ok += pred.get(i).split(",")[1].equals(truth) ? 1 : 0;
        }
        return (double) ok / (rows.size() - 1);
    }

    @Test
    void trainEvaluateAndPredictAgree() throws IOException {
        Path model = dir.resolve("m.mlsec");
        Cli t = Cli.run("train", "--data", data.toString(), "--label", "DEFAULT", "--drop", "ID", "--algo", "rf",
                "--trees", "30", "--out", model.toString(), "--json", dir.resolve("train.json").toString());
        assertEquals(0, t.code(), t.err());
        JsonNode tj = json(dir.resolve("train.json"));
        assertEquals(4500, tj.get("rows_train").asInt());
        assertEquals(500, tj.get("rows_test").asInt());
        assertTrue(tj.get("test_accuracy").asDouble() > 0.78, tj.toString());
        assertTrue(tj.get("train_accuracy").asDouble() >= tj.get("test_accuracy").asDouble());

        Cli e = Cli.run("evaluate", "--model", model.toString(), "--data", data.toString(), "--json",
                dir.resolve("eval.json").toString());
        assertEquals(0, e.code(), e.err());
        JsonNode ej = json(dir.resolve("eval.json"));
        Path preds = dir.resolve("preds.csv");
        Cli p = Cli.run("predict", "--model", model.toString(), "--data", data.toString(), "--out", preds.toString());
        assertEquals(0, p.code(), p.err());
        assertEquals(ej.get("accuracy").asDouble(), accuracyOfPredictions(preds, data), 1e-12);
        assertTrue(ej.get("auc").asDouble() > 0.7);
    }

    @Test
    void everyAlgorithmTrainsFromTheCommandLine() {
        for (String algo : List.of("gbt", "lr", "tree")) {
            Cli t = Cli.run("train", "--data", data.toString(), "--label", "DEFAULT", "--drop", "ID", "--algo", algo,
                    "--out", dir.resolve(algo + ".mlsec").toString());
            assertEquals(0, t.code(), algo + ": " + t.err());
            assertTrue(t.out().contains("test accuracy"), t.out());
        }
    }

    @Test
    void demoTellsTheStoryAndWritesFigures() throws IOException {
        Path out = dir.resolve("demo");
        Cli d = Cli.run("demo", "--out", out.toString(), "--json", dir.resolve("demo.json").toString());
        assertEquals(0, d.code(), d.err());
        assertTrue(d.out().contains("Layman Brothers") && d.out().contains("random forest of 5 trees"), d.out());
        JsonNode j = json(dir.resolve("demo.json"));
        assertEquals("PAY_0", j.at("/model/top_feature").asText());
        assertTrue(j.at("/model/test_accuracy").asDouble() > 0.79);
        assertTrue(Files.exists(out.resolve("credit-model.mlsec")));
        assertTrue(d.out().contains("7. Evasion"), d.out());
        assertTrue(j.at("/evasion/white_box/success_rate").asDouble() >= 0.9, j.at("/evasion").toString());
        assertEquals(4, j.at("/evasion/defences").size());
        // Every figure of the demo, frozen (issue 17); the Flask API's part only where Flask is installed.
        if (!FlaskAuditTest.flaskAvailable()) {
            assertTrue(j.at("/skipped/model_stealing.flask").isTextual(), j.at("/skipped").toString());
            ((com.fasterxml.jackson.databind.node.ObjectNode) j.get("model_stealing")).remove("flask");
            ((com.fasterxml.jackson.databind.node.ObjectNode) j.get("skipped")).remove("model_stealing.flask");
            JsonNode frozen = org.mlsec.internal.Json.MAPPER.readTree(GoldenJsonTest.GOLDEN.resolve("demo.json").toFile());
            ((com.fasterxml.jackson.databind.node.ObjectNode) j.get("model_stealing")).set("flask",
                    GoldenJsonTest.normalise(frozen.at("/model_stealing/flask"), dir));
        }
        GoldenJsonTest.assertUnchanged("demo", j, dir);
    }

    @Test
    void badInputExitsTwoWithWhereItIs() throws IOException {
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "a,b,DEFAULT\n1,2,0\n3,4\n");
        Cli r = Cli.run("train", "--data", bad.toString(), "--label", "DEFAULT", "--out", dir.resolve("x").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("bad.csv line 3") && !r.err().contains("\tat "), r.err());

        r = Cli.run("train", "--data", data.toString(), "--label", "NOPE", "--out", dir.resolve("x").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("no label column 'NOPE'"), r.err());

        r = Cli.run("train", "--data", data.toString(), "--label", "DEFAULT", "--algo", "svm", "--out", "x");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown algorithm 'svm'"), r.err());

        r = Cli.run("train", "--data", data.toString(), "--label", "DEFAULT", "--trees", "0", "--out", "x");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--trees must be positive"), r.err());

        r = Cli.run("evaluate", "--model", bad.toString(), "--data", data.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("is a text file, not a model format mlsec reads"), r.err());

        r = Cli.run("train", "--data", data.toString());
        assertEquals(2, r.code(), "missing --out is a usage error");

        r = Cli.run("frobnicate");
        assertEquals(2, r.code());
    }

    @Test
    void versionAndHelp() {
        Cli v = Cli.run("--version");
        assertEquals(0, v.code());
        assertTrue(v.out().startsWith("mlsec "), v.out());
        for (String cmd : List.of("train", "evaluate", "predict", "demo")) {
            Cli h = Cli.run(cmd, "--help");
            assertEquals(0, h.code());
            assertFalse(h.out().isBlank());
        }
    }

    @Test
    void everyCommandsHelpRendersCleanly() {
        List<List<String>> paths = new java.util.ArrayList<>();
        collect(Main.commandLine(), new java.util.ArrayList<>(), paths);
        assertTrue(paths.size() > 30, "commands found: " + paths.size());
        for (List<String> path : paths) {
            List<String> args = new java.util.ArrayList<>(path);
            args.add("--help");
            Cli h = Cli.run(args.toArray(new String[0]));
            assertEquals(0, h.code(), String.join(" ", path));
            assertFalse(h.out().isBlank(), String.join(" ", path));
            assertFalse(h.err().contains("WARN"), String.join(" ", path) + ": " + h.err());
        }
    }

    private static void collect(picocli.CommandLine cl, List<String> path, List<List<String>> out) {
        for (var sub : cl.getSubcommands().entrySet()) {
            if (sub.getValue().getCommandSpec().aliases().length > 0
                    && !sub.getKey().equals(sub.getValue().getCommandName())) {
                continue;
            }
            List<String> p = new java.util.ArrayList<>(path);
            p.add(sub.getKey());
            out.add(p);
            collect(sub.getValue(), p, out);
        }
    }
}
