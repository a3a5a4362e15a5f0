package org.mlsec.data;

import java.util.List;
import java.util.Objects;

/**
 * One feature column of a schema: its name, type and the range observed in the data it was inferred from.
 * In a row vector a categorical column holds the index of its category in {@link #categories()}.
 */
public record Column(String name, ColumnType type, double min, double max, List<String> categories) {
    public Column {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        categories = categories == null ? List.of() : List.copyOf(categories);
    }

    public static Column numeric(String name, ColumnType type, double min, double max) {
        return new Column(name, type, min, max, List.of());
    }

    public static Column categorical(String name, List<String> categories) {
        return new Column(name, ColumnType.CATEGORICAL, 0, categories.size() - 1, categories);
    }

    public boolean isCategorical() {
        return type == ColumnType.CATEGORICAL;
    }

    /** The index of a category value, or -1 when the column has never seen it. */
    public int categoryIndex(String value) {
        return categories.indexOf(value);
    }

    /** The row-vector value of a user's text for this column (a category name, or a finite number). */
    public double parse(String text) {
        if (isCategorical()) {
            int k = categoryIndex(Values.canonical(text));
            if (k < 0) {
                throw new org.mlsec.InputException(name + "=" + text + " is not one of " + categories);
            }
            return k;
        }
        double v = Values.parse(text);
        if (!Double.isFinite(v)) {
            throw new org.mlsec.InputException(name + "=" + text + " is not a finite number");
        }
        return v;
    }

    /** The value of this column in a row vector for people to read: categories by name, numbers rounded. */
    public String display(double value) {
        return isCategorical() ? format(value) : Values.display(value);
    }

    /** The value of this column in a row vector, as the user would write it in a CSV cell. */
    public String format(double value) {
        if (isCategorical()) {
            int i = (int) value;
            return i >= 0 && i < categories.size() ? categories.get(i) : "?";
        }
        return Values.format(value);
    }
}
