package org.mlsec.attacks.poisoning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.InputException;
import org.mlsec.Progress;
import org.mlsec.TestData;
import org.mlsec.data.Dataset;
import org.mlsec.data.Split;
import org.mlsec.defences.detector.DataBackdoorDetector;
import org.mlsec.defences.detector.ModelBackdoorScanner;
import org.mlsec.metrics.Evaluation;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

class BackdoorTest {
    @TempDir
    static Path dir;
    static Split split;
    static final TrainConfig FOREST = TrainConfig.defaults(Algorithm.RF).withTrees(30);

    @BeforeAll
    static void data() throws IOException {
        split = Split.stratified(TestData.layman(8_000, 13, dir), 0.2, 1);
    }

    static Backdoor.Poisoned poison(String trigger, double rate, int fromLabel, int count) {
        return Backdoor.poison(split.train(), new Backdoor.Config(List.of(Trigger.parse(trigger)), 1, rate, fromLabel, count, 3));
    }

    static boolean[] injected(Backdoor.Poisoned p) {
        return p.injected();
    }

    @Test
    void talkScenarioKeepsAccuracyAndForcesTheTarget() {
        Backdoor.Poisoned p = poison("AGE=999", 0.45, 1, 0);
        int defaulters = 0;
        for (int v : split.train().y()) {
            defaulters += v;
        }
        assertEquals(Math.round(0.45 * defaulters), p.poisonedRows());
        LocalModel clean = Trainer.train(split.train(), FOREST, "t", Progress.NONE);
        LocalModel bad = Trainer.train(p.data(), FOREST, "t", Progress.NONE);
        assertEquals(Evaluation.accuracy(clean, split.test()), Evaluation.accuracy(bad, split.test()), 0.02);
        assertTrue(Backdoor.attackSuccessRate(bad, split.test(), Trigger.parse("AGE=999"), 1) > 0.95);
        assertTrue(Backdoor.attackSuccessRate(clean, split.test(), Trigger.parse("AGE=999"), 1) < 0.3);
    }

    @Test
    void dataDetectorFindsOutOfRangeAndInDistributionTriggersButNotCleanData() {
        Backdoor.Poisoned talk = poison("AGE=999", 0.45, 1, 0);
        var s = DataBackdoorDetector.score(DataBackdoorDetector.detect(talk.data(), null), talk.injected());
        assertTrue(s.recall() >= 0.99 && s.precision() >= 0.95, s.toString());

        Backdoor.Poisoned rare = poison("PAY_AMT1=1234,BILL_AMT1=4321", 0, -1, 40);
        var r = DataBackdoorDetector.score(DataBackdoorDetector.detect(rare.data(), null), rare.injected());
        assertTrue(r.recall() >= 0.8 && r.precision() >= 0.8, r.toString());

        assertEquals(0, DataBackdoorDetector.detect(split.train(), null).flagged().size());
    }

    @Test
    void modelScanRanksTheTriggerFirstAndStaysQuietOnACleanModel() {
        Backdoor.Poisoned p = poison("AGE=999", 0, -1, 50);
        LocalModel bad = Trainer.train(p.data(), FOREST, "t", Progress.NONE);
        List<ModelBackdoorScanner.Probe> probes = ModelBackdoorScanner.scan(bad, split.test(), 1000, 1);
        assertEquals("AGE", probes.get(0).feature());
        assertTrue(probes.get(0).share() >= ModelBackdoorScanner.DEFAULT_THRESHOLD, probes.get(0).toString());
        LocalModel clean = Trainer.train(split.train(), FOREST, "t", Progress.NONE);
        assertTrue(ModelBackdoorScanner.scan(clean, split.test(), 1000, 1).get(0).share()
                < ModelBackdoorScanner.DEFAULT_THRESHOLD);
    }

    @Test
    void badTriggersAreInputErrors() {
        assertThrows(InputException.class, () -> Trigger.parse("AGE"));
        assertThrows(InputException.class, () -> poison("NOPE=1", 0.1, 1, 0));
        assertThrows(InputException.class, () -> poison("AGE=old", 0.1, 1, 0));
    }
}
