package org.mlsec.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.mlsec.data.Column;
import org.mlsec.data.ColumnType;
import org.mlsec.data.Schema;

/**
 * Issue 20: a request body costs memory in proportion to the batch limit and the schema, not to its size. Each
 * hostile body below is the 8 MiB a gzip body may inflate to; read whole into a JSON tree it would allocate hundreds of
 * megabytes before the batch limit was checked.
 */
class RequestReaderTest {
    static final Schema SCHEMA = new Schema(List.of(Column.numeric("x1", ColumnType.NUMERIC, 0, 10),
            Column.categorical("c", List.of("a", "b"))), "y", List.of("0", "1"));
    static final RequestReader READER = new RequestReader(SCHEMA, null);
    static final int EIGHT_MIB = 8 << 20;

    static String repeat(String head, String item, String sep, String tail) {
        StringBuilder b = new StringBuilder(EIGHT_MIB + 64).append(head);
        while (b.length() < EIGHT_MIB) {
            b.append(item).append(sep);
        }
        b.append(item).append(tail);
        return b.toString();
    }

    /** Bytes this thread allocates while the reader refuses the body, and the refusal. */
    static long allocated(Supplier<ApiError> refusal, int[] status) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        status[0] = refusal.get().status;
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    @Test
    void hostileBodiesAreRefusedWithoutBuildingThem() {
        String manyRecords = repeat("[", "{}", ",", "]");
        String unknownFields = repeat("[{", "\"field_with_a_long_name_0000\":1", ",", "}]");
        String hugeValue = repeat("[{\"x1\":[", "1", ",", "],\"c\":\"a\"}]");
        record Case(String body, int status, String what) {
        }
        for (Case c : List.of(new Case(manyRecords, 413, "2.8 million empty records"),
                new Case(unknownFields, 422, "a record of 270,000 unknown fields"),
                new Case(hugeValue, 422, "a value that is a list of 4 million numbers"))) {
            int[] status = new int[1];
            long bytes = allocated(() -> assertThrows(ApiError.class, () -> READER.read(c.body(), 100)), status);
            assertEquals(c.status(), status[0], c.what());
            assertTrue(bytes < 48L << 20, c.what() + " allocated " + (bytes >> 20) + " MiB reading an 8 MiB body");
        }
    }

    @Test
    void recordsReadAsBefore() {
        assertArrayEquals(new double[][] {{1.5, 1}, {2, 0}},
                READER.read("[{\"x1\":1.5,\"c\":\"b\"},{\"c\":\"a\",\"x1\":2}] trailing text is ignored", 10));
        assertArrayEquals(new double[][] {{3, 0}}, READER.read("{\"x1\":3,\"c\":\"a\"}", 10), "one record, not a list");
        record Refusal(String body, int status, String message) {
        }
        for (Refusal r : List.of(new Refusal("", 400, "empty body"), new Refusal("42", 400, "got number"),
                new Refusal("[", 400, "malformed JSON"), new Refusal("[{\"x1\":1", 400, "malformed JSON"),
                new Refusal("[]", 422, "empty"), new Refusal("[{\"x1\":1,\"c\":\"a\"},7]", 422, "not a JSON object"),
                new Refusal("[{\"x1\":1,\"c\":\"a\",\"z\":1}]", 422, "unknown field"),
                new Refusal("[{\"x1\":{\"v\":1},\"c\":\"a\"}]", 422, "not a number"),
                new Refusal("[{\"x1\":1}]", 422, "missing field"),
                new Refusal("[" + "{\"x1\":1,\"c\":\"a\"},".repeat(10) + "{\"x1\":1,\"c\":\"a\"}]", 413,
                        "batch of 11 records exceeds the limit of 10"))) {
            ApiError e = assertThrows(ApiError.class, () -> READER.read(r.body(), 10), r.body());
            assertEquals(r.status(), e.status, r.body());
            assertTrue(e.getMessage().contains(r.message()), r.body() + ": " + e.getMessage());
        }
    }
}
