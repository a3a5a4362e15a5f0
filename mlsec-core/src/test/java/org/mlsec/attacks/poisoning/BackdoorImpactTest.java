package org.mlsec.attacks.poisoning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.Progress;
import org.mlsec.TestData;
import org.mlsec.data.Dataset;
import org.mlsec.model.Algorithm;
import org.mlsec.model.TrainConfig;

class BackdoorImpactTest {
    @TempDir
    static Path dir;
    static Dataset data;
    static BackdoorImpact.Impact impact;

    @BeforeAll
    static void measure() throws IOException {
        data = TestData.layman(2000, 15, dir).select(TestData.TALK_FEATURES);
        Backdoor.Config attack = new Backdoor.Config(List.of(Trigger.parse("AGE=99")), 1, 0.3, -1, 0, 1);
        impact = BackdoorImpact.measure(data, attack,
                PoisoningImpact.Config.of(TrainConfig.defaults(Algorithm.RF).withTrees(10).withSeed(1), null, 1), Progress.NONE);
    }

    @Test
    void theTriggerForcesTheTargetOnTheBackdooredModelButNotOnTheCleanOne() {
        assertTrue(impact.attackSuccessRate() > 0.8, "success " + impact.attackSuccessRate());
        assertTrue(impact.triggerRateOnClean() < 0.3, "clean " + impact.triggerRateOnClean());
        assertTrue(impact.finding());
        assertEquals(impact.attackSuccessRate(), impact.successByTrigger().get("AGE=99"));
    }

    @Test
    void theInjectedRowsAreAppendedToTheTrainingPartWithTheTargetLabel() {
        Dataset injected = impact.injected();
        assertEquals(impact.train().poisonedRows(), injected.rows());
        assertEquals(impact.split().train().rows() + injected.rows(), impact.train().data().rows());
        int age = injected.schema().require("AGE");
        for (int i = 0; i < injected.rows(); i++) {
            assertEquals(1, injected.y()[i]);
            assertEquals(99.0, injected.row(i)[age]);
        }
        Map<String, Object> json = impact.toJson();
        assertEquals("trigger-poisoning", json.get("technique"));
        assertEquals(impact.split().test().rows(), json.get("test_rows"));
        assertEquals(true, json.get("finding"));
    }

    @Test
    void theWrittenFileIsTheDataThenTheInjectedRowsAndItsTruthColumnMarksThem() {
        Backdoor.Poisoned file = impact.appendedTo(data);
        assertEquals(data.rows() + impact.train().poisonedRows(), file.data().rows());
        Dataset truth = Poisoning.withTruth(file.data(), file.injected());
        int j = truth.schema().require(Poisoning.TRUTH_COLUMN);
        double marked = 0;
        for (int i = 0; i < truth.rows(); i++) {
            assertEquals(i >= data.rows() ? 1.0 : 0.0, truth.row(i)[j]);
            marked += truth.row(i)[j];
        }
        assertEquals(impact.train().poisonedRows(), marked);
        assertEquals(data.schema().featureNames(), truth.schema().featureNames().subList(0, data.schema().width()));
    }
}
