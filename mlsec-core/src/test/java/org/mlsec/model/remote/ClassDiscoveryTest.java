package org.mlsec.model.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mlsec.InputException;
import org.mlsec.data.Column;
import org.mlsec.data.ColumnType;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.internal.Json;

/** Learning an API's classes from its answers, against a loopback API that answers by the value of one field. */
class ClassDiscoveryTest {
    HttpServer server;
    final AtomicInteger rowsAsked = new AtomicInteger();

    /** Answers {@code high} for x above 50, else {@code low}; or, numeric, 10 and 2. */
    URI serve(boolean numeric) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/predict", ex -> {
            JsonNode records = Json.MAPPER.readTree(ex.getRequestBody());
            ObjectNode answer = Json.MAPPER.createObjectNode();
            var pred = answer.putArray("prediction");
            for (JsonNode r : records) {
                rowsAsked.incrementAndGet();
                boolean high = r.get("x").asDouble() > 50;
                if (numeric) {
                    pred.add(high ? 10 : 2);
                } else {
                    pred.add(high ? "high" : "low");
                }
            }
            byte[] out = answer.toString().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, out.length);
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

    /** Unlabelled rows x = 100, 99, ..., 1: the first row asked is answered "high". */
    static Dataset rows(int n) {
        double[][] x = new double[n][];
        for (int i = 0; i < n; i++) {
            x[i] = new double[] {100 - i};
        }
        return new Dataset(new Schema(List.of(Column.numeric("x", ColumnType.INTEGER, 1, 100)), null, List.of()), x, null);
    }

    @Test
    void classesAreLearntInTheOrderFirstSeenAndTheQueriesCounted() throws IOException {
        HttpClassifier.Config c = HttpClassifier.Config.of(serve(false));
        ClassDiscovery.Discovered d = ClassDiscovery.connect(c, rows(100), null, 30, 7);
        assertTrue(d.learnt());
        assertEquals(30, d.queries());
        assertEquals(30, rowsAsked.get());
        assertEquals(2, d.classes().size());
        assertTrue(d.classes().containsAll(List.of("high", "low")), d.classes().toString());
        assertEquals(d.classes(), d.classifier().classes());
        assertTrue(d.describe().contains("30 queries"), d.describe());
        // The classifier answers in those classes; its own queries start from zero.
        int[] p = d.classifier().predict(new double[][] {{90}, {10}});
        assertEquals("high", d.classes().get(p[0]));
        assertEquals("low", d.classes().get(p[1]));
        assertEquals(2, d.classifier().queries());
    }

    @Test
    void numericClassesAreSortedAndGivenClassesTakenVerbatim() throws IOException {
        URI url = serve(true);
        ClassDiscovery.Discovered d = ClassDiscovery.connect(HttpClassifier.Config.of(url), rows(100), null, 100, 1);
        assertEquals(List.of("2", "10"), d.classes());
        assertEquals(List.of("2", "10"), ClassDiscovery.order(List.of("10", "2", "10")));
        assertEquals(List.of("b", "a"), ClassDiscovery.order(List.of("b", "a", "b")));
        int before = rowsAsked.get();
        ClassDiscovery.Discovered given = ClassDiscovery.connect(HttpClassifier.Config.of(url), rows(10),
                List.of("10", "2"), 100, 1);
        assertFalse(given.learnt());
        assertEquals(0, given.queries());
        assertEquals(before, rowsAsked.get(), "given classes cost no query");
        assertEquals(List.of("10", "2"), given.classes());
        assertArrayEquals(new int[] {0, 1}, given.classifier().predict(new double[][] {{90}, {10}}));
        assertThrows(InputException.class, () -> ClassDiscovery.connect(HttpClassifier.Config.of(url), rows(10),
                List.of("1", "1.0"), 100, 1));
    }

    @Test
    void oneClassSeenIsSaid() throws IOException {
        URI url = serve(false);
        Dataset high = rows(40); // x = 100..61: every answer "high"
        ClassDiscovery.Discovered d = ClassDiscovery.connect(HttpClassifier.Config.of(url), high, null, 100, 1);
        assertEquals(List.of("high"), d.classes());
        assertEquals(40, d.queries());
        assertTrue(d.describe().contains("only one class"), d.describe());
        Dataset labelled = ClassDiscovery.labelledByAnswers(d.classifier(), high);
        assertTrue(labelled.labelled());
        assertEquals(40, labelled.rows());
    }
}
