package org.mlsec.attacks.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.mlsec.TestData;

/**
 * The membership scores against their definitions: RMIA (Zarifzadeh et al., <i>Low-Cost High-Power Membership
 * Inference Attacks</i>, ICML 2024) as the share of the population whose likelihood ratio the row's beats, computed
 * pair by pair; the label-only score as the target's confidence over the OUT references' mean; and, for every score
 * that only compares the target with its references, a row the target fits better never scores lower.
 */
class MembershipScoresPropertyTest {
    /** A target and references with random confidences; each reference trained on a random half (some on all or none). */
    record Drawn(Observation target, List<Observation> refs) {
    }

    static Drawn draw(long seed, int n, int refs) {
        SplittableRandom rng = new SplittableRandom(seed);
        Observation target = observation(rng, n, null);
        List<Observation> out = new ArrayList<>();
        for (int k = 0; k < refs; k++) {
            boolean[] in = new boolean[n];
            int mode = rng.nextInt(6); // now and then a reference that trained on every row, or on none
            for (int i = 0; i < n; i++) {
                in[i] = mode == 0 || (mode != 1 && rng.nextBoolean());
            }
            out.add(observation(rng, n, in));
        }
        return new Drawn(target, out);
    }

    static Observation observation(SplittableRandom rng, int n, boolean[] in) {
        double[] p = new double[n];
        double[][] proba = new double[n][];
        for (int i = 0; i < n; i++) {
            // a few levels so that ratios tie, and now and then 0 or 1
            int level = rng.nextInt(12);
            p[i] = level == 0 ? 0 : level == 11 ? 1 : level / 11.0;
            proba[i] = new double[] {1 - p[i], p[i]};
        }
        return new Observation(p, proba, in == null ? new boolean[n] : in);
    }

    static double bruteRatio(Drawn d, int i) {
        double sum = 0;
        double sumOut = 0;
        int nOut = 0;
        for (Observation r : d.refs()) {
            sum += r.pTrue()[i];
            if (!r.in()[i]) {
                sumOut += r.pTrue()[i];
                nOut++;
            }
        }
        int k = d.refs().size();
        double prior;
        if (nOut > 0 && nOut < k) {
            prior = sum / k; // online: IN and OUT references both seen, their mean is the row's prior
        } else {
            double outMean = nOut > 0 ? sumOut / nOut : sum / k;
            prior = 0.5 * ((1 + MembershipScores.RMIA_A) * outMean + (1 - MembershipScores.RMIA_A));
        }
        return Math.max(d.target().pTrue()[i], 1e-12) / Math.max(prior, 1e-12);
    }

    @Property(tries = 200, seed = TestData.PROPERTY_SEED)
    void rmiaIsTheShareOfThePopulationWhoseLikelihoodRatioTheRowBeats(
            @ForAll @LongRange(min = 0, max = 1_000_000) long seed, @ForAll @IntRange(min = 1, max = 60) int n,
            @ForAll @IntRange(min = 1, max = 8) int refs) {
        Drawn d = draw(seed, n, refs);
        double[] score = MembershipScores.rmia(d.target(), d.refs());
        for (int i = 0; i < n; i++) {
            int beaten = 0;
            for (int z = 0; z < n; z++) {
                // ratio(x) / ratio(z) > gamma = 1, both ratios positive
                beaten += bruteRatio(d, z) < bruteRatio(d, i) ? 1 : 0;
            }
            assertEquals((double) beaten / n, score[i], 1e-12, "row " + i);
        }
    }

    @Property(tries = 200, seed = TestData.PROPERTY_SEED)
    void labelOnlyIsTheTargetsConfidenceOverTheOutReferencesMean(
            @ForAll @LongRange(min = 0, max = 1_000_000) long seed, @ForAll @IntRange(min = 1, max = 60) int n,
            @ForAll @IntRange(min = 1, max = 8) int refs) {
        Drawn d = draw(seed, n, refs);
        double[] score = MembershipScores.labelOnly(d.target(), d.refs());
        double[] outMean = new double[n];
        double fallback = 0;
        for (int i = 0; i < n; i++) {
            double sum = 0;
            int count = 0;
            for (Observation r : d.refs()) {
                if (!r.in()[i]) {
                    sum += r.pTrue()[i];
                    count++;
                }
            }
            outMean[i] = count > 0 ? sum / count : Double.NaN;
            fallback += count > 0 ? outMean[i] / n : 0;
        }
        for (int i = 0; i < n; i++) {
            double expected = d.target().pTrue()[i] - (Double.isNaN(outMean[i]) ? fallback : outMean[i]);
            assertEquals(expected, score[i], 1e-12, "row " + i);
        }
    }

    @Property(tries = 200, seed = TestData.PROPERTY_SEED)
    void aRowTheTargetFitsBetterNeverScoresLower(@ForAll @LongRange(min = 0, max = 1_000_000) long seed,
                                                @ForAll @IntRange(min = 2, max = 60) int n,
                                                @ForAll @IntRange(min = 1, max = 8) int refs) {
        Drawn d = draw(seed, n, refs);
        SplittableRandom rng = new SplittableRandom(seed ^ 0x5DEECE66DL);
        int row = rng.nextInt(n);
        double[] p = d.target().pTrue().clone();
        p[row] = p[row] + (1 - p[row]) * rng.nextDouble(); // the target grows more confident on one row only
        double[][] proba = d.target().proba().clone();
        proba[row] = new double[] {1 - p[row], p[row]};
        Observation better = new Observation(p, proba, d.target().in());
        for (MembershipMethod m : List.of(MembershipMethod.RMIA, MembershipMethod.LIRA_OFFLINE,
                MembershipMethod.LABEL_ONLY, MembershipMethod.THRESHOLD)) {
            double before = MembershipScores.score(m, d.target(), d.refs(), null)[row];
            double after = MembershipScores.score(m, better, d.refs(), null)[row];
            assertTrue(after >= before - 1e-12, m + ": " + before + " -> " + after);
        }
    }
}
