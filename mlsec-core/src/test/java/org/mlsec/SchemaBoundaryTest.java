package org.mlsec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.attacks.extraction.Extraction;
import org.mlsec.attacks.inference.AttributeInference;
import org.mlsec.data.Dataset;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;

/**
 * Data handed to an attack must mean to the model what it meant in training: a file read on its own infers its own
 * categories (here only two of the three regions appear, so their indices shift), and the attack then fails saying
 * what differs instead of answering wrongly. Read in the model's schema, the same file works.
 */
class SchemaBoundaryTest {
    @TempDir
    static Path dir;
    static LocalModel model;
    static Path members;
    static Path nonMembers;

    @BeforeAll
    static void aModelWithACategoricalColumn() throws IOException {
        StringBuilder all = new StringBuilder("income,region,y\n");
        StringBuilder mem = new StringBuilder("income,region,y\n");
        StringBuilder non = new StringBuilder("income,region,y\n");
        SplittableRandom rng = new SplittableRandom(3);
        String[] regions = {"north", "south", "west"};
        for (int i = 0; i < 600; i++) {
            String region = regions[rng.nextInt(3)];
            int income = rng.nextInt(100);
            int y = (income > 50) ^ region.equals("west") ? 1 : 0;
            String line = income + "," + region + "," + y + "\n";
            all.append(line);
            if (!region.equals("south")) {
                (i % 2 == 0 ? mem : non).append(line);
            }
        }
        Files.writeString(dir.resolve("all.csv"), all);
        Files.writeString(dir.resolve("members.csv"), mem);
        Files.writeString(dir.resolve("non.csv"), non);
        model = Mlsec.train(Mlsec.read(dir.resolve("all.csv"), "y"), TrainConfig.defaults(Algorithm.RF).withTrees(10));
        members = dir.resolve("members.csv");
        nonMembers = dir.resolve("non.csv");
    }

    @Test
    void dataReadOnItsOwnIsRefusedWithWhatDiffers() {
        Dataset m = Mlsec.read(members, "y");
        Dataset n = Mlsec.read(nonMembers, "y");
        InputException e = assertThrows(InputException.class,
                () -> Mlsec.membership(model).references(2).infer(m, n));
        assertTrue(e.getMessage().startsWith("members does not fit the model's schema: 'region' has the categories"),
                e.getMessage());
        assertTrue(e.getMessage().contains("[north, south, west]"), e.getMessage());
        assertThrows(InputException.class, () -> AttributeInference.infer(model, m, n, "region",
                java.util.List.of(AttributeInference.Method.MAP), 1, Progress.NONE));
        assertThrows(InputException.class, () -> Mlsec.evade(model, m, 0, 3));
    }

    /** Every other entry point that hands rows to a model checks them too, naming its own parameter. */
    @Test
    void everyAttackDefenceAndDetectorRefusesDataReadOnItsOwn() {
        Dataset m = Mlsec.read(members, "y");
        java.util.Map<String, org.junit.jupiter.api.function.Executable> calls = new java.util.LinkedHashMap<>();
        calls.put("known", () -> Extraction.extract(model, Extraction.Plan.of(Extraction.Strategy.LEARN, m, 50, 1)
                .withSurrogate(TrainConfig.defaults(Algorithm.TREE)), Progress.NONE));
        calls.put("known ", () -> Extraction.extract(model, Extraction.Plan.of(Extraction.Strategy.PATH, m, 50, 1),
                Progress.NONE));
        calls.put("eval", () -> Extraction.evaluate(Extraction.extract(model, Extraction.Plan.of(
                Extraction.Strategy.LEARN, null, 50, 1).withSurrogate(TrainConfig.defaults(Algorithm.TREE)),
                Progress.NONE), model, m));
        calls.put("trusted", () -> org.mlsec.defences.detector.ModelBackdoorScanner.probe(model, m, 50, 1));
        calls.put("data", () -> org.mlsec.defences.detector.ModelComparison.compare(model, model, m));
        calls.put("data ", () -> org.mlsec.defences.integrity.Canaries.record(model, m, 5, 1));
        calls.put("test", () -> org.mlsec.attacks.poisoning.Backdoor.attackSuccessRate(model, m,
                org.mlsec.attacks.poisoning.Trigger.parse("income=99"), 1));
        calls.put("reference", () -> org.mlsec.defences.ExtractionDefences.study(model, m,
                org.mlsec.defences.ExtractionDefences.Config.of(50, 1), Progress.NONE));
        calls.put("data  ", () -> org.mlsec.defences.detector.Fairness.measure(model, m, java.util.List.of("region"),
                "0", 2));
        calls.put("data   ", () -> org.mlsec.attacks.inference.Reconstruction.prototype(model, model.schema(), 1, m, 1));
        calls.forEach((what, call) -> {
            InputException e = assertThrows(InputException.class, call, what.strip());
            assertTrue(e.getMessage().startsWith(what.strip() + " does not fit the model's schema: 'region' has the"
                    + " categories"), e.getMessage());
        });
    }

    @Test
    void theSameFilesReadInTheModelsSchemaWork() {
        Dataset m = Mlsec.read(members, model);
        Dataset n = Mlsec.read(nonMembers, model);
        assertEquals(model.schema().feature(1).categories(), m.schema().feature(1).categories());
        var r = Mlsec.membership(model).references(2).infer(m, n);
        assertTrue(r.auc() >= 0 && r.auc() <= 1);
        assertEquals(m.rows() + n.rows(), r.scores().length);
    }
}
