package org.mlsec.defences.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.Progress;
import org.mlsec.TestData;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.CsvWriter;
import org.mlsec.data.Dataset;
import org.mlsec.data.Split;
import org.mlsec.defences.ExtractionDefences;
import org.mlsec.defences.ExtractionDefences.Attack;
import org.mlsec.defences.ExtractionDefences.Report;
import org.mlsec.demo.LaymanBrothers;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

/**
 * The broken-dependencies detector calibrated on its reference rows: on the built-in data (where a fixed 0.3 stray of
 * Pearson correlations fired on 6.9% of benign requests and on every benign client) and on the real credit data,
 * benign traffic raises at most 1% false alarms while every extraction strategy that applies is still caught within
 * 200 queries, as {@code mlsec defend extraction} measures them (the same split: the model on one half, the other
 * half as the reference).
 */
class DependenceCalibrationTest {
    static final int WITHIN = 200;

    @TempDir
    Path dir;

    private Dataset layman() throws IOException {
        Path f = dir.resolve("layman.csv");
        CsvWriter.write(LaymanBrothers.generate(30_000, 42), f);
        return CsvReader.read(f, CsvOptions.labelled("DEFAULT", "ID"));
    }

    private static void check(String name, Dataset data) {
        Split s = Split.random(data, 0.5, 1);
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        long t0 = cpu.getCurrentThreadCpuTime();
        ExtractionProfile p = ExtractionProfile.of(data.schema(), s.test().x());
        System.out.printf("%s: broken-dependencies threshold %.3f (benign tail %.3f, attack head %.3f), profile of %d"
                        + " rows in %.2f s of CPU%n", name, p.dependenceThreshold(), p.dependenceCalibration()[0],
                p.dependenceCalibration()[1], s.test().rows(), (cpu.getCurrentThreadCpuTime() - t0) / 1e9);
        assertTrue(p.dependenceThreshold() > 0, name + ": the detector is on");
        List<LocalModel> models = List.of(
                Trainer.train(s.train(), TrainConfig.defaults(Algorithm.RF).withTrees(20).withSeed(3), "rf", Progress.NONE),
                Trainer.train(s.train(), TrainConfig.defaults(Algorithm.LR).withSeed(3), "lr", Progress.NONE));
        for (LocalModel m : models) {
            Report r = ExtractionDefences.study(m, s.test(), ExtractionDefences.Config.of(WITHIN, 42), Progress.NONE);
            System.out.println(name + " " + m.kind() + ": " + r.toJson());
            for (Attack a : r.attacks()) {
                long first = a.queriesBeforeDetection().values().stream().mapToLong(Long::longValue).min().orElse(Long.MAX_VALUE);
                assertTrue(first < WITHIN, name + " " + m.kind() + ": " + a.strategy() + " not caught within " + WITHIN + ": " + a);
            }
            for (Map.Entry<ExtractionAlert, Double> e : r.falseAlarmRate().entrySet()) {
                assertTrue(e.getValue() <= 0.01, name + " " + m.kind() + ": " + e.getKey() + " false alarms " + e.getValue());
            }
            assertEquals(0.0, r.falseAlarmRate().get(ExtractionAlert.BROKEN_DEPENDENCIES),
                    name + ": the calibrated threshold leaves a wide margin above genuine windows");
        }
    }

    @Test
    void builtInDataBenignClientsAreNotAlarmedAndAttacksAreStillCaught() throws IOException {
        check("built-in", layman());
    }

    @Test
    void realDataBenignClientsAreNotAlarmedAndAttacksAreStillCaught() {
        Assumptions.assumeTrue(TestData.realAvailable(), "the real data is not in ../shared");
        check("real", TestData.real());
    }

    @Test
    void theThresholdLiesBetweenGenuineWindowsAndWindowsWithoutDependencies() throws IOException {
        Dataset d = layman();
        double[][] ref = Split.random(d, 0.5, 1).test().x();
        ExtractionProfile p = ExtractionProfile.of(d.schema(), ref);
        double[] cal = p.dependenceCalibration();
        double t = p.dependenceThreshold();
        assertTrue(cal[0] < t && t < cal[1], "benign tail " + cal[0] + ", threshold " + t + ", attack head " + cal[1]);
        assertEquals(t, ExtractionProfile.of(d.schema(), ref).dependenceThreshold(), "seeded: the same threshold");
        // Fresh genuine windows (of other rows than the reference) stay below; shuffled columns go above.
        Dependence dep = Dependence.learn(ref, d.schema().width(), 7);
        double[][] other = Split.random(d, 0.5, 1).train().x();
        SplittableRandom rng = new SplittableRandom(9);
        int above = 0;
        for (int w = 0; w < 300; w++) {
            List<double[]> genuine = new ArrayList<>();
            List<double[]> broken = new ArrayList<>();
            for (int i = 0; i < Dependence.WINDOW; i++) {
                genuine.add(other[rng.nextInt(other.length)]);
                double[] row = new double[d.schema().width()];
                for (int j = 0; j < row.length; j++) {
                    row[j] = other[rng.nextInt(other.length)][j];
                }
                broken.add(row);
            }
            above += dep.broken(genuine, d.schema().width()) ? 1 : 0;
            assertTrue(dep.broken(broken, d.schema().width()), "a window without dependencies passed");
        }
        assertEquals(0, above, "genuine windows flagged");
    }

    @Test
    void rankCorrelationsUseMidRanksForTies() {
        List<double[]> rows = List.of(new double[] {1, 10}, new double[] {2, 20}, new double[] {2, 20},
                new double[] {3, 5}, new double[] {100, 30});
        double[][] c = Dependence.rankCorrelation(rows, 2);
        // ranks: x 1, 2.5, 2.5, 4, 5; y 2, 3.5, 3.5, 1, 5 -> Pearson of the ranks
        double[] rx = {1, 2.5, 2.5, 4, 5};
        double[] ry = {2, 3.5, 3.5, 1, 5};
        double mx = 3;
        double my = 3;
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < 5; i++) {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }
        assertEquals(sxy / Math.sqrt(sxx * syy), c[0][1], 1e-12);
        assertEquals(1.0, c[0][0], 1e-12);
    }

    @Test
    void withoutCorrelatedFeaturesTheDetectorIsOff() {
        SplittableRandom rng = new SplittableRandom(3);
        double[][] ref = new double[2_000][3];
        for (double[] r : ref) {
            for (int j = 0; j < 3; j++) {
                r[j] = rng.nextDouble();
            }
        }
        Dependence dep = Dependence.learn(ref, 3, 1);
        assertEquals(0, dep.pairs());
        assertTrue(Double.isNaN(dep.threshold()) && !dep.on());
    }
}
