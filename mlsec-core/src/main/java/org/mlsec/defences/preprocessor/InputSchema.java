package org.mlsec.defences.preprocessor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mlsec.InputException;
import org.mlsec.data.Column;
import org.mlsec.data.ColumnType;
import org.mlsec.data.Condition;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.data.Values;
import org.mlsec.internal.Json;

/**
 * What a valid input looks like, learned from trusted data and meant to be edited: each feature's type, whether it
 * is whole, its allowed categories or its feasible range (the observed range widened by a margin), plus domain rules
 * every row must satisfy (such as {@code age <= 125}). Inference learns only what the data shows; domain rules are
 * the user's knowledge and come from a rules file ({@link DomainRules}, {@link #withRules}). The model server
 * enforces the same file.
 *
 * @param format        "mlsec-input-schema"
 * @param formatVersion 1
 * @param label         the label column (not validated)
 * @param features      per-feature constraints
 * @param rules         conditions every row must satisfy, in the {@link Condition} language
 */
public record InputSchema(String format, int formatVersion, String label, List<Field> features, List<String> rules) {
    /** The {@code format} value of every input schema file. */
    public static final String FORMAT = "mlsec-input-schema";
    /** Share of the observed range added on each side. */
    public static final double MARGIN = 0.1;

    /**
     * @param name       column
     * @param type       numeric, integer or categorical
     * @param min        smallest allowed value (numbers)
     * @param max        largest allowed value (numbers)
     * @param categories allowed values (categorical)
     */
    public record Field(String name, String type, Double min, Double max, List<String> categories) {
    }

    /**
     * One broken constraint.
     *
     * @param row the row's number, as the caller numbers rows (a file's line)
     * @param column the column at fault (a rule's first column)
     * @param value the value found, as text ({@code ?} when it cannot be shown)
     * @param rule what the value breaks, in words
     */
    public record Violation(int row, String column, String value, String rule) {
    }

    /**
     * The input schema trusted data implies: each numeric feature's observed range widened by {@link #MARGIN} on each
     * side (not below 0 when the data is not; whole-number bounds for integer columns), each categorical feature's
     * categories, no rules.
     *
     * @param trusted rows known to be clean
     * @return the schema, format version 1
     */
    public static InputSchema infer(Dataset trusted) {
        List<Field> fields = new ArrayList<>();
        Schema s = trusted.schema();
        for (int j = 0; j < s.width(); j++) {
            Column c = s.feature(j);
            if (c.isCategorical()) {
                fields.add(new Field(c.name(), c.type().key(), null, null, c.categories()));
                continue;
            }
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (double[] r : trusted.x()) {
                min = Math.min(min, r[j]);
                max = Math.max(max, r[j]);
            }
            double m = (max - min) * MARGIN;
            double lo = min >= 0 ? Math.max(0, min - m) : min - m;
            double hi = max + m;
            if (c.type() == ColumnType.INTEGER) {
                lo = Math.floor(lo);
                hi = Math.ceil(hi);
            }
            fields.add(new Field(c.name(), c.type().key(), lo, hi, null));
        }
        return new InputSchema(FORMAT, 1, s.label(), fields, List.of());
    }

    /**
     * The input schema a model's own schema implies when no trusted data is at hand: each numeric feature's training
     * range widened by {@link #MARGIN} (whole-number bounds; unbounded when the model does not record a range), the
     * categories it knows, no rules.
     *
     * @param model the model's schema
     * @return the schema, format version 1
     */
    public static InputSchema ofModel(Schema model) {
        org.mlsec.internal.Validate.notNull(model, "model");
        List<Field> fields = new ArrayList<>();
        for (Column c : model.features()) {
            if (c.isCategorical()) {
                fields.add(new Field(c.name(), c.type().key(), null, null, c.categories()));
            } else if (Double.isInfinite(c.min()) || Double.isInfinite(c.max())) {
                fields.add(new Field(c.name(), c.type().key(), null, null, null));
            } else {
                double margin = (c.max() - c.min()) * MARGIN;
                double lo = c.min() >= 0 ? Math.max(0, c.min() - margin) : c.min() - margin;
                fields.add(new Field(c.name(), c.type().key(), Math.floor(lo), Math.ceil(c.max() + margin), null));
            }
        }
        return new InputSchema(FORMAT, 1, model.label(), fields, List.of());
    }

    /**
     * This schema with the domain rules that apply to its fields added after its own (see
     * {@link DomainRules#applicableTo}); the rules that do not apply are left out, and {@code rules.applicableTo}
     * says which.
     *
     * @param rules the domain rules to add
     * @return the extended schema
     */
    public InputSchema withRules(DomainRules rules) {
        org.mlsec.internal.Validate.notNull(rules, "rules");
        List<String> all = new ArrayList<>(this.rules == null ? List.of() : this.rules);
        for (String r : rules.applicableTo(toSchema()).applicable()) {
            if (!all.contains(r)) {
                all.add(r);
            }
        }
        return new InputSchema(format, formatVersion, label, features, List.copyOf(all));
    }

    /**
     * This schema restricted to a model's features: a schema inferred from the full data set fits a model trained on
     * a subset of its columns. Fields the model does not have are ignored, and so are the rules that mention them.
     *
     * @param schema        the fields (in this schema's order) and rules that apply
     * @param ignoredFields the fields dropped (empty when the schema fits the model as it is)
     * @param droppedRules  the rules dropped because they mention an ignored field
     */
    public record Restricted(InputSchema schema, List<String> ignoredFields, List<String> droppedRules) {
        /**
         * One line saying what is ignored, or null when nothing is.
         *
         * @return the sentence, or null
         */
        public String note() {
            if (ignoredFields.isEmpty()) {
                return null;
            }
            return "the input schema's fields " + ignoredFields + " are not inputs of the model: ignored"
                    + (droppedRules.isEmpty() ? "" : ", with the rules that mention them " + droppedRules);
        }
    }

    /**
     * Restricts the schema to the named features; an {@link InputException} when it names none of them (then it is
     * the schema of another model, not of a superset of this one's data).
     *
     * @param modelFeatures the model's feature names
     * @return the schema's fields and rules for those features, and what was dropped
     */
    public Restricted restrictTo(java.util.Collection<String> modelFeatures) {
        java.util.Set<String> keep = new java.util.HashSet<>(modelFeatures);
        List<Field> kept = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        for (Field f : features) {
            if (keep.contains(f.name())) {
                kept.add(f);
            } else {
                ignored.add(f.name());
            }
        }
        if (ignored.isEmpty()) {
            return new Restricted(this, List.of(), List.of());
        }
        if (kept.isEmpty()) {
            throw new InputException("the input schema names none of the model's features " + modelFeatures
                    + " (it names " + ignored + ")");
        }
        java.util.Set<String> gone = new java.util.HashSet<>(ignored);
        List<String> rulesKept = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        for (String r : rules == null ? List.<String>of() : rules) {
            boolean mentions = Condition.parse(r).clauses().stream().anyMatch(c -> gone.contains(c.column()));
            (mentions ? dropped : rulesKept).add(r);
        }
        return new Restricted(new InputSchema(format, formatVersion, label, kept, rulesKept), List.copyOf(ignored),
                List.copyOf(dropped));
    }

    /**
     * The data schema this file describes (to read a CSV or a JSON record into rows).
     *
     * @return the fields as columns, label included, no classes
     */
    public Schema toSchema() {
        List<Column> cols = new ArrayList<>();
        for (Field f : features) {
            ColumnType t = ColumnType.fromKey(f.type());
            cols.add(t == ColumnType.CATEGORICAL ? Column.categorical(f.name(), f.categories())
                    : Column.numeric(f.name(), t, f.min() == null ? Double.NEGATIVE_INFINITY : f.min(),
                    f.max() == null ? Double.POSITIVE_INFINITY : f.max()));
        }
        return new Schema(cols, label, List.of());
    }

    /**
     * Every violation of one row given in {@link #toSchema()} order; {@code row} numbers the report.
     *
     * @param row the row's number in the report
     * @param x the row's values
     * @return the violations, empty when the row is valid
     */
    public List<Violation> check(int row, double[] x) {
        return checker().check(row, x);
    }

    /**
     * The schema with its rules parsed once, for checking many rows (the server checks every request with one).
     *
     * @return a checker of this schema, safe to reuse
     */
    public Checker checker() {
        return new Checker(this);
    }

    /** Checks rows against a schema whose data schema and rules are built once. */
    public static final class Checker {
        private final List<Field> features;
        private final Schema schema;
        private final List<Condition.Bound> rules = new ArrayList<>();
        private final List<String> ruleTexts;

        Checker(InputSchema s) {
            this.features = s.features();
            this.schema = s.toSchema();
            this.ruleTexts = s.rules();
            for (String r : ruleTexts) {
                rules.add(Condition.parse(r).bind(schema));
            }
        }

        /**
         * Every violation of one row given in {@link InputSchema#toSchema()} order: ranges, categories and whole
         * numbers first, then the rules.
         *
         * @param row the row's number in the report
         * @param x the row's values
         * @return the violations, empty when the row is valid
         */
        public List<Violation> check(int row, double[] x) {
            List<Violation> out = new ArrayList<>();
            for (int j = 0; j < features.size(); j++) {
                Field f = features.get(j);
                Column c = schema.feature(j);
                double v = x[j];
                if (c.isCategorical()) {
                    if (v < 0) {
                        out.add(new Violation(row, f.name(), "?", "not one of the allowed categories " + f.categories()));
                    }
                    continue;
                }
                if (!Double.isFinite(v)) {
                    out.add(new Violation(row, f.name(), Values.display(v), "not a finite number"));
                } else if (c.type() == ColumnType.INTEGER && v != Math.rint(v)) {
                    out.add(new Violation(row, f.name(), Values.display(v), "not a whole number"));
                } else if (f.min() != null && v < f.min()) {
                    out.add(new Violation(row, f.name(), Values.display(v), "below the feasible minimum " + Values.display(f.min())));
                } else if (f.max() != null && v > f.max()) {
                    out.add(new Violation(row, f.name(), Values.display(v), "above the feasible maximum " + Values.display(f.max())));
                }
            }
            for (int k = 0; k < rules.size(); k++) {
                Condition.Bound cond = rules.get(k);
                if (!cond.test(x)) {
                    String col = cond.condition().clauses().get(0).column();
                    int j = schema.indexOf(col);
                    out.add(new Violation(row, col, j >= 0 ? schema.feature(j).format(x[j]) : "?", "breaks the rule "
                            + ruleTexts.get(k)));
                }
            }
            return out;
        }
    }

    /**
     * Writes the schema as JSON.
     *
     * @param file where to write
     */
    public void write(Path file) {
        Json.write(this, file);
    }

    /**
     * Reads an input schema file written by {@link #write(Path)} or by hand, and checks its format and rules.
     *
     * @param file the JSON file
     * @return the schema; no rules when the file has none
     * @throws InputException when the file is missing, not an input schema or has a rule that does not parse
     */
    public static InputSchema read(Path file) {
        try {
            InputSchema s = Json.MAPPER.readValue(file.toFile(), InputSchema.class);
            if (s == null || !FORMAT.equals(s.format()) || s.features() == null || s.features().isEmpty()) {
                throw new InputException(file + " is not an mlsec input schema (format '" + FORMAT + "')");
            }
            for (String r : s.rules() == null ? List.<String>of() : s.rules()) {
                try {
                    Condition.parse(r);
                } catch (InputException e) {
                    throw new InputException(file + ": rule '" + r + "': " + e.getMessage());
                }
            }
            return s.rules() == null ? new InputSchema(s.format(), s.formatVersion(), s.label(), s.features(), List.of()) : s;
        } catch (java.io.FileNotFoundException e) {
            throw new InputException("no such schema file: " + file);
        } catch (IOException e) {
            throw new InputException(file + " is not a valid input schema: " + e.getMessage().split("\n")[0]);
        }
    }
}
