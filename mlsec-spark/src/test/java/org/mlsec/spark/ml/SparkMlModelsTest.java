package org.mlsec.spark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlsec.InputException;
import org.mlsec.model.LocalModel;
import org.mlsec.model.tree.ForestModel;

/** Saved Spark ML models (made by real Spark: {@link SparkMlFixtures}) read as white-box mlsec models. */
class SparkMlModelsTest {
    static final Path FIXTURES = Path.of("src/test/resources/sparkml");
    static SparkSession spark;
    static final java.util.Map<String, LocalModel> READ = new java.util.concurrent.ConcurrentHashMap<>();

    /** Each fixture is read once (Spark's reader runs jobs). */
    static LocalModel read(String name) {
        return READ.computeIfAbsent(name, n -> SparkMlModels.read(FIXTURES.resolve(n).resolve("model")));
    }

    @BeforeAll
    static void start() {
        spark = org.mlsec.spark.TestSpark.local();
    }

    @ParameterizedTest
    @ValueSource(strings = {"random-forest", "decision-tree", "gbt", "logistic-regression"})
    void predictionsAgreeWithSparksOwnTransform(String name) throws IOException {
        Path dir = FIXTURES.resolve(name);
        assertTrue(SparkMlModels.recognises(dir.resolve("model")));
        LocalModel m = read(name);
        List<String> lines = Files.readAllLines(dir.resolve("predictions.csv"));
        double[][] x = new double[lines.size()][];
        double[] expected = new double[lines.size()];
        for (int i = 0; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",");
            x[i] = new double[f.length - 1];
            for (int j = 0; j < f.length - 1; j++) {
                x[i][j] = Double.parseDouble(f[j]);
            }
            expected[i] = Double.parseDouble(f[f.length - 1]);
        }
        double[][] p = m.predictProba(x);
        for (int i = 0; i < x.length; i++) {
            assertEquals(expected[i], p[i][1], 1e-9, name + " row " + i);
        }
        assertEquals("spark-ml", m.provenance().tool());
    }

    @Test
    void modelsLoadOpensASparkMlFolderThroughTheReaderOnTheClasspath() {
        LocalModel m = org.mlsec.model.Models.load(FIXTURES.resolve("logistic-regression/model"));
        assertEquals(org.mlsec.model.linear.LogisticModel.KIND, m.kind());
        assertEquals(24, m.schema().width(), "the fixtures read the generated rows as they are, ID included");
    }

    @Test
    void treesKeepSparksTrainingCounts() {
        ForestModel tree = (ForestModel) read("decision-tree");
        assertEquals(400, tree.trees().get(0).samples()[0], "the root saw every training row");
        assertEquals(400, tree.provenance().data().rows());
        assertEquals(64, tree.provenance().imported().sha256().length(), "a fingerprint of the folder");
    }

    @Test
    void aFolderThatIsNotASparkModelIsRefusedClearly(@TempDir Path dir) throws IOException {
        assertFalse(SparkMlModels.recognises(dir));
        var e = assertThrows(InputException.class, () -> SparkMlModels.read(dir));
        assertTrue(e.getMessage().contains("not a saved Spark ML model"), e.getMessage());
        Files.createDirectories(dir.resolve("metadata"));
        Files.writeString(dir.resolve("metadata/part-00000"), "{\"class\":\"org.apache.spark.ml.feature.PCAModel\"}\n");
        e = assertThrows(InputException.class, () -> SparkMlModels.read(dir));
        assertTrue(e.getMessage().contains("PCAModel"), e.getMessage());
    }
}
