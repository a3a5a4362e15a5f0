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
        return serve(numeric, 0);
    }

    /** As {@link #serve(boolean)}, with {@code width} probabilities per row (none when 0): the class's column 0.9. */
    URI serve(boolean numeric, int width) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/predict", ex -> {
            JsonNode records = Json.MAPPER.readTree(ex.getRequestBody());
            ObjectNode answer = Json.MAPPER.createObjectNode();
            var pred = answer.putArray("prediction");
            var proba = width > 0 ? answer.putArray("probability") : null;
            for (JsonNode r : records) {
                rowsAsked.incrementAndGet();
                boolean high = r.get("x").asDouble() > 50;
                if (proba != null) {
                    // sorted classes: "high" < "low", 2 < 10; high is column 0 when text, column 1 when numeric
                    int col = numeric == high ? 1 : 0;
                    var row = proba.addArray();
                    for (int c = 0; c < width; c++) {
                        row.add(c == col ? 0.9 : 0.1 / (width - 1));
                    }
                }
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
    void classesAreLearntSortedAndTheQueriesCounted() throws IOException {
        HttpClassifier.Config c = HttpClassifier.Config.of(serve(false));
        ClassDiscovery.Discovered d = ClassDiscovery.connect(c, rows(100), null, 30, 7);
        assertTrue(d.learnt());
        assertEquals(30, d.queries());
        assertEquals(30, rowsAsked.get());
        assertEquals(List.of("high", "low"), d.classes(), "sorted, as a labelled file's classes and scikit-learn's");
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
        assertEquals(List.of("a", "b"), ClassDiscovery.order(List.of("b", "a", "b")));
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

    @Test
    void probabilityColumnsFollowTheLearntClasses() throws IOException {
        for (boolean numeric : new boolean[] {false, true}) {
            URI url = serve(numeric, 2);
            ClassDiscovery.Discovered d = ClassDiscovery.connect(HttpClassifier.Config.of(url), rows(100), null, 100, 1);
            double[][] p = d.classifier().predictProba(new double[][] {{90}, {10}});
            int high = d.classes().indexOf(numeric ? "10" : "high");
            assertEquals(0.9, p[0][high], 1e-12, d.classes().toString());
            assertEquals(0.1, p[1][high], 1e-12, d.classes().toString());
            stop();
        }
    }

    @Test
    void aProbabilityColumnNoAnswerNamedIsAnError() throws IOException {
        URI url = serve(false, 3);
        InputException e = assertThrows(InputException.class,
                () -> ClassDiscovery.connect(HttpClassifier.Config.of(url), rows(100), null, 100, 1));
        assertTrue(e.getMessage().contains("answers 3 probabilities per row") && e.getMessage().contains("[high, low]")
                && e.getMessage().contains("a class was never predicted"), e.getMessage());
        assertEquals(List.of("classes"), e.parameters());
        // Label-only, the same API's classes are learnt (its probabilities are not read).
        ClassDiscovery.Discovered d = ClassDiscovery.connect(HttpClassifier.Config.of(url).withPaths("prediction", null),
                rows(100), null, 100, 1);
        assertEquals(List.of("high", "low"), d.classes());
    }

    @Test
    void givenClassesThatDoNotMatchTheProbabilitiesAreAnError() throws IOException {
        URI url = serve(false, 2);
        ClassDiscovery.Discovered d = ClassDiscovery.connect(HttpClassifier.Config.of(url), rows(10),
                List.of("high", "low", "medium"), 100, 1);
        InputException e = assertThrows(InputException.class, () -> d.classifier().predictProba(new double[][] {{90}}));
        assertTrue(e.getMessage().contains("answers 2 probabilities per row, but 3 classes [high, low, medium]"),
                e.getMessage());
    }
}
