package org.mlsec.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.Dataset;
import org.mlsec.defences.preprocessor.InputSchema;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Models;
import org.mlsec.model.remote.HttpClassifier;

/** The guarded server serves models made by other libraries, answering over HTTP exactly as the model does. */
class ImportedModelServerTest {
    static final Path FIXTURES = Path.of("../mlsec-core/src/test/resources/fixtures");
    static final Path REAL = Path.of("../../shared/data/default_credit_card.csv");

    @ParameterizedTest
    @ValueSource(strings = {"sklearn/ct_rf.pkl", "xgboost/binary.json", "lightgbm/binary.model.txt",
        "onnx/gb_binary.onnx", "pmml/sklearn-gbm.pmml"})
    void servesAnImportedModelAsTheModelAnswers(String fixture) {
        Assumptions.assumeTrue(Files.isRegularFile(REAL), "the real data is not in ../shared");
        LocalModel m = Models.load(FIXTURES.resolve(fixture));
        Dataset d = CsvReader.read(REAL, m.schema(),
                new CsvOptions(',', "DEFAULT", Set.of(), Set.of(), Set.of()));
        LocalModel served = Models.withRanges(m, d);
        GuardedServer server = new GuardedServer(served, InputSchema.infer(d), GuardConfig.defaults())
                .start("127.0.0.1", 0);
        try {
            HttpClassifier remote = new HttpClassifier(served.schema(),
                    HttpClassifier.Config.of(URI.create("http://127.0.0.1:" + server.port() + "/predict_proba")));
            double[][] rows = Arrays.copyOf(d.x(), 300);
            assertArrayEquals(served.predict(rows), remote.predict(rows));
            double[][] p = served.predictProba(rows);
            double[][] q = remote.predictProba(rows);
            for (int i = 0; i < rows.length; i++) {
                assertEquals(p[i][1], q[i][1], 1e-12, "row " + i);
            }
        } finally {
            server.close();
        }
    }
}
