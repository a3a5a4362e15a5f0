package org.mlsec.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mlsec.InputException;
import org.mlsec.Progress;
import org.mlsec.data.Column;
import org.mlsec.data.ColumnType;
import org.mlsec.data.Dataset;
import org.mlsec.defences.detector.ExtractionProfile;
import org.mlsec.demo.LaymanBrothers;
import org.mlsec.data.Schema;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

/** The server says at start what its implausible-rows detector can see on the reference it was given. */
class DetectorNoteTest {
    @Test
    void dataWithoutCorrelatedFeaturesIsToldTheDetectorCannotSeeUniformQueries() {
        SplittableRandom rng = new SplittableRandom(5);
        double[][] x = new double[600][3];
        int[] y = new int[600];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < 3; j++) {
                x[i][j] = rng.nextDouble() * 10;
            }
            y[i] = x[i][0] + rng.nextDouble() * 3 > 6 ? 1 : 0;
        }
        Schema s = new Schema(List.of(Column.numeric("a", ColumnType.NUMERIC, 0, 10),
                Column.numeric("b", ColumnType.NUMERIC, 0, 10), Column.numeric("c", ColumnType.NUMERIC, 0, 10)),
                "y", List.of("0", "1"));
        Dataset d = new Dataset(s, x, y);
        LocalModel m = Trainer.train(d, TrainConfig.defaults(Algorithm.RF).withTrees(5), "t", Progress.NONE);
        String note = new GuardedServer(m, null, GuardConfig.defaults(), d).detectorNote();
        assertTrue(note.contains("found no feature pair") && note.contains("go unnoticed"), note);
        assertNull(new GuardedServer(m, null, GuardConfig.defaults()).detectorNote(), "no reference, no detector");
    }

    @Test
    void creditDataHasPairsToCheck() {
        Dataset d = LaymanBrothers.generate(3_000, 2);
        LocalModel m = Trainer.train(d, TrainConfig.defaults(Algorithm.RF).withTrees(5), "t", Progress.NONE);
        String note = new GuardedServer(m, null, GuardConfig.defaults(), d).detectorNote();
        assertTrue(note.matches("the implausible-rows detector checks \\d+ strongly correlated .*"), note);
    }

    @Test
    void aServerCalibratedWithAProfileLearntOnceSeesWhatAServerGivenTheRowsSees() {
        Dataset d = LaymanBrothers.generate(3_000, 2);
        LocalModel m = Trainer.train(d, TrainConfig.defaults(Algorithm.RF).withTrees(5), "t", Progress.NONE);
        ExtractionProfile p = ExtractionProfile.of(m.schema(), d.x());
        assertEquals(new GuardedServer(m, null, GuardConfig.defaults(), d).detectorNote(),
                GuardedServer.calibrated(m, null, GuardConfig.defaults(), p).detectorNote());
        GuardConfig off = new GuardConfig(true, 1000, 1 << 20, java.util.Map.of(), false, 0, 0, 0, "label", 4, 0, 0,
                false, "block", null);
        assertNull(GuardedServer.calibrated(m, null, off, p).detectorNote(), "detection off: no detector");
        ExtractionProfile narrow = ExtractionProfile.of(new Schema(List.of(Column.numeric("a", ColumnType.NUMERIC, 0, 1)),
                "y", List.of("0", "1")), null);
        InputException e = assertThrows(InputException.class,
                () -> GuardedServer.calibrated(m, null, GuardConfig.defaults(), narrow));
        assertTrue(e.getMessage().contains("learnt for 1 features; the model has " + m.schema().width()), e.getMessage());
        assertThrows(InputException.class, () -> GuardedServer.calibrated(m, null, GuardConfig.defaults(), null));
    }
}
