package org.mlsec.model;

import java.util.List;
import org.mlsec.data.Schema;

/**
 * What every attack and defence targets: a model that takes rows in its schema's order and answers with classes
 * or class probabilities, whether it is trained here, loaded from ONNX or reached over HTTP.
 * Each row passed to a prediction method counts as one query.
 */
public interface Classifier {
    /** The input columns, in row order, with the label's classes. */
    Schema schema();

    default List<String> classes() {
        return schema().classes();
    }

    /** Class probabilities, one row per input row, columns in {@link #classes()} order. */
    double[][] predictProba(double[][] rows);

    /** Predicted class indices. */
    int[] predict(double[][] rows);

    /** False for label-only models (a hardened API): {@link #predictProba} then throws. */
    default boolean hasProbabilities() {
        return true;
    }

    /** Rows queried so far. */
    long queries();

    /** Index of the largest value; ties go to the first. */
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
