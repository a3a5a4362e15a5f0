package org.mlsec.attacks.extraction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.InputException;
import org.mlsec.Progress;
import org.mlsec.TestData;
import org.mlsec.data.Column;
import org.mlsec.data.ColumnType;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.data.Split;
import org.mlsec.defences.postprocessor.HardenedOutput;
import org.mlsec.model.Algorithm;
import org.mlsec.model.Classifier;
import org.mlsec.model.FeatureEncoder;
import org.mlsec.model.LocalModel;
import org.mlsec.model.ModelIo;
import org.mlsec.model.Provenance;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;
import org.mlsec.model.tree.ForestModel;
import org.mlsec.model.tree.Tree;

class PathFindingTest {
    @TempDir
    Path dir;

    /** Each split of a tree as "encoded feature <= threshold". */
    static Set<String> splits(ForestModel m) {
        Set<String> out = new TreeSet<>();
        for (Tree t : m.trees()) {
            for (int n = 0; n < t.nodes(); n++) {
                if (!t.isLeaf(n)) {
                    out.add(m.encoder().names().get(t.feature()[n]) + "<=" + t.threshold()[n]);
                }
            }
        }
        return out;
    }

    @Test
    void labelOnlyPathFindingCopiesADepthFourTreeExactlyWithinTheBudget() throws IOException {
        Dataset all = TestData.layman(9_000, 1, dir);
        Split a = Split.random(all, 0.34, 1);
        Split known = Split.random(a.test(), 0.5, 101);
        ForestModel target = (ForestModel) Trainer.train(a.train(),
                TrainConfig.defaults(Algorithm.TREE).withMaxDepth(4).withMinLeaf(20), "t", Progress.NONE);
        assertEquals(4, target.trees().get(0).depth());
        Classifier labelsOnly = HardenedOutput.labelOnly(target);
        Extraction.Stolen s = Extraction.path(labelsOnly, known.train(), 1_000, 42, Progress.NONE);

        assertTrue(labelsOnly.queries() <= 1_000, "queries " + labelsOnly.queries());
        assertEquals(labelsOnly.queries(), (long) s.result().metric("queries"));
        var r = Extraction.evaluate(s, target, known.test());
        assertEquals(1.0, r.metric("fidelity"), r.toString());
        assertEquals("path", r.metrics().get("strategy"));
        // Every threshold found is one of the target's: between the same two consecutive integers.
        ForestModel surrogate = (ForestModel) s.surrogate();
        Set<String> targetBoundaries = new TreeSet<>();
        for (String split : splits(target)) {
            String[] p = split.split("<=");
            targetBoundaries.add(p[0] + "<=" + (Math.floor(Double.parseDouble(p[1])) + 0.5));
        }
        assertTrue(targetBoundaries.containsAll(splits(surrogate)), splits(surrogate) + " vs " + targetBoundaries);
    }

    @Test
    void aHandBuiltTreeIsRecoveredThresholdForThreshold() throws IOException {
        Dataset data = TestData.layman(3_000, 2, dir).select(TestData.TALK_FEATURES);
        Schema s = data.schema();
        FeatureEncoder enc = new FeatureEncoder(s);
        int pay0 = enc.names().indexOf("PAY_0");
        int limit = enc.names().indexOf("LIMIT_BAL");
        int female = enc.names().indexOf("SEX=2");
        // PAY_0 <= 1.5 ? (SEX = 2 ? 1 : 0) : (LIMIT_BAL <= 50000.5 ? 1 : 0)
        Tree tree = new Tree(new int[] {pay0, female, limit, -1, -1, -1, -1},
                new double[] {1.5, 0.5, 50_000.5, 0, 0, 0, 0}, new int[] {1, 3, 5, -1, -1, -1, -1},
                new int[] {2, 4, 6, -1, -1, -1, -1},
                new double[] {5, 5, 5, 5, 5, 5, 10, 0, 0, 10, 0, 10, 10, 0}, 2, new int[] {20, 10, 10, 10, 10, 10, 10},
                new double[7]);
        ForestModel target = new ForestModel(ForestModel.DECISION_TREE, s,
                Provenance.of(ForestModel.DECISION_TREE, Map.of(), data, "hand-built", Map.of()), List.of(tree));
        Split known = Split.random(data, 0.5, 3);

        Extraction.Stolen stolen = Extraction.path(HardenedOutput.labelOnly(target), known.train(), 500, 7,
                Progress.NONE);

        assertEquals(1.0, Extraction.evaluate(stolen, target, known.test()).metric("fidelity"));
        assertEquals(3.0, stolen.result().metric("thresholds"), stolen.result().toString());
        Set<String> found = splits((ForestModel) stolen.surrogate());
        assertTrue(found.contains("PAY_0<=1.5") && found.contains("LIMIT_BAL<=50000.5"), found.toString());
        assertTrue(found.stream().allMatch(f -> f.startsWith("PAY_0<=") || f.startsWith("LIMIT_BAL<=")
                || f.startsWith("SEX=")), found.toString());
        // Rows no known row resembles are copied too: the copy is exact, not only on the data.
        double[][] corners = {
            {10_000, 21, -2, 0, 0, 0, 0, 0, 1}, {50_000, 79, 1, 8, 8, 900_000, 0, 0, 1},
            {50_001, 79, 2, 8, 8, 900_000, 0, 0, 0}, {1_000_000, 21, 8, -2, -2, -100, 0, 0, 0}};
        assertArrayEquals(target.predict(corners), stolen.surrogate().predict(corners));
    }

    @Test
    void theSurrogateIsAnMlsecDecisionTreeThatSavesAndLoads() throws IOException {
        Dataset data = TestData.layman(3_000, 4, dir).select(TestData.TALK_FEATURES);
        LocalModel target = Trainer.train(data, TrainConfig.defaults(Algorithm.TREE).withMaxDepth(3).withMinLeaf(50), "t",
                Progress.NONE);
        Extraction.Stolen s = Extraction.path(HardenedOutput.labelOnly(target), data, 300, 1, Progress.NONE);
        assertEquals(ForestModel.DECISION_TREE, s.surrogate().kind());
        Path file = dir.resolve("stolen.mlsec");
        ModelIo.save(s.surrogate(), file);
        LocalModel back = ModelIo.load(file);
        assertArrayEquals(s.surrogate().predict(data.x()), back.predict(data.x()));
        assertEquals("path", back.provenance().hyperparameters().get("extracted_by"));
    }

    @Test
    void aSmallForestServedLabelOnlyIsCopiedNearlyExactly() throws IOException {
        Dataset all = TestData.layman(9_000, 3, dir).select(TestData.TALK_FEATURES);
        Split a = Split.random(all, 0.66, 1);
        Split b = Split.random(a.test(), 0.5, 2);
        var target = Trainer.train(a.train(), TrainConfig.defaults(Algorithm.RF).withTrees(5).withMaxDepth(3).withMinLeaf(100),
                "t", Progress.NONE);
        Extraction.Stolen s = Extraction.path(HardenedOutput.labelOnly(target), b.train(), 2_000, 4, Progress.NONE);
        assertTrue((long) s.result().metric("queries") <= 2_000);
        double fidelity = Extraction.evaluate(s, target, b.test()).metric("fidelity");
        assertEquals(1.0, fidelity, 0.0005, "fidelity " + fidelity);
    }

    @Test
    void itStopsWhenNothingIsLeftToAsk() throws IOException {
        Dataset data = TestData.layman(3_000, 5, dir).select(TestData.TALK_FEATURES);
        LocalModel target = Trainer.train(data, TrainConfig.defaults(Algorithm.TREE).withMaxDepth(1), "t", Progress.NONE);
        Dataset few = data.subset(java.util.stream.IntStream.range(0, 40).toArray());
        Classifier labelsOnly = HardenedOutput.labelOnly(target);
        Extraction.Stolen s = Extraction.path(labelsOnly, few, 100_000, 1, Progress.NONE);
        assertTrue(labelsOnly.queries() < 100_000, "queries " + labelsOnly.queries());
        assertEquals(1.0, Extraction.evaluate(s, target, data).metric("fidelity"));
    }

    @Test
    void badParametersAreInputErrors() throws IOException {
        Dataset data = TestData.layman(500, 6, dir).select(TestData.TALK_FEATURES);
        LocalModel target = Trainer.train(data, TrainConfig.defaults(Algorithm.TREE).withMaxDepth(2), "t", Progress.NONE);
        InputException small = assertThrows(InputException.class, () -> Extraction.path(target, data, 5, 1, Progress.NONE));
        assertTrue(small.getMessage().contains("budget must be at least 10") && small.parameters().contains("budget"), small.getMessage());
        // Without known rows the attack samples inside the schema's ranges, so it needs them.
        List<Column> open = new ArrayList<>(target.schema().features());
        open.set(0, Column.numeric("LIMIT_BAL", ColumnType.INTEGER, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY));
        Classifier unbounded = new Classifier() {
            final Schema schema = new Schema(open, "DEFAULT", target.classes());

            @Override
            public Schema schema() {
                return schema;
            }

            @Override
            public double[][] predictProba(double[][] rows) {
                return target.predictProba(rows);
            }

            @Override
            public int[] predict(double[][] rows) {
                return target.predict(rows);
            }

            @Override
            public long queries() {
                return target.queries();
            }
        };
        InputException ranges = assertThrows(InputException.class,
                () -> Extraction.path(unbounded, null, 100, 1, Progress.NONE));
        assertTrue(ranges.getMessage().contains("LIMIT_BAL"), ranges.getMessage());
    }
}
