package org.mlsec.model;

import java.util.Locale;
import org.mlsec.InputException;

/** The model families mlsec trains. */
public enum Algorithm {
    RF("rf", "random_forest"),
    GBT("gbt", "gradient_boosting"),
    LR("lr", "logistic_regression"),
    TREE("tree", "decision_tree");

    private final String flag;
    private final String kind;

    Algorithm(String flag, String kind) {
        this.flag = flag;
        this.kind = kind;
    }

    /** The short name used on the command line. */
    public String flag() {
        return flag;
    }

    /** The name saved in model files. */
    public String kind() {
        return kind;
    }

    public static Algorithm parse(String s) {
        String k = s.toLowerCase(Locale.ROOT);
        for (Algorithm a : values()) {
            if (a.flag.equals(k) || a.kind.equals(k)) {
                return a;
            }
        }
        throw new InputException("unknown algorithm '" + s + "' (expected rf, gbt, lr or tree)");
    }

    public static Algorithm ofKind(String kind) {
        for (Algorithm a : values()) {
            if (a.kind.equals(kind)) {
                return a;
            }
        }
        throw new InputException("unknown model kind '" + kind + "'");
    }
}
