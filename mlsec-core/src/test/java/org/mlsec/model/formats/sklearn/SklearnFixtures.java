package org.mlsec.model.formats.sklearn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.mlsec.TestData;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.internal.Json;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Models;
import org.mlsec.model.formats.FixtureAssertions;

/** Shared helpers of the scikit-learn reader's tests: fixtures, recorded probabilities, the real data. */
final class SklearnFixtures {
    static final Path DIR = Path.of("src/test/resources/fixtures/sklearn");
    static final Path REAL_022 = Path.of("../../shared/fixtures/sklearn-0.22-random-forest.pkl");

    private SklearnFixtures() {
    }

    /** Loads a fixture through Models.load from a copy whose name says nothing about its format. */
    static LocalModel load(String name, Path tmp) throws IOException {
        Path source = name.startsWith("/") || name.startsWith("..") ? Path.of(name) : DIR.resolve(name);
        return FixtureAssertions.loadAs(source, tmp, source.getFileName().toString().replace('.', '_') + ".dat");
    }

    /** A recorded probability CSV (gzip, header of class columns). */
    static double[][] proba(String name) throws IOException {
        return FixtureAssertions.probabilities(DIR.resolve(name));
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
        FixtureAssertions.Agreement a = FixtureAssertions.agreement(what, got, want);
        assertEquals(a.rows(), a.labelsAgree(), what + ": rows whose label differs");
        return a.maxDiff();
    }
}
