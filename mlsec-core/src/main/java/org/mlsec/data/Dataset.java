package org.mlsec.data;

import java.util.Arrays;
import java.util.Objects;
import org.mlsec.InputException;

/**
 * Rows of feature values in schema order, with class indices when the data is labelled.
 * A categorical feature holds its category index; -1 marks a category the schema does not know.
 */
public final class Dataset {
    private final Schema schema;
    private final double[][] x;
    private final int[] y;

    /**
     * Rows in a schema; the arrays are kept, not copied.
     *
     * @param schema the columns and classes
     * @param x the row-major feature matrix
     * @param y per row, the class index, or null for unlabelled rows
     */
    public Dataset(Schema schema, double[][] x, int[] y) {
        this.schema = Objects.requireNonNull(schema, "schema");
        this.x = Objects.requireNonNull(x, "x");
        this.y = y;
        if (y != null && y.length != x.length) {
            throw new IllegalArgumentException("rows " + x.length + " but labels " + y.length);
        }
    }

    /**
     * The rows' columns and classes.
     *
     * @return the schema
     */
    public Schema schema() {
        return schema;
    }

    /**
     * The number of rows.
     *
     * @return the row count
     */
    public int rows() {
        return x.length;
    }

    /**
     * The row-major feature matrix; callers must not modify it.
     *
     * @return the matrix itself
     */
    public double[][] x() {
        return x;
    }

    /**
     * One row's features; callers must not modify it.
     *
     * @param i the row's index
     * @return the row itself
     */
    public double[] row(int i) {
        return x[i];
    }

    /**
     * Whether the rows have labels.
     *
     * @return true when {@link #y()} is there
     */
    public boolean labelled() {
        return y != null;
    }

    /**
     * Class indices into {@code schema().classes()}.
     *
     * @return the labels, one per row, or null when unlabelled
     */
    public int[] y() {
        if (y == null) {
            throw new InputException("the data has no label column");
        }
        return y;
    }

    /**
     * The values of feature {@code j} (a category index for a categorical column), one per row.
     *
     * @param j the feature's index
     * @return a new array
     */
    public double[] column(int j) {
        org.mlsec.internal.Validate.isTrue(j >= 0 && j < schema().width(), "j must name one of the " + schema().width()
                + " features, got " + j, "j");
        double[] v = new double[rows()];
        for (int i = 0; i < v.length; i++) {
            v[i] = row(i)[j];
        }
        return v;
    }

    /**
     * The values of the named feature, one per row; an {@code InputException} listing the features when none has it.
     *
     * @param name the feature's name
     * @return a new array
     */
    public double[] column(String name) {
        return column(schema().require(name));
    }

    /**
     * The rows at the given indices (in that order).
     *
     * @param indices row indices, repeats allowed
     * @return the rows (shared, not copied) with their labels
     */
    public Dataset subset(int[] indices) {
        double[][] sx = new double[indices.length][];
        int[] sy = y == null ? null : new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            sx[k] = x[indices[k]];
            if (sy != null) {
                sy[k] = y[indices[k]];
            }
        }
        return new Dataset(schema, sx, sy);
    }

    /**
     * These rows followed by the other's (same schema; both labelled).
     *
     * @param other rows of the same schema
     * @return a new data set
     */
    public Dataset concat(Dataset other) {
        double[][] cx = new double[x.length + other.x.length][];
        System.arraycopy(x, 0, cx, 0, x.length);
        System.arraycopy(other.x, 0, cx, x.length, other.x.length);
        int[] cy = new int[cx.length];
        System.arraycopy(y(), 0, cy, 0, x.length);
        System.arraycopy(other.y(), 0, cy, x.length, other.x.length);
        return new Dataset(schema, cx, cy);
    }

    /**
     * A copy restricted to the named features; rows are copied.
     *
     * @param names feature names, in the order wanted
     * @return the rows in the restricted schema
     */
    public Dataset select(java.util.List<String> names) {
        Schema s = schema.select(names);
        int[] idx = new int[names.size()];
        for (int j = 0; j < idx.length; j++) {
            idx[j] = schema.require(names.get(j));
        }
        double[][] sx = new double[x.length][idx.length];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < idx.length; j++) {
                sx[i][j] = x[i][idx[j]];
            }
        }
        return new Dataset(s, sx, y);
    }

    /**
     * Share of rows per class.
     *
     * @return per class in schema order, its share of the rows
     */
    public double[] classShares() {
        double[] shares = new double[schema.classes().size()];
        for (int c : y()) {
            shares[c] += 1.0 / y.length;
        }
        return shares;
    }

    @Override
    public String toString() {
        return "Dataset[" + rows() + " rows, features " + schema.featureNames() + ", classes "
                + schema.classes() + (y == null ? ", unlabelled" : "") + "]";
    }

    /**
     * Deep copy of the feature matrix, for attacks that edit rows.
     *
     * @return a new matrix
     */
    public double[][] copyX() {
        double[][] c = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            c[i] = Arrays.copyOf(x[i], x[i].length);
        }
        return c;
    }
}
