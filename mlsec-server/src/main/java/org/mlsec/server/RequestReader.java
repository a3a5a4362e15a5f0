package org.mlsec.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.mlsec.data.Column;
import org.mlsec.data.Schema;
import org.mlsec.data.Values;
import org.mlsec.defences.preprocessor.InputSchema;
import org.mlsec.internal.Json;

/**
 * Turns a request body — a JSON list of records {@code [{"FEATURE": value, ...}]}, or one record — into rows in the
 * model's schema order, and refuses anything else with a 4xx naming the row, the field and the rule. A body is read
 * as a stream: only the records up to {@code max_batch} are kept, each with only the model's fields and their scalar
 * values, so what a request costs in memory is bounded by the batch limit and the schema, not by the body (8 MiB of
 * {@code [{},{},...]} or of unknown fields would otherwise become a tree of hundreds of megabytes before any check).
 */
final class RequestReader {
    private final Schema schema;
    private final InputSchema.Checker validator;
    private final List<InputSchema.Field> fields;
    /** Per validator field, the model's column (resolved once, not per request). */
    private final int[] columnOf;
    /** Per validator field of a categorical column, the field's index of each of the model's categories. */
    private final int[][] categoryOf;
    private final Set<String> names;

    /** What of the input schema the model does not read (null: nothing), said once when the server starts. */
    final String schemaNote;

    /** Per feature, the text that fills a missing or null field: the model's training-time fills (may be empty). */
    private final java.util.Map<String, String> fills;

    RequestReader(Schema schema, InputSchema validator) {
        this(schema, validator, java.util.Map.of());
    }

    RequestReader(Schema schema, InputSchema validator, java.util.Map<String, String> fills) {
        this.schema = schema;
        this.fills = fills;
        // A schema inferred from the full data fits a model on a subset of its columns: the rest is ignored.
        InputSchema.Restricted fit = validator == null ? null : validator.restrictTo(schema.featureNames());
        validator = fit == null ? null : fit.schema();
        this.schemaNote = fit == null ? null : fit.note();
        this.validator = validator == null ? null : validator.checker();
        this.fields = validator == null ? List.of() : validator.features();
        this.columnOf = new int[fields.size()];
        for (int k = 0; k < fields.size(); k++) {
            columnOf[k] = schema.indexOf(fields.get(k).name());
            if (columnOf[k] < 0) {
                throw new org.mlsec.InputException("the input schema names feature '" + fields.get(k).name()
                        + "', which the model does not have");
            }
        }
        this.categoryOf = new int[fields.size()][];
        for (int k = 0; k < fields.size(); k++) {
            Column c = schema.feature(columnOf[k]);
            List<String> allowed = fields.get(k).categories();
            if (c.isCategorical() && allowed != null) {
                categoryOf[k] = c.categories().stream().mapToInt(allowed::indexOf).toArray();
            }
        }
        this.names = new HashSet<>(schema.featureNames());
    }

    double[][] read(String body, int maxBatch) {
        List<ObjectNode> records = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        try (JsonParser p = Json.MAPPER.createParser(body)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new ApiError(400, "empty body: expected a JSON list of records");
            }
            if (t == JsonToken.START_OBJECT) {
                record(p, records, unknown);
            } else if (t == JsonToken.START_ARRAY) {
                int n = 0;
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (t == null) {
                        throw new ApiError(400, "malformed JSON: the list of records is not closed");
                    }
                    if (++n > maxBatch) { // counted to the end (the body is bounded), nothing more is kept
                        p.skipChildren();
                    } else if (t == JsonToken.START_OBJECT) {
                        record(p, records, unknown);
                    } else {
                        p.skipChildren();
                        records.add(null);
                        unknown.add(null);
                    }
                }
                if (n > maxBatch) {
                    throw new ApiError(413, "batch of " + n + " records exceeds the limit of " + maxBatch);
                }
            } else {
                throw new ApiError(400, "expected a JSON list of records, got " + kind(t));
            }
        } catch (JsonProcessingException e) {
            // Also Jackson's limits (nesting deeper than 1,000, numbers longer than 1,000 digits), which carry no
            // location: a 400 naming the problem, never a 500.
            throw new ApiError(400, "malformed JSON: " + Json.describe(e));
        } catch (java.io.IOException | RuntimeException e) {
            if (e instanceof ApiError a) {
                throw a;
            }
            throw new ApiError(400, "malformed JSON: " + e.getClass().getSimpleName());
        }
        if (records.isEmpty()) {
            throw new ApiError(422, "the list of records is empty");
        }
        double[][] rows = new double[records.size()][];
        for (int i = 0; i < rows.length; i++) {
            if (records.get(i) == null) {
                throw new ApiError(422, "record is not a JSON object").at(i, null);
            }
            if (unknown.get(i) != null) {
                throw unknownField(i, unknown.get(i));
            }
            rows[i] = row(records.get(i), i);
        }
        return rows;
    }

    /**
     * One record from the stream, its opening brace read: the model's fields with their values (an array or object
     * value is skipped and kept as an empty one, which no field accepts), the first unknown field's name or null.
     */
    private void record(JsonParser p, List<ObjectNode> records, List<String> unknown) throws java.io.IOException {
        ObjectNode rec = Json.MAPPER.createObjectNode();
        String firstUnknown = null;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            if (t == null) {
                throw new ApiError(400, "malformed JSON: a record is not closed");
            }
            String f = p.currentName();
            JsonToken v = p.nextToken();
            boolean structured = v == JsonToken.START_ARRAY || v == JsonToken.START_OBJECT;
            if (!names.contains(f)) {
                firstUnknown = firstUnknown == null ? f : firstUnknown;
                p.skipChildren();
            } else if (structured) {
                p.skipChildren();
                rec.set(f, v == JsonToken.START_ARRAY ? Json.MAPPER.createArrayNode() : Json.MAPPER.createObjectNode());
            } else {
                rec.set(f, p.readValueAsTree());
            }
        }
        records.add(rec);
        unknown.add(firstUnknown);
    }

    private static String kind(JsonToken t) {
        return switch (t) {
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_STRING -> "string";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            case VALUE_NULL -> "null";
            default -> t.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private ApiError unknownField(int row, String field) {
        return new ApiError(422, "unknown field").at(row, field).rule("fields are " + schema.featureNames());
    }

    /** The records of a parsed body (a list of them, or one) as rows in the model's order. */
    double[][] read(JsonNode root, int maxBatch) {
        if (root.isObject()) {
            root = Json.MAPPER.createArrayNode().add(root);
        }
        if (!root.isArray()) {
            throw new ApiError(400, "expected a JSON list of records, got " + root.getNodeType().name().toLowerCase());
        }
        if (root.size() == 0) {
            throw new ApiError(422, "the list of records is empty");
        }
        if (root.size() > maxBatch) {
            throw new ApiError(413, "batch of " + root.size() + " records exceeds the limit of " + maxBatch);
        }
        double[][] rows = new double[root.size()][];
        for (int i = 0; i < root.size(); i++) {
            JsonNode rec = root.get(i);
            if (!rec.isObject()) {
                throw new ApiError(422, "record is not a JSON object").at(i, null);
            }
            Iterator<String> fields = rec.fieldNames();
            while (fields.hasNext()) {
                String f = fields.next();
                if (!names.contains(f)) {
                    throw unknownField(i, f);
                }
            }
            rows[i] = row(rec, i);
        }
        return rows;
    }

    /** A record whose fields are all the model's, as a row in the model's order, filled and validated. */
    private double[] row(JsonNode rec, int i) {
        double[] row = new double[schema.width()];
        for (int j = 0; j < schema.width(); j++) {
            Column c = schema.feature(j);
            JsonNode v = rec.get(c.name());
            if (v == null || v.isNull()) {
                String fill = fills.get(c.name());
                if (fill == null) {
                    throw new ApiError(422, "missing field").at(i, c.name());
                }
                // Filled as the model's training data was (its recorded statistics), then validated like any value.
                v = c.isCategorical() || Double.isNaN(Values.parse(fill)) ? Json.MAPPER.getNodeFactory().textNode(fill)
                        : Json.MAPPER.getNodeFactory().numberNode(Values.parse(fill));
            }
            row[j] = value(c, v, i);
        }
        validate(i, row);
        return row;
    }

    /**
     * Checks rows already in the model's order (an in-process caller's) as {@link #read} checks records: the batch
     * size, the width, finite numbers, whole numbers and category indices, and the input schema's rules.
     */
    double[][] check(double[][] rows, int maxBatch) {
        if (rows.length == 0) {
            throw new ApiError(422, "the list of records is empty");
        }
        if (rows.length > maxBatch) {
            throw new ApiError(413, "batch of " + rows.length + " records exceeds the limit of " + maxBatch);
        }
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] == null || rows[i].length != schema.width()) {
                throw new ApiError(422, "row has " + (rows[i] == null ? 0 : rows[i].length) + " values; the model has "
                        + schema.width() + " features").at(i, null);
            }
            for (int j = 0; j < schema.width(); j++) {
                Column c = schema.feature(j);
                double d = rows[i][j];
                boolean whole = d == Math.rint(d);
                if (!Double.isFinite(d)) {
                    throw new ApiError(422, "not a finite number").at(i, c.name());
                }
                if (c.isCategorical() && (!whole || d < 0 || d >= c.categories().size())) {
                    throw new ApiError(422, "not one of the allowed categories").at(i, c.name())
                            .rule("categories are " + c.categories());
                }
                if (c.type() == org.mlsec.data.ColumnType.INTEGER && !whole) {
                    throw new ApiError(422, "not a whole number").at(i, c.name());
                }
            }
            validate(i, rows[i]);
        }
        return rows;
    }

    private void validate(int i, double[] row) {
        if (validator != null) {
            List<InputSchema.Violation> bad = validator.check(i, reorder(row));
            if (!bad.isEmpty()) {
                InputSchema.Violation v = bad.get(0);
                throw new ApiError(422, "value " + v.value() + " is not allowed").at(i, v.column()).rule(v.rule());
            }
        }
    }

    private double value(Column c, JsonNode v, int row) {
        if (c.isCategorical()) {
            String text = v.isNumber() ? Values.format(v.asDouble()) : v.isTextual() ? Values.canonical(v.asText()) : null;
            int k = text == null ? -1 : c.categoryIndex(text);
            if (k < 0) {
                throw new ApiError(422, "not one of the allowed categories").at(row, c.name()).rule("categories are " + c.categories());
            }
            return k;
        }
        if (!v.isNumber()) {
            throw new ApiError(422, "not a number").at(row, c.name());
        }
        double d = v.asDouble();
        if (!Double.isFinite(d)) {
            throw new ApiError(422, "not a finite number").at(row, c.name());
        }
        if (c.type() == org.mlsec.data.ColumnType.INTEGER && d != Math.rint(d)) {
            throw new ApiError(422, "not a whole number").at(row, c.name());
        }
        return d;
    }

    /** The row in the validator's column order (the schema file may list features in another order). */
    private double[] reorder(double[] row) {
        double[] out = new double[fields.size()];
        for (int k = 0; k < fields.size(); k++) {
            int j = columnOf[k];
            int[] map = categoryOf[k];
            int cat = (int) row[j];
            out[k] = map == null ? row[j] : cat >= 0 && cat < map.length && cat == row[j] ? map[cat] : -1;
        }
        return out;
    }
}
