package org.mlsec.model;

import java.util.List;
import org.mlsec.data.Schema;

/**
 * What every attack and defence targets: a model that takes rows in its schema's order and answers with classes
 * or class probabilities, whether it is trained here, loaded from ONNX or reached over HTTP.
 * Each row passed to a prediction method counts as one query.
 */
public interface Classifier {
    /**
     * The input columns, in row order, with the label's classes.
     *
     * @return the schema
     */
    Schema schema();

    /**
     * The class names, in class-index order.
     *
     * @return {@code schema().classes()}
     */
    default List<String> classes() {
        return schema().classes();
    }

    /**
     * Class probabilities, one row per input row, columns in {@link #classes()} order.
     *
     * @param rows rows in {@link #schema()}'s feature order
     * @return the probabilities, each row summing to 1
     */
    double[][] predictProba(double[][] rows);

    /**
     * Predicted class indices.
     *
     * @param rows rows in {@link #schema()}'s feature order
     * @return one class index per row
     */
    int[] predict(double[][] rows);

    /**
     * Predicted classes with one column of every row set to each of several values: the sweep a probe of one feature
     * needs. The answer equals {@code predict} of the rewritten rows, value by value; models that know their structure
     * (a forest walks each tree once per row for all values) answer it faster. Each row and value counts as one query.
     *
     * @param rows   rows in {@link #schema()}'s feature order (not modified)
     * @param column the schema column set
     * @param values the values it takes, one sweep step each
     * @return the predicted class indices, {@code [value][row]}
     */
    default int[][] predictAlong(double[][] rows, int column, double[] values) {
        int[][] out = new int[values.length][];
        for (int k = 0; k < values.length; k++) {
            double[][] at = new double[rows.length][];
            for (int i = 0; i < rows.length; i++) {
                at[i] = rows[i].clone();
                at[i][column] = values[k];
            }
            out[k] = predict(at);
        }
        return out;
    }

    /**
     * False for label-only models (a hardened API): {@link #predictProba} then throws.
     *
     * @return whether probabilities are answered
     */
    default boolean hasProbabilities() {
        return true;
    }

    /**
     * Rows queried so far.
     *
     * @return the count
     */
    long queries();

    /**
     * Index of the largest value; ties go to the first.
     *
     * @param p the values, at least one
     * @return the index
     */
    static int argmax(double[] p) {
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            if (p[k] > p[best]) {
                best = k;
            }
        }
        return best;
    }
}
