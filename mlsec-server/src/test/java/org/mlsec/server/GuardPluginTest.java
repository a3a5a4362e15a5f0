package org.mlsec.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.Progress;
import org.mlsec.data.Column;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.CsvWriter;
import org.mlsec.data.Dataset;
import org.mlsec.data.Values;
import org.mlsec.defences.postprocessor.OutputHardening;
import org.mlsec.defences.postprocessor.OutputMode;
import org.mlsec.defences.preprocessor.InputSchema;
import org.mlsec.demo.LaymanBrothers;
import org.mlsec.internal.Json;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

/**
 * The guard embedded in someone else's Javalin app: the app keeps its own scoring route and model, the plugin guards
 * it over real HTTP.
 */
class GuardPluginTest {
    @TempDir
    static Path dir;
    static Dataset data;
    static LocalModel model;
    static InputSchema schema;
    final HttpClient http = HttpClient.newHttpClient();
    /** Calls of the app's own model. */
    final AtomicInteger scored = new AtomicInteger();
    Guard guard;
    Javalin app;

    @BeforeAll
    static void train() {
        Path f = dir.resolve("clients.csv");
        CsvWriter.write(LaymanBrothers.generate(1_500, 5), f);
        data = CsvReader.read(f, CsvOptions.labelled("DEFAULT", "ID"));
        model = Trainer.train(data, TrainConfig.defaults(Algorithm.RF).withTrees(10), "t", Progress.NONE);
        schema = InputSchema.infer(data);
    }

    /** The app: its own /score route reads the records and answers Flask-style, knowing nothing of mlsec's guards. */
    void start(GuardConfig config) {
        guard = new Guard(model.schema(), schema, config, null);
        app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.registerPlugin(new GuardPlugin(guard, "/score", true));
            cfg.registerPlugin(new GuardPlugin(guard, "/broken", false));
        });
        app.post("/broken", ctx -> {
            scored.incrementAndGet();
            ctx.result("{\"label\": 1}");
        });
        app.post("/score", ctx -> {
            scored.incrementAndGet();
            List<Map<String, Object>> records = Json.MAPPER.readValue(ctx.body(),
                    new com.fasterxml.jackson.core.type.TypeReference<List<Map<String, Object>>>() { });
            double[][] rows = records.stream().map(GuardPluginTest::row).toArray(double[][]::new);
            double[][] p = model.predictProba(rows);
            List<Object> labels = java.util.Arrays.stream(model.predict(rows)).mapToObj(k -> model.classes().get(k))
                    .map(c -> (Object) Long.parseLong(c)).toList();
            ctx.json(Map.of("prediction", labels, "probability", p));
        });
        app.start("127.0.0.1", 0);
    }

    static double[] row(Map<String, Object> record) {
        double[] r = new double[model.schema().width()];
        for (int j = 0; j < r.length; j++) {
            Column c = model.schema().feature(j);
            Object v = record.get(c.name());
            r[j] = c.isCategorical() ? c.categoryIndex(Values.canonical(String.valueOf(v))) : ((Number) v).doubleValue();
        }
        return r;
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
        if (guard != null) {
            guard.close();
        }
    }

    HttpResponse<String> post(String body, String key) throws Exception {
        return post("/score", body, key);
    }

    HttpResponse<String> post(String path, String body, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("X-API-Key", key);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    String records(int... rows) {
        GuardedServerTest.HttpClassifierBody body = new GuardedServerTest.HttpClassifierBody(model);
        return "[" + String.join(",", java.util.Arrays.stream(rows).mapToObj(i -> body.of(data.row(i))).toList()) + "]";
    }

    static GuardConfig config(Map<String, String> keys, double rate, int burst, String auditLog) {
        return new GuardConfig(true, 1000, 1 << 20, keys, false, rate, burst, 0, "reverse-sigmoid", 1, 0, 0.5, true, "log",
                auditLog);
    }

    @Test
    void aValidRequestIsAnsweredByTheAppsModelWithHardenedOutput() throws Exception {
        start(config(Map.of("k1", "alice"), 0, 0, null));
        HttpResponse<String> r = post(records(0, 1, 2), "k1");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(1, scored.get());
        JsonNode body = Json.MAPPER.readTree(r.body());
        double[][] own = model.predictProba(new double[][] {data.row(0), data.row(1), data.row(2)});
        int changed = 0;
        for (int i = 0; i < 3; i++) {
            assertEquals(model.classes().get(model.predict(new double[][] {data.row(i)})[0]),
                    body.get("prediction").get(i).asText());
            double[] hardened = new OutputHardening(OutputMode.REVERSE_SIGMOID, 0, 0, 0.5, 0).harden(own[i]);
            for (int k = 0; k < own[i].length; k++) {
                double shown = body.get("probability").get(i).get(k).asDouble();
                assertEquals(hardened[k], shown, 1e-12, "the reverse sigmoid of the app's score");
                changed += shown == own[i][k] ? 0 : 1;
            }
        }
        assertTrue(changed > 0, "the app's own probabilities were not shown as they are");
    }

    @Test
    void badInputIsRefusedWithAFourHundredAndNeverReachesTheAppsModel() throws Exception {
        start(config(Map.of(), 0, 0, null));
        String ok = records(0);
        assertEquals(400, post("[{\"AGE\": ", null).statusCode());
        HttpResponse<String> range = post(ok.replaceFirst("\"AGE\":\\d+", "\"AGE\":999"), null);
        assertEquals(422, range.statusCode());
        assertTrue(range.body().contains("\"field\":\"AGE\"") && range.body().contains("rule"), range.body());
        HttpResponse<String> unknown = post(ok.replace("\"AGE\":", "\"AGX\":"), null);
        assertEquals(422, unknown.statusCode());
        assertEquals(413, post("[" + String.join(",", java.util.Collections.nCopies(1_001, ok.substring(1,
                ok.length() - 1))) + "]", null).statusCode());
        HttpResponse<String> huge = post("[" + String.join(",", java.util.Collections.nCopies(5_000, ok.substring(1,
                ok.length() - 1))) + "]", null);
        assertEquals(413, huge.statusCode(), "a body over max_body_bytes");
        assertTrue(huge.body().contains("exceeds the limit"), huge.body());
        assertEquals(0, scored.get(), "no refused request reached the app's model");
        assertEquals(200, post(ok, null).statusCode());
        assertEquals(1, scored.get());
    }

    @Test
    void aMissingOrUnknownApiKeyIsRefusedWithFourOhOne() throws Exception {
        start(config(Map.of("k1", "alice"), 0, 0, null));
        HttpResponse<String> missing = post(records(0), null);
        assertEquals(401, missing.statusCode());
        assertTrue(missing.body().contains("missing API key"), missing.body());
        assertEquals(401, post(records(0), "nope").statusCode());
        assertEquals(0, scored.get());
    }

    @Test
    void theRateLimitAnswersFourTwentyNineAndEveryRequestIsAudited() throws Exception {
        Path log = dir.resolve("plugin-audit.jsonl");
        start(config(Map.of("k1", "alice"), 1, 3, log.toString()));
        int limited = 0;
        String retryAfter = null;
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> r = post(records(i), "k1");
            if (r.statusCode() == 429) {
                limited++;
                retryAfter = r.headers().firstValue("Retry-After").orElse(null);
            }
        }
        post(records(0), null);
        assertTrue(limited >= 2, "burst of 3 at 1/s: " + limited + " refused");
        assertTrue(retryAfter != null, "a 429 says when to retry");
        assertEquals(6 - limited, scored.get());
        app.stop();
        app = null;
        guard.close();
        guard = null;
        List<String> lines = Files.readAllLines(log);
        assertEquals(7, lines.size(), "one audit line per request: " + lines);
        assertEquals(limited, lines.stream().filter(l -> l.contains("\"status\":429")).count());
        assertTrue(lines.get(0).contains("\"client\":\"alice\"") && lines.get(0).contains("\"rows\":1"), lines.get(0));
        assertTrue(lines.get(6).contains("\"status\":401"), lines.get(6));
    }

    @Test
    void anAnswerThatIsNotFlaskShapedIsABadGatewayNamingTheCause() throws Exception {
        start(config(Map.of(), 0, 0, null));
        HttpResponse<String> r = post("/broken", records(0), null);
        assertEquals(502, r.statusCode());
        assertTrue(r.body().contains("prediction") && r.body().contains("list of 1 labels"), r.body());
        assertEquals(1, scored.get(), "the app answered; its answer was refused");
    }
}
