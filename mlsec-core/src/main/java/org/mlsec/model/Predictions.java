package org.mlsec.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlsec.data.Dataset;
import org.mlsec.data.Unfamiliar;
import org.mlsec.internal.Validate;

/**
 * A model's answers to the rows of a data set: the predicted class of each row and the class probabilities (for a
 * model that gives only labels, 1 for the predicted class and 0 for the others), with how often each class was
 * predicted. The predicted class is the most probable one.
 *
 * @param classes       the model's classes, the columns of {@code probabilities}
 * @param labels        each row's predicted class
 * @param probabilities each row's class probabilities
 * @param counts        how many rows got each class, every class listed (0 when never predicted)
 */
public record Predictions(List<String> classes, List<String> labels, double[][] probabilities, Map<String, Integer> counts) {
    /**
     * Checks there is one label per probability row.
     *
     * @param classes the model's classes, the columns of {@code probabilities}
     * @param labels each row's predicted class
     * @param probabilities each row's class probabilities
     * @param counts how many rows got each class, every class listed (0 when never predicted)
     */
    public Predictions {
        classes = List.copyOf(classes);
        labels = List.copyOf(labels);
        Validate.isTrue(labels.size() == probabilities.length, "labels and probabilities must have one entry per row, got "
                + labels.size() + " and " + probabilities.length);
        counts = Collections.unmodifiableMap(new LinkedHashMap<>(counts));
    }

    /**
     * Scores every row of {@code data} (in the model's schema).
     *
     * @param model the model
     * @param data the rows
     * @return the answers
     */
    public static Predictions of(Classifier model, Dataset data) {
        double[][] p;
        if (model.hasProbabilities()) {
            p = model.predictProba(data.x());
        } else {
            int[] idx = model.predict(data.x());
            p = new double[idx.length][model.classes().size()];
            for (int i = 0; i < idx.length; i++) {
                p[i][idx[i]] = 1;
            }
        }
        List<String> classes = model.classes();
        String[] labels = new String[p.length];
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String c : classes) {
            counts.put(c, 0);
        }
        for (int i = 0; i < p.length; i++) {
            labels[i] = classes.get(Classifier.argmax(p[i]));
            counts.merge(labels[i], 1, Integer::sum);
        }
        return new Predictions(classes, List.of(labels), p, counts);
    }

    /**
     * The number of rows scored.
     *
     * @return the number of labels
     */
    public int rows() {
        return labels.size();
    }

    /**
     * The JSON figures: rows, counts, {@code unfamiliar} (the values the model never saw, as found when the data
     * was read), predictions and probabilities.
     *
     * @param unfamiliar the unfamiliar values found when reading, possibly empty
     * @return the figures, keys in that order
     */
    public Map<String, Object> toJson(List<Unfamiliar> unfamiliar) {
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("rows", rows());
        res.put("counts", counts);
        res.put("unfamiliar", List.copyOf(unfamiliar));
        res.put("predictions", labels);
        res.put("probabilities", probabilities);
        return res;
    }
}
