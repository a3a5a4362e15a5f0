package org.mlsec.model.formats.lightgbm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlsec.TestData;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.Dataset;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Models;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.formats.FixtureAssertions;
import org.mlsec.model.tree.BoostedModel;

/**
 * LightGBM 4.7.0's own predictions (made by {@code fixtures/lightgbm/make_fixtures.py} from the model files
 * reloaded) against mlsec's reading of the same files, on all 30,000 real rows and on rows with missing values.
 */
class LightGbmFidelityTest {
    static final Path DIR = Path.of("src/test/resources/fixtures/lightgbm");

    @TempDir
    Path tmp;

    /** The fixture copied under a misleading name, so that only its content can tell what it is. */
    static LocalModel load(Path tmp, String name) throws IOException {
        return FixtureAssertions.loadAs(DIR.resolve(name + ".model.txt"), tmp, name + "-model.pkl");
    }

    @ParameterizedTest
    @ValueSource(strings = {"binary", "rf", "nan", "zero", "multiclass"})
    void probabilitiesAgreeWithLightGbmOnEveryRow(String name) throws IOException {
        Assumptions.assumeTrue(TestData.realAvailable());
        LocalModel m = load(tmp, name);
        assertInstanceOf(BoostedModel.class, m);
        Dataset d = CsvReader.read(TestData.REAL, m.schema(), new CsvOptions(',', null, Set.of(), Set.of(), Set.of()));
        assertEquals(30_000, d.rows());
        compare(name + " clean", m.predictProba(d.x()), proba(name + ".proba.csv.gz"));
        double[][] expected = proba(name + ".nan.csv.gz");
        double[][] x = new double[expected.length][];
        for (int i = 0; i < x.length; i++) {
            x[i] = d.row(i).clone();
            for (int j = 0; j < x[i].length; j++) {
                if (masked(i, j)) {
                    x[i][j] = Double.NaN;
                }
            }
        }
        compare(name + " NaN", m.predictProba(x), expected);
    }

    @Test
    void binaryModelKeepsNamesRangesAndSettings() throws IOException {
        LocalModel m = load(tmp, "binary");
        assertEquals(23, m.schema().width());
        assertEquals("LIMIT_BAL", m.schema().feature(0).name());
        assertEquals(10000, m.schema().feature(0).min());
        assertEquals(1000000, m.schema().feature(0).max());
        assertEquals(-339603, m.schema().feature(16).min());
        assertNull(m.schema().label());
        assertEquals(List.of("0", "1"), m.schema().classes());
        BoostedModel b = (BoostedModel) m;
        assertEquals(100, b.trees().size());
        assertEquals(61, b.trees().get(0).nodes());
        assertEquals(30_000, b.trees().get(0).samples()[0]);
        Map<String, String> h = m.provenance().hyperparameters();
        assertEquals("100", h.get("trees"));
        assertEquals("0.1", h.get("learning_rate"));
        assertEquals("5", h.get("max_depth"), "31 leaves grown leaf-wise need depth 5 grown depth-wise");
        assertEquals("20", h.get("min_leaf"));
        assertEquals("1", h.get("max_features"));
        assertEquals("0", h.get("l2"));
        assertEquals("7", h.get("seed"));
        assertEquals("31", h.get("lightgbm.num_leaves"));
        assertEquals("gbdt", h.get("lightgbm.boosting"));
        TrainConfig c = TrainConfig.fromHyperparameters(Algorithm.GBT, h);
        assertEquals(100, c.trees());
        assertEquals(30_000, m.provenance().data().rows());
        assertEquals("lightgbm", m.provenance().tool());
        assertEquals("LightGBM text", m.provenance().imported().format());
        assertEquals(64, m.provenance().imported().sha256().length());
        assertTrue(notes(m).contains("feature_infos"), notes(m));
        assertTrue(notes(m).contains("missing type None"), notes(m));
        double[] imp = m.featureImportances();
        assertTrue(imp[5] > 0.3, "PAY_0 carries most of the split gain: " + imp[5]);
        assertEquals("gradient_boosting", org.mlsec.model.Inspection.inspect(m).family());
        // saved in mlsec's own format and read back, the imported model answers the same
        Path saved = tmp.resolve("saved.json");
        org.mlsec.model.ModelIo.save(m, saved);
        double[][] x = {{50000, 2, 2, 1, 30, 0, 0, 0, 0, 0, 0, 1000, 900, 800, 700, 600, 500, 100, 100, 100, 100, 100,
            Double.NaN}};
        assertEquals(m.predictProba(x)[0][1], Models.load(saved).predictProba(x)[0][1]);
    }

    @Test
    void randomForestModeAndOtherSettingsAreRead() throws IOException {
        LocalModel rf = load(tmp, "rf");
        Map<String, String> h = rf.provenance().hyperparameters();
        assertEquals("random_forest", rf.provenance().algorithm());
        assertEquals("50", h.get("trees"));
        assertEquals("0.7", h.get("max_features"));
        assertEquals("0.632", h.get("lightgbm.bagging_fraction"));
        assertEquals(null, h.get("learning_rate"));
        assertEquals(-1, rf.provenance().data().rows());
        assertTrue(notes(rf).contains("average_output"), notes(rf));
        TrainConfig.fromHyperparameters(Algorithm.GBT, h);

        LocalModel nan = load(tmp, "nan");
        Map<String, String> hn = nan.provenance().hyperparameters();
        assertEquals("4", hn.get("max_depth"), "max_depth 6 but 15 leaves: depth 4 holds them");
        assertEquals("30", hn.get("min_leaf"));
        assertEquals("1", hn.get("l2"));
        assertEquals("{\"PAY_0\":1}", hn.get(TrainConfig.MONOTONE_KEY));
        assertEquals(1, TrainConfig.fromHyperparameters(Algorithm.GBT, hn).monotone().get("PAY_0"));
        assertTrue(notes(nan).contains("sigmoid:0.8"), notes(nan));

        LocalModel zero = load(tmp, "zero");
        assertTrue(notes(zero).contains("missing type Zero") && notes(zero).contains("copy of both subtrees"),
                notes(zero));

        LocalModel multi = load(tmp, "multiclass");
        assertEquals(List.of("0", "1", "2"), multi.schema().classes());
        assertEquals(22, multi.schema().width());
        assertEquals(90, ((BoostedModel) multi).trees().size());
    }

    @Test
    void compressedAndWindowsLineEndingsAreRead() throws IOException {
        byte[] text = Files.readAllBytes(DIR.resolve("ova.model.txt"));
        Path gz = tmp.resolve("model.bin");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(Files.readAllBytes(DIR.resolve("binary.model.txt")));
        }
        assertEquals(100, ((BoostedModel) Models.load(gz)).trees().size());
        // Without tree_sizes (LightGBM then reads trees in sequence), CRLF line endings are read as LF.
        String s = new String(Files.readAllBytes(DIR.resolve("binary.model.txt")), StandardCharsets.UTF_8);
        s = s.replaceAll("(?m)^tree_sizes=.*\n", "").replace("\n", "\r\n");
        Path crlf = tmp.resolve("crlf.txt");
        Files.writeString(crlf, s);
        BoostedModel a = (BoostedModel) Models.load(crlf);
        BoostedModel b = (BoostedModel) load(tmp, "binary");
        double[][] x = {{50000, 2, 2, 1, 30, 0, 0, 0, 0, 0, 0, 1000, 900, 800, 700, 600, 500, 100, 100, 100, 100, 100,
            100}};
        assertEquals(b.predictProba(x)[0][1], a.predictProba(x)[0][1]);
        assertTrue(text.length > 0);
    }

    private static String notes(LocalModel m) {
        return String.join(" ", m.provenance().imported().notes());
    }

    private static void compare(String what, double[][] got, double[][] expected) {
        FixtureAssertions.Agreement a = FixtureAssertions.agreement(what, got, expected);
        System.out.printf("LightGBM fidelity %-16s rows %6d  max |dp| %.3e  labels agree %d/%d%n", what, a.rows(),
                a.maxDiff(), a.labelsAgree(), a.rows());
        assertTrue(a.maxDiff() <= 1e-6, what + ": max probability difference " + a.maxDiff());
        assertEquals(a.rows(), a.labelsAgree(), what + ": labels disagree");
    }

    /** The same cells as make_fixtures.py's mask: splitmix64 of (row * 1000 + column) below 0.1. */
    static boolean masked(int i, int j) {
        long z = (long) i * 1000 + j + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (z >>> 11) * 0x1.0p-53 < 0.1;
    }

    static double[][] proba(String file) throws IOException {
        return FixtureAssertions.probabilities(DIR.resolve(file));
    }
}
