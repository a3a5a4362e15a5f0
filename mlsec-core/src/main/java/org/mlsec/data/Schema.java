package org.mlsec.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.mlsec.InputException;

/**
 * The feature columns a model reads, in row-vector order, plus the label column and its classes.
 * It is inferred from training data and travels with the model, so that serving encodes exactly as training did.
 *
 * @param features the feature columns, in row-vector order, each name once
 * @param label the label column's name, or null
 * @param classes the label's classes, in class-index order; empty for unlabelled data
 */
public record Schema(List<Column> features, String label, List<String> classes) {
    /**
     * Checks the feature names are distinct; null classes are none.
     *
     * @param features the feature columns, in row-vector order, each name once
     * @param label the label column's name, or null
     * @param classes the label's classes, in class-index order; empty for unlabelled data
     */
    public Schema {
        features = List.copyOf(Objects.requireNonNull(features, "features"));
        classes = classes == null ? List.of() : List.copyOf(classes);
        requireDistinct(features.stream().map(Column::name).toList(), "feature");
        // Duplicate class names are not refused here: the talk's flip-classes tamper ([0, 1] -> [1, 1]) must still
        // load so the demo, canaries and `attack tamper` can show what a consumer that does not check would serve.
    }

    private static void requireDistinct(List<String> names, String what) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String n : names) {
            if (!seen.add(n)) {
                throw new InputException("duplicate " + what + " name '" + n + "': each " + what + " must be named once");
            }
        }
    }

    /**
     * The number of features.
     *
     * @return the row-vector length
     */
    public int width() {
        return features.size();
    }

    /**
     * One feature column.
     *
     * @param i its index in the row vector
     * @return the column
     */
    public Column feature(int i) {
        return features.get(i);
    }

    /**
     * Index of the named feature, or -1.
     *
     * @param name the feature's name
     * @return its index
     */
    public int indexOf(String name) {
        for (int i = 0; i < features.size(); i++) {
            if (features.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Index of the named feature; an {@link InputException} listing the features when there is none.
     *
     * @param name the feature's name
     * @return its index
     */
    public int require(String name) {
        int i = indexOf(name);
        if (i < 0) {
            throw new InputException("no feature '" + name + "'; the features are " + featureNames());
        }
        return i;
    }

    /**
     * The features' names.
     *
     * @return the names in row-vector order
     */
    public List<String> featureNames() {
        List<String> names = new ArrayList<>(features.size());
        for (Column c : features) {
            names.add(c.name());
        }
        return names;
    }

    /**
     * The index of a class.
     *
     * @param value the class as text (trimmed and made canonical here)
     * @return its index, or -1
     */
    public int classIndex(String value) {
        return classes.indexOf(Values.canonical(value.trim()));
    }

    /**
     * What makes rows of {@code data} mean something else to a model of this schema: other features or another
     * order, a categorical column read as a number (or the reverse), other categories or category order (the rows
     * hold category indices), other classes or class order. Ranges and whole-number types may differ. Empty when the
     * rows can be given to the model as they are.
     *
     * @param data the schema the rows were read in
     * @return one line per difference
     */
    public List<String> differencesFrom(Schema data) {
        List<String> out = new ArrayList<>();
        if (!featureNames().equals(data.featureNames())) {
            out.add("the features are " + data.featureNames() + ", the model's " + featureNames());
            return out;
        }
        for (int j = 0; j < width(); j++) {
            Column m = feature(j);
            Column d = data.feature(j);
            if (m.isCategorical() != d.isCategorical()) {
                out.add("'" + m.name() + "' is " + (d.isCategorical() ? "categorical" : "numeric") + ", the model's "
                        + (m.isCategorical() ? "categorical" : "numeric"));
            } else if (m.isCategorical() && !m.categories().equals(d.categories())) {
                out.add("'" + m.name() + "' has the categories " + d.categories() + ", the model's " + m.categories());
            }
        }
        if (!data.classes().isEmpty() && !classes.isEmpty() && !classes.equals(data.classes())) {
            out.add("the classes are " + data.classes() + ", the model's " + classes);
        }
        return out;
    }

    /**
     * Fails with what differs (see {@link #differencesFrom}) unless rows of {@code data} can be given to a model of
     * this schema; {@code what} names the data in the message.
     *
     * @param data the schema the rows were read in
     * @param what the data's name in the message, such as "members"
     */
    public void requireCompatible(Schema data, String what) {
        List<String> d = differencesFrom(data);
        if (!d.isEmpty()) {
            throw new InputException(what + " does not fit the model's schema: " + String.join("; ", d)
                    + " (read the data in the model's schema, as CsvReader.read(file, model.schema(), options) or"
                    + " Mlsec.read(file, model) do)");
        }
    }

    /**
     * The schema restricted to the named features, in the given order.
     *
     * @param names feature names
     * @return the restricted schema, same label and classes
     */
    public Schema select(List<String> names) {
        List<Column> cols = new ArrayList<>();
        for (String n : names) {
            cols.add(features.get(require(n)));
        }
        return new Schema(cols, label, classes);
    }

    /**
     * The same features with another column type for the named ones (a user who says a column is categorical).
     *
     * @param index the feature's index
     * @param column the column that replaces it
     * @return the new schema
     */
    public Schema withFeature(int index, Column column) {
        List<Column> cols = new ArrayList<>(features);
        cols.set(index, column);
        return new Schema(cols, label, classes);
    }
}
