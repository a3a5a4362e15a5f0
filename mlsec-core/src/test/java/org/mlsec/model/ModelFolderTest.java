package org.mlsec.model;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.InputException;

/** Models saved as folders are read by a reader on the classpath; without one, the message says what is missing. */
class ModelFolderTest {
    @TempDir
    Path dir;

    @Test
    void aSparkMlFolderWithoutMlsecSparkSaysWhatIsMissing() throws IOException {
        Files.createDirectories(dir.resolve("metadata"));
        Files.writeString(dir.resolve("metadata/part-00000"),
                "{\"class\":\"org.apache.spark.ml.classification.RandomForestClassificationModel\"}\n");
        var e = assertThrows(InputException.class, () -> Models.load(dir));
        assertTrue(e.getMessage().contains("Spark ML") && e.getMessage().contains("mlsec-spark"), e.getMessage());
    }

    @Test
    void anyOtherFolderIsNotAModel() {
        var e = assertThrows(InputException.class, () -> Models.load(dir));
        assertTrue(e.getMessage().contains("is a folder, not a model file"), e.getMessage());
    }
}
