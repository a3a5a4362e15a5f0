package org.mlsec.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.Progress;
import org.mlsec.attacks.extraction.Extraction;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.CsvWriter;
import org.mlsec.data.Dataset;
import org.mlsec.data.Split;
import org.mlsec.defences.detector.ExtractionAlert;
import org.mlsec.defences.preprocessor.InputSchema;
import org.mlsec.demo.LaymanBrothers;
import org.mlsec.model.Algorithm;
import org.mlsec.model.Classifier;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

/** The guard around a model in-process: the same guards as over HTTP, for callers in the same JVM. */
class GuardedClassifierTest {
    @TempDir
    static Path dir;
    static Dataset train;
    static Dataset known;
    static LocalModel forest;
    static InputSchema schema;

    @BeforeAll
    static void train() {
        Path f = dir.resolve("clients.csv");
        CsvWriter.write(LaymanBrothers.generate(6_000, 11), f);
        Split s = Split.random(CsvReader.read(f, CsvOptions.labelled("DEFAULT", "ID")), 0.5, 1);
        train = s.train();
        known = s.test();
        forest = Trainer.train(train, TrainConfig.defaults(Algorithm.RF).withTrees(5).withMaxDepth(3).withMinLeaf(50)
                .withSeed(2), "t", Progress.NONE);
        schema = InputSchema.infer(train);
    }

    static GuardConfig config(String output, boolean detect, String onAlert) {
        return new GuardConfig(true, 100_000, 1 << 20, Map.of(), false, 0, 0, 0, output, 1, 0, 0, detect, onAlert, null);
    }

    @Test
    void pathFindingAgainstTheGuardedModelTripsBoundaryProbingAndIsBlocked() {
        try (Guard guard = new Guard(forest, schema, config("label", true, "block"), null)) {
            Classifier api = guard.asClassifier("mallory");
            assertFalse(api.hasProbabilities(), "a label-only guard serves labels");
            Guard.Refused refused = assertThrows(Guard.Refused.class,
                    () -> Extraction.extract(api, Extraction.Plan.of(Extraction.Strategy.PATH, known, 2_000, 7),
                            Progress.NONE));
            assertEquals(403, refused.decision().status());
            assertTrue(refused.decision().alerts().contains(ExtractionAlert.BOUNDARY_PROBING.key()),
                    "alerts " + refused.decision().alerts());
            long answered = api.queries();
            assertTrue(answered > 0 && answered < 2_000, answered + " rows answered before the block");
            Guard.Refused later = assertThrows(Guard.Refused.class, () -> api.predict(new double[][] {known.row(0)}));
            assertEquals(403, later.decision().status(), "every later query of the client is refused");
            assertEquals(answered, api.queries());
            assertArrayEquals(forest.predict(new double[][] {known.row(0)}),
                    guard.asClassifier("alice").predict(new double[][] {known.row(0)}), "other clients are served");
        }
    }

    @Test
    void answersAreTheModelsLabelsWithHardenedProbabilitiesAndBadRowsAreRefused() {
        try (Guard guard = new Guard(forest, schema, config("rounded", false, "log"), null)) {
            Classifier api = guard.asClassifier("alice");
            double[][] rows = Arrays.copyOf(known.x(), 50);
            assertArrayEquals(forest.predict(rows), api.predict(rows));
            double[][] p = api.predictProba(rows);
            double[][] own = forest.predictProba(rows);
            for (int i = 0; i < rows.length; i++) {
                for (int k = 0; k < own[i].length; k++) {
                    assertEquals(Math.round(own[i][k] * 10) / 10.0, p[i][k], 1e-12);
                }
            }
            assertEquals(100, api.queries());
            double[] bad = known.row(0).clone();
            bad[forest.schema().indexOf("AGE")] = 999;
            Guard.Refused refused = assertThrows(Guard.Refused.class, () -> api.predict(new double[][] {bad}));
            assertEquals(422, refused.decision().status());
            assertEquals("AGE", refused.decision().body().get("field"));
            assertEquals(422, assertThrows(Guard.Refused.class, () -> api.predict(new double[][] {{1, 2}}))
                    .decision().status(), "a row of the wrong width");
            assertEquals(100, api.queries(), "refused rows are not counted as answered");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theGuardAnswersJsonAndRecordsAsTheServerDoes() throws Exception {
        try (Guard guard = new Guard(forest, schema, config("probabilities", false, "log"), null)) {
            String record = new GuardedServerTest.HttpClassifierBody(forest).of(known.row(0));
            Guard.Decision ok = guard.handle("10.0.0.1", null, "[" + record + "]", true);
            assertEquals(200, ok.status());
            assertEquals(forest.predict(new double[][] {known.row(0)})[0], ok.labels()[0]);
            assertTrue(ok.json().startsWith("{\"prediction\":[") && ok.json().contains("\"probability\":[["), ok.json());
            java.util.List<Map<String, Object>> records = java.util.List.of(
                    org.mlsec.internal.Json.MAPPER.readValue(record, Map.class));
            assertArrayEquals(ok.labels(), guard.handle("10.0.0.1", null, records, false).labels());
            Guard.Decision malformed = guard.handle("10.0.0.1", null, "[{\"AGE\": ", false);
            assertEquals(400, malformed.status());
            assertTrue(malformed.error().startsWith("malformed JSON"), malformed.error());
            Guard.Decision missing = guard.handle("10.0.0.1", null, "[" + record.replace("\"AGE\":", "\"AGX\":") + "]",
                    false);
            assertEquals(422, missing.status());
            assertEquals("AGX", missing.body().get("field"));
            assertEquals(null, missing.labels());
        }
    }
}
