package org.mlsec.model.formats.sklearn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.mlsec.TestData;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.internal.Json;
import org.mlsec.model.Classifier;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Models;

/** Shared helpers of the scikit-learn reader's tests: fixtures, recorded probabilities, the real data. */
final class SklearnFixtures {
    static final Path DIR = Path.of("src/test/resources/fixtures/sklearn");
    static final Path REAL_022 = Path.of("../../shared/fixtures/sklearn-0.22-random-forest.pkl");

    private SklearnFixtures() {
    }

    /** Loads a fixture through Models.load from a copy whose name says nothing about its format. */
    static LocalModel load(String name, Path tmp) throws IOException {
        Path source = name.startsWith("/") || name.startsWith("..") ? Path.of(name) : DIR.resolve(name);
        Path copy = tmp.resolve(source.getFileName().toString().replace('.', '_') + ".dat");
        Files.copy(source, copy,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return Models.load(copy);
    }

    /** A recorded probability CSV (gzip, header of class columns). */
    static double[][] proba(String name) throws IOException {
        List<double[]> rows = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(DIR.resolve(name))), StandardCharsets.UTF_8))) {
            r.readLine();
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line.split(",", -1);
                double[] row = new double[f.length];
                for (int i = 0; i < f.length; i++) {
                    row[i] = f[i].isEmpty() ? Double.NaN : Double.parseDouble(f[i]);
                }
                rows.add(row);
            }
        }
        return rows.toArray(new double[0][]);
    }

    static JsonNode meta(String name) throws IOException {
        return Json.MAPPER.readTree(DIR.resolve(name).toFile());
    }

    /** The real rows in the model's schema (columns by name, label not read). */
    static double[][] realRows(LocalModel m) {
        return CsvReader.read(TestData.REAL, m.schema(), new CsvOptions(',', null, Set.of(), Set.of(), Set.of()))
                .x();
    }

    /** Largest absolute probability difference; labels (argmax) must agree on every row. */
    static double compare(double[][] got, double[][] want, String what) {
        assertEquals(want.length, got.length, what + ": rows");
        double max = 0;
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i].length, got[i].length, what + ": classes");
            for (int c = 0; c < want[i].length; c++) {
                max = Math.max(max, Math.abs(got[i][c] - want[i][c]));
            }
            assertEquals(Classifier.argmax(want[i]), Classifier.argmax(got[i]), what + ": label of row " + i);
        }
        return max;
    }
}
