package org.mlsec.defences.trainer;

import org.mlsec.internal.Validate;

/**
 * What a composition of differentially private steps spends (Dwork and Roth 2014, "The Algorithmic Foundations of
 * Differential Privacy", Theorems 3.16, 3.20 and the parallel composition of McSherry 2009, "Privacy integrated
 * queries").
 * <ul>
 * <li>parallel: steps on disjoint rows spend the largest step's epsilon;</li>
 * <li>sequential (basic): k steps of epsilon each spend k * epsilon;</li>
 * <li>advanced: k steps of epsilon each spend sqrt(2k ln(1/delta')) epsilon + k epsilon (e^epsilon - 1) with
 *     delta' added to delta.</li>
 * </ul>
 * {@link #perStep} inverts these: given a total budget, the largest epsilon each of k steps on shared rows may use,
 * by whichever of basic and advanced composition allows more.
 *
 * @param epsilon the privacy loss spent
 * @param delta   the failure probability spent (0 for pure epsilon-DP)
 * @param rule    "parallel", "sequential" or "advanced"
 */
public record PrivacyAccountant(double epsilon, double delta, String rule) {
    /**
     * Validates the accounting.
     *
     * @param epsilon the privacy loss spent, positive
     * @param delta   the failure probability spent, in [0, 1)
     * @param rule    "parallel", "sequential" or "advanced"
     * @throws org.mlsec.InputException if epsilon is not positive or delta is outside [0, 1)
     */
    public PrivacyAccountant {
        Validate.isTrue(epsilon > 0, "epsilon must be positive (infinity: no guarantee), got " + epsilon);
        Validate.isTrue(delta >= 0 && delta < 1, "delta must be in [0, 1), got " + delta);
    }

    /**
     * k steps of {@code stepEpsilon} each on disjoint rows.
     *
     * @param stepEpsilon the budget of each step
     * @return the accounting: {@code stepEpsilon} whatever the number of steps
     */
    public static PrivacyAccountant parallel(double stepEpsilon) {
        return new PrivacyAccountant(stepEpsilon, 0, "parallel");
    }

    /**
     * k steps of {@code stepEpsilon} each on the same rows, basic composition.
     *
     * @param stepEpsilon the budget of each step
     * @param k           the number of steps
     * @return the accounting: k times {@code stepEpsilon}, delta 0
     */
    public static PrivacyAccountant sequential(double stepEpsilon, int k) {
        return new PrivacyAccountant(stepEpsilon * k, 0, "sequential");
    }

    /**
     * k steps of {@code stepEpsilon} each on the same rows, advanced composition with slack {@code delta}.
     *
     * @param stepEpsilon the budget of each step
     * @param k           the number of steps
     * @param delta       the slack delta', positive
     * @return the accounting of the advanced composition theorem
     * @throws org.mlsec.InputException if delta is not positive
     */
    public static PrivacyAccountant advanced(double stepEpsilon, int k, double delta) {
        Validate.isTrue(delta > 0, "delta must be positive for advanced composition, got " + delta);
        double e = Math.sqrt(2.0 * k * Math.log(1 / delta)) * stepEpsilon + k * stepEpsilon * Math.expm1(stepEpsilon);
        return new PrivacyAccountant(e, delta, "advanced");
    }

    /**
     * The most each of {@code k} steps on the same rows may spend so that the total stays within {@code epsilon}
     * (and {@code delta}, when positive): the better of basic and advanced composition, with its accounting.
     *
     * @param epsilon the total budget, positive and finite
     * @param delta   the slack allowed for advanced composition (0: basic composition only)
     * @param k       the number of steps, at least 1
     * @return the budget per step and what the steps spend together
     * @throws org.mlsec.InputException if k is below 1 or epsilon is not positive and finite
     */
    public static Plan perStep(double epsilon, double delta, int k) {
        Validate.isTrue(k >= 1, "k must be at least 1, got " + k);
        Validate.isTrue(epsilon > 0 && Double.isFinite(epsilon), "epsilon must be positive and finite, got " + epsilon);
        double basic = epsilon / k;
        double best = basic;
        PrivacyAccountant spent = sequential(basic, k);
        if (delta > 0 && k > 1) {
            double lo = 0;
            double hi = epsilon;
            for (int i = 0; i < 100; i++) { // the advanced bound grows with the step: bisect
                double mid = (lo + hi) / 2;
                if (advanced(mid, k, delta).epsilon() <= epsilon) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            if (lo > basic) {
                best = lo;
                spent = advanced(lo, k, delta);
            }
        }
        return new Plan(best, spent);
    }

    /**
     * A budget per step and what the steps spend together.
     *
     * @param stepEpsilon the budget of each step
     * @param total       what the steps spend together
     */
    public record Plan(double stepEpsilon, PrivacyAccountant total) {
    }
}
