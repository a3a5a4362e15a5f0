package org.mlsec.model.formats.xgboost;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mlsec.InputException;
import org.mlsec.data.Values;

/**
 * The few training settings an XGBoost model file carries. The model JSON itself stores none (they live in
 * {@code save_config}); XGBoost's scikit-learn wrapper adds its constructor arguments as the JSON text of the
 * {@code scikit_learn} attribute (null meaning "XGBoost's default"), and its class labels ({@code classes_}).
 * Early stopping leaves {@code best_iteration}.
 *
 * @param sklearn        the wrapper's settings, or an empty object when the file has none
 * @param bestIteration  the {@code best_iteration} attribute, or -1
 */
record Settings(JsonNode sklearn, long bestIteration) {
    private static final List<String> SKIPPED = List.of("classes_", "n_classes_", "_estimator_type", "callbacks",
            "feature_types", "missing", "use_label_encoder");

    /** Reads {@code learner.attributes}; an unreadable wrapper attribute is reported in the notes and ignored. */
    static Settings read(JsonNode learner, List<String> notes) {
        JsonNode attributes = learner.get("attributes");
        JsonNode sk = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        long best = -1;
        if (attributes != null && attributes.isObject()) {
            JsonNode text = attributes.get("scikit_learn");
            if (text != null && text.isTextual()) {
                try {
                    JsonNode parsed = StrictJson.parse(text.textValue().getBytes(StandardCharsets.UTF_8));
                    if (parsed.isObject()) {
                        sk = parsed;
                    } else {
                        notes.add("the scikit_learn attribute is not a JSON object; ignored");
                    }
                } catch (InputException e) {
                    notes.add("the scikit_learn attribute is not readable JSON (" + e.getMessage() + "); ignored");
                }
            }
            JsonNode b = attributes.get("best_iteration");
            if (b != null && b.isTextual() && b.textValue().matches("[0-9]{1,9}")) {
                best = Long.parseLong(b.textValue());
            }
        }
        return new Settings(sk, best);
    }

    boolean fromWrapper() {
        return sklearn.size() > 0;
    }

    /** A setting the wrapper stored with a value (not null), or null. */
    JsonNode get(String name) {
        JsonNode v = sklearn.get(name);
        return v == null || v.isNull() ? null : v;
    }

    /** The wrapper's class labels as text, when it stored exactly {@code k} of them; else null. */
    List<String> classes(int k) {
        JsonNode c = get("classes_");
        if (c == null || !c.isArray() || c.size() != k) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (JsonNode v : c) {
            if (!v.isValueNode() || v.isNull()) {
                return null;
            }
            String s = Values.canonical(v.asText());
            if (s.isEmpty() || out.contains(s)) {
                return null;
            }
            out.add(s);
        }
        return out;
    }

    /**
     * mlsec's hyperparameter keys where the wrapper stored a counterpart (max_depth, learning_rate, l2 from
     * reg_lambda, seed from random_state), and every stored scalar setting as {@code xgboost.<name>}.
     */
    Map<String, String> hyperparameters() {
        Map<String, String> h = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = sklearn.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (SKIPPED.contains(e.getKey()) || v.isNull() || v.isContainerNode() || e.getKey().startsWith("_")) {
                continue;
            }
            h.put("xgboost." + e.getKey(), text(v));
        }
        JsonNode depth = get("max_depth");
        if (depth != null && depth.isIntegralNumber() && depth.asLong() >= 0) {
            h.put("max_depth", depth.asLong() == 0 ? "none" : Long.toString(depth.asLong()));
        }
        JsonNode lr = get("learning_rate");
        if (lr != null && lr.isNumber() && lr.asDouble() > 0) {
            h.put("learning_rate", Values.format(lr.asDouble()));
        }
        JsonNode l2 = get("reg_lambda");
        if (l2 != null && l2.isNumber() && l2.asDouble() >= 0) {
            h.put("l2", Values.format(l2.asDouble()));
        }
        JsonNode seed = get("random_state");
        if (seed != null && seed.isIntegralNumber()) {
            h.put("seed", Long.toString(seed.asLong()));
        }
        return h;
    }

    /** The wrapper's missing-value marker when it is a number instead of NaN, else null. */
    Double missingMarker() {
        JsonNode m = get("missing");
        return m != null && m.isNumber() && !Double.isNaN(m.asDouble()) ? m.asDouble() : null;
    }

    private static String text(JsonNode v) {
        return v.isNumber() ? Values.format(v.asDouble()) : v.asText();
    }
}
