package org.mlsec.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.mlsec.data.Column;
import org.mlsec.data.ColumnType;
import org.mlsec.data.Schema;
import org.mlsec.defences.preprocessor.InputSchema;

/**
 * Coverage-guided fuzzing (Jazzer, {@code JAZZER_FUZZ=1}, {@code bench/fuzz-readers.sh}) of what the server does with
 * a /predict body before the model sees it: {@link BodyDeadline#read(String, long, java.io.InputStream)} (the
 * Content-Encoding, the wire and inflated limits, gzip) and {@link RequestReader} (JSON, records, fields, values,
 * the input schema's rules, training-time fills). {@link RequestFuzzRegressionTest} replays the seeds and every input
 * that ever failed (src/test/resources/org/mlsec/server/RequestFuzzTestInputs/body/) without Jazzer's agent.
 *
 * <p>The first byte chooses the request's shape: bits 0-2 the Content-Encoding (none, identity, gzip with the bytes
 * as they are, gzip of the bytes, " X-GZip " of the bytes, br, empty, a list), bits 3-4 the Content-Length (exact,
 * none, half, 2^40), bit 5 the reader (bare; or with an input schema and fills), bit 6 the batch limit (100 or 3).
 * Every body is answered with rows the model can take (one per record, each value finite, whole where the column is
 * whole, a category index in range) or refused with a 4xx and a one-line message; never another exception (a 500),
 * and within one second.
 */
@EnabledIfEnvironmentVariable(named = "JAZZER_FUZZ", matches = "1")
class RequestFuzzTest {
    static final Schema SCHEMA = new Schema(List.of(
            Column.numeric("age", ColumnType.INTEGER, 18, 100),
            Column.numeric("amount", ColumnType.NUMERIC, 0, 1e6),
            Column.categorical("sex", List.of("1", "2")),
            Column.categorical("city", List.of("paris", "tokyo", "new york"))), "label", List.of("0", "1"));
    /** What the input schema of {@link #SCHEMA} allows: the range and 10% of it either side, whole. */
    static final Map<String, double[]> ALLOWED = Map.of("age", new double[] {9, 109}, "amount", new double[] {0, 1.1e6});
    static final int MAX_BODY = 4096;
    static final int MAX_DECOMPRESSED = 16384;
    private static final RequestReader BARE = new RequestReader(SCHEMA, null);
    private static final RequestReader STRICT = new RequestReader(SCHEMA, InputSchema.ofModel(SCHEMA),
            Map.of("age", "40", "city", "paris"));
    private static final BodyDeadline DEADLINE = new BodyDeadline(2_000, MAX_BODY, MAX_DECOMPRESSED, 0);
    private static final String[] CODINGS = {null, "identity", "gzip", "gzip", " X-GZip ", "br", "", "gzip, identity"};

    /** What became of a body: its rows, or the status it was refused with. */
    int status;

    @FuzzTest(maxDuration = "20m", maxExecutions = 1_000_000)
    void body(byte[] data) {
        if (data.length == 0) {
            return;
        }
        int mode = data[0] & 0xff;
        byte[] bytes = Arrays.copyOfRange(data, 1, data.length);
        if ((mode & 7) == 3 || (mode & 7) == 4) {
            bytes = gzip(bytes);
        }
        byte[] wire = bytes;
        long declared = switch ((mode >> 3) & 3) {
            case 0 -> wire.length;
            case 1 -> -1;
            case 2 -> wire.length / 2;
            default -> 1L << 40;
        };
        RequestReader reader = (mode & 32) == 0 ? BARE : STRICT;
        int maxBatch = (mode & 64) == 0 ? 100 : 3;
        long t0 = System.nanoTime();
        status = handle(CODINGS[mode & 7], declared, wire, reader, maxBatch);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        // As ScannerFuzzTest: the first input to reach new code pays for loading and instrumenting it, and a busy
        // machine stalls any one run, so an input is slow when it is slow three times (the fastest run counts)
        for (int again = 0; again < 2 && ms >= 1000; again++) {
            t0 = System.nanoTime();
            handle(CODINGS[mode & 7], declared, wire, reader, maxBatch);
            ms = Math.min(ms, (System.nanoTime() - t0) / 1_000_000);
        }
        assertTrue(ms < 1000, "took " + ms + " ms");
    }

    /** 200 with rows the model can take, or the 4xx the server answers; fails on anything else. */
    static int handle(String coding, long declared, byte[] wire, RequestReader reader, int maxBatch) {
        String text;
        try {
            text = DEADLINE.read(coding, declared, new ByteArrayInputStream(wire));
        } catch (ApiError e) {
            return refused(e);
        } catch (BodyDeadline.Corrupt e) { // body() answers it 400 "corrupt gzip body"
            assertNotNull(e.getMessage());
            return 400;
        } catch (IOException | RuntimeException e) {
            throw new AssertionError("reading the body: unexpected " + e, e);
        }
        double[][] rows;
        try {
            rows = reader.read(text, maxBatch);
        } catch (ApiError e) {
            return refused(e);
        } catch (RuntimeException | StackOverflowError e) {
            throw new AssertionError("reading the records: unexpected " + e + " (a 500)", e);
        }
        assertTrue(rows.length >= 1 && rows.length <= maxBatch, rows.length + " rows");
        for (double[] row : rows) {
            assertEquals(SCHEMA.width(), row.length);
            for (int j = 0; j < row.length; j++) {
                Column c = SCHEMA.feature(j);
                double v = row[j];
                assertTrue(Double.isFinite(v), c.name() + " = " + v);
                if (c.isCategorical()) {
                    assertTrue(v == Math.rint(v) && v >= 0 && v < c.categories().size(), c.name() + " = " + v);
                } else if (c.type() == ColumnType.INTEGER) {
                    assertEquals(Math.rint(v), v, c.name() + " = " + v);
                }
                if (reader == STRICT && !c.isCategorical()) {
                    double[] allowed = ALLOWED.get(c.name());
                    assertTrue(v >= allowed[0] && v <= allowed[1], c.name() + " = " + v + " passed the input schema");
                }
            }
        }
        return 200;
    }

    private static int refused(ApiError e) {
        assertTrue(e.status >= 400 && e.status < 500, "status " + e.status + ": " + e.getMessage());
        String m = e.getMessage();
        assertNotNull(m);
        assertFalse(m.isBlank() || m.indexOf('\n') >= 0 || m.indexOf('\r') >= 0, "not one line: " + m);
        // RequestReader.parse's catch-all for a runtime exception of the JSON parser (a message may quote the input)
        assertFalse(m.matches("malformed JSON: [A-Za-z]+(Exception|Error)"), "a catch-all, not a check: " + m);
        return e.status;
    }

    static byte[] gzip(byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(b);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }
}
