package org.mlsec.model.formats.xgboost;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mlsec.model.formats.xgboost.XgboostFixtures.columnsWithout;
import static org.mlsec.model.formats.xgboost.XgboostFixtures.compare;
import static org.mlsec.model.formats.xgboost.XgboostFixtures.copy;
import static org.mlsec.model.formats.xgboost.XgboostFixtures.proba;
import static org.mlsec.model.formats.xgboost.XgboostFixtures.rows;
import static org.mlsec.model.formats.xgboost.XgboostFixtures.withNan;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.TestData;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Models;
import org.mlsec.model.linear.LogisticModel;
import org.mlsec.model.tree.BoostedModel;
import org.mlsec.model.tree.Tree;

/**
 * mlsec's answers for XGBoost 1.7.4's own files agree with XGBoost's predict_proba on every one of the 30,000 real
 * rows (and on 2,000 rows with NaN cells), within float32 rounding (1e-5), with the same predicted class. Every
 * file is loaded through {@link Models#load} under a misleading name, so recognition is by content.
 */
class XgboostFidelityTest {
    static final double TOLERANCE = 1e-5;
    static final List<String> ALL = columnsWithout();
    static final List<String> NO_MARRIAGE = columnsWithout("MARRIAGE");

    @TempDir
    Path dir;

    @BeforeEach
    void realData() {
        Assumptions.assumeTrue(TestData.realAvailable(), "the real data is not in ../shared");
    }

    private LocalModel load(String name, String as) throws IOException {
        return Models.load(copy(name, dir, as));
    }

    private static void check(String what, LocalModel m, double[][] x, String probaFile) throws IOException {
        XgboostFixtures.Fidelity f = compare(m, x, proba(probaFile));
        System.out.println("xgboost fidelity " + what + ": " + f);
        assertTrue(f.maxDiff() <= TOLERANCE, what + ": " + f);
        assertEquals(0, f.labelMismatches(), what + ": " + f);
    }

    @Test
    void binaryJsonAndUbjsonAgreeWithXgboostOnEveryRow() throws IOException {
        BoostedModel json = (BoostedModel) load("binary.json", "model.pkl");
        BoostedModel ubj = (BoostedModel) load("binary.ubj", "model.json");
        double[][] x = rows(json.schema());
        check("binary.json", json, x, "binary.proba.csv.gz");
        check("binary.ubj", ubj, x, "binary.proba.csv.gz");
        check("binary.json, NaN rows", json, withNan(x, ALL), "binary.nan_proba.csv.gz");
        check("binary.ubj, NaN rows", ubj, withNan(x, ALL), "binary.nan_proba.csv.gz");
        assertEquals(100, json.trees().size());
        assertEquals("XGBoost JSON", json.provenance().imported().format());
        assertEquals("XGBoost UBJSON", ubj.provenance().imported().format());
    }

    @Test
    void jsonDecimalsAndUbjsonFloatsGiveIdenticalTrees() throws IOException {
        BoostedModel json = (BoostedModel) load("binary.json", "a.bin");
        BoostedModel ubj = (BoostedModel) load("binary.ubj", "b.bin");
        assertArrayEquals(json.baseScore(), ubj.baseScore());
        for (int t = 0; t < json.trees().size(); t++) {
            Tree a = json.trees().get(t);
            Tree b = ubj.trees().get(t);
            assertArrayEquals(a.feature(), b.feature(), "tree " + t);
            assertArrayEquals(a.threshold(), b.threshold(), "tree " + t);
            assertArrayEquals(a.left(), b.left(), "tree " + t);
            assertArrayEquals(a.right(), b.right(), "tree " + t);
            assertArrayEquals(a.value(), b.value(), "tree " + t);
            assertArrayEquals(a.gain(), b.gain(), "tree " + t);
            assertArrayEquals(a.missingLeft(), b.missingLeft(), "tree " + t);
        }
        assertEquals(json.provenance().hyperparameters(), ubj.provenance().hyperparameters());
    }

    @Test
    void modelTrainedWithMissingValuesFollowsItsDefaultDirections() throws IOException {
        LocalModel m = load("nan.json", "nan.onnx");
        double[][] x = rows(m.schema());
        check("nan.json", m, x, "nan.proba.csv.gz");
        check("nan.json, NaN rows", m, withNan(x, ALL), "nan.nan_proba.csv.gz");
        assertTrue(m.provenance().imported().notes().stream().anyMatch(n -> n.contains("logit(0.3)")));
    }

    @Test
    void multiClassSoftprobOnMarriage3() throws IOException {
        BoostedModel m = (BoostedModel) load("multi.json", "multi.txt");
        assertEquals(List.of("0", "1", "2"), m.schema().classes());
        assertEquals(NO_MARRIAGE, m.schema().featureNames());
        double[][] x = rows(m.schema());
        check("multi.json", m, x, "multi.proba.csv.gz");
        check("multi.json, NaN rows", m, withNan(x, NO_MARRIAGE), "multi.nan_proba.csv.gz");
    }

    @Test
    void multiClassSoftmaxGivesTheSoftmaxOfXgboostsMargins() throws IOException {
        LocalModel m = load("softmax.json", "softmax.pt");
        check("softmax.json", m, rows(m.schema()), "softmax.proba.csv.gz");
    }

    @Test
    void twoClassSoftmaxIsASigmoidOfTheMarginDifference() throws IOException {
        BoostedModel m = (BoostedModel) load("softmax2.json", "softmax2.safetensors");
        assertEquals(10, m.trees().size());
        assertEquals(0.0, m.baseScore()[0]);
        check("softmax2.json", m, rows(m.schema()), "softmax2.proba.csv.gz");
    }

    @Test
    void randomForestModeSumsTheParallelTrees() throws IOException {
        BoostedModel m = (BoostedModel) load("rf.json", "rf.h5");
        assertEquals(20, m.trees().size());
        assertEquals("20", m.provenance().hyperparameters().get("xgboost.num_parallel_tree"));
        assertEquals("20", m.provenance().hyperparameters().get("trees"));
        assertEquals("1", m.provenance().hyperparameters().get("xgboost.rounds"));
        check("rf.json", m, rows(m.schema()), "rf.proba.csv.gz");
    }

    @Test
    void multiClassParallelTreesAreReorderedToOneClassAtATime() throws IOException {
        BoostedModel m = (BoostedModel) load("multi_rf.json", "multi_rf.joblib");
        assertEquals("f0", m.schema().featureNames().get(0));
        assertEquals(36, m.trees().size());
        check("multi_rf.json", m, rows(NO_MARRIAGE), "multi_rf.proba.csv.gz");
    }

    @Test
    void dartAppliesEachTreesWeight() throws IOException {
        LocalModel m = load("dart.json", "dart.model");
        check("dart.json", m, rows(m.schema()), "dart.proba.csv.gz");
    }

    @Test
    void logitrawTakesBaseScoreAsAMarginAndRegLogisticAsAProbability() throws IOException {
        LocalModel raw = load("logitraw.json", "raw.x");
        LocalModel reg = load("reg_logistic.json", "reg.x");
        check("logitraw.json", raw, rows(raw.schema()), "logitraw.proba.csv.gz");
        check("reg_logistic.json", reg, rows(reg.schema()), "reg_logistic.proba.csv.gz");
        assertEquals(0.3, ((BoostedModel) raw).baseScore()[0], 1e-7);
        assertEquals(Math.log(0.3 / 0.7), ((BoostedModel) reg).baseScore()[0], 1e-6);
    }

    @Test
    void binaryGblinearIsALogisticRegression() throws IOException {
        LocalModel m = load("gblinear.json", "linear.bin");
        assertInstanceOf(LogisticModel.class, m);
        check("gblinear.json", m, rows(m.schema()), "gblinear.proba.csv.gz");
    }

    @Test
    void fiveHundredTreesGzipped() throws IOException {
        Path f = copy("big500.json.gz", dir, "big500.dat");
        long t0 = System.nanoTime();
        BoostedModel m = (BoostedModel) Models.load(f);
        long t1 = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            Models.load(f);
        }
        long t2 = System.nanoTime();
        System.out.printf("xgboost load big500.json.gz: first %.0f ms, then %.0f ms per load%n", (t1 - t0) / 1e6,
                (t2 - t1) / 5e6);
        assertEquals(500, m.trees().size());
        check("big500.json.gz", m, rows(m.schema()), "big500.proba.csv.gz");
    }
}
