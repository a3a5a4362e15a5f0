package org.mlsec.model.linear;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mlsec.Progress;
import org.mlsec.data.Column;
import org.mlsec.data.ColumnType;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.model.Algorithm;
import org.mlsec.model.TrainConfig;

class LogisticTrainerTest {
    @Test
    void recoversTheGeneratingWeights() {
        SplittableRandom rng = new SplittableRandom(1);
        int n = 20_000;
        double[][] x = new double[n][2];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            x[i][0] = rng.nextDouble() * 4 - 2;
            x[i][1] = rng.nextDouble() * 100;
            double z = -1 + 2 * x[i][0] + 0.03 * x[i][1];
            y[i] = rng.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
        }
        Schema s = new Schema(List.of(Column.numeric("a", ColumnType.NUMERIC, -2, 2),
                Column.numeric("b", ColumnType.NUMERIC, 0, 100)), "y", List.of("0", "1"));
        LogisticModel m = LogisticTrainer.train(new Dataset(s, x, y),
                TrainConfig.defaults(Algorithm.LR).withL2(0), "test", Progress.NONE);
        double[] c = m.rawCoefficients(0);
        assertEquals(-1, c[0], 0.1);
        assertEquals(2, c[1], 0.1);
        assertEquals(0.03, c[2], 0.005);
        // The raw coefficients reproduce the model's own probabilities.
        double p = m.predictProba(new double[][] {{0.5, 10}})[0][1];
        assertEquals(1 / (1 + Math.exp(-(c[0] + c[1] * 0.5 + c[2] * 10))), p, 1e-12);
    }

    @Test
    void dampedStepsConvergeOnSeparableData() {
        int n = 400;
        double[][] z = new double[n][2];
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            z[i][0] = 1;
            z[i][1] = i < n / 2 ? -1 - i * 0.01 : 1 + i * 0.01;
            t[i] = i < n / 2 ? 0 : 1;
        }
        double[] w = LogisticTrainer.fit(z, t, 1e-3, null);
        org.junit.jupiter.api.Assertions.assertTrue(Double.isFinite(w[1]) && w[1] > 0);
        double before = LogisticTrainer.objective(z, t, new double[2], 1e-3, null);
        org.junit.jupiter.api.Assertions.assertTrue(LogisticTrainer.objective(z, t, w, 1e-3, null) < before / 10);
    }
}
