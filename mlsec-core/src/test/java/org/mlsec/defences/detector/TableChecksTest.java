package org.mlsec.defences.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mlsec.Progress;
import org.mlsec.data.ChunkedTable;
import org.mlsec.data.Dataset;
import org.mlsec.data.Table;
import org.mlsec.demo.LaymanBrothers;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

/**
 * The checks that read every row give the same figures on a table in shuffled, shipped chunks as on the data set
 * in memory: what lets a cluster engine run them over a data lake.
 */
class TableChecksTest {
    static final Dataset BEFORE = LaymanBrothers.generate(4000, 1).select(features());
    static final Dataset AFTER = LaymanBrothers.generate(3000, 2).select(features());

    static List<String> features() {
        return List.of("LIMIT_BAL", "SEX", "EDUCATION", "AGE", "PAY_0", "BILL_AMT1", "PAY_AMT1");
    }

    @Test
    void theDiffIsTheSameInChunks() {
        var whole = DataDiff.features(BEFORE, AFTER);
        for (int chunks : new int[] {2, 7, 31}) {
            assertEquals(whole, DataDiff.features(new ChunkedTable(BEFORE, chunks, chunks),
                    new ChunkedTable(AFTER, chunks + 1, chunks)), chunks + " chunks");
        }
    }

    @Test
    void changedSubgroupsAreTheSameInChunks() {
        var whole = Subgroups.changed(BEFORE, AFTER, 1, 30, 5);
        assertFalse(whole.isEmpty());
        assertEquals(whole, Subgroups.changed(new ChunkedTable(BEFORE, 5, 3), new ChunkedTable(AFTER, 9, 4), 1, 30, 5));
    }

    @Test
    void valueSpikesAreTheSameInChunksAndAreTheDetectorsCandidates() {
        Dataset d = LaymanBrothers.generate(6000, 5).select(features());
        int j = d.schema().require("BILL_AMT1");
        for (int i = 0; i < 60; i++) { // a planted trigger: one exact amount, always labelled 1
            d.x()[i * 97][j] = 12345;
            d.y()[i * 97] = 1;
        }
        var whole = DataBackdoorDetector.spikes(Table.of(d));
        assertEquals(whole, DataBackdoorDetector.spikes(new ChunkedTable(d, 8, 1)));
        var planted = whole.stream().filter(s -> s.column().equals("BILL_AMT1") && s.value() == 12345).toList();
        assertEquals(1, planted.size(), whole.toString());
        long holding = java.util.Arrays.stream(d.x()).filter(r -> r[j] == 12345).count();
        long labelled = java.util.stream.IntStream.range(0, d.rows()).filter(i -> d.x()[i][j] == 12345 && d.y()[i] == 1)
                .count();
        assertTrue(holding >= 60);
        assertEquals(holding, planted.get(0).rows());
        assertEquals((double) labelled / holding, planted.get(0).purity());
        assertTrue(DataBackdoorDetector.detect(d, null).findings().stream().anyMatch(f -> f.startsWith(
                planted.get(0).reason())), "the detector weighs the same spike");
    }

    @Test
    void fairnessIsTheSameInChunksWithTheModelShipped() {
        LocalModel m = Trainer.train(BEFORE, TrainConfig.defaults(Algorithm.RF).withTrees(10).withSeed(3), "t",
                Progress.NONE);
        var whole = Fairness.measure(m, AFTER, List.of("SEX", "AGE", "LIMIT_BAL"), "0", 5);
        assertEquals(whole, Fairness.measure(m, new ChunkedTable(AFTER, 6, 5), List.of("SEX", "AGE", "LIMIT_BAL"),
                "0", 5));
        assertEquals(whole, Fairness.measure(m, Table.of(AFTER), List.of("SEX", "AGE", "LIMIT_BAL"), "0", 5));
    }
}
