package org.mlsec.attacks.inference;

import org.mlsec.data.Dataset;
import org.mlsec.internal.Validate;
import org.mlsec.model.Classifier;

/**
 * The reference models of one membership-inference run, decided on the driver before any is trained: reference
 * {@code k} trains on rows {@code halves[k]} of {@code trainingData} with seed {@code seeds[k]} and is scored on
 * {@code pool}. Because every random choice is fixed here, any {@link ReferenceEngine} that calls
 * {@link #score(int)} for each k gives the same references and so the same attack, bit for bit.
 *
 * @param method       the attack (decides what is observed of each reference)
 * @param seed         the attack's seed (label-only perturbations)
 * @param trainingData rows the references train on (the pool, or a separate population)
 * @param pool         candidates every reference is scored on
 * @param halves       per reference, the sorted rows of {@code trainingData} it trains on
 * @param seeds        per reference, its training seed
 * @param trainer      how a reference is trained
 */
public record ReferencePlan(MembershipMethod method, long seed, Dataset trainingData, Dataset pool, int[][] halves,
                            long[] seeds, MembershipInference.ReferenceTrainer trainer) {
    /**
     * Checks that every part is given and that there is one seed per reference.
     *
     * @param method the attack (decides what is observed of each reference)
     * @param seed the attack's seed (label-only perturbations)
     * @param trainingData rows the references train on (the pool, or a separate population)
     * @param pool candidates every reference is scored on
     * @param halves per reference, the sorted rows of {@code trainingData} it trains on
     * @param seeds per reference, its training seed
     * @param trainer how a reference is trained
     */
    public ReferencePlan {
        Validate.notNull(method, "method");
        Validate.notNull(trainingData, "trainingData");
        Validate.notNull(pool, "pool");
        Validate.notNull(trainer, "trainer");
        Validate.isTrue(halves.length == seeds.length,
                "halves and seeds must have one entry per reference, got " + halves.length + " and " + seeds.length);
    }

    /**
     * Number of reference models.
     *
     * @return the length of {@code halves}
     */
    public int references() {
        return halves.length;
    }

    /**
     * Trains reference {@code k} on its half and returns its scores on the pool.
     *
     * @param k the reference, 0 to {@link #references()} - 1
     * @return its scores on {@link #pool}
     */
    public ReferenceScores score(int k) {
        Validate.isTrue(k >= 0 && k < references(), "k must be in [0, " + references() + "), got " + k);
        Classifier ref = trainer.train(trainingData, halves[k], seeds[k]);
        Observation o = MembershipInference.observe(ref, pool, null, method, seed);
        return new ReferenceScores(o.pTrue(), o.proba());
    }

    /**
     * Whether a reference's scores on the pool are the scores of each row alone, so that blocks of the pool scored
     * apart give the pool's scores ({@link #scoreRows}): every method but label-only, whose perturbations are
     * scaled and drawn over the whole pool.
     *
     * @param method the attack
     * @return true when the pool can be scored in blocks
     */
    public static boolean rowWise(MembershipMethod method) {
        return method != MembershipMethod.LABEL_ONLY;
    }

    /**
     * A reference model's scores on some rows of the pool, as {@link #score} observes them on all of it (an engine
     * that scores the pool in blocks, each where it lives).
     *
     * @param method    the attack, one that {@link #rowWise scores row by row}
     * @param reference the trained reference model
     * @param rows      rows of the pool
     * @return their scores
     */
    public static ReferenceScores scoreRows(MembershipMethod method, Classifier reference, Dataset rows) {
        Validate.isTrue(rowWise(method), "method " + method + " scores the whole pool at once, not in blocks",
                "method");
        Observation o = MembershipInference.observe(reference, rows, null, method, 0);
        return new ReferenceScores(o.pTrue(), o.proba());
    }
}
