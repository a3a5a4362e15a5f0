package org.mlsec.spark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mlsec.InputException;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.Dataset;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Models;

/**
 * Saved Spark ML pipelines (StringIndexer, OneHotEncoder, VectorAssembler, classifier; made by real Spark:
 * {@link SparkPipelineFixtures}) read as one white-box mlsec model over the named columns, agreeing with Spark's own
 * {@code transform}; pipelines with other stages are refused by the stage's class, before anything is loaded.
 */
class SparkMlPipelineTest {
    static final Path P = Path.of("src/test/resources/sparkml/pipelines");
    static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = org.mlsec.spark.TestSpark.local();
    }

    @ParameterizedTest
    @CsvSource({"rf, p_rf, random_forest", "lr, p_lr, logistic_regression", "gbt, p_gbt, gradient_boosting"})
    void aPipelineAgreesWithSparksOwnTransformOnNamedColumns(String name, String column, String algorithm) {
        LocalModel m = Models.load(P.resolve(name));
        assertEquals(algorithm, m.provenance().algorithm());
        assertEquals("DEFAULT", m.schema().label());
        assertEquals(List.of("1", "0"), m.schema().classes(), "the label indexer's order (alphabetDesc)");
        var edu = m.schema().feature(m.schema().indexOf("EDUCATION"));
        assertTrue(edu.isCategorical(), "an indexed, one-hot encoded text column is a categorical feature");
        assertEquals(23, m.schema().width());
        Dataset d = CsvReader.read(P.resolve("data.csv"), m.schema(), CsvOptions.labelled("DEFAULT"));
        Dataset expected = CsvReader.read(P.resolve("data.csv"), CsvOptions.labelled("DEFAULT")
                .withTypes(java.util.Set.of(), java.util.Set.of(column)));
        int at = expected.schema().indexOf(column);
        double[][] p = m.predictProba(d.x());
        assertEquals(100, p.length);
        for (int i = 0; i < p.length; i++) {
            assertEquals(expected.row(i)[at], p[i][1], 1e-9, name + " row " + i);
        }
    }

    @Test
    void aPipelineWithAnSqlStageIsRefusedByTheStagesClass() {
        var e = assertThrows(InputException.class, () -> Models.load(P.resolve("sql")));
        assertTrue(e.getMessage().contains("stage 0 (0_sql_") && e.getMessage().contains(
                "is a org.apache.spark.ml.feature.SQLTransformer; mlsec reads pipelines of StringIndexer"), e.getMessage());
    }

    @Test
    void anUnknownStageIsRefusedBeforeAnyStageIsLoaded(@TempDir Path dir) throws IOException {
        Path copy = copy(P.resolve("lr"), dir.resolve("lr"));
        Path stage0;
        Path stage4;
        try (Stream<Path> s = Files.list(copy.resolve("stages"))) {
            List<Path> all = s.sorted().toList();
            stage0 = all.get(0);
            stage4 = all.get(4);
        }
        // Stage 0's data is gone: had it been loaded before the class check, the error would be another one.
        try (Stream<Path> s = Files.walk(stage0.resolve("data"))) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        Path meta = stage4.resolve("metadata/part-00000");
        Files.writeString(meta, Files.readString(meta).replace("org.apache.spark.ml.classification.LogisticRegressionModel",
                "com.example.Evil"));
        var e = assertThrows(InputException.class, () -> Models.load(copy));
        assertTrue(e.getMessage().contains("stage 4") && e.getMessage().contains("is a com.example.Evil;"),
                e.getMessage());
    }

    @Test
    void aDamagedStageIsOneLine(@TempDir Path dir) throws IOException {
        Path copy = copy(P.resolve("lr"), dir.resolve("lr"));
        Path stage0;
        try (Stream<Path> s = Files.list(copy.resolve("stages"))) {
            stage0 = s.sorted().findFirst().orElseThrow();
        }
        try (Stream<Path> s = Files.list(stage0.resolve("data"))) {
            for (Path f : s.filter(f -> f.toString().endsWith(".parquet")).toList()) {
                Files.writeString(f, "not parquet");
            }
        }
        var e = assertThrows(InputException.class, () -> Models.load(copy));
        assertTrue(e.getMessage().startsWith(copy + ": Spark ML could not read the saved PipelineModel: ")
                && !e.getMessage().contains("\n"), e.getMessage());
    }

    static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path f : s.toList()) {
                Path t = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(t);
                } else if (!f.getFileName().toString().endsWith(".crc")) {
                    Files.copy(f, t);
                }
            }
        }
        return to;
    }

    @Test
    void thePipelineWorksWithTheCommandLine() {
        assertEquals(0, org.mlsec.cli.Main.run("inspect", "--model", P.resolve("rf").toString()));
    }
}
