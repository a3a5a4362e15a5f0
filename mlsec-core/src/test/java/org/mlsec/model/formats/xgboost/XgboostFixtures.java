package org.mlsec.model.formats.xgboost;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.mlsec.TestData;
import org.mlsec.data.Column;
import org.mlsec.data.ColumnType;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.Schema;
import org.mlsec.model.LocalModel;
import org.mlsec.model.formats.FixtureAssertions;

/** The fixtures XGBoost 1.7.4 made (see make_fixtures.py) and the comparison of mlsec's answers with XGBoost's. */
final class XgboostFixtures {
    static final int NAN_ROWS = 2000;

    private XgboostFixtures() {
    }

    static Path fixture(String name) {
        try {
            return Path.of(XgboostFixtures.class.getResource("/fixtures/xgboost/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A copy of a fixture under another name, so that recognition cannot lean on the extension. */
    static Path copy(String name, Path dir, String as) throws IOException {
        return FixtureAssertions.copyAs(fixture(name), dir, as);
    }

    /** XGBoost's probabilities, one row per data row, one column per class. */
    static float[][] proba(String name) throws IOException {
        List<String[]> cells = FixtureAssertions.gzipCsv(fixture(name));
        float[][] rows = new float[cells.size()][];
        for (int i = 0; i < rows.length; i++) {
            String[] c = cells.get(i);
            rows[i] = new float[c.length];
            for (int k = 0; k < c.length; k++) {
                rows[i][k] = Float.parseFloat(c[k]);
            }
        }
        return rows;
    }

    /** The real data's rows in the model's schema (columns found by name). */
    static double[][] rows(Schema schema) {
        return CsvReader.read(TestData.REAL, schema, new CsvOptions(',', null, Set.of("ID"), Set.of(), Set.of())).x();
    }

    /** The real data's rows for a model whose features are unnamed (f0..): the given columns, in order. */
    static double[][] rows(List<String> columns) {
        List<Column> cols = new ArrayList<>();
        for (String c : columns) {
            cols.add(Column.numeric(c, ColumnType.NUMERIC, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY));
        }
        return rows(new Schema(cols, null, List.of()));
    }

    /** The first 2,000 rows with the cells of nan_mask.csv.gz set to NaN. */
    static double[][] withNan(double[][] rows, List<String> columns) throws IOException {
        double[][] out = new double[NAN_ROWS][];
        for (int i = 0; i < NAN_ROWS; i++) {
            out[i] = rows[i].clone();
        }
        for (String[] cells : FixtureAssertions.gzipCsv(fixture("nan_mask.csv.gz"))) {
            int j = columns.indexOf(cells[1]);
            if (j >= 0) {
                out[Integer.parseInt(cells[0])][j] = Double.NaN;
            }
        }
        return out;
    }

    /** How far mlsec's probabilities are from XGBoost's, and on how many rows the predicted class differs. */
    record Fidelity(double maxDiff, int labelMismatches, int rows) {
        @Override
        public String toString() {
            return String.format("max |p - p_xgboost| = %.3g, labels differ on %d of %d rows", maxDiff,
                    labelMismatches, rows);
        }
    }

    static Fidelity compare(LocalModel model, double[][] x, float[][] expected) {
        if (x.length != expected.length) {
            throw new AssertionError(x.length + " rows but " + expected.length + " recorded");
        }
        double[][] e = new double[expected.length][];
        for (int i = 0; i < e.length; i++) {
            e[i] = new double[expected[i].length];
            for (int c = 0; c < e[i].length; c++) {
                e[i][c] = expected[i][c];
            }
        }
        FixtureAssertions.Agreement a = FixtureAssertions.agreement("XGBoost", model.predictProba(x), e);
        return new Fidelity(a.maxDiff(), a.labelsDiffer(), a.rows());
    }

    static List<String> columnsWithout(String... dropped) {
        List<String> all = new ArrayList<>(Arrays.asList("LIMIT_BAL", "SEX", "EDUCATION", "MARRIAGE", "AGE", "PAY_0",
                "PAY_2", "PAY_3", "PAY_4", "PAY_5", "PAY_6", "BILL_AMT1", "BILL_AMT2", "BILL_AMT3", "BILL_AMT4",
                "BILL_AMT5", "BILL_AMT6", "PAY_AMT1", "PAY_AMT2", "PAY_AMT3", "PAY_AMT4", "PAY_AMT5", "PAY_AMT6"));
        all.removeAll(Arrays.asList(dropped));
        return all;
    }
}
