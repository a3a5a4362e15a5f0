package org.mlsec.attacks.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mlsec.InputException;
import org.mlsec.data.Dataset;
import org.mlsec.defences.postprocessor.HardenedOutput;
import org.mlsec.defences.postprocessor.OutputHardening;
import org.mlsec.defences.postprocessor.OutputMode;
import org.mlsec.defences.trainer.DpLogisticRegression;
import org.mlsec.defences.trainer.DpRandomForest;
import org.mlsec.demo.LaymanBrothers;
import org.mlsec.model.Algorithm;
import org.mlsec.model.Classifier;
import org.mlsec.model.TrainConfig;

/** A trainer rebuilt from its recipe's text parameters alone trains the very models the original trains. */
class ReferenceRecipeTest {
    static final Dataset POOL = LaymanBrothers.generate(300, 4);
    static final int[] ROWS = java.util.stream.IntStream.range(0, 300).filter(i -> i % 2 == 0).toArray();

    /** The recipe as another machine receives it: a kind and a map of strings, nothing else. */
    static ReferenceRecipe shipped(ReferenceRecipe r) {
        return new ReferenceRecipe(new String(r.kind()), new HashMap<>(r.params()));
    }

    static void assertSameModels(MembershipInference.ReferenceTrainer original, ReferenceRecipe recipe) {
        Classifier a = original.train(POOL, ROWS, 17);
        Classifier b = shipped(recipe).trainer().train(POOL, ROWS, 17);
        assertArrayEquals(a.predictProba(POOL.x()), b.predictProba(POOL.x()));
    }

    @Test
    void mlsecsOwnTrainerIsRebuiltExactly() {
        TrainConfig c = TrainConfig.defaults(Algorithm.RF).withTrees(7).withMaxFeatures(0.7).withMinLeaf(3)
                .withMonotone(Map.of("LIMIT_BAL", -1));
        ReferenceRecipe r = ReferenceRecipe.like(c);
        assertEquals(c, shipped(r).config());
        assertSameModels(MembershipInference.like(c), r);
        assertEquals(r, MembershipInference.like(c).recipe());
        assertEquals(4, Integer.parseInt(r.withThreads(4).params().get("threads")));
    }

    @Test
    void theDpTrainersAreRebuiltExactly() {
        assertSameModels((pool, rows, seed) -> DpLogisticRegression.train(pool.subset(rows), 2, 1e-3, seed),
                ReferenceRecipe.dpLogistic(2, 1e-3));
        var bounds = DpRandomForest.boundsFromData(POOL);
        assertSameModels((pool, rows, seed) -> DpRandomForest.train(pool.subset(rows), bounds, "data",
                DpRandomForest.Config.of(1, seed)).model(), ReferenceRecipe.dpForest(bounds, "data",
                DpRandomForest.Config.of(1, 0)));
        assertEquals(bounds, ReferenceRecipe.schemaOf(ReferenceRecipe.schemaText(bounds)));
    }

    @Test
    void anOutputHardeningTravelsWithTheRecipe() {
        TrainConfig c = TrainConfig.defaults(Algorithm.TREE);
        assertSameModels((pool, rows, seed) -> HardenedOutput.of(MembershipInference.like(c).train(pool, rows, seed),
                OutputHardening.forStudies(OutputMode.NOISE, 5)), ReferenceRecipe.like(c).withOutput(OutputMode.NOISE, 5));
        var t = ReferenceRecipe.like(c).withOutput(OutputMode.LABEL, 5).trainer();
        assertTrue(!t.train(POOL, ROWS, 1).hasProbabilities(), "a label-only output gives labels only");
    }

    @Test
    void theRebuiltTrainerDescribesItself() {
        ReferenceRecipe r = ReferenceRecipe.dpLogistic(8, 1e-3);
        assertSame(r, r.trainer().recipe());
    }

    @Test
    void anUnknownKindOrAMissingParameterIsRefused() {
        var e = assertThrows(InputException.class, () -> new ReferenceRecipe("java-object", Map.of()).trainer());
        assertTrue(e.getMessage().contains("unknown reference recipe 'java-object'"), e.getMessage());
        e = assertThrows(InputException.class, () -> new ReferenceRecipe("dp-logistic", Map.of("epsilon", "1")).trainer());
        assertTrue(e.getMessage().contains("no parameter 'lambda'"), e.getMessage());
        e = assertThrows(InputException.class, () -> new ReferenceRecipe("dp-logistic",
                Map.of("epsilon", "x", "lambda", "1")).trainer());
        assertTrue(e.getMessage().startsWith("reference recipe 'dp-logistic'"), e.getMessage());
    }

    @Test
    void robustTrainingIsRefusedRatherThanRebuiltAsOrdinaryTrees() {
        TrainConfig robust = TrainConfig.defaults(Algorithm.RF).withRobust(new org.mlsec.model.Robustness(0.1, Map.of(),
                Map.of("AGE", new org.mlsec.model.Robustness.Reach(1, 1, 20, 80, true))));
        InputException e = assertThrows(InputException.class, () -> ReferenceRecipe.like(robust));
        assertTrue(e.getMessage().contains("robust_radius 0.1") && e.getMessage().contains("local engine"), e.getMessage());
    }
}
