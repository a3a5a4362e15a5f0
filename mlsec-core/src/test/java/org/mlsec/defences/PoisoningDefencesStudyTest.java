package org.mlsec.defences;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mlsec.InputException;
import org.mlsec.Progress;
import org.mlsec.Result;
import org.mlsec.attacks.poisoning.Poisoning;
import org.mlsec.attacks.poisoning.PoisoningAttack;
import org.mlsec.data.Dataset;
import org.mlsec.demo.LaymanBrothers;
import org.mlsec.model.Algorithm;
import org.mlsec.model.TrainConfig;

/** {@link PoisoningDefences}: each defence against the attack that knows it, with the partition certificate held. */
class PoisoningDefencesStudyTest {
    static final TrainConfig SMALL = TrainConfig.defaults(Algorithm.RF).withTrees(5).withMinLeaf(5);

    static Dataset data() {
        return LaymanBrothers.generate(1_500, 11).select(org.mlsec.TestData.TALK_FEATURES);
    }

    @Test
    void threeDefencesEachAgainstItsAdaptiveAttackAndTheCertificateIsNeverBeaten() {
        PoisoningDefences.Config c = new PoisoningDefences.Config(SMALL, 10, 30,
                TrainConfig.defaults(Algorithm.TREE).withMaxDepth(4), true, 2, 0.2, 3);
        List<Result> rows = PoisoningDefences.study(data(), c, Progress.NONE);
        assertEquals(3, rows.size());
        assertTrue(rows.get(0).text("defence").startsWith("none (rf"), rows.get(0).metrics().toString());
        assertTrue(rows.get(1).text("defence").startsWith("sanitisation"), rows.get(1).metrics().toString());
        assertTrue(rows.get(2).text("defence").startsWith("partition aggregation (DPA, 30 parts"));
        for (Result r : rows) {
            assertEquals(10, r.metric("poisoned_rows"), 1e-9, r.metrics().toString());
            assertEquals(r.metric("clean_accuracy_before") - r.metric("clean_accuracy_after"), r.metric("accuracy_drop"), 1e-12);
            assertTrue(r.metric("auc_before") > 0.5 && r.metric("auc_before") <= 1, r.metrics().toString());
            assertTrue(r.metric("answers_changed") >= 0 && r.metric("answers_changed") <= 1);
            assertTrue(r.metric("training_ms") >= 0 && r.metric("attack_ms") >= 0);
        }
        assertTrue(rows.get(0).metric("answers_changed") > 0, "greedy flips move the undefended model");
        Result san = rows.get(1);
        assertTrue(san.metric("flips_undone") <= san.metric("poisoned_rows"), san.metrics().toString());
        assertTrue(san.metric("greedy_flips_undone") <= rows.get(0).metric("poisoned_rows"), san.metrics().toString());
        assertTrue(san.metric("relabelled_clean") >= 0);
        Result dpa = rows.get(2);
        assertEquals(30, dpa.metric("partitions"), 1e-9);
        assertTrue(dpa.metric("median_certified_size") >= 0 && dpa.metric("median_certified_size") <= 15,
                dpa.metrics().toString());
        // A tenth of the held-out rows or more are certified at the budget, and the attack changes none of them.
        assertTrue(dpa.metric("certified_share_at_budget") > 0.1, dpa.metrics().toString());
        assertEquals(0, dpa.metric("certified_rows_changed"), 1e-9);
        assertEquals("none", rows.get(0).text("guarantee"));
    }

    @Test
    void badSettingsNameTheirParameter() {
        Dataset d = data();
        InputException big = assertThrows(InputException.class, () -> PoisoningDefences.study(d,
                PoisoningDefences.Config.of(SMALL, 5_000, 1), Progress.NONE));
        assertTrue(big.getMessage().startsWith("budget must be below the 1350 training rows"), big.getMessage());
        assertTrue(assertThrows(InputException.class, () -> PoisoningDefences.Config.of(SMALL, 0, 1)).getMessage()
                .contains("budget must be positive"));
        assertTrue(assertThrows(InputException.class, () -> new PoisoningDefences.Config(SMALL, 10, 1,
                SMALL, true, 1, 0.1, 1)).getMessage().contains("partitions must be at least 2"));
    }

    /** Flips the filter undoes are moved elsewhere: fewer of the filter-aware attack's flips are undone. */
    @Test
    void filterAwareFlipsAvoidWhatTheFilterUndoes() {
        Dataset d = data();
        int[] clean = d.y();
        // A filter that restores the clean label of every row whose first feature is above its median.
        double[] first = d.column(0).clone();
        java.util.Arrays.sort(first);
        double median = first[first.length / 2];
        java.util.function.UnaryOperator<Dataset> filter = p -> {
            int[] y = p.y().clone();
            for (int i = 0; i < y.length; i++) {
                if (p.row(i)[0] > median) {
                    y[i] = clean[i];
                }
            }
            return new Dataset(p.schema(), p.x(), y);
        };
        Poisoning.Poisoned naive = new PoisoningAttack.BudgetFlip(200, null, SMALL, 1).apply(d, Progress.NONE);
        Poisoning.Poisoned aware = new PoisoningAttack.FilterAwareFlip(200, SMALL, filter, 3, 1).apply(d, Progress.NONE);
        assertEquals(200, aware.changedRows());
        assertTrue(PoisoningDefences.undone(aware, filter) < PoisoningDefences.undone(naive, filter) / 2,
                PoisoningDefences.undone(aware, filter) + " vs " + PoisoningDefences.undone(naive, filter));
        assertThrows(InputException.class, () -> new PoisoningAttack.FilterAwareFlip(200, SMALL, filter, 0, 1));
    }
}
