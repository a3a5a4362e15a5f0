package org.mlsec.attacks.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.Progress;
import org.mlsec.Result;
import org.mlsec.TestData;
import org.mlsec.data.Dataset;
import org.mlsec.data.Split;
import org.mlsec.defences.postprocessor.HardenedOutput;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

class AttributeInferenceTest {
    @TempDir
    Path dir;

    @Test
    void whiteBoxTreeAttackRemembersMembersOfAForest() throws IOException {
        Dataset all = TestData.layman(6_000, 31, dir);
        Split s = Split.random(all, 0.5, 1);
        LocalModel forest = Trainer.train(s.train(), TrainConfig.defaults(Algorithm.RF).withTrees(50), "t", Progress.NONE);
        List<Result> rs = AttributeInference.infer(forest, s.train(), s.test(), "SEX",
                List.of(AttributeInference.Method.MAP, AttributeInference.Method.WHITEBOX_TREE, AttributeInference.Method.MODEL,
                        AttributeInference.Method.MAP_INFORMED), 1, Progress.NONE);
        Result map = rs.get(0);
        Result wb = rs.get(1);
        assertTrue(wb.metric("accuracy_members") > map.metric("accuracy_members") + 0.03, wb.metrics() + " vs " + map.metrics());
        assertTrue(wb.metric("accuracy_members") > wb.metric("accuracy_non_members") + 0.03);
        for (Result r : rs) {
            List<?> ci = (List<?>) r.metrics().get("ci95_members");
            assertTrue((Double) ci.get(0) <= r.metric("advantage_members") && r.metric("advantage_members") <= (Double) ci.get(1));
            assertEquals(r.metric("accuracy_members") - r.metric("baseline_model_free"), r.metric("advantage_members"), 1e-12);
        }
    }

    @Test
    void labelOnlyOutputLeavesTheInformedMapLessToWorkWith() throws IOException {
        Dataset all = TestData.layman(6_000, 32, dir);
        Split s = Split.random(all, 0.5, 1);
        LocalModel forest = Trainer.train(s.train(), TrainConfig.defaults(Algorithm.RF).withTrees(50), "t", Progress.NONE);
        double full = AttributeInference.infer(forest, s.train(), s.test(), "SEX",
                List.of(AttributeInference.Method.MAP_INFORMED), 1, Progress.NONE).get(0).metric("advantage_members");
        double labels = AttributeInference.infer(HardenedOutput.labelOnly(forest), s.train(), s.test(), "SEX",
                List.of(AttributeInference.Method.MAP_INFORMED), 1, Progress.NONE).get(0).metric("advantage_members");
        assertTrue(labels < full, "labels only " + labels + " vs probabilities " + full);
    }

    @Test
    void aNumericAttributeIsBinnedAtItsQuintilesWhateverItsName() throws IOException {
        Dataset all = TestData.layman(3_000, 33, dir);
        var c = AttributeInference.candidates(all.schema(), "AGE", all);
        assertEquals(5, c.values().length);
        // Each bin holds about a fifth of the rows (ties at the edges make it uneven, never empty).
        int[] count = new int[5];
        int j = all.schema().indexOf("AGE");
        for (double[] r : all.x()) {
            count[c.bin(r[j])]++;
        }
        for (int n : count) {
            assertTrue(n > all.rows() / 10 && n < all.rows() / 3, java.util.Arrays.toString(count));
        }
    }

    @Test
    void prototypeOfDefaultersIsConfidentAndInsideTheRanges() throws IOException {
        Dataset all = TestData.layman(4_000, 34, dir);
        LocalModel lr = Trainer.train(all, TrainConfig.defaults(Algorithm.LR), "t", Progress.NONE);
        Result exact = Reconstruction.prototype(lr, lr.schema(), 1, all, 1);
        assertEquals("linear-optimum", exact.metrics().get("method"));
        LocalModel rf = Trainer.train(all, TrainConfig.defaults(Algorithm.RF).withTrees(20), "t", Progress.NONE);
        Result search = Reconstruction.prototype(rf, rf.schema(), 1, all, 1);
        assertTrue(search.metric("confidence") > 0.7, search.metrics().toString());
        assertTrue(exact.metric("confidence") >= search.metric("confidence") - 0.3);
        double pay0 = Double.parseDouble(((java.util.Map<?, ?>) search.metrics().get("prototype")).get("PAY_0").toString());
        assertTrue(pay0 >= 1, "a defaulter prototype is late on payments: PAY_0=" + pay0);
    }
}
