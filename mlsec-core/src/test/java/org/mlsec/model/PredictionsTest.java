package org.mlsec.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.Progress;
import org.mlsec.TestData;
import org.mlsec.data.Dataset;
import org.mlsec.defences.postprocessor.HardenedOutput;

class PredictionsTest {
    @TempDir
    static Path dir;
    static Dataset data;
    static LocalModel model;

    @BeforeAll
    static void train() throws IOException {
        data = TestData.layman(600, 18, dir).select(TestData.TALK_FEATURES);
        model = Trainer.train(data, TrainConfig.defaults(Algorithm.TREE).withMaxDepth(3), "layman", Progress.NONE);
    }

    @Test
    void everyRowGetsTheMostProbableClassAndTheCountsAddUpToTheRows() {
        Predictions p = Predictions.of(model, data);
        assertEquals(data.rows(), p.rows());
        assertEquals(data.rows(), p.counts().values().stream().mapToInt(Integer::intValue).sum());
        assertEquals(List.of("0", "1"), List.copyOf(p.counts().keySet()));
        for (int i = 0; i < p.rows(); i++) {
            assertEquals(p.classes().get(Classifier.argmax(p.probabilities()[i])), p.labels().get(i));
        }
    }

    @Test
    void aModelThatAnswersOnlyLabelsGetsCertainProbabilitiesForTheSameLabels() {
        Predictions full = Predictions.of(model, data);
        Predictions labels = Predictions.of(HardenedOutput.labelOnly(model), data);
        assertEquals(full.labels(), labels.labels());
        for (double[] row : labels.probabilities()) {
            assertEquals(1.0, row[0] + row[1]);
            assertEquals(1.0, Math.max(row[0], row[1]));
        }
        assertEquals(List.of(), labels.toJson(List.of()).get("unfamiliar"));
    }
}
