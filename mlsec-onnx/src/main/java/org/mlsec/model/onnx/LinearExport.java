package org.mlsec.model.onnx;

import static org.mlsec.model.onnx.OnnxGraph.integer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.mlsec.InputException;
import org.mlsec.model.linear.LogisticModel;

/**
 * mlsec's logistic regression as plain ai.onnx operators computed in double, in mlsec's order: optional clipping
 * of each encoded feature to the model's bounds (Max, Min; differentially private models predict this way),
 * standardisation (Sub mean, Div scale), scores (MatMul, Add intercepts), then Sigmoid; two classes give
 * (1 - p, p), more classes one-vs-rest sigmoids normalised by their sum (ReduceSum, Div). The label is the first
 * largest probability (ArgMax) mapped to the class names (Gather); the probabilities are cast to float last.
 *
 * <p>ai.onnx.ml's {@code LinearClassifier} is not used: its coefficients are float attributes, which cannot hold
 * mlsec's double weights on raw amounts in the millions to 1e-6, and its normalisation of one-vs-rest scores
 * differs between runtimes.
 */
final class LinearExport {
    private LinearExport() {
    }

    static void build(OnnxGraph g, String input, OnnxLabels labels, LogisticModel m) {
        JsonNode json = m.toJson();
        double[] mean = doubles(json, "mean");
        double[] scale = doubles(json, "scale");
        JsonNode weights = json.get("weights");
        int d = mean.length;
        int outputs = weights.size();
        int k = m.classes().size();
        String x = input;
        if (m.clipped()) {
            g.node("Max", List.of(x, g.doubles("clip_low", doubles(json, "clip_low"), d)), "clipped_low");
            g.node("Min", List.of("clipped_low", g.doubles("clip_high", doubles(json, "clip_high"), d)), "clipped");
            x = "clipped";
        }
        g.node("Sub", List.of(x, g.doubles("mean", mean, d)), "centred");
        g.node("Div", List.of("centred", g.doubles("scale", scale, d)), "standardised");
        double[] w = new double[d * outputs];
        double[] b = new double[outputs];
        for (int o = 0; o < outputs; o++) {
            JsonNode row = weights.get(o);
            b[o] = row.get(0).asDouble();
            for (int j = 0; j < d; j++) {
                w[j * outputs + o] = row.get(j + 1).asDouble();
            }
        }
        g.node("MatMul", List.of("standardised", g.doubles("weights", w, d, outputs)), "weighted");
        g.node("Add", List.of("weighted", g.doubles("intercepts", b, outputs)), "scores");
        g.node("Sigmoid", List.of("scores"), "sigmoids");
        if (k == 2) {
            g.node("Sub", List.of(g.doubles("one", new double[] {1}), "sigmoids"), "complement");
            g.node("Concat", List.of("complement", "sigmoids"), "probabilities_double", integer("axis", 1));
        } else {
            g.node("ReduceSum", List.of("sigmoids", g.longs("sum_axes", new long[] {1}, 1)), "sigmoid_sums",
                    integer("keepdims", 1));
            g.node("Div", List.of("sigmoids", "sigmoid_sums"), "probabilities_double");
        }
        g.node("ArgMax", List.of("probabilities_double"), "class_index", integer("axis", 1), integer("keepdims", 0),
                integer("select_last_index", 0));
        g.node("Gather", List.of(labels.constant(g, "class_labels"), "class_index"), "label", integer("axis", 0));
        g.node("Cast", List.of("probabilities_double"), "probabilities", integer("to", OnnxGraph.FLOAT));
    }

    private static double[] doubles(JsonNode json, String field) {
        JsonNode a = json.get(field);
        if (a == null || !a.isArray()) {
            throw new InputException("logistic regression without " + field);
        }
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).asDouble();
        }
        return v;
    }
}
