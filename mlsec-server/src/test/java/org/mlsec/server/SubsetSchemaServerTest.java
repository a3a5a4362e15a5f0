package org.mlsec.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.InputException;
import org.mlsec.Progress;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.CsvWriter;
import org.mlsec.data.Dataset;
import org.mlsec.demo.LaymanBrothers;
import org.mlsec.defences.preprocessor.InputSchema;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

/** A schema inferred from the full data set guards a model trained on a subset of its columns. */
class SubsetSchemaServerTest {
    static final List<String> SUBSET = List.of("LIMIT_BAL", "AGE", "PAY_0", "PAY_2", "BILL_AMT1", "PAY_AMT1");

    @TempDir
    Path dir;

    @Test
    void aFullDataSchemaValidatesTheModelsFieldsAndIgnoresTheRest() throws Exception {
        Path f = dir.resolve("clients.csv");
        CsvWriter.write(LaymanBrothers.generate(2_000, 3), f);
        Dataset all = CsvReader.read(f, CsvOptions.labelled("DEFAULT", "ID"));
        Dataset sub = all.select(SUBSET);
        LocalModel model = Trainer.train(sub, TrainConfig.defaults(Algorithm.RF).withTrees(10), "t", Progress.NONE);
        InputSchema inferred = InputSchema.infer(all);
        List<String> rules = new ArrayList<>(inferred.rules());
        rules.add("EDUCATION >= 1");
        rules.add("AGE >= 18");
        InputSchema full = new InputSchema(inferred.format(), inferred.formatVersion(), inferred.label(),
                inferred.features(), rules);
        assertTrue(full.features().stream().anyMatch(x -> x.name().equals("EDUCATION")));

        try (GuardedServer server = new GuardedServer(model, full, GuardConfig.defaults()).start("127.0.0.1", 0)) {
            String note = server.schemaNote();
            assertTrue(note != null && note.contains("EDUCATION") && note.contains("SEX") && !note.contains("LIMIT_BAL"), note);
            assertTrue(note.contains("EDUCATION >= 1"), note);
            assertTrue(!note.contains("AGE >= 18"), note);
            HttpClient http = HttpClient.newHttpClient();
            String ok = new GuardedServerTest.HttpClassifierBody(model).of(sub.row(0));
            HttpResponse<String> answered = post(http, server, "[" + ok + "]");
            assertEquals(200, answered.statusCode(), answered.body());
            assertTrue(answered.body().contains("prediction"), answered.body());
            // A model field missing is refused: the model's own fields are still validated.
            HttpResponse<String> missing = post(http, server, "[" + ok.replaceFirst("\"AGE\":\\d+,?", "") + "]");
            assertEquals(422, missing.statusCode(), missing.body());
            assertTrue(missing.body().contains("AGE"), missing.body());
            // The schema's ranges and kept rules still apply to the model's fields.
            HttpResponse<String> young = post(http, server, "[" + ok.replaceFirst("\"AGE\":\\d+", "\"AGE\":12") + "]");
            assertEquals(422, young.statusCode(), young.body());
        }
        // A schema that fits needs no note; one of another model entirely is refused.
        try (GuardedServer fits = new GuardedServer(model, InputSchema.infer(sub), GuardConfig.defaults())) {
            assertNull(fits.schemaNote());
        }
        InputSchema other = new InputSchema(InputSchema.FORMAT, 1, "y",
                List.of(new InputSchema.Field("COLOUR", "categorical", null, null, List.of("red"))), List.of());
        InputException e = assertThrows(InputException.class, () -> new GuardedServer(model, other, GuardConfig.defaults()));
        assertTrue(e.getMessage().contains("none of the model's features"), e.getMessage());
    }

    private static HttpResponse<String> post(HttpClient http, GuardedServer server, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/predict"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
