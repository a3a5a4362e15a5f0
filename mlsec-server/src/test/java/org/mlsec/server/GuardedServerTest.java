package org.mlsec.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.Progress;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.CsvWriter;
import org.mlsec.data.Dataset;
import org.mlsec.demo.LaymanBrothers;
import org.mlsec.defences.preprocessor.InputSchema;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;
import org.mlsec.model.remote.HttpClassifier;

class GuardedServerTest {
    @TempDir
    static Path dir;
    static Dataset data;
    static LocalModel model;
    static InputSchema schema;
    GuardedServer server;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void train() {
        Path f = dir.resolve("clients.csv");
        CsvWriter.write(LaymanBrothers.generate(3_000, 5), f);
        data = CsvReader.read(f, CsvOptions.labelled("DEFAULT", "ID"));
        model = Trainer.train(data, TrainConfig.defaults(Algorithm.RF).withTrees(20), "t", Progress.NONE);
        schema = InputSchema.infer(data);
    }

    GuardedServer start(GuardConfig c) {
        server = new GuardedServer(model, schema, c).start("127.0.0.1", 0);
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    HttpResponse<String> post(String path, String body, String key) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("X-API-Key", key);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    String record(int i) {
        return new HttpClassifierBody(model).of(data.row(i));
    }

    @Test
    void answersLikeTheFlaskAppAndTheModel() throws Exception {
        start(GuardConfig.defaults());
        HttpClassifier remote = new HttpClassifier(model.schema(),
                HttpClassifier.Config.of(URI.create("http://127.0.0.1:" + server.port() + "/predict_proba")));
        double[][] rows = Arrays.copyOf(data.x(), 200);
        assertTrue(Arrays.equals(model.predict(rows), remote.predict(rows)));
        assertEquals(model.predictProba(rows)[3][1], remote.predictProba(rows)[3][1], 1e-12);
    }

    @Test
    void badInputGetsAClearFourHundred() throws Exception {
        start(GuardConfig.defaults());
        String ok = record(0);
        assertEquals(200, post("/predict", "[" + ok + "]", null).statusCode());
        assertEquals(400, post("/predict", "[{\"AGE\": ", null).statusCode());
        assertEquals(400, post("/predict", "[{\"AGE\": NaN}]", null).statusCode());
        HttpResponse<String> missing = post("/predict", "[" + ok.replace("\"AGE\":", "\"AGX\":") + "]", null);
        assertEquals(422, missing.statusCode());
        assertTrue(missing.body().contains("\"field\":\"AGX\""), missing.body());
        HttpResponse<String> type = post("/predict", "[" + ok.replaceFirst("\"AGE\":\\d+", "\"AGE\":\"old\"") + "]", null);
        assertEquals(422, type.statusCode());
        assertTrue(type.body().contains("not a number") && type.body().contains("AGE"), type.body());
        HttpResponse<String> range = post("/predict", "[" + ok.replaceFirst("\"AGE\":\\d+", "\"AGE\":999") + "]", null);
        assertEquals(422, range.statusCode());
        assertTrue(range.body().contains("AGE") && range.body().contains("rule"), range.body());
        String big = "[" + String.join(",", java.util.Collections.nCopies(100_000, ok)) + "]";
        int code = post("/predict", big, null).statusCode();
        assertTrue(code == 413, "100,000 rows / 10+ MB: " + code);
        assertEquals(413, post("/predict", "[" + String.join(",", java.util.Collections.nCopies(1_001, ok)) + "]", null)
                .statusCode());
    }

    @Test
    void apiKeysAndRateLimits() throws Exception {
        GuardConfig d = GuardConfig.defaults();
        start(new GuardConfig(true, 1000, 1 << 20, Map.of("k1", "alice"), false, 1, 3, 0, "rounded", 1, 0, 0, false, "log", null));
        assertEquals(401, post("/predict", "[" + record(0) + "]", null).statusCode());
        assertEquals(401, post("/predict", "[" + record(0) + "]", "nope").statusCode());
        int limited = 0;
        for (int i = 0; i < 6; i++) {
            limited += post("/predict", "[" + record(i) + "]", "k1").statusCode() == 429 ? 1 : 0;
        }
        assertTrue(limited >= 2, "burst of 3 at 1/s: " + limited + " refused");
        assertTrue(d.validate());
    }

    @Test
    void gridSweepIsDetectedAndBlockedAndEverythingIsAudited() throws Exception {
        Path log = dir.resolve("audit.jsonl");
        GuardConfig c = new GuardConfig(true, 1000, 1 << 20, Map.of(), false, 0, 0, 0, "probabilities", 2, 0, 0, true, "block",
                log.toString());
        start(c);
        double[] base = data.row(0).clone();
        int age = model.schema().indexOf("AGE");
        int blockedAt = -1;
        for (int q = 0; q < 100; q++) {
            double[] r = base.clone();
            r[age] = 21 + q % 50;
            int s = post("/predict", "[" + new HttpClassifierBody(model).of(r) + "]", null).statusCode();
            if (s == 403) {
                blockedAt = q;
                break;
            }
        }
        assertTrue(blockedAt > 0 && blockedAt <= 70, "blocked after " + blockedAt + " sweep queries");
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(metrics.body().contains("mlsec_alerts_total{detector=\"grid-sweep\"}"), metrics.body());
        server.close();
        server = null;
        assertEquals(blockedAt + 1, Files.readAllLines(log).size(), "one audit line per request");
    }

    /** Builds request records as the HTTP adapter does. */
    record HttpClassifierBody(LocalModel m) {
        String of(double[] row) {
            StringBuilder sb = new StringBuilder("{");
            for (int j = 0; j < m.schema().width(); j++) {
                var c = m.schema().feature(j);
                String v = c.format(row[j]);
                sb.append(j == 0 ? "" : ",").append('"').append(c.name()).append("\":")
                        .append(c.isCategorical() ? "\"" + v + "\"" : v);
            }
            return sb.append('}').toString();
        }
    }

    @Test
    void aStalledClientIsCutOffWhileOthersAreServed() throws Exception {
        start(GuardConfig.defaults().withIdleTimeout(500));
        try (java.net.Socket slow = new java.net.Socket("127.0.0.1", server.port())) {
            slow.setSoTimeout(10_000);
            // Headers promise a body that never comes: the slow half of a slowloris.
            slow.getOutputStream().write(("POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100000\r\n\r\n[{\"LIMIT_BAL\": 1").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            slow.getOutputStream().flush();
            long t0 = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                assertEquals(200, post("/predict", "[" + record(i) + "]", null).statusCode());
            }
            byte[] buf = new byte[4096];
            int n;
            StringBuilder answer = new StringBuilder();
            while ((n = slow.getInputStream().read(buf)) > 0) {
                answer.append(new String(buf, 0, n, java.nio.charset.StandardCharsets.US_ASCII));
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertTrue(seconds < 5, "the stalled connection was closed after " + seconds + " s");
            assertTrue(answer.toString().startsWith("HTTP/1.1 408"), "a clear 408, never a 5xx: " + answer);
        }
        assertEquals(200, post("/predict", "[" + record(0) + "]", null).statusCode());
    }
}
