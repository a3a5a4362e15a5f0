package org.mlsec.model.formats.pmml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mlsec.TestData;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.Dataset;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Models;
import org.mlsec.model.formats.FixtureAssertions;

/**
 * Every fixture, loaded through {@link Models#load} from a copy with a misleading name (recognition is by content),
 * agrees with the library that made the model on all 30,000 real rows, labels exactly; and, where the library takes
 * missing values, with JPMML-Evaluator (and the library, where the PMML says the same) on the 2,000 rows with ~10%
 * of cells missing. (JPMML-Evaluator's agreement with the libraries on all rows is in jpmml-agreement.csv.)
 */
class PmmlFidelityTest {
    static final Path DIR = Path.of("src/test/resources/fixtures/pmml");

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // fixture, kind, tolerance (float32 models 1e-5), missing-value mask or '-', and on those rows the library
        // agrees with the file (asserted), differs from it (LightGBM sends NaN as 0, its PMML as missing: printed)
        // or takes no missing values (scikit-learn 1.2.1)
        "xgboost-binary, gradient_boosting, 1e-5, missing-mask.csv.gz, agrees",
        "xgboost-marriage3, gradient_boosting, 1e-5, missing-mask-marriage3.csv.gz, agrees",
        "lightgbm-binary, gradient_boosting, 1e-6, missing-mask.csv.gz, differs",
        "sklearn-tree, decision_tree, 1e-6, -, none",
        "sklearn-forest, random_forest, 1e-6, missing-mask.csv.gz, none",
        "sklearn-gbm, gradient_boosting, 1e-6, -, none",
        "sklearn-logistic, logistic_regression, 1e-6, -, none",
        "sklearn-logistic-marriage3, logistic_regression, 1e-6, -, none",
    })
    void agreesWithTheLibraryAndJpmmlOnEveryRow(String name, String kind, double tol, String mask,
                                                String libraryOnMissing) throws IOException {
        Assumptions.assumeTrue(TestData.realAvailable(), "real data absent");
        Path copy = tmp.resolve(name + ".model.json"); // a misleading extension
        Path fixture = DIR.resolve(name + ".pmml");
        Files.copy(Files.exists(fixture) ? fixture : DIR.resolve(name + ".pmml.gz"), copy);
        LocalModel model = Models.load(copy);
        assertEquals(kind, model.kind());
        assertEquals("PMML", model.provenance().imported().format());
        System.out.println("PMML provenance " + name + ": " + model.provenance().tool() + " "
                + model.provenance().toolVersion() + " " + model.provenance().hyperparameters() + " rows="
                + model.provenance().data().rows() + " notes=" + model.provenance().imported().notes());
        Dataset data = CsvReader.read(TestData.REAL, model.schema(),
                new CsvOptions(',', null, Set.of("ID"), Set.of(), Set.of()));
        assertEquals(30_000, data.rows());
        double[][] p = model.predictProba(data.x());
        report(name, "library", p, proba(name + ".proba.csv.gz"), tol, true);
        if (!mask.equals("-")) {
            boolean[] categorical = new boolean[2000];
            double[][] x = masked(data, DIR.resolve(mask), categorical);
            double[][] pm = model.predictProba(x);
            double[][] jpmml = proba(name + ".missing.jpmml.proba.csv.gz");
            // A missing category sets no one-hot indicator in mlsec: those rows follow the 'not equal' branches,
            // which the file need not (the reader says so in the model's notes). Asserted: every other row.
            report(name + " (missing)", "JPMML-Evaluator", rows(pm, categorical, false),
                    rows(jpmml, categorical, false), tol, true);
            if (rows(pm, categorical, true).length > 0) {
                report(name + " (missing category)", "JPMML-Evaluator", rows(pm, categorical, true),
                        rows(jpmml, categorical, true), tol, false);
                assertTrue(model.provenance().imported().notes().stream().anyMatch(n -> n.contains("missing category")));
            }
            if (!libraryOnMissing.equals("none")) {
                report(name + " (missing)", "library", pm, proba(name + ".missing.proba.csv.gz"), tol,
                        libraryOnMissing.equals("agrees"));
            }
        }
    }

    /** Asserts (or, where the file's semantics differ from the library's, only prints) the agreement. */
    static void report(String name, String against, double[][] p, double[][] expected, double tol, boolean assertIt) {
        FixtureAssertions.Agreement a = FixtureAssertions.agreement(name, p, expected);
        System.out.printf("PMML fidelity %-30s vs %-16s max |dp| = %.3g, labels %d/%d%n", name, against, a.maxDiff(),
                a.labelsAgree(), a.rows());
        if (assertIt) {
            assertTrue(a.maxDiff() <= tol, name + " vs " + against + ": max |dp| " + a.maxDiff() + " > " + tol);
            assertEquals(a.rows(), a.labelsAgree(), name + " vs " + against + ": labels");
        }
    }

    static double[][] proba(String file) throws IOException {
        return FixtureAssertions.probabilities(DIR.resolve(file));
    }

    static double[][] rows(double[][] p, boolean[] flag, boolean which) {
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < p.length; i++) {
            if (flag[i] == which) {
                out.add(p[i]);
            }
        }
        return out.toArray(new double[0][]);
    }

    /**
     * The first 2,000 rows with the mask's cells (lines "row,column") set to NaN where the model reads them;
     * {@code categorical[i]} tells whether row i lost a categorical value.
     */
    static double[][] masked(Dataset data, Path mask, boolean[] categorical) throws IOException {
        double[][] x = new double[2000][];
        for (int i = 0; i < x.length; i++) {
            x[i] = data.row(i).clone();
        }
        List<String[]> cells = FixtureAssertions.gzipCsv(mask);
        for (String[] c : cells) {
            int j = data.schema().indexOf(c[1]);
            if (j >= 0) { // a column the model does not use is not in its schema
                int row = Integer.parseInt(c[0]);
                x[row][j] = Double.NaN;
                categorical[row] |= data.schema().feature(j).isCategorical();
            }
        }
        assertTrue(cells.size() > 2000, "about 10% of the cells are missing");
        return x;
    }
}
