package org.mlsec.defences.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.Progress;
import org.mlsec.TestData;
import org.mlsec.attacks.poisoning.PoisoningAttack;
import org.mlsec.data.Condition;
import org.mlsec.data.Dataset;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

class ModelComparisonTest {
    @TempDir
    static Path dir;
    static Dataset data;
    static LocalModel model;
    static final TrainConfig SMALL = TrainConfig.defaults(Algorithm.RF).withTrees(5).withMaxDepth(4).withSeed(2);

    @BeforeAll
    static void train() throws IOException {
        data = TestData.layman(1500, 12, dir).select(TestData.TALK_FEATURES);
        model = Trainer.train(data, SMALL, "layman", Progress.NONE);
    }

    @Test
    void aModelComparedWithItselfShowsNoChangeAndFullAgreement() {
        ModelComparison.Comparison c = ModelComparison.compare(model, model, data);
        assertEquals(data.schema().width(), c.importances().size());
        c.importances().forEach(i -> assertEquals(0.0, i.change(), 0.0, i.feature()));
        assertEquals(1.0, c.answers().agreement());
        assertEquals(c.answers().positiveRateA(), c.answers().positiveRateB());
    }

    @Test
    void aModelTrainedOnPoisonedLabelsDisagreesAndItsLargestChangeComesFirst() {
        Dataset poisoned = new PoisoningAttack.Targeted(Condition.parse("SEX == 2"), Map.of("DEFAULT", "1"), Map.of())
                .apply(data, Progress.NONE).data();
        LocalModel bad = Trainer.train(poisoned, SMALL, "poisoned", Progress.NONE);
        ModelComparison.Comparison c = ModelComparison.compare(model, bad, data);
        assertTrue(c.answers().agreement() < 0.9, c.answers().toString());
        assertTrue(c.answers().positiveRateB() > c.answers().positiveRateA() + 0.1, c.answers().toString());
        for (int i = 1; i < c.importances().size(); i++) {
            assertTrue(Math.abs(c.importances().get(i - 1).change()) >= Math.abs(c.importances().get(i).change()));
        }
    }

    @Test
    void withoutDataOnlyTheImportancesAreReported() {
        ModelComparison.Comparison c = ModelComparison.compare(model, model);
        assertNull(c.answers());
        assertEquals(java.util.Set.of("importances"), c.toJson().keySet());
        Map<?, ?> first = (Map<?, ?>) ((java.util.List<?>) c.toJson().get("importances")).get(0);
        assertEquals(java.util.List.of("feature", "importance_a", "importance_b", "change"), java.util.List.copyOf(first.keySet()));
    }
}
