package org.mlsec.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlsec.data.Dataset;
import org.mlsec.InputException;
import org.mlsec.internal.Validate;
import org.mlsec.model.Classifier;

/**
 * A model measured on labelled data by class name (see {@link Evaluation}): accuracy, balanced accuracy, ROC AUC
 * (for two classes that of the data's last class; for more, the macro average of one-vs-rest AUCs, each given too)
 * and the confusion matrix. A model answer that is none of the data's classes (a tampered class list, say) counts
 * as wrong and is shown in a last "(other)" column. AUC needs probabilities and every data class among the model's;
 * otherwise it is undefined (NaN).
 */
public final class ModelEvaluation {
    /** The column of answers that are none of the data's classes. */
    public static final String OTHER = "(other)";

    private ModelEvaluation() {
    }

    /**
     * The figures.
     *
     * @param rows             rows measured
     * @param accuracy         share of rows answered with their label
     * @param balancedAccuracy mean per-class recall
     * @param auc              macro one-vs-rest AUC (NaN when it cannot be measured)
     * @param aucOneVsRest     per class name, its one-vs-rest AUC
     * @param classes          the confusion matrix's columns: the data's classes, then {@link #OTHER} when the
     *                         model gave such answers
     * @param confusion        rows: true class (the data's classes in order); columns: {@code classes}
     */
    public record Report(int rows, double accuracy, double balancedAccuracy, double auc, Map<String, Double> aucOneVsRest,
                         List<String> classes, long[][] confusion) {
        /**
         * Checks the figures' ranges and that every confusion row has one count per class.
         *
         * @param rows rows measured
         * @param accuracy share of rows answered with their label
         * @param balancedAccuracy mean per-class recall
         * @param auc macro one-vs-rest AUC (NaN when it cannot be measured)
         * @param aucOneVsRest per class name, its one-vs-rest AUC
         * @param classes the confusion matrix's columns: the data's classes, then {@link #OTHER} when the model gave
         *     such answers
         * @param confusion rows: true class (the data's classes in order); columns: {@code classes}
         */
        public Report {
            Validate.isTrue(rows > 0, "rows must be positive, got " + rows);
            Validate.isTrue(accuracy >= 0 && accuracy <= 1, "accuracy must be in [0, 1], got " + accuracy);
            Validate.isTrue(Double.isNaN(auc) || auc >= 0 && auc <= 1, "auc must be in [0, 1] or NaN, got " + auc);
            aucOneVsRest = Collections.unmodifiableMap(new LinkedHashMap<>(aucOneVsRest));
            classes = List.copyOf(classes);
            for (long[] row : confusion) {
                Validate.isTrue(row.length == classes.size(), "every confusion row needs one count per class");
            }
        }

        /**
         * The JSON figures: accuracy, balanced_accuracy, auc, auc_one_vs_rest, rows, classes, confusion.
         *
         * @return the figures, keys in that order
         */
        public Map<String, Object> toJson() {
            Map<String, Object> res = new LinkedHashMap<>();
            res.put("accuracy", accuracy);
            res.put("balanced_accuracy", balancedAccuracy);
            res.put("auc", Double.isNaN(auc) ? null : auc);
            if (!aucOneVsRest.isEmpty()) {
                res.put("auc_one_vs_rest", aucOneVsRest);
            }
            res.put("rows", rows);
            res.put("classes", classes);
            res.put("confusion", confusion);
            return res;
        }
    }

    /**
     * Measures {@code model} on {@code data} (labelled, at least one row).
     *
     * @param model the model
     * @param data labelled rows in the model's schema
     * @return the figures
     * @throws org.mlsec.InputException when the data is unlabelled or empty, or when none of its labels is one of the
     *         model's classes (yes/no labels against a 0/1 model: 0% would not be a measurement)
     */
    public static Report evaluate(Classifier model, Dataset data) {
        Validate.isTrue(data.labelled(), "data must be labelled");
        Validate.isTrue(data.rows() > 0, "data must have rows");
        List<String> classes = data.schema().classes();
        if (classes.stream().noneMatch(model.classes()::contains)) {
            // yes/no labels against a 0/1 model: every answer would count as wrong, and 0% is not a measurement
            throw new InputException("the data's labels " + classes + " are none of the model's classes "
                    + model.classes() + ": the label column does not hold the classes the model answers");
        }
        double[][] p = model.hasProbabilities() ? model.predictProba(data.x()) : null;
        int[] idx = p == null ? model.predict(data.x()) : null;
        String[] names = new String[data.rows()];
        for (int i = 0; i < names.length; i++) {
            names[i] = model.classes().get(p != null ? Classifier.argmax(p[i]) : idx[i]);
        }
        int k = classes.size();
        int[] pred = Evaluation.toDataClasses(names, data);
        for (int i = 0; i < pred.length; i++) {
            pred[i] = pred[i] < 0 ? k : pred[i];
        }
        double acc = Evaluation.accuracy(names, data);
        double bal = Metrics.balancedAccuracy(data.y(), pred, k + 1);
        int positive = model.classes().indexOf(classes.get(k - 1));
        double auc = Double.NaN;
        Map<String, Double> ovr = new LinkedHashMap<>();
        if (p != null && positive >= 0 && k == 2) {
            auc = Metrics.auc(data.y(), columns(p, model, classes), 1);
        } else if (p != null && k > 2 && model.classes().containsAll(classes)) {
            double[][] q = columns(p, model, classes);
            for (int c = 0; c < k; c++) {
                ovr.put(classes.get(c), Metrics.auc(data.y(), q, c));
            }
            auc = Metrics.auc(data.y(), q);
        }
        long[][] cm = Metrics.confusion(data.y(), pred, k + 1);
        List<String> cols = new ArrayList<>(classes);
        boolean other = false;
        for (long[] row : cm) {
            other |= row[k] > 0;
        }
        if (other) {
            cols.add(OTHER);
        }
        long[][] shown = new long[k][cols.size()];
        for (int a = 0; a < k; a++) {
            System.arraycopy(cm[a], 0, shown[a], 0, cols.size());
        }
        return new Report(data.rows(), acc, bal, auc, ovr, cols, shown);
    }

    /** The model's probabilities reordered into the data's classes (every data class is one of the model's). */
    private static double[][] columns(double[][] p, Classifier model, List<String> classes) {
        double[][] q = new double[p.length][classes.size()];
        for (int c = 0; c < classes.size(); c++) {
            int m = model.classes().indexOf(classes.get(c));
            for (int i = 0; i < p.length; i++) {
                q[i][c] = p[i][m];
            }
        }
        return q;
    }
}
