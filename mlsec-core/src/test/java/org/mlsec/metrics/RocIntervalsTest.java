package org.mlsec.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.Progress;
import org.mlsec.Result;
import org.mlsec.TestData;
import org.mlsec.attacks.inference.MembershipInference;
import org.mlsec.attacks.inference.MembershipMethod;
import org.mlsec.data.Dataset;
import org.mlsec.data.Split;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

/** Figures say what the data can support: intervals, and low-FPR rates only where enough negatives stand behind them. */
class RocIntervalsTest {
    @TempDir
    Path dir;

    @Test
    void wilsonIntervalMatchesTheTextbookValueAndCoversTheTruthAtItsRate() {
        double[] w = Roc.wilson(0.5, 100);
        assertEquals(0.4038, w[0], 1e-4);
        assertEquals(0.5962, w[1], 1e-4);
        SplittableRandom r = new SplittableRandom(3);
        int covered = 0;
        for (int t = 0; t < 2000; t++) {
            int hits = 0;
            for (int i = 0; i < 200; i++) {
                hits += r.nextDouble() < 0.1 ? 1 : 0;
            }
            double[] ci = Roc.wilson(hits / 200.0, 200);
            covered += ci[0] <= 0.1 && 0.1 <= ci[1] ? 1 : 0;
        }
        assertTrue(covered > 1860 && covered < 1960, "95% coverage, got " + covered + " of 2000");
    }

    @Test
    void aucIntervalNarrowsWithDataAndContainsTheAuc() {
        double[] small = Roc.aucInterval(0.75, 89, 89);
        double[] large = Roc.aucInterval(0.75, 15_000, 15_000);
        assertTrue(small[0] < 0.75 && 0.75 < small[1]);
        assertTrue(large[1] - large[0] < (small[1] - small[0]) / 5);
    }

    @Test
    void lowFalsePositiveRatesNeedEnoughNegatives() {
        assertFalse(Roc.supports(0.001, 89));
        assertTrue(Roc.supports(0.001, 10_000));
        assertEquals(10 / 89.0, Roc.lowestSupportedFpr(89), 1e-12);
    }

    @Test
    void membershipOnEightyNineNonMembersReportsTheSupportedRateAndIntervals() throws Exception {
        Dataset d = TestData.layman(600, 4, dir);
        Split s = Split.random(d, 0.85, 1);
        LocalModel target = Trainer.train(s.train(), TrainConfig.defaults(Algorithm.RF).withTrees(10), "t", Progress.NONE);
        Dataset nonMembers = s.test().subset(java.util.stream.IntStream.range(0, 89).toArray());
        Result r = MembershipInference.infer(target, s.train(), nonMembers, null,
                new MembershipInference.Config(MembershipMethod.THRESHOLD, 2, 1),
                MembershipInference.like(target), Progress.NONE).result();
        assertEquals(false, r.metrics().get("tpr_at_fpr_0_001_supported"));
        assertEquals(false, r.metrics().get("tpr_at_fpr_0_01_supported"));
        assertEquals(10 / 89.0, r.metric("lowest_supported_fpr"), 1e-12);
        assertTrue(r.metric("auc_ci_low") <= r.metric("auc") && r.metric("auc") <= r.metric("auc_ci_high"));
        assertTrue(r.metric("auc_ci_high") - r.metric("auc_ci_low") > 0.05, "89 non-members leave a wide interval");
    }
}
