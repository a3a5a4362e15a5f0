package org.mlsec.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.Progress;
import org.mlsec.TestData;
import org.mlsec.data.Dataset;
import org.mlsec.defences.detector.Fairness;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

/** The audit's charts as data: what each chart plots, taken from models and results, checked when made. */
class ChartDataTest {
    @TempDir
    Path dir;

    @Test
    void importancesAreTheModelsTenLargestInOrder() throws IOException {
        Dataset d = TestData.layman(1_000, 3, dir);
        LocalModel m = Trainer.train(d, TrainConfig.defaults(Algorithm.RF).withTrees(10), "t", Progress.NONE);
        ChartData.Importances imp = ChartData.Importances.of("drivers", m);
        assertEquals(Math.min(10, m.schema().width()), imp.features().size());
        double[] all = m.columnImportances();
        double largest = java.util.Arrays.stream(all).max().orElseThrow();
        assertEquals(largest, imp.importances().get(0));
        for (int k = 1; k < imp.importances().size(); k++) {
            assertTrue(imp.importances().get(k) <= imp.importances().get(k - 1), "descending at " + k);
        }
        int first = m.schema().indexOf(imp.features().get(0));
        assertEquals(largest, all[first], "the name goes with its value");
    }

    @Test
    void fairnessHasOneBarPerGroupOfEveryAttributeOrANoneBar() throws IOException {
        Dataset d = TestData.layman(1_000, 3, dir);
        LocalModel m = Trainer.train(d, TrainConfig.defaults(Algorithm.TREE).withMaxDepth(3), "t", Progress.NONE);
        ChartData.Fairness f = ChartData.Fairness.of(
                Fairness.measure(m, d, List.of("SEX"), d.schema().classes().get(0), Fairness.DEFAULT_BINS));
        assertTrue(f.groups().size() >= 2 && f.groups().stream().allMatch(g -> g.startsWith("SEX=")), f.toString());
        assertTrue(f.rates().stream().allMatch(r -> r >= 0 && r <= 1), f.toString());
        assertEquals(new ChartData.Fairness(List.of("none"), List.of(0.0)), ChartData.Fairness.of(List.of()));
    }

    @Test
    void mismatchedSeriesAndEmptyHistogramsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ChartData.Fidelity(List.of(1.0, 2.0), List.of(0.5)));
        assertThrows(IllegalArgumentException.class, () -> new ChartData.Importances("t", List.of("a"), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new ChartData.RocCurves("t", List.of("a"), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new ChartData.Histograms("f", new double[0],
                new double[] {1}));
    }

    @Test
    void histogramsKeepTheirOwnCopyOfTheValues() {
        double[] before = {1, 2, 3};
        ChartData.Histograms h = new ChartData.Histograms("f", before, new double[] {4});
        before[0] = 99;
        h.after()[0] = 99;
        assertEquals(new ChartData.Histograms("f", new double[] {1, 2, 3}, new double[] {4}), h);
    }
}
