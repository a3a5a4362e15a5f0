package org.mlsec.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.Progress;
import org.mlsec.data.Dataset;
import org.mlsec.demo.LaymanBrothers;
import org.mlsec.defences.preprocessor.InputSchema;
import org.mlsec.internal.Json;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

/**
 * The attacks of issue 20 on the server: unbounded state, forged identities, lost audit lines, slow bodies, 500s;
 * and the minimum body rate against real sockets (a small body late or in pieces is answered, a trickle is cut).
 */
class ServerHardeningTest {
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
        org.mlsec.data.CsvWriter.write(LaymanBrothers.generate(600, 7), f);
        data = org.mlsec.data.CsvReader.read(f, org.mlsec.data.CsvOptions.labelled("DEFAULT", "ID"));
        model = Trainer.train(data, TrainConfig.defaults(Algorithm.LR), "t", Progress.NONE);
        schema = InputSchema.infer(data);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            try {
                server.close();
            } catch (RuntimeException expected) {
                // a test that breaks the audit log on purpose is told so at close
            }
        }
    }

    GuardConfig base() {
        return GuardConfig.defaults();
    }

    void start(GuardConfig c) {
        server = new GuardedServer(model, schema, c).start("127.0.0.1", 0);
    }

    HttpResponse<String> post(String body, String xff) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/predict"))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (xff != null) {
            b.header("X-Forwarded-For", xff);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode health() throws Exception {
        return Json.MAPPER.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/health")).build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    String row() {
        return "[" + new GuardedServerTest.HttpClassifierBody(model).of(data.row(0)) + "]";
    }

    List<JsonNode> auditLines(Path log) throws IOException {
        List<JsonNode> out = new java.util.ArrayList<>();
        for (String l : Files.readAllLines(log)) {
            out.add(Json.MAPPER.readTree(l));
        }
        return out;
    }

    @Test
    void perClientStateIsBoundedWhateverTheNumberOfForgedIdentities() throws Exception {
        start(base().withProxies(List.of("127.0.0.1"), "refuse").withLimits(50, 30_000, 0));
        for (int i = 0; i < 300; i++) {
            assertEquals(200, post(row(), "10.0." + (i / 250) + "." + (i % 250)).statusCode());
        }
        JsonNode h = health();
        assertEquals(50, h.path("clients").asInt(), h.toString());
        assertEquals(50, h.path("max_clients").asInt());
    }

    @Test
    void theClientIsTheRightMostUntrustedForwardedEntryAndOnlyBehindATrustedProxy() {
        ForwardedFor f = new ForwardedFor(List.of("127.0.0.1", "10.0.0.2"));
        assertEquals("203.0.113.7", f.client("127.0.0.1", "6.6.6.6, 203.0.113.7, 10.0.0.2"), "left entries are the caller's");
        assertEquals("198.51.100.1", f.client("198.51.100.1", "6.6.6.6"), "an untrusted peer's header is ignored");
        assertEquals("0:0:0:0:0:0:0:1", new ForwardedFor(List.of()).client("::1", "6.6.6.6"));
        assertEquals("10.0.0.2", f.client("127.0.0.1", "10.0.0.2"), "only proxies: the outermost");
        assertEquals("999.1.1.1", f.client("127.0.0.1", "999.1.1.1"), "garbage is an identity, never a DNS lookup");
    }

    @Test
    void anInvalidHostIsNamedAsSuchNotAsAPortInUse() {
        org.mlsec.InputException e = org.junit.jupiter.api.Assertions.assertThrows(org.mlsec.InputException.class,
                () -> new GuardedServer(model, schema, base()).start("999.1.1.1", 0));
        assertTrue(e.getMessage().contains("host '999.1.1.1' is not a valid address"), e.getMessage());
    }

    @Test
    void deepNestingAndHugeNumbersAre400NotServerErrors() throws Exception {
        start(base());
        String deep = "[".repeat(1001) + "]".repeat(1001);
        HttpResponse<String> r = post(deep, null);
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("nesting") && !r.body().contains("StreamReadConstraints"), r.body());
        String huge = row().replaceFirst(":(-?[0-9.]+)", ":" + "9".repeat(1001));
        r = post(huge, null);
        assertEquals(400, r.statusCode(), r.body());
    }

    @Test
    void anAuditLogThatCannotBeWrittenRefusesRequestsAndSaysSoInHealthAndMetrics() throws Exception {
        Path full = Path.of("/dev/full");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isWritable(full), "no /dev/full here");
        start(base().withAuditLog(full.toString()));
        post(row(), null);
        int status = 0;
        for (int i = 0; i < 100 && status != 503; i++) {
            Thread.sleep(20);
            status = post(row(), null).statusCode();
        }
        assertEquals(503, status, "refused once the log fails");
        JsonNode h = health();
        assertEquals("refusing", h.path("status").asText(), h.toString());
        assertEquals("failing", h.at("/audit_log/status").asText());
        assertTrue(h.at("/audit_log/lines_lost").asLong() >= 1, h.toString());
        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metrics.contains("mlsec_audit_failing 1"), metrics);
    }

    @Test
    void withTheAlarmPolicyItServesAndReportsTheLostLines() throws Exception {
        Path full = Path.of("/dev/full");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isWritable(full), "no /dev/full here");
        start(base().withAuditLog(full.toString()).withProxies(List.of(), "alarm"));
        for (int i = 0; i < 5; i++) {
            assertEquals(200, post(row(), null).statusCode());
            Thread.sleep(10);
        }
        JsonNode h = health();
        assertEquals("degraded", h.path("status").asText(), h.toString());
        assertTrue(h.at("/audit_log/lines_lost").asLong() >= 1, h.toString());
    }

    @Test
    void theAuditLogRecordsTheRealStatusOfRefusedRequests() throws Exception {
        Path log = dir.resolve("status.jsonl");
        GuardConfig small = new GuardConfig(true, 1000, 2_000, Map.of(), false, 0, 0, 0, "probabilities", 2, 0, 0,
                false, "log", log.toString());
        start(small);
        assertEquals(200, post(row(), null).statusCode());
        assertEquals(413, post("[" + " ".repeat(5_000) + "]", null).statusCode());
        assertEquals(400, post("{not json", null).statusCode());
        server.close();
        server = null;
        List<Integer> statuses = auditLines(log).stream().map(n -> n.path("status").asInt()).toList();
        assertEquals(List.of(200, 413, 400), statuses);
    }

    @Test
    void aClientThatDropsItsConnectionMidBodyIsLogged499AndAStalledOne408() throws Exception {
        Path log = dir.resolve("dropped.jsonl");
        start(base().withAuditLog(log.toString()).withLimits(1000, 1_500, 0));
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n"
                    + "\r\n[{\"LIMIT").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(300); // the handler is reading the body when the client goes away
        }
        String stalled;
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n"
                    + "\r\n[").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            stalled = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException reset) {
            stalled = "";
        }
        for (int i = 0; i < 50 && (!Files.exists(log) || Files.readAllLines(log).size() < 2); i++) {
            Thread.sleep(100);
        }
        server.close();
        server = null;
        List<JsonNode> lines = auditLines(log);
        assertEquals(2, lines.size(), lines.toString());
        assertEquals(499, lines.get(0).path("status").asInt(), "dropped: " + lines.get(0));
        assertEquals(408, lines.get(1).path("status").asInt(), "past the deadline: " + lines.get(1));
        // the deadline closes the connection: the client sees either a 408 or the connection closed, never a 5xx
        assertTrue(stalled.isEmpty() || stalled.startsWith("HTTP/1.1 408"), stalled);
    }

    @Test
    void aBodyDrippingInIsCutOffAtTheDeadlineAndLogged408() throws Exception {
        Path log = dir.resolve("slow.jsonl");
        start(base().withAuditLog(log.toString()).withLimits(100, 600, 0));
        long t0 = System.nanoTime();
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            try {
                for (int i = 0; i < 40; i++) {
                    out.write(' ');
                    out.flush();
                    Thread.sleep(100);
                }
            } catch (IOException cut) {
                // the server closed the connection: what we want
            }
            try {
                in.readAllBytes();
            } catch (IOException reset) {
                // closed by the server
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(seconds < 3.5, "held " + seconds + " s");
        server.close();
        server = null;
        assertEquals(408, auditLines(log).get(0).path("status").asInt(), Files.readString(log));
    }

    @Test
    void requestsJettyRefusesBeforeAnyHandlerStillGetTheirAuditLine() throws Exception {
        Path log = dir.resolve("jetty.jsonl");
        start(base().withAuditLog(log.toString()));
        String big = "POST /predict HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\nContent-Length: 2\r\n\r\n[]";
        String clte = "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
        String badChunk = "POST /predict HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n[]\r\n0\r\n\r\n";
        for (String raw : List.of(big, clte, badChunk)) {
            try (Socket s = new Socket("127.0.0.1", server.port())) {
                s.setSoTimeout(5_000);
                s.getOutputStream().write(raw.getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                String head = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
                assertTrue(head.startsWith("HTTP/1.1 4"), head);
            }
        }
        server.close();
        server = null;
        List<JsonNode> lines = auditLines(log);
        assertEquals(3, lines.size(), lines.toString());
        for (JsonNode l : lines) {
            int st = l.path("status").asInt();
            assertTrue(st >= 400 && st < 500, l.toString());
        }
    }

    @Test
    void aLogCutMidLineByKillMinus9KeepsEveryLaterLineWholeJson() throws Exception {
        Path log = dir.resolve("killed.jsonl");
        Files.writeString(log, "{\"time\":\"2026-01-01T00:00:00Z\",\"client\":\"a\"}\n{\"time\":\"2026-01-01T00:0");
        AuditLog a = new AuditLog(log);
        a.write(new AuditLog.Entry(0, "b", "predict", 1, 200, List.of(), 1.0));
        a.close();
        List<String> lines = Files.readAllLines(log);
        assertEquals(3, lines.size());
        Json.MAPPER.readTree(lines.get(0));
        assertEquals("b", Json.MAPPER.readTree(lines.get(2)).path("client").asText());
    }

    /** Default rate (4096 B/s) and a 30 s deadline: only the rate can cut a body off within a test's time. */
    void startAtTheDefaultRate(Path log) {
        GuardConfig c = base().withAuditLog(log.toString());
        assertEquals(GuardConfig.DEFAULT_MIN_BODY_BYTES_PER_SECOND, c.minBodyBytesPerSecond());
        start(c);
    }

    /** Sends the headers and the body's first {@code split} bytes, waits, sends the rest; returns the status line. */
    String send(String body, int split, long pauseMs) throws Exception {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            out.write(("POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\n"
                    + "Content-Length: " + b.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(b, 0, split);
            out.flush();
            Thread.sleep(pauseMs);
            out.write(b, split, b.length - split);
            out.flush();
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return answer.lines().findFirst().orElse("");
        }
    }

    @Test
    void aSmallBodyArrivingLateAfterItsHeadersIsAnswered() throws Exception {
        startAtTheDefaultRate(dir.resolve("late.jsonl"));
        for (long pause : new long[] {50, 200}) {
            assertEquals("HTTP/1.1 200 OK", send(row(), 0, pause), "body " + pause + " ms after the headers");
        }
    }

    @Test
    void aSmallBodyArrivingInTwoPiecesIsAnswered() throws Exception {
        // The first byte starts the rate's clock; the rest comes 50 to 200 ms later (a slow or lossy network). A body
        // of a few hundred bytes is below 4096 B/s after any pause: only a grace period lets it through.
        startAtTheDefaultRate(dir.resolve("pieces.jsonl"));
        String body = row();
        assertTrue(body.length() < 4096, body.length() + " bytes");
        for (long pause : new long[] {50, 200}) {
            assertEquals("HTTP/1.1 200 OK", send(body, 1, pause), "second piece " + pause + " ms after the first");
        }
    }

    @Test
    void aLargeBodyTricklingInBelowTheRateIsCutOff() throws Exception {
        Path log = dir.resolve("trickle.jsonl");
        startAtTheDefaultRate(log);
        long t0 = System.nanoTime();
        String answer = "";
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500000"
                    + "\r\n\r\n[").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] chunk = " ".repeat(100).getBytes(StandardCharsets.US_ASCII); // 1000 B/s: a quarter of the rate
            try {
                for (int i = 0; i < 150; i++) { // 15 s if never cut: past the idle timeout's reach, under the deadline
                    Thread.sleep(100);
                    out.write(chunk);
                    out.flush();
                }
            } catch (IOException cut) {
                // the server closed the connection: what we want
            }
            try {
                answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException reset) {
                // closed by the server
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(seconds < 5, "a body at a quarter of the minimum rate was held " + seconds + " s; answer: "
                + answer + "; audit: " + (Files.exists(log) ? Files.readString(log) : "none"));
        assertTrue(answer.isEmpty() || answer.startsWith("HTTP/1.1 408"), answer);
        server.close();
        server = null;
        JsonNode line = Json.MAPPER.readTree(Files.readAllLines(log).get(0));
        assertEquals(408, line.path("status").asInt(), line.toString());
    }
}
