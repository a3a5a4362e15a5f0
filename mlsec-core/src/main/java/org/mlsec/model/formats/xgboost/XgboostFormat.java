package org.mlsec.model.formats.xgboost;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.mlsec.InputException;
import org.mlsec.model.LocalModel;
import org.mlsec.model.formats.ModelFormat;

/**
 * XGBoost's model files: JSON ({@code Booster.save_model("m.json")}) and UBJSON ({@code save_model("m.ubj")}),
 * both the same document (XGBoost's {@code doc/model.schema}). Recognised by content: a JSON object whose first
 * key is {@code "learner"} holding an object (XGBoost writes keys in sorted order, so {@code "version"} comes last;
 * {@code "version"} then {@code "learner"} is recognised too), or a UBJSON object whose first key, with its UBJSON
 * length marker, is {@code learner}. The document is parsed by {@link StrictJson} or {@link Ubjson} into a Jackson
 * tree and read by {@link LearnerReader}: numbers and strings only, nothing executed. XGBoost's legacy binary
 * format and pickles are not read.
 */
public final class XgboostFormat implements ModelFormat {
    private static final byte[] LEARNER = "learner".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LEARNER_KEY = "\"learner\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] VERSION_KEY = "\"version\"".getBytes(StandardCharsets.US_ASCII);

    @Override
    public String name() {
        return "XGBoost (JSON, UBJSON)";
    }

    @Override
    public boolean recognises(byte[] head) {
        return isJson(head) || isUbjson(head);
    }

    @Override
    public LocalModel read(Path file, byte[] bytes) {
        boolean ubj = isUbjson(bytes);
        String format = ubj ? "XGBoost UBJSON" : "XGBoost JSON";
        try {
            JsonNode root = ubj ? Ubjson.parse(bytes) : StrictJson.parse(bytes);
            JsonNode learner = root.get("learner");
            if (learner != null && (learner.has("learner_train_param") || learner.has("generic_param"))) {
                throw new InputException("this is an XGBoost configuration (Booster.save_config), not a model; "
                        + "write the model with save_model");
            }
            return LearnerReader.read(root, format, file.toString(), ModelFormat.sha256(bytes));
        } catch (InputException e) {
            throw new InputException(file + ": " + format + ": " + e.getMessage());
        } catch (StackOverflowError e) {
            throw new InputException(file + ": " + format + ": nested too deeply to read");
        } catch (RuntimeException e) { // a check the reader lacks: the cause says which
            throw new InputException(file + ": " + format + ": unreadable (" + e + ")", e);
        }
    }

    /**
     * {@code {"learner": {}, after an optional UTF-8 byte-order mark and whitespace; or {@code {"version": [..],
     * "learner": {} for a document whose keys were reordered.
     */
    static boolean isJson(byte[] b) {
        int i = 0;
        if (b.length >= 3 && (b[0] & 0xff) == 0xef && (b[1] & 0xff) == 0xbb && (b[2] & 0xff) == 0xbf) {
            i = 3;
        }
        i = skipSpace(b, i);
        if (i >= b.length || b[i] != '{') {
            return false;
        }
        i = skipSpace(b, i + 1);
        int v = key(b, i, VERSION_KEY);
        if (v >= 0 && v < b.length && b[v] == '[') {
            // {"version": [1, 7, 4], "learner": {...}: a document rewritten with its keys in another order
            v++;
            while (v < b.length && (b[v] == ',' || (b[v] >= '0' && b[v] <= '9') || isSpace(b[v]))) {
                v++;
            }
            if (v >= b.length || b[v] != ']') {
                return false;
            }
            v = skipSpace(b, v + 1);
            if (v >= b.length || b[v] != ',') {
                return false;
            }
            i = skipSpace(b, v + 1);
        }
        int l = key(b, i, LEARNER_KEY);
        return l >= 0 && l < b.length && b[l] == '{';
    }

    /** Where the value after {@code "key" :} starts at i, or -1. */
    private static int key(byte[] b, int i, byte[] key) {
        if (!startsWith(b, i, key)) {
            return -1;
        }
        i = skipSpace(b, i + key.length);
        if (i >= b.length || b[i] != ':') {
            return -1;
        }
        return skipSpace(b, i + 1);
    }

    /** {@code {} then the key {@code learner} with any UBJSON integer length marker (XGBoost writes {@code L}). */
    static boolean isUbjson(byte[] b) {
        if (b.length < 3 || b[0] != '{') {
            return false;
        }
        int i = 1;
        int size;
        switch (b[i]) {
            case 'i':
            case 'U':
                size = 1;
                break;
            case 'I':
                size = 2;
                break;
            case 'l':
                size = 4;
                break;
            case 'L':
                size = 8;
                break;
            default:
                return false;
        }
        i++;
        if (b.length < i + size + LEARNER.length) {
            return false;
        }
        long n = 0;
        for (int k = 0; k < size; k++) {
            n = (n << 8) | (b[i + k] & 0xff);
        }
        return n == LEARNER.length && startsWith(b, i + size, LEARNER);
    }

    private static int skipSpace(byte[] b, int i) {
        while (i < b.length && isSpace(b[i])) {
            i++;
        }
        return i;
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t';
    }

    private static boolean startsWith(byte[] b, int at, byte[] prefix) {
        if (b.length - at < prefix.length) {
            return false;
        }
        for (int k = 0; k < prefix.length; k++) {
            if (b[at + k] != prefix[k]) {
                return false;
            }
        }
        return true;
    }
}
