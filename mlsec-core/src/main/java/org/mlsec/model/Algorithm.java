package org.mlsec.model;

import java.util.Locale;
import org.mlsec.InputException;

/** The model families mlsec trains. */
public enum Algorithm {
    /** Random forest. */
    RF("rf", "random_forest"),
    /** Gradient-boosted trees. */
    GBT("gbt", "gradient_boosting"),
    /** Logistic regression. */
    LR("lr", "logistic_regression"),
    /** A single decision tree. */
    TREE("tree", "decision_tree");

    private final String flag;
    private final String kind;

    Algorithm(String flag, String kind) {
        this.flag = flag;
        this.kind = kind;
    }

    /**
     * The short name used on the command line.
     *
     * @return such as {@code rf}
     */
    public String flag() {
        return flag;
    }

    /**
     * The name saved in model files.
     *
     * @return such as {@code random_forest}
     */
    public String kind() {
        return kind;
    }

    /**
     * Reads an algorithm as the command line spells it.
     *
     * @param s the short name, such as {@code rf}
     * @return the algorithm
     * @throws org.mlsec.InputException when {@code s} names none
     */
    public static Algorithm parse(String s) {
        String k = s.toLowerCase(Locale.ROOT);
        for (Algorithm a : values()) {
            if (a.flag.equals(k) || a.kind.equals(k)) {
                return a;
            }
        }
        throw new InputException("unknown algorithm '" + s + "' (expected rf, gbt, lr or tree)");
    }

    /**
     * The algorithm of a model-file kind.
     *
     * @param kind the kind, such as {@code random_forest}
     * @return the algorithm
     * @throws org.mlsec.InputException when {@code kind} names none
     */
    public static Algorithm ofKind(String kind) {
        for (Algorithm a : values()) {
            if (a.kind.equals(kind)) {
                return a;
            }
        }
        throw new InputException("unknown model kind '" + kind + "'");
    }
}
