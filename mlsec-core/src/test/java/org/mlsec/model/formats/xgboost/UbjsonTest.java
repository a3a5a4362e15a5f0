package org.mlsec.model.formats.xgboost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.mlsec.InputException;

/** The UBJSON reader: every marker, optimised containers, and refusal of malformed or hostile input. */
class UbjsonTest {
    /** Bytes from parts: a String is its ASCII bytes, a Character or Integer one byte, a byte[] itself. */
    static byte[] b(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof String) {
                out.writeBytes(((String) p).getBytes(StandardCharsets.UTF_8));
            } else if (p instanceof Character) {
                out.write((Character) p);
            } else if (p instanceof Integer) {
                out.write((Integer) p);
            } else {
                out.writeBytes((byte[]) p);
            }
        }
        return out.toByteArray();
    }

    private static String fails(byte[] bytes) {
        return assertThrows(InputException.class, () -> Ubjson.parse(bytes)).getMessage();
    }

    @Test
    void readsEveryScalarMarkerBigEndian() {
        JsonNode n = Ubjson.parse(b("{", 'i', 1, "a", 'i', 0xfe, 'i', 1, "b", 'U', 0xfe, 'i', 1, "c", 'I', 0x01, 0x00,
                'i', 1, "d", 'l', 0xff, 0xff, 0xff, 0xfe, 'i', 1, "e", 'L', 0, 0, 0, 1, 0, 0, 0, 0,
                'i', 1, "f", 'd', 0x3f, 0xc0, 0, 0, 'i', 1, "g", 'D', 0x40, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18,
                'i', 1, "h", 'C', 'x', 'i', 1, "s", 'S', 'i', 3, "abc", 'i', 1, "t", 'T', 'i', 1, "u", 'F',
                'i', 1, "z", 'Z', 'i', 1, "H", 'H', 'i', 4, "1.25", 'N', "}"));
        assertEquals(-2, n.get("a").intValue());
        assertEquals(254, n.get("b").intValue());
        assertEquals(256, n.get("c").intValue());
        assertEquals(-2, n.get("d").intValue());
        assertEquals(1L << 32, n.get("e").longValue());
        assertEquals(1.5f, n.get("f").floatValue());
        assertEquals(Math.PI, n.get("g").doubleValue());
        assertEquals("x", n.get("h").textValue());
        assertEquals("abc", n.get("s").textValue());
        assertTrue(n.get("t").booleanValue());
        assertEquals(false, n.get("u").booleanValue());
        assertTrue(n.get("z").isNull());
        assertEquals(1.25, n.get("H").doubleValue());
    }

    @Test
    void readsOptimisedContainers() {
        JsonNode typed = Ubjson.parse(b("[", "$", 'd', "#", 'i', 2, 0x3f, 0x80, 0, 0, 0x40, 0, 0, 0));
        assertEquals(2, typed.size());
        assertEquals(2.0f, typed.get(1).floatValue());
        JsonNode counted = Ubjson.parse(b("[", "#", 'U', 2, 'i', 7, 'S', 'i', 1, "q"));
        assertEquals("q", counted.get(1).textValue());
        JsonNode obj = Ubjson.parse(b("{", "$", 'i', "#", 'i', 2, 'i', 1, "a", 5, 'i', 1, "b", 6));
        assertEquals(6, obj.get("b").intValue());
        JsonNode nested = Ubjson.parse(b("[", "$", "[", "#", 'i', 2, "#", 'i', 0, "]"));
        assertEquals(2, nested.size());
        JsonNode plain = Ubjson.parse(b("[", 'N', 'i', 1, 'N', "]"));
        assertEquals(1, plain.size());
    }

    @Test
    void declaredLengthsBeyondTheFileAreRefusedBeforeAllocating() {
        assertTrue(fails(b("[", "$", 'd', "#", 'L', 0, 0, 1, 0, 0, 0, 0, 0, 0))
                .contains("declares 1099511627776 elements"));
        assertTrue(fails(b("[", "#", 'l', 0x7f, 0xff, 0xff, 0xff, 'Z')).contains("only 1 bytes follow"));
        assertTrue(fails(b("{", 'L', 0x7f, 0, 0, 0, 0, 0, 0, 0, "k")).contains("bytes declared but only 1"));
        assertTrue(fails(b("S", 'l', 0, 0, 0, 9, "abc")).contains("string of 9 bytes declared"));
        assertTrue(fails(b("{", "$", 'L', "#", 'L', 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff))
                .contains("declares"));
        assertTrue(fails(b("S", 'i', 0xff)).contains("negative"));
    }

    @Test
    void truncatedDataIsRefused() {
        byte[] whole = b("{", 'i', 1, "a", "[", "$", 'l', "#", 'i', 2, 0, 0, 0, 1, 0, 0, 0, 2, "}");
        Ubjson.parse(whole);
        for (int cut = 0; cut < whole.length; cut++) {
            byte[] part = java.util.Arrays.copyOf(whole, cut);
            String m = fails(part);
            assertTrue(m.startsWith("UBJSON: "), m);
        }
    }

    @Test
    void hostileStructuresAreRefused() {
        byte[] deep = new byte[100_000];
        java.util.Arrays.fill(deep, (byte) '[');
        assertTrue(fails(deep).contains("nested deeper than 64"));
        assertTrue(fails(b("{", 'i', 1, "a", 'Z', 'i', 1, "a", 'Z', "}")).contains("duplicate key 'a'"));
        assertTrue(fails(b("[", "$", 'Z', "#", 'L', 0x7f, 0, 0, 0, 0, 0, 0, 0)).contains("zero-size"));
        assertTrue(fails(b("[", "$", 'd', 'Z')).contains("must give its count"));
        assertTrue(fails(b("Z", "Z")).contains("bytes after the end"));
        assertTrue(fails(b("[", 'q', "]")).contains("unknown marker 'q'"));
        assertTrue(fails(b("S", 'i', 2, 0xc3, 0x28)).contains("not UTF-8"));
        assertTrue(fails(b("C", 0xe9)).contains("not ASCII"));
        assertTrue(fails(b("H", 'i', 3, "1e+")).contains("is not a number"));
        assertTrue(fails(b("H", 'i', 20, "99999999999999999999")).contains("beyond 64 bits"));
        assertTrue(fails(b("S", 'd', 0, 0, 0, 0)).contains("must be an integer"));
        assertTrue(fails(new byte[0]).contains("truncated"));
    }

    @Test
    void strictJsonBuildsTheSameTreeAndIsBoundedToo() {
        JsonNode j = StrictJson.parse(b("{\"a\": [1, 2.5, \"x\", true, null, NaN], \"b\": 4294967296}"));
        JsonNode u = Ubjson.parse(b("{", 'i', 1, "a", "[", 'i', 1, 'D', 0x40, 0x04, 0, 0, 0, 0, 0, 0, 'S', 'i', 1, "x",
                'T', 'Z', 'D', 0x7f, 0xf8, 0, 0, 0, 0, 0, 0, "]", 'i', 1, "b", 'L', 0, 0, 0, 1, 0, 0, 0, 0, "}"));
        assertEquals(j.toString(), u.toString());
        String deep = "[".repeat(1000);
        assertTrue(assertThrows(InputException.class, () -> StrictJson.parse(b(deep))).getMessage().contains("JSON"));
        assertTrue(assertThrows(InputException.class, () -> StrictJson.parse(b("{\"a\":1,\"a\":2}"))).getMessage()
                .contains("Duplicate field 'a'"));
        assertTrue(assertThrows(InputException.class, () -> StrictJson.parse(b("{\"a\":1} x"))).getMessage()
                .contains("JSON"));
        assertTrue(assertThrows(InputException.class, () -> StrictJson.parse(b("{\"a\":[1,"))).getMessage()
                .contains("JSON"));
        assertTrue(assertThrows(InputException.class, () -> StrictJson.parse(b("123456789012345678901234")))
                .getMessage().contains("beyond 64 bits"));
    }
}
