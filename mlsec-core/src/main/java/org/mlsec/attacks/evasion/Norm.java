package org.mlsec.attacks.evasion;

import org.mlsec.InputException;

/** How per-feature costs add up into one distance. */
public enum Norm {
    /** The largest single change: "no feature moved by more than X". */
    LINF,
    /** The sum of all changes. */
    L1;

    public static Norm parse(String s) {
        switch (s == null ? "" : s.toLowerCase(java.util.Locale.ROOT)) {
            case "linf":
            case "l_inf":
            case "inf":
                return LINF;
            case "l1":
                return L1;
            default:
                throw new InputException("unknown norm '" + s + "' (expected linf or l1)");
        }
    }

    public String key() {
        return this == LINF ? "linf" : "l1";
    }

    double add(double total, double part) {
        return this == LINF ? Math.max(total, part) : total + part;
    }
}
