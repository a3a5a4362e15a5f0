package org.mlsec.model.formats.sklearn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.TestData;
import org.mlsec.data.Column;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.Dataset;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Models;
import org.mlsec.model.tree.ForestModel;
import org.mlsec.model.tree.Tree;

/** Schema, provenance, missing values and threshold folding of the scikit-learn reader. */
class SklearnDetailsTest {
    @TempDir
    Path tmp;

    @Test
    void newerLayoutSendsMissingValuesWhereMissingGoToLeftSays() throws Exception {
        LocalModel m = SklearnFixtures.load("decision_tree_v14_layout.pkl", tmp);
        Tree t = ((ForestModel) m).trees().get(0);
        assertTrue(t.handlesMissing());
        // fractions (1.4.1 and later) are multiplied back to weighted counts: the root holds all 30,000 rows
        assertEquals(30000, t.value()[0] + t.value()[1], 1e-6);
        assertTrue(m.provenance().imported().notes().stream().anyMatch(n -> n.contains("missing_go_to_left")));
        assertTrue(m.provenance().imported().notes().stream().anyMatch(n -> n.contains("fractions")));
        List<double[]> rows = new ArrayList<>();
        List<String> header;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                Files.newInputStream(SklearnFixtures.DIR.resolve("nan_rows.csv.gz"))), StandardCharsets.UTF_8))) {
            header = List.of(r.readLine().split(","));
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line.split(",", -1);
                double[] x = new double[f.length];
                for (int j = 0; j < f.length; j++) {
                    x[j] = f[j].isEmpty() ? Double.NaN : Double.parseDouble(f[j]);
                }
                rows.add(x);
            }
        }
        assertEquals(header, m.schema().featureNames());
        double[][] want = SklearnFixtures.proba("decision_tree_v14_nan_proba.csv.gz");
        long nan = rows.stream().flatMapToDouble(java.util.Arrays::stream).filter(Double::isNaN).count();
        assertTrue(nan > 4000, "about 10% of the cells are missing: " + nan);
        double max = SklearnFixtures.compare(m.predictProba(rows.toArray(new double[0][])), want, "NaN rows");
        assertTrue(max <= 1e-12, "max " + max);
    }

    @Test
    void columnTransformerBecomesCategoricalColumnsInOutputOrder() throws Exception {
        LocalModel m = SklearnFixtures.load("ct_rf.pkl", tmp);
        List<Column> cols = m.schema().features();
        assertEquals("SEX", cols.get(0).name());
        assertEquals(List.of("1", "2"), cols.get(0).categories());
        assertEquals("EDUCATION", cols.get(1).name());
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6"), cols.get(1).categories());
        assertEquals("MARRIAGE", cols.get(2).name());
        assertEquals(List.of("0", "1", "2", "3"), cols.get(2).categories());
        assertEquals("LIMIT_BAL", cols.get(3).name());
        assertFalse(cols.get(3).isCategorical());
        assertEquals(23, cols.size());
        assertEquals(2 + 7 + 4 + 20, m.encoder().width());
        assertEquals("SEX=1", m.encoder().names().get(0));
        assertEquals("ColumnTransformer -> RandomForestClassifier",
                m.provenance().hyperparameters().get("sklearn.pipeline"));
        Assumptions.assumeTrue(TestData.realAvailable());
        Dataset d = CsvReader.read(TestData.REAL, m.schema(), new CsvOptions(',', null, java.util.Set.of(),
                java.util.Set.of(), java.util.Set.of()));
        LocalModel ranged = Models.withRanges(m, d);
        Column limit = ranged.schema().feature(3);
        assertEquals(10000, limit.min());
        assertEquals(1000000, limit.max());
    }

    @Test
    void provenanceMapsHyperparametersAndSaysWhatWasInterpreted() throws Exception {
        LocalModel rf = SklearnFixtures.load("rf.pkl", tmp);
        Map<String, String> h = rf.provenance().hyperparameters();
        assertEquals("50", h.get("trees"));
        assertEquals("8", h.get("max_depth"));
        assertEquals("40", h.get("min_leaf"));
        assertEquals("sqrt", h.get("max_features"));
        assertEquals("true", h.get("bootstrap"));
        assertEquals("7", h.get("seed"));
        assertEquals("gini", h.get("sklearn.criterion"));
        assertEquals("RandomForestClassifier", h.get("sklearn.estimator"));
        assertEquals(30000, rf.provenance().data().rows());
        assertEquals("random_forest", rf.provenance().algorithm());
        assertEquals("scikit-learn pickle", rf.provenance().imported().format());
        assertEquals(64, rf.provenance().imported().sha256().length());
        assertTrue(rf.provenance().imported().notes().stream().anyMatch(n -> n.contains("nothing in it was run")));
        assertTrue(rf.provenance().imported().notes().stream().anyMatch(n -> n.contains("feature_names_in_")));

        LocalModel gb = SklearnFixtures.load("gbc_binary.pkl", tmp);
        h = gb.provenance().hyperparameters();
        assertEquals("60", h.get("trees"));
        assertEquals("3", h.get("max_depth"));
        assertEquals("0.1", h.get("learning_rate"));
        assertEquals("5", h.get("seed"));
        assertEquals(30000, gb.provenance().data().rows());

        LocalModel lr = SklearnFixtures.load("lr_pipeline.pkl", tmp);
        assertEquals("2", lr.provenance().hyperparameters().get("l2"));
        assertEquals("logistic_regression", lr.provenance().algorithm());
        assertEquals("StandardScaler -> LogisticRegression", lr.provenance().hyperparameters().get("sklearn.pipeline"));

        LocalModel dt = SklearnFixtures.load("decision_tree_p5.pkl", tmp);
        assertEquals("decision_tree", dt.kind());
        assertEquals("10", dt.provenance().hyperparameters().get("max_depth"));
        assertEquals(30000, dt.provenance().data().rows());
        assertTrue(dt.provenance().imported().notes().stream().anyMatch(n -> n.contains("NaN to the right")));
    }

    @Test
    void foldedThresholdsAreExactAgainstScikitLearnsArithmetic() {
        Random r = new Random(15);
        for (int k = 0; k < 2000; k++) {
            double m = r.nextGaussian() * Math.pow(10, r.nextInt(7));
            double s = Math.abs(r.nextGaussian()) * Math.pow(10, r.nextInt(7) - 3) + 1e-9;
            boolean c = r.nextBoolean();
            boolean sc = !c || r.nextBoolean();
            double t = r.nextGaussian() * 3;
            Prep p = new Prep(List.of(Prep.numeric("x")), new double[] {m}, new double[] {s}, new boolean[] {c},
                    new boolean[] {sc});
            double d = p.threshold(0, t);
            assertTrue(left(d, m, s, c, sc, t), "d itself goes left");
            assertFalse(left(Math.nextUp(d), m, s, c, sc, t), "the next double goes right");
            for (int i = 0; i < 20; i++) {
                double x = d + (r.nextDouble() - 0.5) * Math.ulp(d) * 64;
                assertEquals(left(x, m, s, c, sc, t), x <= d);
            }
        }
    }

    private static boolean left(double x, double m, double s, boolean c, boolean sc, double t) {
        double z = x;
        if (c) {
            z -= m;
        }
        if (sc) {
            z /= s;
        }
        return (float) z <= t;
    }
}
