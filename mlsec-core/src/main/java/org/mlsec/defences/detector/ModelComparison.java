package org.mlsec.defences.detector;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mlsec.data.Dataset;
import org.mlsec.internal.Validate;
import org.mlsec.metrics.Evaluation;
import org.mlsec.model.Inspection;
import org.mlsec.model.LocalModel;

/**
 * Two models side by side, a reference A and a model B (such as last month's model and the retrained one): how much
 * each column's importance changed from A to B, largest change first, and, on data, how often each model gives the
 * positive answer (A's last class) and on what share of the rows they give the same answer. A retrained model whose
 * important columns moved, or whose positive rate jumped, deserves a look at the data it was trained on.
 */
public final class ModelComparison {
    private ModelComparison() {
    }

    /**
     * One column's importance in both models; a column only one model has counts 0 in the other.
     *
     * @param feature     the column
     * @param importanceA its importance in model A
     * @param importanceB its importance in model B
     */
    public record ImportanceChange(String feature, double importanceA, double importanceB) {
        /**
         * Validates the figures.
         *
         * @param feature     the column
         * @param importanceA its importance in model A
         * @param importanceB its importance in model B
         */
        public ImportanceChange {
            Validate.notNull(feature, "feature");
            Validate.isTrue(Double.isFinite(importanceA) && Double.isFinite(importanceB),
                    "importanceA and importanceB must be finite, got " + importanceA + " and " + importanceB);
        }

        /** @return B's importance minus A's */
        public double change() {
            return importanceB - importanceA;
        }
    }

    /**
     * The models' answers on the same rows.
     *
     * @param rows          how many rows both models answered
     * @param positiveClass the answer whose rates are given (A's last class)
     * @param positiveRateA the share of rows model A answers {@code positiveClass}
     * @param positiveRateB the share of rows model B answers {@code positiveClass}
     * @param agreement     the share of rows both models give the same class name
     */
    public record Answers(int rows, String positiveClass, double positiveRateA, double positiveRateB, double agreement) {
        /**
         * Validates the figures.
         *
         * @param rows          how many rows both models answered
         * @param positiveClass the answer whose rates are given (A's last class)
         * @param positiveRateA the share of rows model A answers {@code positiveClass}
         * @param positiveRateB the share of rows model B answers {@code positiveClass}
         * @param agreement     the share of rows both models give the same class name
         */
        public Answers {
            Validate.isTrue(rows > 0, "rows must be positive, got " + rows);
            Validate.notNull(positiveClass, "positiveClass");
            for (double v : new double[] {positiveRateA, positiveRateB, agreement}) {
                Validate.isTrue(v >= 0 && v <= 1, "rates must be in [0, 1], got " + v);
            }
        }
    }

    /**
     * The comparison.
     *
     * @param importances every column of either model, the largest absolute change first
     * @param answers     the answers on data, or null when no data was given
     */
    public record Comparison(List<ImportanceChange> importances, Answers answers) {
        /**
         * Copies the importances.
         *
         * @param importances every column of either model, the largest absolute change first
         * @param answers     the answers on data, or null when no data was given
         */
        public Comparison {
            importances = List.copyOf(importances);
        }

        /** @return the JSON figures: importances, and with data the positive rates and the agreement */
        public Map<String, Object> toJson() {
            Map<String, Object> res = new LinkedHashMap<>();
            List<Map<String, Object>> rows = new ArrayList<>();
            for (ImportanceChange c : importances) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("feature", c.feature());
                m.put("importance_a", c.importanceA());
                m.put("importance_b", c.importanceB());
                m.put("change", c.change());
                rows.add(m);
            }
            res.put("importances", rows);
            if (answers != null) {
                res.put("positive_rate_a", answers.positiveRateA());
                res.put("positive_rate_b", answers.positiveRateB());
                res.put("agreement", answers.agreement());
            }
            return res;
        }
    }

    /**
     * Compares the models' feature importances only.
     *
     * @param a the first model
     * @param b the second model
     * @return the importance changes, without answers
     */
    public static Comparison compare(LocalModel a, LocalModel b) {
        return new Comparison(importances(a, b), null);
    }

    /**
     * Compares the models' feature importances and their answers on {@code data}.
     *
     * @param a    the first model
     * @param b    the second model
     * @param data rows in A's schema, at least one
     * @return the importance changes and both models' answers
     * @throws org.mlsec.InputException if {@code data} has no rows
     */
    public static Comparison compare(LocalModel a, LocalModel b, Dataset data) {
        Validate.isTrue(data.rows() > 0, "data must have rows to compare the models' answers on");
        a.schema().requireCompatible(data.schema(), "data");
        b.schema().requireCompatible(data.schema(), "data");
        int[] pa = a.predict(data.x());
        int[] pb = b.predict(data.x());
        int agree = 0;
        for (int i = 0; i < pa.length; i++) {
            agree += a.classes().get(pa[i]).equals(b.classes().get(pb[i])) ? 1 : 0;
        }
        String positive = a.classes().get(a.classes().size() - 1);
        Answers answers = new Answers(pa.length, positive, Evaluation.answerRate(a, data, positive),
                Evaluation.answerRate(b, data, positive), (double) agree / pa.length);
        return new Comparison(importances(a, b), answers);
    }

    private static List<ImportanceChange> importances(LocalModel a, LocalModel b) {
        Map<String, Double> ia = Inspection.columnImportances(a);
        Map<String, Double> ib = Inspection.columnImportances(b);
        Set<String> names = new LinkedHashSet<>(ia.keySet());
        names.addAll(ib.keySet());
        List<ImportanceChange> out = new ArrayList<>();
        for (String n : names) {
            out.add(new ImportanceChange(n, ia.getOrDefault(n, 0.0), ib.getOrDefault(n, 0.0)));
        }
        out.sort(Comparator.comparingDouble((ImportanceChange c) -> Math.abs(c.change())).reversed());
        return out;
    }
}
