package org.mlsec.attacks.inference;

/**
 * What an attacker sees of one model on the candidate rows: the probability of each row's true label (or, for the
 * label-only attack, how robustly the true label survives perturbation) and the full probability vectors; for a
 * reference model also which candidates it was trained on.
 *
 * @param pTrue probability of the true label per candidate (label-only: share of perturbed copies still right)
 * @param proba class probabilities per candidate (null for label-only)
 * @param in    training membership of a reference model (null for the target)
 */
record Observation(double[] pTrue, double[][] proba, boolean[] in) {
    static double logit(double p) {
        double q = Math.min(1 - 1e-6, Math.max(1e-6, p));
        return Math.log(q) - Math.log(1 - q);
    }

    double[] logits() {
        double[] out = new double[pTrue.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = logit(pTrue[i]);
        }
        return out;
    }
}
