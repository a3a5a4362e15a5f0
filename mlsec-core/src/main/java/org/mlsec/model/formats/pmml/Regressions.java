package org.mlsec.model.formats.pmml;

import java.util.ArrayList;
import java.util.List;
import org.mlsec.InputException;
import org.mlsec.data.Schema;
import org.mlsec.data.Values;
import org.mlsec.model.formats.NotWhiteBoxException;
import org.mlsec.model.linear.LogisticModel;

/**
 * A classification {@code RegressionModel} as mlsec's {@link LogisticModel}. Each {@code RegressionTable} gives
 * {@code y_c = intercept + sum coefficient * term}, terms being {@code NumericPredictor}s (exponent 1) on input
 * fields or on linear derived fields ({@link Linear}: standard scaling folds into the model's mean and scale) and
 * {@code CategoricalPredictor}s (one-hot indicators). Normalisations, as JPMML-Evaluator computes them:
 * <ul>
 * <li>two classes, {@code logit}: p(first table's class) = sigmoid(y_first), the other 1 - p; the second table
 *     must be empty (intercept 0, no terms), since the file would otherwise be ambiguous;</li>
 * <li>two classes, {@code softmax}: p1 = sigmoid(y1 - y0), exact;</li>
 * <li>more classes, {@code logit}: each sigmoid(y_c), normalised to sum 1: one-vs-rest, which is what
 *     LogisticModel computes (PMML 4.4 does not define multi-class logit; this is JPMML's reading);</li>
 * <li>more classes, {@code softmax} (multinomial), and {@code simplemax}, {@code none}, {@code probit},
 *     {@code cloglog}, {@code loglog}, {@code cauchit}: not one-vs-rest logistic, refused as not white-box.</li>
 * </ul>
 */
final class Regressions {
    private Regressions() {
    }

    static LogisticModel read(Element model, Fields fields) {
        Schema schema = fields.schema();
        List<String> classes = schema.classes();
        Element lt = model.child("LocalTransformations");
        if (lt != null) {
            fields.addDerived(lt);
        }
        String norm = model.attr("normalizationMethod", "none");
        List<Element> tables = model.all("RegressionTable");
        int k = classes.size();
        if (tables.size() != k) {
            throw new InputException(model.where() + " has " + tables.size() + " RegressionTables for " + k
                    + " classes " + classes);
        }
        int w = fields.encodedWidth();
        double[] mean = new double[w];
        double[] scale = new double[w];
        java.util.Arrays.fill(scale, 1);
        chooseScaling(tables, fields, mean, scale);
        double[][] y = new double[k][];
        int[] order = new int[k];
        for (int t = 0; t < k; t++) {
            Element table = tables.get(t);
            int c = classes.indexOf(Values.canonical(table.required("targetCategory").trim()));
            if (c < 0 || y[c] != null) {
                throw new InputException(table.where() + ": targetCategory '"
                        + PmmlNumbers.abbreviate(table.attr("targetCategory")) + "' is not one of " + classes
                        + " or appears twice");
            }
            y[c] = table(table, fields, mean, scale, w);
            order[t] = c;
        }
        double[][] weights;
        if (k == 2) {
            weights = new double[1][w + 1];
            if (norm.equals("logit")) {
                Element second = tables.get(1);
                if (!second.all("NumericPredictor").isEmpty() || !second.all("CategoricalPredictor").isEmpty()
                        || !second.all("PredictorTerm").isEmpty() || second.number("intercept") != 0) {
                    throw new InputException(second.where() + ": with logit and two classes the second table must"
                            + " be empty (intercept 0, no terms); otherwise its meaning is not defined");
                }
                double sign = order[0] == 1 ? 1 : -1;
                for (int j = 0; j <= w; j++) {
                    weights[0][j] = sign * y[order[0]][j];
                }
            } else if (norm.equals("softmax")) {
                for (int j = 0; j <= w; j++) {
                    weights[0][j] = y[1][j] - y[0][j];
                }
            } else {
                throw notWhiteBox(model, norm);
            }
        } else if (norm.equals("logit")) {
            weights = y;
            fields.note("multi-class logit is read as JPMML-Evaluator computes it: one sigmoid per class, normalised"
                    + " to sum 1 (one-vs-rest)");
        } else {
            throw notWhiteBox(model, norm);
        }
        fields.note("a row with a missing input has no prediction in the file (the regression falls back to its"
                + " priors); mlsec's logistic model gives NaN");
        return new LogisticModel(schema, null, mean, scale, weights);
    }

    private static NotWhiteBoxException notWhiteBox(Element model, String norm) {
        return new NotWhiteBoxException("PMML", model.where() + ": normalizationMethod=\""
                + PmmlNumbers.abbreviate(norm) + "\" with " + model.all("RegressionTable").size() + " classes is"
                + " not a one-vs-rest logistic model (mlsec's LogisticModel); multinomial softmax, simplemax, probit"
                + " and the others are not read white-box");
    }

    /**
     * Each numeric input's mean and scale: those of its derived field when every term on it uses the same, else
     * 0 and 1 (the terms are then folded into raw coefficients).
     */
    private static void chooseScaling(List<Element> tables, Fields fields, double[] mean, double[] scale) {
        java.util.Map<Integer, double[]> chosen = new java.util.HashMap<>();
        java.util.Set<Integer> mixed = new java.util.HashSet<>();
        for (Element table : tables) {
            for (Element p : table.all("NumericPredictor")) {
                Linear l = Linear.of(p.required("name"), p, fields);
                int f = fields.field(l.field()).offset();
                double[] ms = {l.mean(), l.scale()};
                double[] before = chosen.putIfAbsent(f, ms);
                if (before != null && (before[0] != ms[0] || before[1] != ms[1])) {
                    mixed.add(f);
                }
            }
        }
        for (java.util.Map.Entry<Integer, double[]> e : chosen.entrySet()) {
            if (!mixed.contains(e.getKey())) {
                mean[e.getKey()] = e.getValue()[0];
                scale[e.getKey()] = e.getValue()[1];
            }
        }
    }

    /** Intercept, then one weight per encoded feature, on the features standardised by mean and scale. */
    private static double[] table(Element table, Fields fields, double[] mean, double[] scale, int w) {
        if (!table.all("PredictorTerm").isEmpty()) {
            throw new InputException(table.all("PredictorTerm").get(0).where() + ": interaction terms are not read");
        }
        double[] out = new double[w + 1];
        out[0] = table.number("intercept");
        List<String> seen = new ArrayList<>();
        for (Element p : table.all("NumericPredictor")) {
            String name = p.required("name");
            if (seen.contains(name)) {
                throw new InputException(p.where() + ": a second term on '" + PmmlNumbers.abbreviate(name) + "'");
            }
            seen.add(name);
            if (!p.attr("exponent", "1").trim().equals("1")) {
                throw new InputException(p.where() + ": exponent " + PmmlNumbers.abbreviate(p.attr("exponent"))
                        + " is not linear");
            }
            double a = p.number("coefficient");
            Linear l = Linear.of(name, p, fields);
            if (fields.replacement(l.field()) != null) {
                throw new InputException(p.where() + ": missingValueReplacement of " + l.field() + " is not honoured"
                        + " by a logistic model, so it is refused");
            }
            int f = fields.field(l.field()).offset();
            if (mean[f] == l.mean() && scale[f] == l.scale()) {
                out[f + 1] += a * l.factor();
                out[0] += a * l.offset();
            } else {
                out[f + 1] += a * l.factor() / l.scale();
                out[0] += a * (l.offset() - l.factor() * l.mean() / l.scale());
            }
        }
        for (Element p : table.all("CategoricalPredictor")) {
            String name = p.required("name");
            Fields.Field f = fields.field(name);
            if (f == null || !f.categorical()) {
                throw new InputException(p.where() + ": '" + PmmlNumbers.abbreviate(name) + "' is not a categorical"
                        + " input field");
            }
            int j = f.indicator(p.required("value"));
            if (j < 0) {
                throw new InputException(p.where() + ": value '" + PmmlNumbers.abbreviate(p.attr("value"))
                        + "' is not one of " + name + "'s declared values " + f.categories());
            }
            out[j + 1] += p.number("coefficient");
        }
        for (double v : out) {
            if (!Double.isFinite(v)) {
                throw new InputException(table.where() + ": its coefficients overflow");
            }
        }
        return out;
    }
}
