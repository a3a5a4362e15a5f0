package org.mlsec.model.formats.lightgbm;

import java.util.List;
import org.mlsec.InputException;
import org.mlsec.model.formats.NotWhiteBoxException;

/**
 * The {@code objective=} line of a LightGBM model, as its objective's {@code ToString} writes it: a name and
 * {@code key:value} settings. Only the classifiers whose probabilities mlsec's boosted model computes are read
 * (LightGBM {@code src/objective/binary_objective.hpp} and {@code multiclass_objective.hpp}, {@code ConvertOutput}):
 * {@code binary sigmoid:S}, p = 1 / (1 + exp(-S * raw)); {@code multiclass num_class:K}, softmax over the K raw
 * scores. {@code multiclassova} gives each class an independent sigmoid whose values need not sum to 1, which a
 * softmax cannot reproduce, so it is refused like every non-classification objective.
 *
 * @param name    {@code binary} or {@code multiclass}
 * @param classes number of classes (2 for binary)
 * @param sigmoid the sigmoid factor S (1 for multiclass)
 */
record Objective(String name, int classes, double sigmoid) {
    static final String FORMAT = LightGbmFormat.NAME;

    Objective {
        if (!name.equals("binary") && !name.equals("multiclass")) {
            throw new IllegalArgumentException(name);
        }
        if (classes < 2 || !(sigmoid > 0) || !Double.isFinite(sigmoid)) {
            throw new IllegalArgumentException(classes + " " + sigmoid);
        }
    }

    /** Parses the objective, checking it against the header's {@code num_class} and trees per iteration. */
    static Objective parse(String line, int numClass, int treesPerIteration) {
        List<String> t = Tokens.split(line);
        if (t.isEmpty()) {
            throw new InputException("objective= is empty");
        }
        String name = t.get(0);
        switch (name) {
            case "binary": {
                double s = Double.NaN;
                for (String kv : t.subList(1, t.size())) {
                    if (kv.startsWith("sigmoid:")) {
                        s = Tokens.parseDouble(kv.substring(8), "objective sigmoid");
                    }
                }
                if (!(s > 0) || !Double.isFinite(s)) {
                    throw new InputException("objective=" + line + ": the binary objective needs a positive, finite"
                            + " sigmoid:S");
                }
                if (numClass != 1 || treesPerIteration != 1) {
                    throw new InputException("objective=binary but num_class=" + numClass + " and "
                            + "num_tree_per_iteration=" + treesPerIteration + " (binary models have 1 and 1)");
                }
                return new Objective(name, 2, s);
            }
            case "multiclass": {
                int k = -1;
                for (String kv : t.subList(1, t.size())) {
                    if (kv.startsWith("num_class:")) {
                        k = Tokens.parseInt(kv.substring(10), "objective num_class");
                    }
                }
                if (k != numClass || k < 2 || treesPerIteration != k) {
                    throw new InputException("objective=" + line + " disagrees with num_class=" + numClass
                            + " and num_tree_per_iteration=" + treesPerIteration + " (a multiclass model with K >= 2"
                            + " classes has num_class:K, num_class=K and K trees per iteration)");
                }
                return new Objective(name, k, 1.0);
            }
            case "multiclassova":
                throw new NotWhiteBoxException(FORMAT, "objective multiclassova: LightGBM's one-vs-all probabilities"
                        + " are independent sigmoids per class that need not sum to 1, and mlsec's boosted model"
                        + " normalises them with a softmax, so it cannot answer as this model does; retrain with"
                        + " objective=multiclass");
            case "cross_entropy":
            case "cross_entropy_lambda":
                throw new NotWhiteBoxException(FORMAT, "objective " + name + " fits probabilities of a label in"
                        + " [0, 1], not classes; mlsec reads LightGBM classifiers (objective binary or multiclass)");
            default:
                throw new NotWhiteBoxException(FORMAT, "objective " + clip(name) + " is not a classification"
                        + " objective; mlsec reads LightGBM classifiers (objective binary or multiclass)");
        }
    }

    private static String clip(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
