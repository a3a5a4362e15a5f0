package org.mlsec.model.formats.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mlsec.InputException;
import org.mlsec.TestData;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.Dataset;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Models;
import org.mlsec.model.formats.FixtureAssertions;
import org.mlsec.model.formats.NotWhiteBoxException;

/**
 * The fixtures (real scikit-learn and XGBoost models written as ONNX-ML graphs, see the fixture README) read
 * through {@link Models#load} answer as ONNX Runtime 1.30 did on every real row and on rows with missing values.
 */
class OnnxFormatTest {
    static final Path DIR = Path.of("src/test/resources/fixtures/onnx");

    @TempDir
    Path tmp;

    /** Loads a fixture from a copy with a misleading name, so that recognition is by content. */
    LocalModel load(String name) throws IOException {
        return FixtureAssertions.loadAs(DIR.resolve(name + ".onnx"), tmp, name + ".json");
    }

    static double[][] rows(LocalModel m) {
        Dataset d = CsvReader.read(TestData.REAL, m.schema(), new CsvOptions(',', null, Set.of(), Set.of(),
                Set.of()));
        return d.x();
    }

    /** The Python script's missing-value pattern: cell (i, j) of the first 2,000 rows is NaN by a fixed hash. */
    static double[][] withNaN(double[][] x) {
        double[][] out = new double[2000][];
        for (int i = 0; i < 2000; i++) {
            out[i] = x[i].clone();
            for (int j = 0; j < out[i].length; j++) {
                long h = (((long) i * 1000003L + (long) j * 7919L + 12345L) * 2654435761L) & 0xffffffffL;
                if (h < 0.1 * 4294967296.0) {
                    out[i][j] = Double.NaN;
                }
            }
        }
        return out;
    }

    /**
     * Max |mlsec - recorded| over every row and class; the label (argmax) must be ONNX Runtime's argmax on every
     * row. (ONNX Runtime's own label output is not always its argmax: for two classes with weights for both it
     * answers class 1 whenever the class-1 score is positive.)
     */
    static double compareOrt(LocalModel m, double[][] x, Path recorded) throws IOException {
        List<String[]> rec = FixtureAssertions.gzipCsv(recorded);
        assertEquals(x.length, rec.size(), recorded.toString());
        int k = m.schema().classes().size();
        double[][] q = new double[x.length][k];
        for (int i = 0; i < x.length; i++) {
            String[] r = rec.get(i);
            if (k == 2) {
                q[i][1] = Double.parseDouble(r[1]);
                q[i][0] = 1 - q[i][1];
            } else {
                for (int c = 0; c < k; c++) {
                    q[i][c] = Double.parseDouble(r[1 + c]);
                }
            }
        }
        FixtureAssertions.Agreement a = FixtureAssertions.agreement(recorded.toString(), m.predictProba(x), q);
        assertTrue(a.maxDiff() <= 1e-5, recorded + ": max difference " + a.maxDiff());
        assertEquals(0, a.labelsDiffer(), recorded + ": rows whose label differs from ONNX Runtime's");
        return a.maxDiff();
    }

    static double compareLibrary(LocalModel m, double[][] x, Path recorded) throws IOException {
        List<String[]> rec = FixtureAssertions.gzipCsv(recorded);
        double[][] p = m.predictProba(x);
        double max = 0;
        for (int i = 0; i < x.length; i++) {
            for (int c = 0; c < p[i].length; c++) {
                max = Math.max(max, Math.abs(p[i][c] - Double.parseDouble(rec.get(i)[c])));
            }
        }
        assertTrue(max <= 1e-5, recorded + ": max difference from the library " + max);
        return max;
    }

    @ParameterizedTest
    @CsvSource({
        "rf_binary, rf_binary, random_forest, true, true",
        "rf_gt_mixed, rf_gt_mixed, random_forest, false, true",
        "gb_binary, gb_binary, gradient_boosting, true, true",
        "gb_regressor_sigmoid, gb_regressor_sigmoid, gradient_boosting, false, true",
        "xgb_binary, xgb_binary, gradient_boosting, true, true",
        "xgb_gte, xgb_binary, gradient_boosting, false, true",
        "xgb_tree_ensemble_v5, xgb_tree_ensemble_v5, gradient_boosting, false, true",
        "xgb_marriage3, xgb_marriage3, gradient_boosting, true, true",
        "lr_scaler, lr_scaler, logistic_regression, true, false",
        "lr_ovr_marriage3, lr_ovr_marriage3, logistic_regression, true, false"
    })
    void fixturesAnswerAsOnnxRuntimeOnEveryRow(String name, String records, String kind, boolean lib, boolean nan)
            throws IOException {
        Assumptions.assumeTrue(TestData.realAvailable());
        LocalModel m = load(name);
        assertEquals(kind, m.kind());
        double[][] x = rows(m);
        assertEquals(30_000, x.length);
        double ort = compareOrt(m, x, DIR.resolve(records + ".ort.csv.gz"));
        String line = name + ": max |mlsec - ORT| " + ort;
        if (nan) {
            line += ", NaN rows " + compareOrt(m, withNaN(x), DIR.resolve(records + ".nan.ort.csv.gz"));
        }
        if (lib) {
            line += ", max |mlsec - library| " + compareLibrary(m, x, DIR.resolve(name + ".lib.csv.gz"));
            Path libNan = DIR.resolve(name + ".nan.lib.csv.gz");
            if (Files.exists(libNan)) {
                line += ", NaN rows " + compareLibrary(m, withNaN(x), libNan);
            }
        }
        System.out.println(line);
    }

    @Test
    void aNetworkIsLeftToOnnxRuntime() throws IOException {
        NotWhiteBoxException e = assertThrows(NotWhiteBoxException.class, () -> load("matmul_sigmoid"));
        assertEquals("ONNX", e.format());
        assertTrue(e.getMessage().contains("MatMul"), e.getMessage());
    }

    @Test
    void provenanceSaysWhatWasRead() throws IOException {
        LocalModel m = load("xgb_binary");
        assertEquals("OnnxMLTools", m.provenance().tool());
        assertEquals("ONNX", m.provenance().imported().format());
        assertEquals("60", m.provenance().hyperparameters().get("trees"));
        assertEquals(List.of("0", "1"), m.schema().classes());
        assertEquals("LIMIT_BAL", m.schema().feature(0).name());
        assertTrue(Double.isInfinite(m.schema().feature(0).min()));
        assertTrue(m.provenance().imported().notes().stream().anyMatch(n -> n.contains("feature_names")));
    }

    @Test
    void truncatedFilesAreRefusedClearly() throws IOException {
        byte[] b = Files.readAllBytes(DIR.resolve("rf_binary.onnx"));
        Path f = tmp.resolve("cut.bin");
        Files.write(f, Arrays.copyOf(b, b.length / 2));
        InputException e = assertThrows(InputException.class, () -> Models.load(f));
        assertTrue(!(e instanceof NotWhiteBoxException) && e.getMessage().contains("truncated"), e.getMessage());
    }
}
