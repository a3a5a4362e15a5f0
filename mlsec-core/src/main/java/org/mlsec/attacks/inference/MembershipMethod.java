package org.mlsec.attacks.inference;

import java.util.Locale;
import org.mlsec.InputException;

/** The membership-inference attacks mlsec runs. */
public enum MembershipMethod {
    /** Confidence (loss) threshold, Yeom et al. 2018. */
    THRESHOLD("threshold"),
    /** Shadow models with per-class attack classifiers, Shokri et al. 2017. */
    SHADOW("shadow"),
    /** Likelihood-ratio attack with IN and OUT reference models, Carlini et al. 2022. */
    LIRA("lira"),
    /** LiRA with OUT reference models only (one-sided test). */
    LIRA_OFFLINE("lira-offline"),
    /** Relative membership inference against a population, Zarifzadeh et al. 2024. */
    RMIA("rmia"),
    /** Decision-boundary distance from labels only, Choquette-Choo et al. 2021. */
    LABEL_ONLY("label-only");

    private final String key;

    MembershipMethod(String key) {
        this.key = key;
    }

    /**
     * The method as the CLI spells it.
     *
     * @return the key, such as {@code lira-offline}
     */
    public String key() {
        return key;
    }

    /**
     * Whether the attack reads the target's probabilities; only {@link #LABEL_ONLY} does not.
     *
     * @return false for {@link #LABEL_ONLY}
     */
    public boolean needsProbabilities() {
        return this != LABEL_ONLY;
    }

    /**
     * Reads a method as the CLI spells it.
     *
     * @param s the key, in any case
     * @return the method
     * @throws InputException when {@code s} names no method
     */
    public static MembershipMethod parse(String s) {
        for (MembershipMethod m : values()) {
            if (m.key.equals(s.toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new InputException("unknown membership method '" + s
                + "' (expected threshold, shadow, lira, lira-offline, rmia or label-only)");
    }
}
