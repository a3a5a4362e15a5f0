package org.mlsec.attacks.extraction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.Progress;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.CsvWriter;
import org.mlsec.data.Dataset;
import org.mlsec.demo.LaymanBrothers;
import org.mlsec.data.Split;
import org.mlsec.defences.postprocessor.HardenedOutput;
import org.mlsec.model.Algorithm;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;
import org.mlsec.model.linear.LogisticModel;

class ExtractionTest {
    @TempDir
    Path dir;

    Dataset numeric(int rows, long seed) {
        Path f = dir.resolve("n" + seed + ".csv");
        CsvWriter.write(LaymanBrothers.generate(rows, seed), f);
        return CsvReader.read(f, new CsvOptions(',', "DEFAULT", Set.of("ID"), Set.of(), Set.copyOf(LaymanBrothers.COLUMNS)));
    }

    @Test
    void logisticRegressionIsExtractedExactlyWithDPlusOneQueries() {
        Dataset d = numeric(3_000, 1);
        LogisticModel target = (LogisticModel) Trainer.train(d, TrainConfig.defaults(Algorithm.LR), "t", Progress.NONE);
        Extraction.Stolen s = Extraction.equation(target, 7);
        assertEquals(d.schema().width() + 1, (long) s.result().metric("queries"));
        double[] a = target.rawCoefficients(0);
        double[] b = ((LogisticModel) s.surrogate()).rawCoefficients(0);
        for (int j = 0; j < a.length; j++) {
            assertEquals(a[j], b[j], 1e-6 * Math.max(1, Math.abs(a[j])), "coefficient " + j);
        }
        assertEquals(1.0, Extraction.evaluate(s, target, d).metric("fidelity"));
    }

    @Test
    void equationSolvingKeepsToThePlansBudget() {
        Dataset d = numeric(3_000, 1);
        LogisticModel target = (LogisticModel) Trainer.train(d, TrainConfig.defaults(Algorithm.LR), "t", Progress.NONE);
        int unknowns = d.schema().width() + 1;
        var exact = Extraction.extract(target, Extraction.Plan.of(Extraction.Strategy.EQUATION, null, unknowns, 7),
                Progress.NONE);
        assertEquals(unknowns, (long) exact.result().metric("queries"));
        long before = target.queries();
        org.mlsec.InputException e = assertThrows(org.mlsec.InputException.class, () -> Extraction.extract(target,
                Extraction.Plan.of(Extraction.Strategy.EQUATION, null, unknowns - 1, 7), Progress.NONE));
        assertTrue(e.getMessage().contains("needs at least " + unknowns + " queries")
                && e.getMessage().contains("the budget is " + (unknowns - 1)), e.getMessage());
        assertEquals(before, target.queries(), "refused before a query is spent");
    }

    @Test
    void equationSolvingHandlesCategoricalColumns() throws IOException {
        Dataset d = org.mlsec.TestData.layman(3_000, 2, dir);
        LogisticModel target = (LogisticModel) Trainer.train(d, TrainConfig.defaults(Algorithm.LR), "t", Progress.NONE);
        Extraction.Stolen s = Extraction.equation(target, 7);
        assertEquals(1.0, Extraction.evaluate(s, target, d).metric("fidelity"));
    }

    @Test
    void activeLabelOnlyLearningCopiesTheTalksForest() throws IOException {
        Dataset all = org.mlsec.TestData.layman(9_000, 3, dir).select(org.mlsec.TestData.TALK_FEATURES);
        Split a = Split.random(all, 0.66, 1);
        Split b = Split.random(a.test(), 0.5, 2);
        var target = Trainer.train(a.train(), TrainConfig.defaults(Algorithm.RF).withTrees(5).withMaxDepth(3).withMinLeaf(100),
                "t", Progress.NONE);
        var labelsOnly = HardenedOutput.labelOnly(target);
        Extraction.Stolen s = Extraction.learn(labelsOnly, b.train(), 2_000, true, TrainConfig.defaults(Algorithm.RF), 4,
                Progress.NONE);
        assertTrue((long) s.result().metric("queries") <= 2_000);
        double fidelity = Extraction.evaluate(s, target, b.test()).metric("fidelity");
        assertTrue(fidelity >= 0.995, "fidelity " + fidelity);
    }

    @Test
    void sweepQueriesTheGridAndLearnsFromIt() throws IOException {
        Dataset all = org.mlsec.TestData.layman(3_000, 5, dir).select(org.mlsec.TestData.TALK_FEATURES);
        var target = Trainer.train(all, TrainConfig.defaults(Algorithm.RF).withTrees(5).withMaxDepth(3).withMinLeaf(100),
                "t", Progress.NONE);
        Extraction.Stolen s = Extraction.sweep(target, Map.of("AGE", Extraction.values("21..79"), "PAY_0",
                Extraction.values("-2..8")), Map.of("SEX", "2"), all, 10_000, TrainConfig.defaults(Algorithm.TREE));
        assertEquals(59 * 11, (long) s.result().metric("queries"));
        assertEquals(List.of("-2", "-1", "0"), Extraction.values("-2..8").subList(0, 3));
    }
}
