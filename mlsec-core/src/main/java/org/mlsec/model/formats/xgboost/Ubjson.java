package org.mlsec.model.formats.xgboost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.mlsec.InputException;

/**
 * A strict, bounded reader of Universal Binary JSON (UBJSON, Draft 12, ubjson.org), the format of XGBoost's
 * {@code save_model("m.ubj")} (written by {@code UBJWriter} in XGBoost's {@code src/common/json.cc}: objects with
 * {@code L}-length keys, numbers as {@code d} float32, arrays with {@code #} counts, typed {@code $d}/{@code $U}/
 * {@code $l}/{@code $L} arrays). It produces the same Jackson tree as {@link StrictJson}, so both files share one
 * model reader.
 * <p>
 * Markers: {@code Z} null, {@code N} no-op (skipped), {@code T}/{@code F}, integers {@code i U I l L} (big-endian),
 * {@code d}/{@code D} float32/float64, {@code C} char, {@code S} string, {@code H} high-precision number (its
 * text, read as a JSON number), {@code [} and {@code {} containers, optionally with a {@code $} element type
 * (which requires a {@code #} count) and a {@code #} count. Every length and count is checked against the bytes
 * left before anything is allocated, so a declared length beyond the file fails at once; nesting is bounded by
 * {@link #MAX_DEPTH} (the recursion depth is bounded the same way), the number of values by {@link #MAX_VALUES};
 * duplicate keys, non-UTF-8 strings, typed containers of zero-size elements ({@code $Z}, {@code $T}, ...) and
 * bytes after the root value are refused.
 */
final class Ubjson {
    /** Deepest nesting accepted (XGBoost models nest 7 levels). */
    static final int MAX_DEPTH = 64;
    /** Most values in one document: far above real models (a 1,000-tree, depth-8 model holds about 4.6 million). */
    static final long MAX_VALUES = 50_000_000L;
    static final int MAX_STRING_BYTES = 16 << 20;
    static final int MAX_KEY_BYTES = 10_000;
    static final int MAX_NUMBER_TEXT = 100;

    private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]*)");
    private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    private final byte[] b;
    private final JsonNodeFactory f = JsonNodeFactory.instance;
    private int pos;
    private long values;

    private Ubjson(byte[] bytes) {
        this.b = bytes;
    }

    /** Parses a whole document; problems are {@link InputException}s naming the byte offset. */
    static JsonNode parse(byte[] bytes) {
        Ubjson u = new Ubjson(bytes);
        JsonNode root = u.value(u.valueMarker(), 0);
        if (u.pos != bytes.length) {
            throw new InputException("UBJSON: " + (bytes.length - u.pos)
                    + " bytes after the end of the document at byte " + u.pos);
        }
        return root;
    }

    private JsonNode value(int m, int depth) {
        // A container costs far more memory than the byte that opens it: it counts as 16 values, so that a small
        // file of empty arrays cannot fill the heap before the limit.
        values += m == '[' || m == '{' ? 16 : 1;
        if (values > MAX_VALUES) {
            throw new InputException("UBJSON: more than " + MAX_VALUES + " values, larger than any model mlsec reads");
        }
        switch (m) {
            case 'Z':
                return f.nullNode();
            case 'T':
                return f.booleanNode(true);
            case 'F':
                return f.booleanNode(false);
            case 'i':
                return f.numberNode((int) need(1, "an int8").get());
            case 'U':
                return f.numberNode(need(1, "a uint8").get() & 0xff);
            case 'I':
                return f.numberNode((int) need(2, "an int16").getShort());
            case 'l':
                return f.numberNode(need(4, "an int32").getInt());
            case 'L': {
                long v = need(8, "an int64").getLong();
                return v == (int) v ? f.numberNode((int) v) : f.numberNode(v);
            }
            case 'd':
                return f.numberNode(need(4, "a float32").getFloat());
            case 'D':
                return f.numberNode(need(8, "a float64").getDouble());
            case 'C': {
                int c = need(1, "a char").get();
                if (c < 0) {
                    throw error("char " + (c & 0xff) + " is not ASCII", pos - 1);
                }
                return f.textNode(String.valueOf((char) c));
            }
            case 'S':
                return f.textNode(string(MAX_STRING_BYTES, "string"));
            case 'H':
                return highPrecision();
            case '[':
                return array(depth + 1);
            case '{':
                return object(depth + 1);
            default:
                throw error("unknown marker " + describe(m), pos - 1);
        }
    }

    private ArrayNode array(int depth) {
        checkDepth(depth);
        ArrayNode a = f.arrayNode();
        int type = elementType();
        if (type >= 0 || peek() == '#') {
            long n = count(type, false);
            for (long i = 0; i < n; i++) {
                a.add(value(type >= 0 ? type : valueMarker(), depth));
            }
            return a;
        }
        while (true) {
            int m = valueMarker();
            if (m == ']') {
                return a;
            }
            a.add(value(m, depth));
        }
    }

    private ObjectNode object(int depth) {
        checkDepth(depth);
        ObjectNode o = f.objectNode();
        int type = elementType();
        if (type >= 0 || peek() == '#') {
            long n = count(type, true);
            for (long i = 0; i < n; i++) {
                int at = pos;
                put(o, string(MAX_KEY_BYTES, "key"), value(type >= 0 ? type : valueMarker(), depth), at);
            }
            return o;
        }
        while (true) {
            skipNoOps();
            if (peek() == '}') {
                pos++;
                return o;
            }
            int at = pos;
            String key = string(MAX_KEY_BYTES, "key");
            put(o, key, value(valueMarker(), depth), at);
        }
    }

    private static void put(ObjectNode o, String key, JsonNode v, int at) {
        if (o.has(key)) {
            throw new InputException("UBJSON: duplicate key '" + abbreviate(key) + "' at byte " + at);
        }
        o.set(key, v);
    }

    /** The {@code $} element type of a container, or -1. A typed container must have a count. */
    private int elementType() {
        if (peek() != '$') {
            return -1;
        }
        pos++;
        int at = pos;
        int t = next("the element type of a typed container");
        if ("ZTFN".indexOf(t) >= 0) {
            throw error("typed container of zero-size elements '" + (char) t + "' refused", at);
        }
        if ("iUIlLdDCSH[{".indexOf(t) < 0) {
            throw error("invalid element type " + describe(t), at);
        }
        if (peek() != '#') {
            throw error("a typed container ($" + (char) t + ") must give its count (#)", pos);
        }
        return t;
    }

    /** A container's {@code #} count, checked against the bytes left at the smallest size of one element. */
    private long count(int type, boolean keyed) {
        int at = pos;
        pos++; // '#'
        long n = length("count");
        long min = (type >= 0 ? payloadSize(type) : 1) + (keyed ? 2 : 0);
        if (n > (b.length - pos) / min) {
            throw error("declares " + n + " elements but only " + (b.length - pos) + " bytes follow (truncated?)", at);
        }
        return n;
    }

    /** Smallest number of bytes one value of this type takes without its marker. */
    private static int payloadSize(int type) {
        switch (type) {
            case 'I':
                return 2;
            case 'l':
            case 'd':
                return 4;
            case 'L':
            case 'D':
                return 8;
            case 'S':
            case 'H':
                return 2;
            default:
                return 1;
        }
    }

    /** A non-negative length or count: an integer marker and its value. */
    private long length(String what) {
        int at = pos;
        int m = next("the " + what);
        long n;
        switch (m) {
            case 'i':
                n = need(1, "the " + what).get();
                break;
            case 'U':
                n = need(1, "the " + what).get() & 0xff;
                break;
            case 'I':
                n = need(2, "the " + what).getShort();
                break;
            case 'l':
                n = need(4, "the " + what).getInt();
                break;
            case 'L':
                n = need(8, "the " + what).getLong();
                break;
            default:
                throw error("the " + what + " must be an integer (i, U, I, l or L), found " + describe(m), at);
        }
        if (n < 0) {
            throw error("negative " + what + " " + n, at);
        }
        return n;
    }

    private String string(int max, String what) {
        int at = pos;
        long n = length(what + " length");
        if (n > b.length - pos) {
            throw error(what + " of " + n + " bytes declared but only " + (b.length - pos)
                    + " bytes follow (truncated?)", at);
        }
        if (n > max) {
            throw error(what + " of " + n + " bytes, longer than the " + max + " accepted", at);
        }
        int start = pos;
        pos += (int) n;
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b, start, (int) n)).toString();
        } catch (CharacterCodingException e) {
            throw error(what + " is not UTF-8", start);
        }
    }

    private JsonNode highPrecision() {
        int at = pos - 1;
        String s = string(MAX_NUMBER_TEXT, "high-precision number");
        if (INTEGER.matcher(s).matches()) {
            try {
                long v = Long.parseLong(s);
                return v == (int) v ? f.numberNode((int) v) : f.numberNode(v);
            } catch (NumberFormatException e) {
                throw error("integer " + s + " beyond 64 bits", at);
            }
        }
        if (!NUMBER.matcher(s).matches()) {
            throw error("high-precision number '" + abbreviate(s) + "' is not a number", at);
        }
        return f.numberNode(Double.parseDouble(s));
    }

    /** The next value marker, skipping no-ops. */
    private int valueMarker() {
        skipNoOps();
        return next("a value");
    }

    private void skipNoOps() {
        while (pos < b.length && b[pos] == 'N') {
            pos++;
        }
    }

    private int peek() {
        if (pos >= b.length) {
            throw error("the data ends inside a container (truncated?)", pos);
        }
        return b[pos] & 0xff;
    }

    private int next(String what) {
        if (pos >= b.length) {
            throw error("the data ends where " + what + " was expected (truncated?)", pos);
        }
        return b[pos++] & 0xff;
    }

    private ByteBuffer need(int n, String what) {
        if (b.length - pos < n) {
            throw error("the data ends inside " + what + " (truncated?)", pos);
        }
        ByteBuffer bb = ByteBuffer.wrap(b, pos, n); // big-endian, as UBJSON is
        pos += n;
        return bb;
    }

    private void checkDepth(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("nested deeper than " + MAX_DEPTH + " levels", pos - 1);
        }
    }

    private static InputException error(String what, int at) {
        return new InputException("UBJSON: " + what + " at byte " + at);
    }

    private static String describe(int m) {
        return m >= 33 && m < 127 ? "'" + (char) m + "'" : String.format("0x%02x", m);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
