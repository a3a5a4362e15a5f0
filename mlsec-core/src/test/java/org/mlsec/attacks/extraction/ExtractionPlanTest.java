package org.mlsec.attacks.extraction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mlsec.InputException;
import org.mlsec.Progress;
import org.mlsec.data.Dataset;
import org.mlsec.defences.postprocessor.HardenedOutput;
import org.mlsec.demo.LaymanBrothers;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

/** The one verb: {@link Extraction#extract} runs each strategy exactly as its own method does. */
class ExtractionPlanTest {
    static final Dataset DATA = LaymanBrothers.generate(1_500, 3).select(LaymanBrothers.COLUMNS.subList(1, 24));

    static LocalModel tree() {
        return Trainer.train(DATA, TrainConfig.defaults(Algorithm.TREE).withMaxDepth(3).withSeed(1), "t", Progress.NONE);
    }

    @Test
    void everyStrategyIsNamedByItsKeyAndAnUnknownKeyListsThem() {
        for (Extraction.Strategy s : Extraction.Strategy.values()) {
            assertEquals(s, Extraction.Strategy.of(s.key()));
        }
        InputException e = assertThrows(InputException.class, () -> Extraction.Strategy.of("guess"));
        assertTrue(e.getMessage().contains("learn, learn-active, sweep, path, equation"), e.getMessage());
        assertEquals(List.of("strategy"), e.parameters());
    }

    @Test
    void onlyLearningTurnsActiveWhenAskedTo() {
        assertEquals(Extraction.Strategy.LEARN_ACTIVE, Extraction.Strategy.LEARN.active(true));
        assertEquals(Extraction.Strategy.LEARN, Extraction.Strategy.LEARN.active(false));
        for (Extraction.Strategy s : Extraction.Strategy.values()) {
            if (s != Extraction.Strategy.LEARN) {
                assertEquals(s, s.active(true), s.key());
                assertEquals(s, s.active(false), s.key());
            }
        }
    }

    @Test
    void aSweepWithoutAVariedFeatureIsRefusedNamingTheParameter() {
        InputException e = assertThrows(InputException.class,
                () -> Extraction.Plan.sweep(Map.of(), Map.of(), DATA, 100, 1));
        assertEquals(List.of("vary"), e.parameters());
        assertThrows(InputException.class, () -> Extraction.Plan.of(Extraction.Strategy.PATH, DATA, 0, 1));
    }

    @Test
    void theSweepKeepsTheOrderOfItsVariedFeatures() {
        Map<String, List<String>> vary = new LinkedHashMap<>();
        for (String f : List.of("PAY_6", "AGE", "PAY_0", "LIMIT_BAL", "BILL_AMT3")) {
            vary.put(f, List.of("1", "2"));
        }
        assertEquals(List.copyOf(vary.keySet()),
                List.copyOf(Extraction.Plan.sweep(vary, Map.of(), DATA, 100, 1).vary().keySet()));
    }

    @Test
    void extractRunsPathFindingAsPathDoes() {
        LocalModel target = tree();
        var direct = Extraction.path(HardenedOutput.labelOnly(target), DATA, 2_000, 5, Progress.NONE);
        var planned = Extraction.extract(HardenedOutput.labelOnly(target),
                Extraction.Plan.of(Extraction.Strategy.PATH, DATA, 2_000, 5), Progress.NONE);
        assertEquals(direct.result().metrics(), planned.result().metrics());
        assertEquals(1.0, Extraction.evaluate(planned, target, DATA).metric("fidelity"), 1e-12);
    }

    @Test
    void extractRunsActiveLearningAsLearnDoes() {
        LocalModel target = tree();
        TrainConfig surrogate = TrainConfig.defaults(Algorithm.TREE).withSeed(2);
        var direct = Extraction.learn(target, DATA, 300, true, surrogate, 9, Progress.NONE);
        var planned = Extraction.extract(target,
                Extraction.Plan.of(Extraction.Strategy.LEARN_ACTIVE, DATA, 300, 9).withSurrogate(surrogate), Progress.NONE);
        assertEquals(direct.result().metrics(), planned.result().metrics());
        assertEquals("learn-active", planned.result().technique());
    }
}
