package org.mlsec.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.Progress;
import org.mlsec.TestData;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.defences.postprocessor.HardenedOutput;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

class ModelEvaluationTest {
    @TempDir
    static Path dir;
    static Dataset data;
    static LocalModel model;
    static final TrainConfig SMALL = TrainConfig.defaults(Algorithm.RF).withTrees(5).withMaxDepth(4).withSeed(2);

    @BeforeAll
    static void train() throws IOException {
        data = TestData.layman(1000, 17, dir).select(TestData.TALK_FEATURES);
        model = Trainer.train(data, SMALL, "layman", Progress.NONE);
    }

    static long sum(long[][] m) {
        long n = 0;
        for (long[] row : m) {
            for (long v : row) {
                n += v;
            }
        }
        return n;
    }

    @Test
    void theConfusionMatrixCountsEveryRowAndItsDiagonalIsTheAccuracy() {
        ModelEvaluation.Report r = ModelEvaluation.evaluate(model, data);
        assertEquals(data.rows(), sum(r.confusion()));
        assertEquals(List.of("0", "1"), r.classes());
        assertEquals(r.accuracy(), (double) (r.confusion()[0][0] + r.confusion()[1][1]) / data.rows(), 1e-12);
        assertTrue(r.auc() > 0.5, "auc " + r.auc());
        assertTrue(r.aucOneVsRest().isEmpty());
    }

    @Test
    void labelsOnlyKeepTheAccuracyButLeaveTheAucUndefined() {
        ModelEvaluation.Report r = ModelEvaluation.evaluate(HardenedOutput.labelOnly(model), data);
        assertEquals(ModelEvaluation.evaluate(model, data).accuracy(), r.accuracy());
        assertTrue(Double.isNaN(r.auc()));
        assertNull(r.toJson().get("auc"));
        assertFalse(r.toJson().containsKey("auc_one_vs_rest"));
    }

    @Test
    void answersThatAreNoneOfTheDataClassesAreWrongAndShownAsOther() {
        Schema renamed = new Schema(data.schema().features(), data.schema().label(), List.of("0", "9"));
        LocalModel other = Trainer.train(new Dataset(renamed, data.x(), data.y()), SMALL, "renamed", Progress.NONE);
        ModelEvaluation.Report r = ModelEvaluation.evaluate(other, data);
        assertEquals(List.of("0", "1", ModelEvaluation.OTHER), r.classes());
        assertEquals(data.rows(), sum(r.confusion()));
        assertEquals(0, r.confusion()[0][1] + r.confusion()[1][1], "nobody is answered 1: that answer is 9");
        assertTrue(Double.isNaN(r.auc()));
    }

    @Test
    void labelsThatAreNoneOfTheModelsClassesAreRefusedNotScoredZero() {
        Schema renamed = new Schema(data.schema().features(), data.schema().label(), List.of("no", "yes"));
        LocalModel yesNo = Trainer.train(new Dataset(renamed, data.x(), data.y()), SMALL, "renamed", Progress.NONE);
        org.mlsec.InputException e = org.junit.jupiter.api.Assertions.assertThrows(org.mlsec.InputException.class,
                () -> ModelEvaluation.evaluate(yesNo, data));
        assertTrue(e.getMessage().contains("[0, 1] are none of the model's classes [no, yes]"), e.getMessage());
    }
}
