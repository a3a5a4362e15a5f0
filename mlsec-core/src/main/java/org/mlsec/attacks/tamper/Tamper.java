package org.mlsec.attacks.tamper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.mlsec.InputException;
import org.mlsec.MlsecException;
import org.mlsec.internal.Json;
import org.mlsec.model.ModelIo;

/**
 * The supply-chain tampering attack of the talk: whoever handles a model file between teams edits it so that it
 * still loads and predicts, but wrongly. It works on the file's bytes as such an attacker would, not through the
 * model API.
 */
public final class Tamper {
    /** What to rewrite. */
    public enum Mode {
        /** The class list becomes the positive class everywhere ({@code [0, 1]} to {@code [1, 1]}), as in the talk. */
        FLIP_CLASSES,
        /** The parameters are rewritten so that the model always answers the positive class with certainty. */
        CONSTANT,
        /** The class names are reversed: every answer is the other class. */
        SWAP_LABELS;

        /**
         * Reads a mode as the CLI spells it.
         *
         * @param s the mode's key ({@code flip-classes}) or constant name, in any case
         * @return the mode
         * @throws InputException when {@code s} names no mode
         */
        public static Mode parse(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new InputException("unknown tamper mode '" + s + "' (expected flip-classes, constant or swap-labels)");
            }
        }

        /**
         * The mode as the CLI spells it.
         *
         * @return the name in lower case with hyphens ({@code flip-classes})
         */
        public String key() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private Tamper() {
    }

    /**
     * Reads {@code in}, rewrites it and writes {@code out}; the result still loads. An mlsec model file is edited
     * as JSON; a scikit-learn pickle or joblib file (recognised by content) has its {@code classes_} rewritten in
     * the opcode stream, as the talk did ({@link org.mlsec.model.formats.sklearn.PickleTamper}; flip-classes only).
     *
     * @param in the model file to tamper with
     * @param out where the tampered file goes
     * @param mode what to rewrite
     */
    public static void tamper(Path in, Path out, Mode mode) {
        if (isPickle(in)) {
            if (mode != Mode.FLIP_CLASSES) {
                throw new InputException(in + " is a pickle: only the flip-classes mode rewrites pickles (as the talk did)");
            }
            org.mlsec.model.formats.sklearn.PickleTamper.tamper(in, out);
            return;
        }
        ObjectNode root = (ObjectNode) ModelIo.readTree(in);
        ModelIo.fromTree(root); // only a valid model is worth tampering with
        ArrayNode classes = (ArrayNode) root.at("/schema/classes");
        int k = classes.size();
        switch (mode) {
            case FLIP_CLASSES:
                String positive = classes.get(k - 1).asText();
                for (int c = 0; c < k; c++) {
                    classes.set(c, positive);
                }
                break;
            case SWAP_LABELS:
                ArrayNode reversed = Json.MAPPER.createArrayNode();
                for (int c = k - 1; c >= 0; c--) {
                    reversed.add(classes.get(c));
                }
                ((ObjectNode) root.get("schema")).set("classes", reversed);
                break;
            default:
                constant(root, k);
        }
        try {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Json.MAPPER.writeValue(out.toFile(), root);
        } catch (IOException e) {
            throw new MlsecException("cannot write " + out + ": " + e.getMessage(), e);
        }
    }

    /** Whether the file is a pickle, possibly under one compression layer as joblib writes it. */
    static boolean isPickle(Path file) {
        byte[] head;
        try (var raw = Files.newInputStream(file)) {
            head = raw.readNBytes(8);
        } catch (IOException e) {
            return false;
        }
        if (org.mlsec.model.formats.Sniff.compression(head) != null) {
            head = org.mlsec.model.formats.Sniff.head(org.mlsec.model.formats.Sniff.readAll(file));
        }
        return head.length >= 2 && (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5;
    }

    private static void constant(ObjectNode root, int k) {
        JsonNode model = root.get("model");
        switch (root.path("kind").asText()) {
            case "random_forest":
            case "decision_tree":
                for (JsonNode tree : model.get("trees")) {
                    ArrayNode value = (ArrayNode) tree.get("value");
                    for (int n = 0; n < value.size() / k; n++) {
                        double total = 0;
                        for (int c = 0; c < k; c++) {
                            total += value.get(n * k + c).asDouble();
                        }
                        for (int c = 0; c < k; c++) {
                            value.set(n * k + c, c == k - 1 ? total : 0.0);
                        }
                    }
                }
                break;
            case "gradient_boosting":
                ArrayNode base = (ArrayNode) model.get("base_score");
                for (int i = 0; i < base.size(); i++) {
                    base.set(i, i == base.size() - 1 ? 50.0 : -50.0);
                }
                for (JsonNode tree : model.get("trees")) {
                    ArrayNode value = (ArrayNode) tree.get("value");
                    for (int n = 0; n < value.size(); n++) {
                        value.set(n, 0.0);
                    }
                }
                break;
            case "logistic_regression":
                ArrayNode weights = (ArrayNode) model.get("weights");
                for (int o = 0; o < weights.size(); o++) {
                    ArrayNode w = (ArrayNode) weights.get(o);
                    for (int j = 0; j < w.size(); j++) {
                        w.set(j, j == 0 ? (o == weights.size() - 1 ? 50.0 : -50.0) : 0.0);
                    }
                }
                break;
            default:
                throw new InputException("cannot tamper with a model of kind " + root.path("kind").asText());
        }
    }
}
