package org.mlsec.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.Progress;
import org.mlsec.TestData;
import org.mlsec.data.Dataset;
import org.mlsec.data.Split;
import org.mlsec.metrics.Metrics;
import org.mlsec.model.Algorithm;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.tree.ForestModel;
import org.mlsec.model.tree.ForestTrainer;

class LaymanBrothersTest {
    @TempDir
    static Path dir;

    @Test
    void hasTheUciSchema() {
        Dataset d = LaymanBrothers.generate(10, 1);
        assertEquals(24, d.schema().width());
        assertEquals("ID", d.schema().feature(0).name());
        assertEquals("PAY_AMT6", d.schema().feature(23).name());
        assertEquals("DEFAULT", d.schema().label());
    }

    @Test
    void sameSeedSameRows() {
        assertArrayEquals(LaymanBrothers.generate(100, 7).row(99), LaymanBrothers.generate(100, 7).row(99));
        assertTrue(!Arrays.equals(LaymanBrothers.generate(100, 7).row(99), LaymanBrothers.generate(100, 8).row(99)));
    }

    @Test
    void marginalsFollowTheRealData() {
        Dataset d = LaymanBrothers.generate(30_000, 42);
        assertEquals(0.2212, d.classShares()[1], 0.01, "default rate");
        int pay0 = d.schema().indexOf("PAY_0");
        int sex = d.schema().indexOf("SEX");
        double[] defaults = new double[11];
        double[] counts = new double[11];
        double women = 0;
        for (int i = 0; i < d.rows(); i++) {
            int s = (int) d.row(i)[pay0] + 2;
            counts[s]++;
            defaults[s] += d.y()[i];
            women += d.row(i)[sex] == 2 ? 1 : 0;
        }
        // Real default rate by PAY_0 (-2, -1, 0, 1, 2): 13.2%, 16.8%, 12.8%, 33.9%, 69.1%.
        double[] real = {.132, .168, .128, .339, .691};
        for (int s = 0; s < real.length; s++) {
            assertEquals(real[s], defaults[s] / counts[s], 0.04, "default rate at PAY_0=" + (s - 2));
        }
        assertEquals(0.604, women / d.rows(), 0.01);
    }

    @Test
    void talkBaselineMatchesItsAccuracyOnTheRealDataAndRanksPay0First() throws Exception {
        Dataset syn = TestData.layman(30_000, 42, dir).select(TestData.TALK_FEATURES);
        double synAcc = baselineAccuracy(syn);
        double realAcc = 0.82; // the talk's figure, measured on the real data with scikit-learn
        if (TestData.realAvailable()) {
            realAcc = baselineAccuracy(TestData.realTalk().select(TestData.TALK_FEATURES));
        }
        assertEquals(realAcc, synAcc, 0.03, "baseline accuracy, synthetic vs real");
        ForestModel m = ForestTrainer.train(syn, TrainConfig.defaults(Algorithm.RF).withTrees(5).withMaxDepth(3)
                .withMinLeaf(100), "test", Progress.NONE);
        double[] imp = m.columnImportances();
        int top = 0;
        for (int j = 1; j < imp.length; j++) {
            top = imp[j] > imp[top] ? j : top;
        }
        assertEquals("PAY_0", syn.schema().feature(top).name());
    }

    static double baselineAccuracy(Dataset d) {
        Split s = Split.stratified(d, 0.1, 42);
        ForestModel m = ForestTrainer.train(s.train(), TrainConfig.defaults(Algorithm.RF).withTrees(5).withMaxDepth(3)
                .withMinLeaf(100), "test", Progress.NONE);
        return Metrics.accuracy(s.test().y(), m.predict(s.test().x()));
    }

    @Test
    void realDataPresentForFigures() {
        Assumptions.assumeTrue(TestData.realAvailable(), "real data not present");
        assertEquals(30_000, TestData.real().rows());
    }
}
