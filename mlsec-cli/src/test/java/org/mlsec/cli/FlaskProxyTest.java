package org.mlsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.attacks.extraction.Extraction;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.Dataset;
import org.mlsec.defences.preprocessor.InputSchema;
import org.mlsec.internal.Json;
import org.mlsec.model.Algorithm;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.remote.HttpClassifier;
import org.mlsec.model.remote.RefusedException;
import org.mlsec.server.GuardConfig;
import org.mlsec.server.GuardedServer;
import org.mlsec.server.GuardingProxy;

/**
 * The guarding proxy in front of the talk's Flask + scikit-learn API (a forest of 5 trees of depth 3 trained on half
 * the real data, started by the test; skipped without python3, flask and scikit-learn): with guards off it is
 * transparent (label-only path-finding copies the API through it as directly), with detection on and
 * {@code on_alert: block} every stealing strategy is blocked within 200 queries, and benign held-out rows raise no
 * alert. The schema is inferred from every column of the API's training data; the API reads the talk's nine.
 */
class FlaskProxyTest {
    static final List<String> TALK = Arrays.asList(BackdoorCliTest.TALK.split(","));

    @TempDir
    static Path dir;
    static TalkApi api;
    static String flask;
    static InputSchema schema;

    @BeforeAll
    static void startFlask() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(RealDataTest.REAL), "the real data is not in ../shared");
        Assumptions.assumeTrue(FlaskAuditTest.flaskAvailable(), "python3 with flask and scikit-learn is not installed");
        Path rest = dir.resolve("rest.csv");
        Cli.run("data", "split", "--data", RealDataTest.REAL.toString(), "--fraction", "0.5", "--seed", "1",
                "--out-first", dir.resolve("a.csv").toString(), "--out-second", rest.toString());
        Cli.run("data", "split", "--data", rest.toString(), "--fraction", "0.5", "--seed", "2",
                "--out-first", dir.resolve("known.csv").toString(), "--out-second", dir.resolve("eval.csv").toString());
        columns(dir.resolve("a.csv"), "train-talk.csv", c -> TALK.contains(c) || c.equals("DEFAULT"));
        columns(dir.resolve("a.csv"), "reference.csv", TALK::contains);
        columns(dir.resolve("known.csv"), "known-unlabelled.csv", c -> !c.equals("DEFAULT"));
        columns(dir.resolve("eval.csv"), "eval-unlabelled.csv", c -> !c.equals("DEFAULT"));
        schema = InputSchema.infer(CsvReader.read(dir.resolve("a.csv"), CsvOptions.labelled("DEFAULT", "ID")));
        api = TalkApi.start(dir.resolve("train-talk.csv"), "DEFAULT", dir, "--trees", "5", "--max-depth", "3",
                "--min-leaf", "100");
        flask = api.url("/predict");
    }

    @AfterAll
    static void stopFlask() throws InterruptedException {
        if (api != null) {
            api.close();
        }
    }

    static Path columns(Path in, String name, Predicate<String> keep) throws IOException {
        return UnlabelledAttacksCliTest.copyColumns(in, dir.resolve(name), keep);
    }

    static GuardingProxy proxy(GuardConfig g, Path reference) {
        GuardingProxy p = GuardingProxy.open(HttpClassifier.Config.of(URI.create(flask)), schema, TALK, g, reference,
                null);
        p.server().start("127.0.0.1", 0);
        return p;
    }

    static Cli pathFinding(String target, Path json) {
        return Cli.run("attack", "steal", "--target", target, "--data", dir.resolve("known-unlabelled.csv").toString(),
                "--drop", "ID", "--features", BackdoorCliTest.TALK, "--labels-only", "--strategy", "path", "--budget",
                "2000", "--eval", dir.resolve("eval-unlabelled.csv").toString(), "--json", json.toString());
    }

    @Test
    void pathFindingCopiesTheApiThroughTheProxyWithGuardsOffAsDirectly() throws IOException {
        Path direct = dir.resolve("direct.json");
        Cli d = pathFinding(flask, direct);
        assertEquals(0, d.code(), d.err());
        Path audit = dir.resolve("off-audit.jsonl");
        GuardingProxy p = proxy(GuardConfig.off().withAuditLog(audit.toString()), dir.resolve("reference.csv"));
        Path proxied = dir.resolve("proxied.json");
        Cli r;
        try {
            assertTrue(p.notes().get(0).contains("EDUCATION"), p.notes().toString());
            r = pathFinding("http://127.0.0.1:" + p.server().port() + "/predict", proxied);
            assertEquals(0, r.code(), r.err());
        } finally {
            p.server().close();
        }
        for (Path json : List.of(direct, proxied)) {
            JsonNode j = CliTest.json(json);
            System.out.println("path-finding " + json.getFileName() + ": " + j.get("queries") + " queries, fidelity "
                    + j.get("fidelity"));
            assertTrue(j.get("queries").asInt() <= 2000, j.toString());
            assertEquals(7500, j.get("eval_rows").asInt(), j.toString());
            assertTrue(j.get("fidelity").asDouble() >= 0.999, j.toString());
        }
        // Every row the attack sent went upstream and back, and every request has its audit line.
        List<String> lines = Files.readAllLines(audit);
        long rows = lines.stream().map(FlaskProxyTest::json).mapToLong(a -> a.get("rows").asLong()).sum();
        assertTrue(lines.stream().map(FlaskProxyTest::json).allMatch(a -> a.get("status").asInt() == 200), "no 5xx");
        // The attack's queries (the 100 that learnt the classes included) and the 7,500 rows its fidelity is measured on.
        JsonNode j = CliTest.json(proxied);
        assertEquals(100, j.get("class_discovery_queries").asLong(), j.toString());
        assertEquals(j.get("queries").asLong() + j.get("eval_rows").asLong(), rows);
        assertEquals(p.upstream().sent(), lines.size());
    }

    @Test
    void everyStealingStrategyIsBlockedWithin200Queries() throws IOException {
        GuardConfig g = new GuardConfig(true, 1000, 1 << 20, Map.of(), false, 0, 0, 0, "probabilities", 2, 0, 0, true,
                "block", null);
        Dataset known = CsvReader.read(dir.resolve("known-unlabelled.csv"), CsvOptions.unlabelled("ID"));
        Map<String, Long> blockedAfter = new LinkedHashMap<>();
        for (String strategy : List.of("learn", "path", "sweep", "equation")) {
            // A fresh proxy per strategy: one attacker's block does not carry over to the next.
            GuardingProxy p = proxy(g, dir.resolve("reference.csv"));
            try {
                boolean proba = strategy.equals("equation");
                HttpClassifier target = new HttpClassifier(p.upstream().schema(), HttpClassifier.Config
                        .of(URI.create("http://127.0.0.1:" + p.server().port() + (proba ? "/predict_proba" : "/predict")))
                        .withPaths("prediction", proba ? "probability" : null).withBatchSize(proba ? 1000 : 1)
                        .withRetries(0, Duration.ofMillis(1)));
                Dataset rows = new Dataset(p.upstream().schema(), known.select(p.upstream().schema().featureNames()).x(),
                        null);
                TrainConfig surrogate = TrainConfig.defaults(Algorithm.RF).withSeed(1);
                RefusedException refused = org.junit.jupiter.api.Assertions.assertThrows(RefusedException.class,
                        () -> steal(strategy, target, rows, surrogate), strategy + " was not blocked");
                assertEquals(403, refused.status(), refused.getMessage());
                blockedAfter.put(strategy, target.queries());
            } finally {
                p.server().close();
            }
        }
        System.out.println("blocked after (queries answered): " + blockedAfter);
        blockedAfter.forEach((s, q) -> assertTrue(q <= 200, s + " got " + q + " answers before it was blocked"));
    }

    private static void steal(String strategy, HttpClassifier target, Dataset known, TrainConfig surrogate) {
        var chosen = Extraction.Strategy.of(strategy.equals("learn") ? "learn-active" : strategy);
        Extraction.Plan plan;
        if (chosen == Extraction.Strategy.SWEEP) {
            // The talk's curl loops: PAY_0 x PAY_2, in this order (a Map.of would order them by the JVM's salt).
            Map<String, List<String>> vary = new LinkedHashMap<>();
            vary.put("PAY_0", Extraction.values("-2..8"));
            vary.put("PAY_2", Extraction.values("-2..8"));
            plan = Extraction.Plan.sweep(vary, Map.of(), known, 2000, 1);
        } else {
            plan = Extraction.Plan.of(chosen, known, 2000, 1);
        }
        Extraction.extract(target, plan.withSurrogate(surrogate), org.mlsec.Progress.NONE);
    }

    @Test
    void benignHeldOutRowsOverFiveApiKeysRaiseNoAlert() throws Exception {
        Map<String, String> keys = new LinkedHashMap<>();
        for (int k = 1; k <= 5; k++) {
            keys.put("key-" + k, "client-" + k);
        }
        Path audit = dir.resolve("benign-audit.jsonl");
        GuardConfig g = new GuardConfig(true, 1000, 1 << 20, keys, false, 0, 0, 0, "probabilities", 2, 0, 0, true,
                "block", audit.toString());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String f : List.of("known.csv", "eval.csv")) {
            // The rows as a client sends them: the CSV's own values.
            List<String> lines = Files.readAllLines(dir.resolve(f));
            List<String> header = Arrays.asList(lines.get(0).split(","));
            for (String line : lines.subList(1, lines.size())) {
                if (rows.size() == 10_000) {
                    break;
                }
                String[] cells = line.split(",", -1);
                Map<String, Object> rec = new LinkedHashMap<>();
                for (String c : TALK) {
                    rec.put(c, Double.parseDouble(cells[header.indexOf(c)]));
                }
                rows.add(rec);
            }
        }
        assertEquals(10_000, rows.size());
        GuardingProxy p = proxy(g, dir.resolve("reference.csv"));
        HttpClient http = HttpClient.newHttpClient();
        Map<Integer, Integer> statuses = new java.util.TreeMap<>();
        try {
            // 500 requests of 20 rows, the five clients taking turns.
            for (int b = 0; b < 500; b++) {
                String body = Json.MAPPER.writeValueAsString(rows.subList(b * 20, b * 20 + 20));
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + p.server().port() + "/predict_proba")).header("X-API-Key", "key-" + (b % 5 + 1))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                statuses.merge(r.statusCode(), 1, Integer::sum);
                if (r.statusCode() != 200 && statuses.get(r.statusCode()) == 1) {
                    System.out.println("benign request refused: " + r.body());
                }
            }
        } finally {
            p.server().close();
        }
        List<JsonNode> lines = Files.readAllLines(audit).stream().map(FlaskProxyTest::json).toList();
        List<JsonNode> alerted = lines.stream().filter(a -> a.get("alerts").size() > 0).toList();
        System.out.println("benign replay: " + statuses + ", alerts " + alerted);
        assertEquals(500, lines.size());
        assertEquals(Map.of(200, 500), statuses, alerted.toString());
        assertEquals(List.of(), alerted);
    }

    static JsonNode json(String line) {
        try {
            return Json.MAPPER.readTree(line);
        } catch (IOException e) {
            throw new AssertionError(line, e);
        }
    }
}
