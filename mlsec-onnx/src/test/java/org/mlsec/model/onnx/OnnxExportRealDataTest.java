package org.mlsec.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mlsec.Progress;
import org.mlsec.TestData;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.Dataset;
import org.mlsec.defences.trainer.DpLogisticRegression;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

/**
 * ONNX export on the real credit data (30,000 rows; DEFAULT, and MARRIAGE as a 4-class label): ONNX Runtime's
 * probabilities within 1e-6 of mlsec's and the same label on every row, for each model family. Skipped when the
 * data is absent.
 */
class OnnxExportRealDataTest {
    static Dataset binary;
    static Dataset multi;

    @BeforeAll
    static void data() {
        Assumptions.assumeTrue(TestData.realAvailable(), "real data absent");
        binary = TestData.real();
        multi = CsvReader.read(TestData.REAL, new CsvOptions(',', "MARRIAGE", Set.of("ID", "DEFAULT"), Set.of(),
                Set.of()));
    }

    static void assertAgrees(String what, LocalModel m, Dataset d) {
        OnnxExport.Exported e = OnnxExport.toOnnx(m);
        ExportCheck.Result all = ExportCheck.compare(m, e.bytes(), d.x());
        ExportCheck.Result sampled = ExportCheck.compare(m, e.bytes(), ExportCheck.sample(m, 10_000, 1));
        System.out.printf("ONNX export %-34s %7d tree nodes, %6.2f MB: real rows max |dp| %.2e, labels differ %d;"
                        + " sampled rows max |dp| %.2e, labels differ %d%n", what, e.treeNodes(), e.bytes().length / 1e6,
                all.maxAbsDifference(), all.labelsDiffering(), sampled.maxAbsDifference(), sampled.labelsDiffering());
        for (ExportCheck.Result r : List.of(all, sampled)) {
            assertTrue(r.maxAbsDifference() <= 1e-6, what + ": " + r);
            assertEquals(0, r.labelsDiffering(), what + ": " + r);
        }
        assertEquals(30_000, all.rows());
    }

    @Test
    void defaultRandomForest() {
        assertAgrees("random forest (100 trees)", Trainer.train(binary, TrainConfig.defaults(Algorithm.RF),
                "real", Progress.NONE), binary);
    }

    @Test
    void defaultTreeBoostingAndLogisticRegression() {
        for (Algorithm a : List.of(Algorithm.TREE, Algorithm.GBT, Algorithm.LR)) {
            assertAgrees(a.kind(), Trainer.train(binary, TrainConfig.defaults(a), "real", Progress.NONE), binary);
        }
    }

    @Test
    void hardenedModels() {
        assertAgrees("DP logistic regression (eps 1)", DpLogisticRegression.train(binary, 1.0, 0.01, 3), binary);
        TrainConfig monotone = TrainConfig.defaults(Algorithm.GBT).withMonotone(Map.of("PAY_0", 1, "LIMIT_BAL", -1));
        assertAgrees("monotone gradient boosting", Trainer.train(binary, monotone, "real", Progress.NONE), binary);
    }

    @Test
    void fourClassModels() {
        assertEquals(List.of("0", "1", "2", "3"), multi.schema().classes());
        for (Algorithm a : List.of(Algorithm.RF, Algorithm.GBT, Algorithm.LR, Algorithm.TREE)) {
            TrainConfig c = TrainConfig.defaults(a).withTrees(50);
            assertAgrees("4-class " + a.kind(), Trainer.train(multi, c, "real", Progress.NONE), multi);
        }
    }
}
