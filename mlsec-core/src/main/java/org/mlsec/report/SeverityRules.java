package org.mlsec.report;

/**
 * How an {@link Audit} rates what it measured, threat by threat: every threshold of the audit in one place, one
 * method per rule, so that a team can read (and a test pins) when a finding is high, medium or low. Each rule takes
 * the figures its finding reports. A figure exactly at a threshold gets the severity the threshold names, except
 * where a rule says "more than".
 *
 * <p>The thresholds follow what each attack means for the people in the data and for the model's owner: a membership
 * AUC whose lower bound reaches 0.8, or a tenth of a percent of false alarms that still finds 5% of the members (the
 * low-FPR view of Carlini et al., <i>Membership Inference Attacks From First Principles</i>, IEEE S&amp;P 2022), is
 * an attack that works; a copy that agrees with the model on 98% of rows serves every white-box attack; a median
 * evasion change of a tenth of a standard deviation is one an applicant can make.
 */
public final class SeverityRules {
    /** Membership: an AUC whose 95% lower bound reaches this is {@link Severity#HIGH}. */
    public static final double MEMBERSHIP_AUC_HIGH = 0.8;
    /** Membership: an AUC whose 95% lower bound reaches this (and not {@link #MEMBERSHIP_AUC_HIGH}) is medium. */
    public static final double MEMBERSHIP_AUC_MEDIUM = 0.6;
    /** Membership: where 0.1% FPR is measurable, a TPR there whose 95% lower bound reaches this is high. */
    public static final double MEMBERSHIP_TPR_AT_LOW_FPR_HIGH = 0.05;
    /** Inversion: a white-box advantage (over the model-free baseline) of this much is high. */
    public static final double INVERSION_WHITE_BOX_HIGH = 0.1;
    /** Inversion: a black-box (query) advantage of this much is medium. */
    public static final double INVERSION_BLACK_BOX_MEDIUM = 0.02;
    /** Poisoning: a subgroup whose label rate moved by more than this against the snapshot is high. */
    public static final double POISONING_SUBGROUP_JUMP_HIGH = 0.2;
    /** Stealing: a copy with at least this fidelity is high. */
    public static final double STEALING_FIDELITY_HIGH = 0.98;
    /** Stealing: a copy with at least this fidelity (below {@link #STEALING_FIDELITY_HIGH}) is medium. */
    public static final double STEALING_FIDELITY_MEDIUM = 0.9;
    /** Model file exposure: leaves of at most this many training rows single people out: medium. */
    public static final int EXPOSURE_LEAF_ROWS_MEDIUM = 5;
    /** Evasion: below this success rate the model is hard to game: low, whatever the cost. */
    public static final double EVASION_SUCCESS_LOW = 0.5;
    /** Evasion: a median change below this (in the norm's units, standard deviations by default) is high. */
    public static final double EVASION_COST_HIGH = 0.1;
    /** Evasion: a median change below this (and not below {@link #EVASION_COST_HIGH}) is medium. */
    public static final double EVASION_COST_MEDIUM = 0.5;

    private SeverityRules() {
    }

    /**
     * Supply chain: a model file that does not match its signature is compromised.
     *
     * @param mismatch whether the signature failed
     * @return critical on a mismatch, else info
     */
    public static Severity signature(boolean mismatch) {
        return mismatch ? Severity.CRITICAL : Severity.INFO;
    }

    /**
     * Membership inference, on what the data supports: the AUC's lower bound, and the low-FPR rate only where the
     * non-members can measure it.
     *
     * @param aucCiLow        the AUC's 95% lower bound
     * @param lowFprSupported whether 0.1% FPR is measurable with this many non-members
     * @param tprCiLow        the TPR at 0.1% FPR, its 95% lower bound (ignored when not measurable)
     * @return high, medium or low
     */
    public static Severity membership(double aucCiLow, boolean lowFprSupported, double tprCiLow) {
        if (aucCiLow >= MEMBERSHIP_AUC_HIGH || (lowFprSupported && tprCiLow >= MEMBERSHIP_TPR_AT_LOW_FPR_HIGH)) {
            return Severity.HIGH;
        }
        return aucCiLow >= MEMBERSHIP_AUC_MEDIUM ? Severity.MEDIUM : Severity.LOW;
    }

    /**
     * Attribute inference: what the model adds to public statistics about a sensitive attribute of its training rows.
     *
     * @param blackBox the advantage with queries only
     * @param whiteBox the advantage with the model file
     * @return high, medium or low
     */
    public static Severity inversion(double blackBox, double whiteBox) {
        return whiteBox >= INVERSION_WHITE_BOX_HIGH ? Severity.HIGH
                : blackBox >= INVERSION_BLACK_BOX_MEDIUM ? Severity.MEDIUM : Severity.LOW;
    }

    /**
     * Backdoors: a trigger in the data or the model works; a reaction only to values input validation refuses is
     * low.
     *
     * @param triggerFound   suspicious rows in the data, or a narrow input value the model reacts to
     * @param outOfRangeOnly the model reacts only to values outside the valid input ranges
     * @return high, low or info
     */
    public static Severity backdoor(boolean triggerFound, boolean outOfRangeOnly) {
        return triggerFound ? Severity.HIGH : outOfRangeOnly ? Severity.LOW : Severity.INFO;
    }

    /**
     * Poisoning against a trusted snapshot: a shifted feature, or a subgroup's label rate moved by more than
     * {@link #POISONING_SUBGROUP_JUMP_HIGH}, is more than ordinary drift.
     *
     * @param subgroupJump    the largest change of a subgroup's label rate
     * @param shiftedFeatures how many features shifted
     * @return high or info
     */
    public static Severity drift(double subgroupJump, int shiftedFeatures) {
        return subgroupJump > POISONING_SUBGROUP_JUMP_HIGH || shiftedFeatures > 0 ? Severity.HIGH : Severity.INFO;
    }

    /**
     * Fairness as a sign of poisoning: an unfair model is high against a trusted snapshot, medium without one (the
     * disparity may be how the data always was).
     *
     * @param unfair   below the four-fifths rule or a parity gap over 0.1
     * @param compared whether a trusted snapshot was given
     * @return high, medium or info
     */
    public static Severity fairness(boolean unfair, boolean compared) {
        return unfair ? (compared ? Severity.HIGH : Severity.MEDIUM) : Severity.INFO;
    }

    /**
     * Model stealing: how faithful a copy the label-only API gave.
     *
     * @param fidelity the copy's agreement with the model on held-out rows
     * @return high, medium or low
     */
    public static Severity stealing(double fidelity) {
        return fidelity >= STEALING_FIDELITY_HIGH ? Severity.HIGH
                : fidelity >= STEALING_FIDELITY_MEDIUM ? Severity.MEDIUM : Severity.LOW;
    }

    /**
     * What a tree model's file gives away: leaves of a handful of training rows single out the people in them.
     *
     * @param smallestLeafRows the fewest training rows behind a leaf, or null when the file records none (or the
     *                         model has no trees)
     * @return medium or low
     */
    public static Severity exposure(Integer smallestLeafRows) {
        return smallestLeafRows != null && smallestLeafRows <= EXPOSURE_LEAF_ROWS_MEDIUM ? Severity.MEDIUM
                : Severity.LOW;
    }

    /**
     * Evasion: how often and how cheaply the adverse answer flips.
     *
     * @param successRate the share of attacked rows flipped
     * @param medianCost  the median change of the flipped rows (NaN when none flipped)
     * @return high, medium or low
     */
    public static Severity evasion(double successRate, double medianCost) {
        if (successRate < EVASION_SUCCESS_LOW) {
            return Severity.LOW;
        }
        return medianCost < EVASION_COST_HIGH ? Severity.HIGH
                : medianCost < EVASION_COST_MEDIUM ? Severity.MEDIUM : Severity.LOW;
    }
}
