package org.mlsec.attacks.evasion;

import org.mlsec.InputException;

/** How per-feature costs add up into one distance. */
public enum Norm {
    /** The largest single change: "no feature moved by more than X". */
    LINF,
    /** The sum of all changes. */
    L1;

    /**
     * Reads a norm as the CLI and costs files spell it: {@code linf} (or {@code l_inf}, {@code inf}) or {@code l1}.
     *
     * @param s the name, in any case
     * @return the norm
     * @throws InputException when {@code s} names no norm
     */
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

    /**
     * The norm as costs files spell it.
     *
     * @return {@code linf} or {@code l1}
     */
    public String key() {
        return this == LINF ? "linf" : "l1";
    }

    double add(double total, double part) {
        return this == LINF ? Math.max(total, part) : total + part;
    }
}
