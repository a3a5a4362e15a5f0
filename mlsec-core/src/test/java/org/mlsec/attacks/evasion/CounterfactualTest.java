package org.mlsec.attacks.evasion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.Progress;
import org.mlsec.TestData;
import org.mlsec.data.Dataset;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

class CounterfactualTest {
    @TempDir
    static Path dir;
    static Dataset data;
    static LocalModel tree;
    static Feasibility feas;

    @BeforeAll
    static void train() throws IOException {
        data = TestData.layman(1500, 16, dir).select(TestData.TALK_FEATURES);
        tree = Trainer.train(data, TrainConfig.defaults(Algorithm.TREE).withMaxDepth(4).withSeed(1), "layman", Progress.NONE);
        feas = Feasibility.of(tree.schema(), null, data, Costs.defaults(Norm.LINF));
    }

    int rowAnswered(int cls) {
        int[] p = tree.predict(data.x());
        for (int i = 0; i < p.length; i++) {
            if (p[i] == cls) {
                return i;
            }
        }
        throw new AssertionError("the tree never answers " + cls);
    }

    @Test
    void anApplicationAlreadyGivenTheWantedAnswerNeedsNoChange() {
        double[] x = data.row(rowAnswered(0));
        Counterfactual.Explanation e = Counterfactual.explain(tree, x, 0, feas, Evasion.Method.AUTO, 1, data);
        assertTrue(e.alreadyWanted() && e.success());
        assertNull(e.found());
        assertEquals(Map.of("answer", "0", "wanted", "0", "success", true, "changes", List.of()), e.toJson());
    }

    @Test
    void theFoundChangeGetsTheOtherAnswerOfATwoClassModel() {
        double[] x = data.row(rowAnswered(1));
        Counterfactual.Explanation e = Counterfactual.explain(tree, x, null, feas, Evasion.Method.AUTO, 1, data);
        assertEquals("1", e.answer());
        assertEquals("0", e.wanted());
        assertTrue(e.success());
        assertFalse(e.changes().isEmpty());
        assertEquals(0, tree.predict(new double[][] {e.found().adversarial()})[0]);
        assertTrue(Double.isNaN(e.found().lowerBound()) || e.found().lowerBound() <= e.found().cost() + 1e-9);
        assertEquals("linf", e.toJson().get("norm"));
    }
}
