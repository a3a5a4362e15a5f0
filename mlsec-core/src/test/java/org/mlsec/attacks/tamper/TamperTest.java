package org.mlsec.attacks.tamper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mlsec.Progress;
import org.mlsec.Result;
import org.mlsec.TestData;
import org.mlsec.data.Dataset;
import org.mlsec.defences.integrity.Canaries;
import org.mlsec.metrics.Evaluation;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.ModelIo;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

class TamperTest {
    @TempDir
    static Path dir;
    static Dataset data;

    @BeforeAll
    static void data() throws IOException {
        data = TestData.layman(3_000, 4, dir);
    }

    static Path trained(Algorithm a) {
        Path f = dir.resolve(a.flag() + ".mlsec");
        ModelIo.save(Trainer.train(data, TrainConfig.defaults(a).withTrees(10), "test", Progress.NONE), f);
        return f;
    }

    @Test
    void flipClassesMakesEveryClientADefaulterAsInTheTalk() {
        Path f = trained(Algorithm.RF);
        Path t = dir.resolve("flipped.mlsec");
        Tamper.tamper(f, t, Tamper.Mode.FLIP_CLASSES);
        LocalModel after = ModelIo.loadAsIs(t);
        // the consumer's ordinary load refuses the repeated class in one line; loadAsIs opens it to show the attack
        org.mlsec.InputException refused = org.junit.jupiter.api.Assertions.assertThrows(org.mlsec.InputException.class,
                () -> ModelIo.load(t));
        assertTrue(refused.getMessage().contains("names class '1' twice") && !refused.getMessage().contains("\n"),
                refused.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(org.mlsec.InputException.class,
                () -> org.mlsec.model.Models.load(t));
        org.junit.jupiter.api.Assertions.assertThrows(org.mlsec.InputException.class,
                () -> org.mlsec.model.Models.load(t, java.nio.file.Files.readAllBytes(t)));
        assertEquals(List.of("1", "1"), org.mlsec.model.Models.loadAsIs(t).classes());
        assertTrue(Evaluation.accuracy(ModelIo.load(f), data) > 0.8);
        assertEquals(data.classShares()[1], Evaluation.accuracy(after, data), 1e-12, "accuracy = share of defaulters");
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void everyModeStillLoadsButAnswersWrongly(Algorithm a) {
        Path f = trained(a);
        double before = Evaluation.accuracy(ModelIo.load(f), data);
        for (Tamper.Mode m : Tamper.Mode.values()) {
            Path t = dir.resolve(a.flag() + "-" + m.key() + ".mlsec");
            Tamper.tamper(f, t, m);
            double after = Evaluation.accuracy(ModelIo.loadAsIs(t), data);
            assertTrue(after < before - 0.3, a + " " + m + ": " + before + " -> " + after);
        }
    }

    @Test
    void canariesCatchTheTamperedModelAndPassTheTrustedOne() {
        Path f = trained(Algorithm.GBT);
        LocalModel trusted = ModelIo.load(f);
        Canaries.CanaryFile c = Canaries.record(trusted, data, 50, 1);
        Path file = dir.resolve("canaries.json");
        Canaries.write(c, file);
        Canaries.CanaryFile back = Canaries.read(file);
        assertFalse(Canaries.check(ModelIo.load(f), back, 1e-9).finding());
        for (Tamper.Mode m : Tamper.Mode.values()) {
            Path t = dir.resolve("gbt-canary-" + m.key() + ".mlsec");
            Tamper.tamper(f, t, m);
            Result r = Canaries.check(ModelIo.loadAsIs(t), back, 1e-6);
            assertTrue(r.finding() && r.metric("failed") > 0, m.toString());
            assertTrue(r.details().get(0).startsWith("canary "), r.details().toString());
        }
    }

    @Test
    void canariesSeeASilentRetrain() {
        LocalModel a = Trainer.train(data, TrainConfig.defaults(Algorithm.RF).withTrees(10), "test", Progress.NONE);
        LocalModel b = Trainer.train(data, TrainConfig.defaults(Algorithm.RF).withTrees(10).withSeed(7), "test", Progress.NONE);
        assertTrue(Canaries.check(b, Canaries.record(a, data, 40, 1), 1e-6).finding());
    }
}
