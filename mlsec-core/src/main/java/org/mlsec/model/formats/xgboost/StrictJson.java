package org.mlsec.model.formats.xgboost;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import org.mlsec.InputException;

/**
 * A strict, bounded JSON reader producing the same Jackson tree as {@link Ubjson}: objects, arrays, text, integers
 * ({@code int} or {@code long}), numbers with a fraction or exponent as doubles, booleans and null. It refuses
 * duplicate keys, content after the document, nesting deeper than {@link Ubjson#MAX_DEPTH}, more than
 * {@link Ubjson#MAX_VALUES} values in all and integers beyond 64 bits; it accepts the {@code NaN} and
 * {@code Infinity} literals XGBoost writes for non-finite numbers, so that the model reader can say where they are.
 * The tree is built with an explicit stack, never by recursion.
 * <p>
 * XGBoost writes its float32 numbers as the shortest decimal that reads back as the same float (at most 9
 * significant digits); such a decimal read as a double and then rounded to float gives that float, so the
 * doubles here lose nothing (checked in the tests: a model's JSON and UBJSON files give identical trees).
 */
final class StrictJson {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(Ubjson.MAX_DEPTH)
                    .maxNumberLength(Ubjson.MAX_NUMBER_TEXT)
                    .maxNameLength(Ubjson.MAX_KEY_BYTES)
                    .maxStringLength(Ubjson.MAX_STRING_BYTES)
                    .build())
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private StrictJson() {
    }

    /** Parses a whole document; problems are {@link InputException}s saying what and where (line, column). */
    static JsonNode parse(byte[] bytes) {
        try (JsonParser p = FACTORY.createParser(bytes)) {
            JsonNode root = read(p);
            if (p.nextToken() != null) {
                throw new InputException("JSON: content after the end of the document at " + where(p));
            }
            return root;
        } catch (StreamConstraintsException e) {
            throw new InputException("JSON: " + firstLine(e.getOriginalMessage()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            String at = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + " column "
                    + e.getLocation().getColumnNr();
            throw new InputException("JSON: " + firstLine(e.getOriginalMessage()) + at);
        } catch (IOException e) {
            throw new InputException("JSON: " + e.getMessage());
        }
    }

    private static JsonNode read(JsonParser p) throws IOException {
        JsonNodeFactory f = JsonNodeFactory.instance;
        Deque<JsonNode> stack = new ArrayDeque<>();
        Deque<String> keys = new ArrayDeque<>();
        long values = 0;
        JsonToken t = p.nextToken();
        if (t == null) {
            throw new InputException("JSON: the document is empty");
        }
        while (true) {
            if (t == null) {
                throw new InputException("JSON: the document ends before it is complete (truncated?)");
            }
            JsonNode v;
            switch (t) {
                case START_OBJECT:
                    v = f.objectNode();
                    break;
                case START_ARRAY:
                    v = f.arrayNode();
                    break;
                case END_OBJECT:
                case END_ARRAY:
                    v = stack.pop();
                    if (stack.isEmpty()) {
                        return v;
                    }
                    t = p.nextToken();
                    continue;
                case FIELD_NAME:
                    keys.push(p.currentName());
                    t = p.nextToken();
                    continue;
                case VALUE_STRING:
                    v = f.textNode(p.getText());
                    break;
                case VALUE_NUMBER_INT:
                    if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                        throw new InputException("JSON: integer " + abbreviate(p.getText()) + " beyond 64 bits at "
                                + where(p));
                    }
                    v = p.getNumberType() == JsonParser.NumberType.INT ? f.numberNode(p.getIntValue())
                            : f.numberNode(p.getLongValue());
                    break;
                case VALUE_NUMBER_FLOAT:
                    v = f.numberNode(p.getDoubleValue());
                    break;
                case VALUE_TRUE:
                case VALUE_FALSE:
                    v = f.booleanNode(t == JsonToken.VALUE_TRUE);
                    break;
                case VALUE_NULL:
                    v = f.nullNode();
                    break;
                default:
                    throw new InputException("JSON: unexpected " + t + " at " + where(p));
            }
            values += v.isContainerNode() ? 16 : 1; // containers cost more memory than their one byte (as in Ubjson)
            if (values > Ubjson.MAX_VALUES) {
                throw new InputException("JSON: more than " + Ubjson.MAX_VALUES
                        + " values, larger than any model mlsec reads");
            }
            if (stack.isEmpty()) {
                if (!v.isContainerNode()) {
                    return v;
                }
            } else {
                JsonNode parent = stack.peek();
                if (parent.isObject()) {
                    ((ObjectNode) parent).set(keys.pop(), v);
                } else {
                    ((ArrayNode) parent).add(v);
                }
            }
            if (v.isContainerNode()) {
                stack.push(v);
            }
            t = p.nextToken();
        }
    }

    private static String where(JsonParser p) {
        return "line " + p.currentLocation().getLineNr() + " column " + p.currentLocation().getColumnNr();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "malformed";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.replaceAll("\\[Source: [^;]*; line: ([0-9]+), column: ([0-9]+)]", "line $1 column $2");
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
