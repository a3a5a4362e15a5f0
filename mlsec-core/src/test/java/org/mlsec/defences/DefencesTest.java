package org.mlsec.defences;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.MlsecException;
import org.mlsec.Progress;
import org.mlsec.Result;
import org.mlsec.TestData;
import org.mlsec.attacks.inference.MembershipMethod;
import org.mlsec.data.Dataset;
import org.mlsec.defences.postprocessor.HardenedOutput;
import org.mlsec.defences.trainer.DpLogisticRegression;
import org.mlsec.metrics.Evaluation;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.ModelIo;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;
import org.mlsec.model.linear.LogisticModel;

class DefencesTest {
    @TempDir
    static Path dir;
    static Dataset data;

    @BeforeAll
    static void data() throws IOException {
        data = TestData.layman(3_000, 21, dir);
    }

    @Test
    void roundedOutputKeepsLabelsAndRoundsProbabilities() {
        LocalModel m = Trainer.train(data, TrainConfig.defaults(Algorithm.RF).withTrees(10), "t", Progress.NONE);
        var r = HardenedOutput.rounded(m, 1);
        double[][] rows = Arrays.copyOf(data.x(), 50);
        assertArrayEquals(m.predict(rows), r.predict(rows));
        for (double[] p : r.predictProba(rows)) {
            for (double v : p) {
                assertEquals(Math.round(v * 10) / 10.0, v, 1e-12);
            }
        }
        var l = HardenedOutput.labelOnly(m);
        assertTrue(!l.hasProbabilities());
        assertThrows(MlsecException.class, () -> l.predictProba(rows));
    }

    @Test
    void dpLogisticRegressionIsUsefulAndNoisierWithSmallerEpsilon() {
        LogisticModel plain = DpLogisticRegression.train(data, 1e6, 1e-3, 1);
        double accPlain = Evaluation.accuracy(plain, data);
        assertTrue(accPlain > 0.78, "near-non-private accuracy " + accPlain);
        double spreadBig = 0;
        double spreadSmall = 0;
        for (int seed = 0; seed < 5; seed++) {
            spreadBig += distance(plain, DpLogisticRegression.train(data, 8, 1e-3, seed));
            spreadSmall += distance(plain, DpLogisticRegression.train(data, 0.1, 1e-3, seed));
        }
        assertTrue(spreadSmall > spreadBig, "epsilon 0.1 perturbs more than epsilon 8: " + spreadSmall + " vs " + spreadBig);
        Path f = dir.resolve("dp.mlsec");
        LogisticModel dp = DpLogisticRegression.train(data, 1, 1e-3, 3);
        ModelIo.save(dp, f);
        LogisticModel back = (LogisticModel) ModelIo.load(f);
        assertTrue(back.clipped());
        assertArrayEquals(dp.predictProba(data.x())[7], back.predictProba(data.x())[7], 0.0);
    }

    static double distance(LogisticModel a, LogisticModel b) {
        double[][] pa = a.predictProba(data.x());
        double[][] pb = b.predictProba(data.x());
        double s = 0;
        for (int i = 0; i < pa.length; i++) {
            s += Math.abs(pa[i][1] - pb[i][1]);
        }
        return s / pa.length;
    }

    @Test
    void regularisationLowersTheAttackThatWorksOnTheUndefendedForest() {
        List<Result> rows = MembershipDefences.study(data, TrainConfig.defaults(Algorithm.RF).withTrees(20),
                MembershipMethod.RMIA, 2, 5, Progress.NONE);
        Result none = rows.get(0);
        Result strong = rows.get(2);
        assertTrue(none.metric("auc") > 0.65, "undefended AUC " + none.metric("auc"));
        assertTrue(strong.metric("auc") < none.metric("auc") - 0.1, "regularised AUC " + strong.metric("auc"));
        assertTrue(strong.metric("test_accuracy") > none.metric("test_accuracy") - 0.05,
                "regularisation costs little accuracy: " + strong.metric("test_accuracy") + " vs " + none.metric("test_accuracy"));
        assertEquals(10, rows.size());
        assertEquals("none", none.metrics().get("guarantee"));
        for (Result dp : rows.subList(8, 10)) { // the DP random forests, epsilon 8 and 1, the bounds' origin named
            assertTrue(String.valueOf(dp.metrics().get("defence")).matches("DP random forest, epsilon [81], bounds from data"),
                    String.valueOf(dp.metrics().get("defence")));
            assertTrue(dp.metric("auc") < 0.6, "DP forest AUC " + dp.metric("auc"));
            assertTrue(String.valueOf(dp.metrics().get("guarantee")).startsWith("epsilon-DP, epsilon = "), dp.toString());
            assertTrue(dp.metric("training_seconds") >= 0);
        }
    }
}
