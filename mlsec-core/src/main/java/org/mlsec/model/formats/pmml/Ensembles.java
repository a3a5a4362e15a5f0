package org.mlsec.model.formats.pmml;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mlsec.InputException;
import org.mlsec.data.Values;
import org.mlsec.model.LocalModel;
import org.mlsec.model.formats.NotWhiteBoxException;
import org.mlsec.model.tree.BoostedModel;
import org.mlsec.model.tree.ForestModel;
import org.mlsec.model.tree.Tree;

/**
 * A classification {@code MiningModel} (PMML 4.4, Multiple Models) as an mlsec ensemble.
 * <ul>
 * <li>{@code average} (and {@code weightedAverage} with equal weights) of classification TreeModels: the mean of
 *     the trees' class distributions, which is {@link ForestModel}'s rule;</li>
 * <li>{@code majorityVote} (and {@code weightedMajorityVote} with equal weights): PMML's probability of a class is
 *     its share of the trees' votes, so each leaf becomes one vote for its predicted class and the forest's mean
 *     of shares is exactly that (it is not the average of the trees' distributions);</li>
 * <li>{@code modelChain} ending in a classification RegressionModel over the predicted values of earlier
 *     segments, each a regression MiningModel summing regression TreeModels (with an optional {@code Target}
 *     rescale): gradient boosting. With two classes and {@code logit} (or {@code softmax}) it is
 *     {@link BoostedModel}'s sigmoid of base score plus leaf scores, the RegressionModel's intercept and the Target
 *     constants giving the base score and its coefficients times the Target factors scaling the leaves; with more
 *     classes and {@code softmax}, one sum per class, interleaved round by round as BoostedModel reads them.</li>
 * </ul>
 * Other methods ({@code max}, {@code median}, {@code sum} for classification, {@code selectFirst}, ...), segment
 * predicates other than {@code True}, unequal weights, and other segment models are refused.
 */
final class Ensembles {
    private Ensembles() {
    }

    static LocalModel read(Element model, Fields fields, Map<String, String> hyper) {
        Element lt = model.child("LocalTransformations");
        if (lt != null) {
            fields.addDerived(lt, true);
        }
        Element seg = model.child("Segmentation");
        if (seg == null) {
            throw new InputException(model.where() + " has no <Segmentation>");
        }
        String method = seg.required("multipleModelMethod");
        hyper.put("pmml.multipleModelMethod", method);
        List<Element> segments = segments(seg);
        switch (method) {
            case "average":
            case "weightedAverage":
            case "majorityVote":
            case "weightedMajorityVote": {
                if (method.startsWith("weighted")) {
                    equalWeights(segments, method);
                }
                boolean votes = method.endsWith("MajorityVote") || method.equals("majorityVote");
                if (votes) {
                    fields.note("majority vote: each leaf holds one vote for its predicted class, so a class's"
                            + " probability is its share of the trees' votes, as PMML defines it");
                }
                List<Tree> trees = new ArrayList<>();
                for (Element s : segments) {
                    Element tm = only(s, "TreeModel", "a forest of TreeModels");
                    trees.add(TreeReader.read(tm, fields, fields.schema().classes(),
                            votes ? TreeReader.Leaves.VOTES : TreeReader.Leaves.COUNTS, 1));
                }
                hyper.put("trees", Integer.toString(trees.size()));
                return new ForestModel(ForestModel.RANDOM_FOREST, fields.schema(), null, trees);
            }
            case "modelChain":
                return chain(model, segments, fields, hyper);
            default:
                throw new NotWhiteBoxException("PMML", seg.where() + ": multipleModelMethod=\""
                        + PmmlNumbers.abbreviate(method) + "\" is not an ensemble mlsec reads white-box (average,"
                        + " majorityVote, or a boosting modelChain)");
        }
    }

    private static List<Element> segments(Element seg) {
        List<Element> segments = seg.all("Segment");
        if (segments.isEmpty()) {
            throw new InputException(seg.where() + " has no Segment");
        }
        for (Element s : segments) {
            Element p = Split.predicateOf(s);
            if (p == null || !p.name().equals("True")) {
                throw new InputException(s.where() + ": only segments whose predicate is <True/> are read");
            }
        }
        return segments;
    }

    private static void equalWeights(List<Element> segments, String method) {
        double w = segments.get(0).number("weight", 1);
        for (Element s : segments) {
            if (s.number("weight", 1) != w) {
                throw new InputException(s.where() + ": " + method + " with unequal segment weights is not read");
            }
        }
    }

    private static Element only(Element segment, String name, String what) {
        for (Element c : segment.children()) {
            if (c.name().endsWith("Model") || c.name().equals("NeuralNetwork") || c.name().equals("Scorecard")) {
                if (!c.name().equals(name)) {
                    throw new InputException(segment.where() + " holds a <" + c.name() + ">; " + what + " is read");
                }
                return c;
            }
        }
        throw new InputException(segment.where() + " holds no model");
    }

    /** One summed stage of a boosting chain: its trees and its Target rescale. */
    private record Stage(List<Element> trees, double factor, double constant) {
    }

    private static LocalModel chain(Element model, List<Element> segments, Fields fields, Map<String, String> hyper) {
        Map<String, Stage> stages = new LinkedHashMap<>();
        for (int i = 0; i < segments.size() - 1; i++) {
            Element s = segments.get(i);
            Element inner = only(s, "MiningModel", "in a boosting chain, a regression MiningModel");
            stage(inner, fields, stages);
        }
        Element last = only(segments.get(segments.size() - 1), "RegressionModel",
                "at the end of a boosting chain, a classification RegressionModel");
        if (!"classification".equals(last.attr("functionName"))) {
            throw new InputException(last.where() + ": the chain's last model is not a classification");
        }
        PmmlModels.checkMiningSchema(last, fields, stages.keySet());
        List<String> classes = fields.schema().classes();
        int k = classes.size();
        String norm = last.attr("normalizationMethod", "none");
        hyper.put("pmml.normalizationMethod", norm);
        List<Element> tables = last.all("RegressionTable");
        if (tables.size() != k) {
            throw new InputException(last.where() + " has " + tables.size() + " RegressionTables for " + k
                    + " classes");
        }
        int[] cls = new int[k];
        double[] intercept = new double[k];
        List<Map<String, Double>> coef = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        for (int t = 0; t < k; t++) {
            Element table = tables.get(t);
            cls[t] = classes.indexOf(Values.canonical(table.required("targetCategory").trim()));
            if (cls[t] < 0 || !seen.add(cls[t])) {
                throw new InputException(table.where() + ": targetCategory is not one of " + classes
                        + " or appears twice");
            }
            intercept[t] = table.number("intercept");
            Map<String, Double> c = new LinkedHashMap<>();
            for (Element p : table.children()) {
                if (p.name().equals("NumericPredictor")) {
                    String name = p.required("name");
                    if (!stages.containsKey(name)) {
                        throw new InputException(p.where() + ": '" + PmmlNumbers.abbreviate(name) + "' is not the"
                                + " predicted value of an earlier segment of the chain");
                    }
                    if (!p.attr("exponent", "1").trim().equals("1")) {
                        throw new InputException(p.where() + ": exponent is not 1");
                    }
                    c.merge(name, p.number("coefficient"), Double::sum);
                } else if (p.name().endsWith("Predictor") || p.name().equals("PredictorTerm")) {
                    throw new InputException(p.where() + ": the chain's regression may only weigh the trees' sums");
                }
            }
            coef.add(c);
        }
        List<Tree> trees = new ArrayList<>();
        double[] base;
        boolean scaled = false;
        if (k == 2 && (norm.equals("logit") || norm.equals("softmax"))) {
            double[] sign = new double[k];
            if (norm.equals("logit")) {
                if (!coef.get(1).isEmpty() || intercept[1] != 0) {
                    throw new InputException(tables.get(1).where() + ": with logit and two classes the second table"
                            + " must be empty (intercept 0, no terms)");
                }
                sign[0] = cls[0] == 1 ? 1 : -1;
            } else {
                sign[0] = cls[0] == 1 ? 1 : -1;
                sign[1] = -sign[0];
            }
            double b = 0;
            Map<String, Double> a = new LinkedHashMap<>();
            for (int t = 0; t < k; t++) {
                b += sign[t] * intercept[t];
                for (Map.Entry<String, Double> e : coef.get(t).entrySet()) {
                    a.merge(e.getKey(), sign[t] * e.getValue(), Double::sum);
                }
            }
            for (Map.Entry<String, Double> e : a.entrySet()) {
                Stage st = stages.get(e.getKey());
                double scale = e.getValue() * st.factor();
                scaled |= !powerOfTwo(scale);
                b += e.getValue() * st.constant();
                for (Element tm : st.trees()) {
                    trees.add(TreeReader.read(tm, fields, classes, TreeReader.Leaves.SCORES, scale));
                }
            }
            base = new double[] {b};
            hyper.put("trees", Integer.toString(trees.size()));
        } else if (k > 2 && norm.equals("softmax")) {
            base = new double[k];
            List<List<Tree>> perClass = new ArrayList<>();
            Map<String, Integer> owner = new LinkedHashMap<>();
            for (int c = 0; c < k; c++) {
                perClass.add(new ArrayList<>());
            }
            for (int t = 0; t < k; t++) {
                int c = cls[t];
                base[c] += intercept[t];
                for (Map.Entry<String, Double> e : coef.get(t).entrySet()) {
                    if (owner.put(e.getKey(), c) != null) {
                        throw new InputException(last.where() + ": '" + e.getKey() + "' adds to more than one class;"
                                + " boosted trees add to one class each");
                    }
                    Stage st = stages.get(e.getKey());
                    double scale = e.getValue() * st.factor();
                    scaled |= !powerOfTwo(scale);
                    base[c] += e.getValue() * st.constant();
                    for (Element tm : st.trees()) {
                        perClass.get(c).add(TreeReader.read(tm, fields, classes, TreeReader.Leaves.SCORES, scale));
                    }
                }
            }
            int rounds = 0;
            for (List<Tree> l : perClass) {
                rounds = Math.max(rounds, l.size());
            }
            Tree zero = new Tree(new int[] {-1}, new double[] {0}, new int[] {-1}, new int[] {-1}, new double[] {0},
                    1, new int[] {0}, new double[] {0});
            for (int r = 0; r < rounds; r++) {
                for (int c = 0; c < k; c++) {
                    trees.add(r < perClass.get(c).size() ? perClass.get(c).get(r) : zero);
                }
            }
            hyper.put("trees", Integer.toString(rounds));
        } else {
            throw new NotWhiteBoxException("PMML", last.where() + ": a boosting chain ending in normalizationMethod=\""
                    + PmmlNumbers.abbreviate(norm) + "\" with " + k + " classes is not read white-box (two classes:"
                    + " logit or softmax; more: softmax)");
        }
        if (scaled) {
            fields.note("the chain's coefficients and Target factors were multiplied into the leaf scores: exact up"
                    + " to one rounding per leaf");
        }
        return new BoostedModel(fields.schema(), null, trees, base);
    }

    private static boolean powerOfTwo(double v) {
        double a = Math.abs(v);
        return a != 0 && Math.getExponent(a) >= Double.MIN_EXPONENT && a == Math.scalb(1.0, Math.getExponent(a));
    }

    /** Registers the predicted value of a regression MiningModel that sums regression trees. */
    private static void stage(Element inner, Fields fields, Map<String, Stage> stages) {
        if (!"regression".equals(inner.attr("functionName"))) {
            throw new InputException(inner.where() + ": a chain's inner MiningModel must be a regression");
        }
        PmmlModels.checkMiningSchema(inner, fields, stages.keySet());
        Element lt = inner.child("LocalTransformations");
        if (lt != null) {
            fields.addDerived(lt, true);
        }
        Element seg = inner.child("Segmentation");
        if (seg == null || !"sum".equals(seg.attr("multipleModelMethod"))) {
            throw new InputException(inner.where() + ": a boosting stage must sum its trees (multipleModelMethod"
                    + " \"sum\")");
        }
        List<Element> trees = new ArrayList<>();
        for (Element s : segments(seg)) {
            trees.add(only(s, "TreeModel", "a sum of regression TreeModels"));
        }
        double[] rescale = Targets.rescale(inner);
        Element output = inner.child("Output");
        if (output == null || output.all("OutputField").isEmpty()) {
            throw new InputException(inner.where() + ": a boosting stage has no OutputField for the chain to use");
        }
        for (Element of : output.all("OutputField")) {
            String feature = of.attr("feature", "predictedValue");
            if (!feature.equals("predictedValue")) {
                continue; // not the sum: a later reference to it is refused
            }
            String name = of.required("name");
            if (stages.containsKey(name) || fields.field(name) != null || fields.isDataField(name)) {
                throw new InputException(of.where() + ": output field '" + PmmlNumbers.abbreviate(name)
                        + "' is declared twice");
            }
            stages.put(name, new Stage(trees, rescale[0], rescale[1]));
        }
    }
}
