package org.mlsec.model.formats.sklearn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mlsec.TestData;
import org.mlsec.model.LocalModel;
import org.mlsec.model.linear.LogisticModel;
import org.mlsec.model.tree.BoostedModel;
import org.mlsec.model.tree.ForestModel;

/**
 * Fidelity of the scikit-learn reader: every fixture, made by scikit-learn 1.2.1 on the real credit data, is read
 * through Models.load and must give scikit-learn's own probabilities on all 30,000 rows within 1e-6, with the same
 * label on every row, and (trees) scikit-learn's feature_importances_.
 */
class SklearnFormatTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "rf.pkl, rf, random_forest, 50",
            "rf_small_p2.pkl, rf_small, random_forest, 20",
            "rf_small_p4.pkl, rf_small, random_forest, 20",
            "rf_small_p5.pkl, rf_small, random_forest, 20",
            "rf_small.joblib, rf_small, random_forest, 20",
            "rf_small.joblib.z, rf_small, random_forest, 20",
            "rf_small.joblib.gz, rf_small, random_forest, 20",
            "rf_small.joblib.lzma, rf_small, random_forest, 20",
            "rf_small.joblib.xz, rf_small, random_forest, 20",
            "rf_small.joblib.bz2, rf_small, random_forest, 20",
            "extra_trees.pkl, extra_trees, random_forest, 30",
            "decision_tree_p5.pkl, decision_tree, decision_tree, 1",
            "decision_tree_p2.pkl, decision_tree, decision_tree, 1",
            "decision_tree_numpy2_names.pkl, decision_tree, decision_tree, 1",
            "decision_tree_v14_layout.pkl, decision_tree, decision_tree, 1",
            "ct_rf.pkl, ct_rf, random_forest, 30",
            "ct_passthrough_tree.pkl, ct_passthrough_tree, decision_tree, 1",
    })
    void forestsMatchScikitLearn(String file, String expected, String kind, int trees) throws Exception {
        Assumptions.assumeTrue(TestData.realAvailable());
        LocalModel m = SklearnFixtures.load(file, tmp);
        assertInstanceOf(ForestModel.class, m);
        assertEquals(kind, m.kind());
        assertEquals(trees, ((ForestModel) m).trees().size());
        check(m, expected, file);
        JsonNode meta = SklearnFixtures.meta(expected + ".json");
        double[] imp = m.featureImportances();
        JsonNode want = meta.get("feature_importances");
        assertEquals(want.size(), imp.length, "importances");
        for (int j = 0; j < imp.length; j++) {
            assertEquals(want.get(j).asDouble(), imp[j], 1e-12, file + ": importance of " + m.encoder().names().get(j));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "gbc_binary.pkl, gbc_binary, 60",
            "gbc_binary.joblib, gbc_binary, 60",
            "gbc_zero.pkl, gbc_zero, 20",
            "gbc_marriage3.pkl, gbc_marriage3, 90",
    })
    void boostingMatchesScikitLearn(String file, String expected, int trees) throws Exception {
        Assumptions.assumeTrue(TestData.realAvailable());
        LocalModel m = SklearnFixtures.load(file, tmp);
        assertInstanceOf(BoostedModel.class, m);
        assertEquals(trees, ((BoostedModel) m).trees().size());
        check(m, expected, file);
        JsonNode want = SklearnFixtures.meta(expected + ".json").get("feature_importances");
        double[] imp = m.featureImportances();
        for (int j = 0; j < imp.length; j++) {
            assertEquals(want.get(j).asDouble(), imp[j], 1e-12, file + ": importance " + j);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"lr_pipeline.pkl, lr_pipeline", "lr_marriage3_ovr.pkl, lr_marriage3_ovr", "ct_lr.pkl, ct_lr",
            "lr_binary_multinomial.pkl, lr_binary_multinomial"})
    void logisticMatchesScikitLearn(String file, String expected) throws Exception {
        Assumptions.assumeTrue(TestData.realAvailable());
        LocalModel m = SklearnFixtures.load(file, tmp);
        assertInstanceOf(LogisticModel.class, m);
        check(m, expected, file);
    }

    private void check(LocalModel m, String expected, String file) throws Exception {
        JsonNode meta = SklearnFixtures.meta(expected + ".json");
        List<String> classes = new ArrayList<>();
        meta.get("classes").forEach(c -> classes.add(c.asText()));
        assertEquals(classes, m.schema().classes());
        assertNull(m.schema().label());
        if (meta.has("features") && !file.startsWith("ct_")) {
            List<String> names = new ArrayList<>();
            meta.get("features").forEach(c -> names.add(c.asText()));
            assertEquals(names, m.schema().featureNames());
        }
        double[][] want = SklearnFixtures.proba(expected + "_proba.csv.gz");
        double[][] x = SklearnFixtures.realRows(m);
        // the supplementary fixtures (gbc_zero, ct_lr, lr_binary_multinomial, ct_passthrough_tree) record the first 5,000 rows only
        assertEquals(meta.path("rows").asInt(x.length), want.length);
        double max = SklearnFixtures.compare(m.predictProba(java.util.Arrays.copyOf(x, want.length)), want, file);
        System.out.printf("fidelity %s: max |p - sklearn| = %.3g on %d rows, labels agree%n", file, max, want.length);
        assertTrue(max <= 1e-6, file + ": max difference " + max);
        assertEquals("scikit-learn", m.provenance().tool());
        assertEquals("1.2.1".equals(meta.path("sklearn").asText()) && !file.contains("v14") ? "1.2.1" : "1.4.2",
                m.provenance().toolVersion());
    }

    @Test
    void theTalksRealScikitLearn022ForestMatchesScikitLearn121() throws Exception {
        Assumptions.assumeTrue(TestData.realAvailable());
        LocalModel m = SklearnFixtures.load(SklearnFixtures.REAL_022.toString(), tmp);
        assertEquals("0.22.1", m.provenance().toolVersion());
        assertEquals(List.of("x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9"), m.schema().featureNames());
        assertTrue(m.provenance().imported().notes().stream().anyMatch(n -> n.contains("x0..x9")));
        double[][] x = talkMatrix();
        double[][] want = SklearnFixtures.proba("sklearn022_proba.csv.gz");
        double max = SklearnFixtures.compare(m.predictProba(x), want, "sklearn-0.22");
        System.out.printf("fidelity sklearn-0.22-random-forest.pkl: max |p - sklearn 1.2.1| = %.3g%n", max);
        assertTrue(max <= 1e-6);
        JsonNode imp = SklearnFixtures.meta("sklearn022.json").get("feature_importances");
        for (int j = 0; j < 10; j++) {
            assertEquals(imp.get(j).asDouble(), m.featureImportances()[j], 1e-12);
        }
        assertEquals("5", m.provenance().hyperparameters().get("trees"));
        assertEquals("3", m.provenance().hyperparameters().get("max_depth"));
        assertEquals("100", m.provenance().hyperparameters().get("min_leaf"));
    }

    /** The 0.22 forest's input: the talk's eight numeric features, then SEX one-hot (SEX_1, SEX_2). */
    static double[][] talkMatrix() {
        var d = TestData.real();
        String[] cols = {"LIMIT_BAL", "AGE", "PAY_0", "PAY_2", "PAY_3", "BILL_AMT1", "BILL_AMT2", "PAY_AMT1"};
        int sex = d.schema().indexOf("SEX");
        double[][] x = new double[d.rows()][10];
        for (int i = 0; i < d.rows(); i++) {
            for (int j = 0; j < cols.length; j++) {
                var c = d.schema().feature(d.schema().indexOf(cols[j]));
                double v = d.row(i)[d.schema().indexOf(cols[j])];
                x[i][j] = c.isCategorical() ? Double.parseDouble(c.categories().get((int) v)) : v;
            }
            String s = d.schema().feature(sex).format(d.row(i)[sex]);
            x[i][8] = s.equals("1") ? 1 : 0;
            x[i][9] = s.equals("2") ? 1 : 0;
        }
        return x;
    }
}
