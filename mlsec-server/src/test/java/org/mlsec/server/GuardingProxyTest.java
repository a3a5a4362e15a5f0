package org.mlsec.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.data.Column;
import org.mlsec.data.ColumnType;
import org.mlsec.data.Schema;
import org.mlsec.defences.preprocessor.InputSchema;
import org.mlsec.internal.Json;
import org.mlsec.model.remote.HttpClassifier;

/**
 * The guarding proxy in front of a stub scoring API (a JDK HttpServer speaking the Flask shape): what it forwards,
 * what it never forwards, and how it explains an upstream that fails, stalls or comes back.
 */
class GuardingProxyTest {
    static final Schema SCHEMA = new Schema(List.of(Column.numeric("x1", ColumnType.NUMERIC, 0, 10),
            Column.numeric("x2", ColumnType.NUMERIC, 0, 10)), "y", List.of("0", "1"));

    @TempDir
    Path dir;
    final HttpClient http = HttpClient.newHttpClient();
    /** How the stub answers: ok, garbage, short, unknown-class, error. */
    volatile String mode = "ok";
    /** Milliseconds the stub waits before answering a row whose x2 is 7. */
    volatile long slowMs = 0;
    final AtomicInteger received = new AtomicInteger();
    final List<String> bodies = java.util.Collections.synchronizedList(new ArrayList<>());
    HttpServer stub;
    int stubPort;
    GuardedServer proxy;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (stub != null) {
            stub.stop(0);
        }
    }

    /** The stub API: class 1 when x1 > 5, probability x1 / 10. */
    void startStub(int port) throws IOException {
        stub = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        stub.setExecutor(Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "stub");
            t.setDaemon(true);
            return t;
        }));
        stub.createContext("/predict", this::answer);
        stub.start();
        stubPort = stub.getAddress().getPort();
    }

    private void answer(HttpExchange ex) throws IOException {
        received.incrementAndGet();
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        bodies.add(body);
        JsonNode records = Json.MAPPER.readTree(body);
        StringBuilder pred = new StringBuilder();
        StringBuilder prob = new StringBuilder();
        boolean slow = false;
        for (JsonNode r : records) {
            double x1 = r.get("x1").asDouble();
            slow |= r.get("x2").asDouble() == 7;
            pred.append(pred.length() == 0 ? "" : ",").append("unknown-class".equals(mode) ? "\"7\"" : x1 > 5 ? "\"1\"" : "\"0\"");
            prob.append(prob.length() == 0 ? "" : ",").append("[").append(1 - x1 / 10).append(",").append(x1 / 10).append("]");
        }
        if (slow && slowMs > 0) {
            try {
                Thread.sleep(slowMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String out = switch (mode) {
            case "garbage" -> "<html>oops</html>";
            case "short" -> "{\"prediction\": [], \"probability\": []}";
            default -> "{\"prediction\": [" + pred + "], \"probability\": [" + prob + "]}";
        };
        byte[] bytes = out.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders("error".equals(mode) ? 500 : 200, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    GuardConfig guards(String output, Map<String, String> keys, long timeoutMs) {
        return new GuardConfig(true, 1000, 1 << 20, keys, false, 0, 0, 0, output, 1, 0, 0, false, "log",
                dir.resolve("audit.jsonl").toString()).withUpstream(timeoutMs, 16);
    }

    void startProxy(GuardConfig g) {
        HttpClassifier.Config c = HttpClassifier.Config.of(URI.create("http://127.0.0.1:" + stubPort + "/predict"));
        proxy = GuardedServer.proxy(UpstreamModel.of(SCHEMA, c, g), InputSchema.ofModel(SCHEMA), g, null)
                .start("127.0.0.1", 0);
    }

    HttpResponse<String> post(String path, String body, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("X-API-Key", key);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return Json.MAPPER.readTree(r.body());
    }

    List<JsonNode> auditLines() throws IOException {
        proxy.close();
        proxy = null;
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("audit.jsonl"))) {
            out.add(Json.MAPPER.readTree(line));
        }
        return out;
    }

    @Test
    void forwardsValidatedRowsAndHardensTheUpstreamsAnswers() throws Exception {
        startStub(0);
        startProxy(guards("rounded", Map.of(), 2_000));
        HttpResponse<String> r = post("/predict_proba", "[{\"x1\": 8.26, \"x2\": 1}, {\"x2\": 2, \"x1\": 1}]", null);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode j = json(r);
        assertEquals("[1,0]", j.get("prediction").toString());
        // The upstream said 0.826; the proxy answers it rounded to one decimal.
        assertEquals(0.8, j.at("/probability/0/1").asDouble(), 1e-12, r.body());
        assertEquals(1, received.get());
        // Sent re-encoded from the validated rows, in the schema's order.
        assertEquals("[{\"x1\":8.26,\"x2\":1},{\"x1\":1,\"x2\":2}]", bodies.get(0));
        HttpResponse<String> labels = post("/predict", "[{\"x1\": 3, \"x2\": 1}]", null);
        assertEquals("{\"prediction\":[0]}", labels.body());
    }

    @Test
    void aRequestThatFailsAGuardNeverReachesTheUpstream() throws Exception {
        startStub(0);
        startProxy(guards("label", Map.of("k1", "alice"), 2_000));
        List<HttpResponse<String>> refused = List.of(
                post("/predict", "[{\"x1\": 3, \"x2\": 1}]", null),
                post("/predict", "[{\"x1\": 3, \"x2\": 1}]", "wrong"),
                post("/predict", "[{\"x1\": 30, \"x2\": 1}]", "k1"),
                post("/predict", "[{\"x1\": 3, \"x2\": 1, \"secret\": 1}]", "k1"),
                post("/predict", "[{\"x1\": \"3; DROP TABLE\", \"x2\": 1}]", "k1"),
                post("/predict", "not json", "k1"),
                post("/predict_proba", "[{\"x1\": 3, \"x2\": 1}]", "k1"));
        List<Integer> codes = refused.stream().map(HttpResponse::statusCode).toList();
        assertEquals(List.of(401, 401, 422, 422, 422, 400, 403), codes,
                refused.stream().map(HttpResponse::body).toList().toString());
        for (HttpResponse<String> r : refused) {
            assertNotNull(json(r).get("error"), r.body());
        }
        assertEquals(0, received.get(), "nothing refused was forwarded: " + bodies);
        HttpResponse<String> ok = post("/predict", "[{\"x1\": 6, \"x2\": 1}]", "k1");
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals(1, received.get());
        List<JsonNode> audit = auditLines();
        assertEquals(8, audit.size(), audit.toString());
        assertEquals("alice", audit.get(7).get("client").asText());
    }

    @Test
    void anUnusableUpstreamAnswerIs502NamingTheCause() throws Exception {
        startStub(0);
        startProxy(guards("probabilities", Map.of(), 2_000));
        Map<String, String> causes = Map.of("garbage", "not JSON", "short", "0 prediction values for 1 rows",
                "unknown-class", "class '7'", "error", "HTTP 500");
        for (Map.Entry<String, String> c : causes.entrySet()) {
            mode = c.getKey();
            HttpResponse<String> r = post("/predict_proba", "[{\"x1\": 3, \"x2\": 1}]", null);
            assertEquals(502, r.statusCode(), c.getKey() + ": " + r.body());
            assertTrue(json(r).get("error").asText().contains(c.getValue()), c.getKey() + ": " + r.body());
        }
        mode = "ok";
        assertEquals(200, post("/predict_proba", "[{\"x1\": 3, \"x2\": 1}]", null).statusCode());
        List<JsonNode> audit = auditLines();
        assertEquals(List.of(502, 502, 502, 502, 200), audit.stream().map(a -> a.get("status").asInt()).toList());
    }

    @Test
    void aSlowUpstreamIs504AndHoldsOnlyItsOwnRequest() throws Exception {
        startStub(0);
        startProxy(guards("probabilities", Map.of(), 3_000));
        slowMs = 5_000;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            long t0 = System.nanoTime();
            Future<HttpResponse<String>> slow = pool.submit(() -> post("/predict", "[{\"x1\": 3, \"x2\": 7}]", null));
            while (received.get() == 0) {
                Thread.sleep(10);
            }
            // While the slow request waits on the upstream, other clients are answered: all of them before it ends
            // (held behind it, they would end after its 3 s timeout).
            for (int i = 0; i < 10; i++) {
                HttpResponse<String> fast = post("/predict", "[{\"x1\": 3, \"x2\": 1}]", null);
                assertEquals(200, fast.statusCode(), fast.body());
            }
            assertTrue(!slow.isDone(), "the fast requests were answered only once the slow one ended");
            HttpResponse<String> r = slow.get();
            double ms = (System.nanoTime() - t0) / 1e6;
            assertEquals(504, r.statusCode(), r.body());
            assertTrue(json(r).get("error").asText().contains("did not answer within 3000 ms"), r.body());
            assertTrue(ms >= 2_900 && ms < 4_900, ms + " ms");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aDeadUpstreamIs502UnderLoadAndTheProxyRecoversWhenItReturns() throws Exception {
        startStub(0);
        int port = stubPort;
        // No minimum body rate here: Jetty measures it from the handler's first read, so on a loaded machine a
        // 30-byte body that arrives 8 ms late falls below the default 4096 B/s and is cut off with 408.
        startProxy(guards("probabilities", Map.of(), 2_000).withLimits(GuardConfig.DEFAULT_MAX_CLIENTS,
                GuardConfig.DEFAULT_REQUEST_DEADLINE_MS, 0));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        AtomicInteger sent = new AtomicInteger();
        try {
            // Healthy: 400 concurrent requests, no 5xx.
            load(pool, 400, statuses, sent);
            assertEquals(Map.of(200, 400), counts(statuses), "healthy upstream");
            statuses.clear();
            stub.stop(0);
            stub = null;
            load(pool, 100, statuses, sent);
            assertEquals(Map.of(502, 100), counts(statuses), "dead upstream");
            HttpResponse<String> dead = post("/predict", "[{\"x1\": 3, \"x2\": 1}]", null);
            sent.incrementAndGet();
            assertTrue(json(dead).get("error").asText().contains("refused the connection"), dead.body());
            statuses.clear();
            startStub(port);
            load(pool, 100, statuses, sent);
            assertEquals(Map.of(200, 100), counts(statuses), "upstream back");
        } finally {
            pool.shutdownNow();
        }
        List<JsonNode> audit = auditLines();
        assertEquals(sent.get(), audit.size(), "every request has its audit line");
        assertEquals(101, audit.stream().filter(a -> a.get("status").asInt() == 502).count());
    }

    private void load(ExecutorService pool, int n, Map<Integer, AtomicInteger> statuses, AtomicInteger sent)
            throws Exception {
        List<Future<Integer>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            all.add(pool.submit(() -> post("/predict_proba", "[{\"x1\": " + (k % 10) + ", \"x2\": 1}]", null).statusCode()));
        }
        for (Future<Integer> f : all) {
            statuses.computeIfAbsent(f.get(), s -> new AtomicInteger()).incrementAndGet();
            sent.incrementAndGet();
        }
    }

    private static Map<Integer, Integer> counts(Map<Integer, AtomicInteger> statuses) {
        Map<Integer, Integer> m = new java.util.TreeMap<>();
        statuses.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }
}
