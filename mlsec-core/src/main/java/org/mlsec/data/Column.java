package org.mlsec.data;

import java.util.List;
import java.util.Objects;

/**
 * One feature column of a schema: its name, type and the range observed in the data it was inferred from.
 * In a row vector a categorical column holds the index of its category in {@link #categories()}.
 *
 * @param name the column's name in the CSV header
 * @param type how it is read and encoded
 * @param min smallest value seen (a categorical column: 0)
 * @param max largest value seen (a categorical column: the last category's index)
 * @param categories the categories in index order; empty for numbers
 */
public record Column(String name, ColumnType type, double min, double max, List<String> categories) {
    /**
     * Checks name and type are given; null categories are none.
     *
     * @param name the column's name in the CSV header
     * @param type how it is read and encoded
     * @param min smallest value seen (a categorical column: 0)
     * @param max largest value seen (a categorical column: the last category's index)
     * @param categories the categories in index order; empty for numbers
     */
    public Column {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        categories = categories == null ? List.of() : CategoryList.of(categories);
    }

    /**
     * A number column.
     *
     * @param name the column's name
     * @param type {@link ColumnType#NUMERIC} or {@link ColumnType#INTEGER}
     * @param min smallest value seen
     * @param max largest value seen
     * @return the column
     */
    public static Column numeric(String name, ColumnType type, double min, double max) {
        return new Column(name, type, min, max, List.of());
    }

    /**
     * A categorical column; its range is that of the category indices.
     *
     * @param name the column's name
     * @param categories the categories in index order
     * @return the column
     */
    public static Column categorical(String name, List<String> categories) {
        return new Column(name, ColumnType.CATEGORICAL, 0, categories.size() - 1, categories);
    }

    /**
     * Whether the row vector holds a category index.
     *
     * @return true for {@link ColumnType#CATEGORICAL}
     */
    public boolean isCategorical() {
        return type == ColumnType.CATEGORICAL;
    }

    /**
     * The index of a category value, or -1 when the column has never seen it (a hash lookup, see {@link CategoryList}).
     *
     * @param value the category, in canonical text
     * @return its index, or -1
     */
    public int categoryIndex(String value) {
        return categories.indexOf(value);
    }

    /**
     * The row-vector value of a user's text for this column (a category name, or a finite number).
     *
     * @param text the user's text
     * @return the value for the row vector
     * @throws org.mlsec.InputException when the text is no known category or no finite number
     */
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

    /**
     * The value of this column in a row vector for people to read: categories by name, numbers rounded.
     *
     * @param value a row-vector value of this column
     * @return the text
     */
    public String display(double value) {
        return isCategorical() ? format(value) : Values.display(value);
    }

    /**
     * The value of this column in a row vector, as the user would write it in a CSV cell.
     *
     * @param value a row-vector value of this column
     * @return the text; {@code ?} for an index that is no category
     */
    public String format(double value) {
        if (isCategorical()) {
            int i = (int) value;
            return i >= 0 && i < categories.size() ? categories.get(i) : "?";
        }
        return Values.format(value);
    }
}
