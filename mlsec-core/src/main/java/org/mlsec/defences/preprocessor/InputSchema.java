package org.mlsec.defences.preprocessor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
 * every row must satisfy (such as {@code AGE <= 125}). The model server enforces the same file.
 *
 * @param format        "mlsec-input-schema"
 * @param formatVersion 1
 * @param label         the label column (not validated)
 * @param features      per-feature constraints
 * @param rules         conditions every row must satisfy, in the {@link Condition} language
 */
public record InputSchema(String format, int formatVersion, String label, List<Field> features, List<String> rules) {
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

    /** One broken constraint. */
    public record Violation(int row, String column, String value, String rule) {
    }

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
        return new InputSchema(FORMAT, 1, s.label(), fields, domainRules(s));
    }

    /** Rules any credit-card data of the UCI schema must satisfy, for the columns present. */
    public static List<String> domainRulesFor(Schema s) {
        return domainRules(s);
    }

    static List<String> domainRules(Schema s) {
        List<String> rules = new ArrayList<>();
        Set<String> names = Set.copyOf(s.featureNames());
        if (names.contains("AGE")) {
            rules.add("AGE >= 18");
            rules.add("AGE <= 125");
        }
        for (String p : List.of("PAY_0", "PAY_1", "PAY_2", "PAY_3", "PAY_4", "PAY_5", "PAY_6")) {
            if (names.contains(p) && !s.feature(s.indexOf(p)).isCategorical()) {
                rules.add(p + " >= -2");
                rules.add(p + " <= 9");
            }
        }
        if (names.contains("LIMIT_BAL")) {
            rules.add("LIMIT_BAL > 0");
        }
        for (int k = 1; k <= 6; k++) {
            if (names.contains("PAY_AMT" + k)) {
                rules.add("PAY_AMT" + k + " >= 0");
            }
        }
        return rules;
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
        /** One line saying what is ignored, or null when nothing is. */
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

    /** The data schema this file describes (to read a CSV or a JSON record into rows). */
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

    /** Every violation of one row given in {@link #toSchema()} order; {@code row} numbers the report. */
    public List<Violation> check(int row, double[] x) {
        return checker().check(row, x);
    }

    /** The schema with its rules parsed once, for checking many rows (the server checks every request with one). */
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

    public void write(Path file) {
        Json.write(this, file);
    }

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
