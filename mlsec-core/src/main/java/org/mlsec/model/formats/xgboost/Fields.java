package org.mlsec.model.formats.xgboost;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Pattern;
import org.mlsec.InputException;

/**
 * Typed access to the parsed document with messages that say where a field is missing or of the wrong type
 * ({@code "learner.learner_model_param.num_class"}, {@code "tree 3: left_children[5]"}).
 */
final class Fields {
    private static final Pattern INTEGER_TEXT = Pattern.compile("-?[0-9]{1,18}");

    private Fields() {
    }

    static JsonNode object(JsonNode parent, String key, String where) {
        JsonNode v = parent.get(key);
        if (v == null || !v.isObject()) {
            throw new InputException(where + "." + key + (v == null ? " is missing" : " is not an object"));
        }
        return v;
    }

    static JsonNode array(JsonNode parent, String key, String where) {
        JsonNode v = parent.get(key);
        if (v == null || !v.isArray()) {
            throw new InputException(where + "." + key + (v == null ? " is missing" : " is not an array"));
        }
        return v;
    }

    static String text(JsonNode parent, String key, String where) {
        JsonNode v = parent.get(key);
        if (v == null || !v.isTextual()) {
            throw new InputException(where + "." + key + (v == null ? " is missing" : " is not a string"));
        }
        return v.textValue();
    }

    /** An integer XGBoost stores as text, such as {@code "num_class": "3"}, within [min, max]. */
    static int intText(JsonNode parent, String key, String where, int min, int max) {
        String s = text(parent, key, where);
        long v = INTEGER_TEXT.matcher(s).matches() ? Long.parseLong(s) : Long.MIN_VALUE;
        if (v < min || v > max) {
            throw new InputException(where + "." + key + " is '" + abbreviate(s) + "', expected an integer from "
                    + min + " to " + max);
        }
        return (int) v;
    }

    /** An integer value (a JSON integer, or a number with no fraction as some writers give) within [min, max]. */
    static long integer(JsonNode v, String where, long min, long max) {
        if (v == null || !v.isNumber() || !(v.isIntegralNumber() || v.asDouble() == Math.rint(v.asDouble()))) {
            throw new InputException(where + (v == null ? " is missing" : " is " + describe(v) + ", not an integer"));
        }
        double d = v.asDouble();
        long x = v.isIntegralNumber() ? v.asLong() : (long) d;
        if (x < min || x > max || (!v.isIntegralNumber() && Math.abs(d) > 1e15)) {
            throw new InputException(where + " is " + describe(v) + ", out of range [" + min + ", " + max + "]");
        }
        return x;
    }

    /** A float32 value as XGBoost reads it (the file's number rounded to float). NaN and infinities pass. */
    static float float32(JsonNode v, String where) {
        if (v == null || !v.isNumber()) {
            throw new InputException(where + (v == null ? " is missing" : " is " + describe(v) + ", not a number"));
        }
        return v.isFloat() ? v.floatValue() : (float) v.doubleValue();
    }

    /** An array of the given length. */
    static JsonNode array(JsonNode parent, String key, String where, int length) {
        JsonNode a = array(parent, key, where);
        if (a.size() != length) {
            throw new InputException(where + "." + key + " has " + a.size() + " elements, expected " + length);
        }
        return a;
    }

    static String describe(JsonNode v) {
        if (v.isTextual()) {
            return "'" + abbreviate(v.textValue()) + "'";
        }
        if (v.isContainerNode()) {
            return v.isArray() ? "an array" : "an object";
        }
        return abbreviate(v.asText());
    }

    static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }
}
