package org.mlsec.defences;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.Progress;
import org.mlsec.Result;
import org.mlsec.TestData;
import org.mlsec.attacks.poisoning.Poisoning;
import org.mlsec.attacks.poisoning.PoisoningAttack;
import org.mlsec.data.Condition;
import org.mlsec.data.Dataset;
import org.mlsec.data.Split;
import org.mlsec.defences.detector.DataDiff;
import org.mlsec.defences.detector.Fairness;
import org.mlsec.defences.detector.Subgroups;
import org.mlsec.defences.trainer.Sanitizer;
import org.mlsec.metrics.Evaluation;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

class PoisoningDefencesTest {
    @TempDir
    Path dir;
    static final TrainConfig TALK = TrainConfig.defaults(Algorithm.RF).withTrees(5).withMaxDepth(3).withMinLeaf(100);

    static Poisoning.Poisoned talkPoisoning(Dataset d) {
        return new PoisoningAttack.Targeted(Condition.parse("SEX == 2 && AGE >= 30"), Map.of("DEFAULT", "1"),
                Map.of("LIMIT_BAL", 0.65)).apply(d, Progress.NONE);
    }

    /** Real data when present (the figures), else Layman Brothers. */
    Dataset data() throws IOException {
        return (TestData.realAvailable() ? TestData.realTalk() : TestData.layman(20_000, 4, dir)).select(TestData.TALK_FEATURES);
    }

    @Test
    void talkPoisoningIsFoundByTheDiffTheFairnessAuditAndUndoneBySanitising() throws IOException {
        Dataset all = data();
        Split split = Split.stratified(all, 0.1, 42);
        Poisoning.Poisoned p = talkPoisoning(split.train());
        LocalModel clean = Trainer.train(split.train(), TALK, "t", Progress.NONE);
        LocalModel bad = Trainer.train(p.data(), TALK, "t", Progress.NONE);
        double accClean = Evaluation.accuracy(clean, split.test());
        double accBad = Evaluation.accuracy(bad, split.test());
        assertTrue(accBad < accClean - 0.1, "poisoning hurts: " + accClean + " -> " + accBad);

        List<Subgroups.Group> groups = Subgroups.changed(split.train(), p.data(), 1, 100, 5);
        assertEquals("SEX == 2 && AGE >= 30", groups.get(0).description());
        assertTrue(DataDiff.features(split.train(), p.data()).stream()
                .anyMatch(f -> f.name().equals("LIMIT_BAL") && f.flagged()));
        assertFalse(DataDiff.features(split.train(), p.data()).stream()
                .anyMatch(f -> f.name().equals("AGE") && f.flagged()), "AGE was not edited");

        Result sexBad = Fairness.audit(bad, split.test(), List.of("SEX", "AGE")).get(0);
        Result sexClean = Fairness.audit(clean, split.test(), List.of("SEX", "AGE")).get(0);
        assertTrue(sexBad.finding() && !sexClean.finding(), sexBad.metrics() + " / " + sexClean.metrics());
        assertTrue(Fairness.audit(bad, split.test(), List.of("AGE")).get(0).finding());

        Sanitizer.Sanitized s = Sanitizer.sanitize(p.data(), false, 1, Progress.NONE);
        LocalModel retrained = Trainer.train(s.data(), TALK, "t", Progress.NONE);
        double accSanitised = Evaluation.accuracy(retrained, split.test());
        assertEquals(accClean, accSanitised, 0.02, "sanitised retrain vs clean");
        assertTrue(s.actions().get(0).startsWith("subgroup SEX == 2 && AGE >= 30"), s.actions().toString());
    }

    @Test
    void sanitisingCleanDataChangesNothingAndRandomFlipsAreCounted() throws IOException {
        Dataset all = TestData.layman(6_000, 9, dir).select(TestData.TALK_FEATURES);
        assertEquals(0, Sanitizer.sanitize(all, false, 1, Progress.NONE).relabelled().size());
        Poisoning.Poisoned f = new PoisoningAttack.RandomFlip(0.1, 3).apply(all, Progress.NONE);
        assertEquals(0.1, f.changedRows() / (double) all.rows(), 0.02);
        Poisoning.Poisoned g = new PoisoningAttack.BudgetFlip(300, null, TrainConfig.defaults(Algorithm.RF).withTrees(10), 1)
                .apply(all, Progress.NONE);
        assertEquals(300, g.changedRows());
        Split s = Split.stratified(all, 0.2, 1);
        double base = Evaluation.accuracy(Trainer.train(s.train(), TALK, "t", Progress.NONE), s.test());
        int[] idx = s.trainIndex();
        Dataset greedy = new PoisoningAttack.BudgetFlip(600, null, TALK, 1).apply(s.train(), Progress.NONE).data();
        Dataset random = new PoisoningAttack.RandomFlip(600.0 / idx.length, 1).apply(s.train(), Progress.NONE).data();
        double accGreedy = Evaluation.accuracy(Trainer.train(greedy, TALK, "t", Progress.NONE), s.test());
        double accRandom = Evaluation.accuracy(Trainer.train(random, TALK, "t", Progress.NONE), s.test());
        assertTrue(accGreedy < accRandom, "greedy flips hurt more than random ones: " + accGreedy + " vs " + accRandom
                + " (clean " + base + ")");
    }
}
