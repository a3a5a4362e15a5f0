package org.mlsec.attacks.inference;

import org.mlsec.internal.Validate;

/**
 * What one reference model gives back to the attack: its scores on the candidate pool, nothing else. This is all
 * a {@link ReferenceEngine} moves from wherever the reference was trained to the driver.
 *
 * @param pTrue probability of each candidate's true label (label-only: share of perturbed copies still right)
 * @param proba class probabilities per candidate (null for label-only)
 */
public record ReferenceScores(double[] pTrue, double[][] proba) {
    /**
     * Checks there is one probability row per candidate.
     *
     * @param pTrue probability of each candidate's true label (label-only: share of perturbed copies still right)
     * @param proba class probabilities per candidate (null for label-only)
     */
    public ReferenceScores {
        Validate.notNull(pTrue, "pTrue");
        Validate.isTrue(proba == null || proba.length == pTrue.length,
                "proba must have one row per candidate, got " + (proba == null ? 0 : proba.length) + " for " + pTrue.length);
    }
}
