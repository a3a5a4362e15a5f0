package org.mlsec.model.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.MlsecException;
import org.mlsec.Progress;
import org.mlsec.TestData;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.internal.Json;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

/** Against a Flask-shaped scoring API served on loopback by the JDK's HTTP server. */
class HttpClassifierTest {
    @TempDir
    static Path dir;
    static Dataset data;
    static LocalModel model;
    HttpServer server;
    final AtomicInteger calls = new AtomicInteger();

    @BeforeAll
    static void train() throws IOException {
        data = TestData.layman(2_000, 5, dir);
        model = Trainer.train(data, TrainConfig.defaults(Algorithm.RF).withTrees(10), "test", Progress.NONE);
    }

    /** Serves the model like the talk's Flask app; the first {@code failures} calls answer 503. */
    URI serve(int failures, boolean withProbabilities) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/predict", ex -> {
            int n = calls.incrementAndGet();
            byte[] out;
            int code = 200;
            if (n <= failures) {
                code = 503;
                out = "busy".getBytes(StandardCharsets.UTF_8);
            } else {
                JsonNode records = Json.MAPPER.readTree(ex.getRequestBody());
                Schema s = model.schema();
                double[][] rows = new double[records.size()][s.width()];
                for (int i = 0; i < records.size(); i++) {
                    for (int j = 0; j < s.width(); j++) {
                        JsonNode v = records.get(i).get(s.feature(j).name());
                        rows[i][j] = s.feature(j).isCategorical() ? s.feature(j).categoryIndex(v.asText()) : v.asDouble();
                    }
                }
                double[][] p = model.predictProba(rows);
                ObjectNode answer = Json.MAPPER.createObjectNode();
                var pred = answer.putArray("prediction");
                var prob = withProbabilities ? answer.putArray("probability") : null;
                for (double[] pi : p) {
                    pred.add(pi[1] > pi[0] ? 1 : 0);
                    if (prob != null) {
                        prob.addArray().add(pi[0]).add(pi[1]);
                    }
                }
                out = answer.toString().getBytes(StandardCharsets.UTF_8);
            }
            ex.sendResponseHeaders(code, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/predict");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void answersLikeTheModelBehindIt() throws IOException {
        HttpClassifier remote = new HttpClassifier(model.schema(), HttpClassifier.Config.of(serve(0, true)).withBatchSize(64));
        double[][] rows = Arrays.copyOf(data.x(), 300);
        assertArrayEquals(model.predict(rows), remote.predict(rows));
        double[][] p = remote.predictProba(rows);
        double[][] q = model.predictProba(rows);
        for (int i = 0; i < rows.length; i++) {
            assertArrayEquals(q[i], p[i], 1e-12);
        }
        assertEquals(600, remote.queries());
        assertEquals(10, remote.requests(), "300 rows in batches of 64, twice");
    }

    @Test
    void retriesTransientFailuresWithBackoff() throws IOException {
        HttpClassifier remote = new HttpClassifier(model.schema(),
                HttpClassifier.Config.of(serve(2, true)).withRetries(3, Duration.ofMillis(10)));
        assertEquals(5, remote.predict(Arrays.copyOf(data.x(), 5)).length);
        assertEquals(3, remote.requests());
    }

    @Test
    void givesUpWithTheReason() throws IOException {
        HttpClassifier remote = new HttpClassifier(model.schema(),
                HttpClassifier.Config.of(serve(100, true)).withRetries(1, Duration.ofMillis(5)));
        String m = assertThrows(MlsecException.class, () -> remote.predict(Arrays.copyOf(data.x(), 2))).getMessage();
        assertTrue(m.contains("failed after 2 attempts") && m.contains("503"), m);
    }

    @Test
    void labelOnlyEndpointSaysSo() throws IOException {
        HttpClassifier remote = new HttpClassifier(model.schema(), HttpClassifier.Config.of(serve(0, false)));
        assertEquals(3, remote.predict(Arrays.copyOf(data.x(), 3)).length);
        String m = assertThrows(MlsecException.class, () -> remote.predictProba(Arrays.copyOf(data.x(), 3))).getMessage();
        assertTrue(m.contains("label-only"), m);
    }

    @Test
    void unreachableEndpointIsAnErrorNotAHang() {
        HttpClassifier remote = new HttpClassifier(model.schema(),
                HttpClassifier.Config.of(URI.create("http://127.0.0.1:9/predict")).withRetries(1, Duration.ofMillis(5)));
        assertThrows(MlsecException.class, () -> remote.predict(Arrays.copyOf(data.x(), 1)));
    }
}
