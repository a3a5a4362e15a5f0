package org.mlsec.attacks.evasion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mlsec.Progress;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

/** Three classes: the white-box searches reach a chosen class, exactly where they say so, checked by brute force. */
class MultiClassEvasionTest {
    static final Schema SCHEMA = new Schema(EvasionTest.SCHEMA.features(), "Y", List.of("low", "mid", "high"));

    static Dataset grid(long seed) {
        return EvasionTest.grid(seed, SCHEMA, s -> s > 22 ? 2 : s > 12 ? 1 : 0);
    }

    static void exactMatchesBruteForce(TrainConfig config, int to, int minimumExact) {
        Dataset d = grid(11);
        LocalModel m = Trainer.train(d, config, "grid3", Progress.NONE);
        Feasibility f = Feasibility.of(SCHEMA, null, d, Costs.defaults(Norm.LINF));
        Evasion.Outcome o = Evasion.evade(m, d, f, Evasion.Config.defaults(to).withRows(40).withVerify(10),
                Progress.NONE);
        assertEquals("tree", o.result().metrics().get("method"), "a readable tree model is searched white-box");
        int exact = 0;
        for (Evasion.Example e : o.examples()) {
            double truth = EvasionTest.bruteForce(m, f, e.original(), to);
            if (Double.isInfinite(truth)) {
                assertFalse(e.success(), "no feasible change reaches the class, yet one was reported");
                continue;
            }
            assertTrue(e.success(), "row " + e.row() + " can reach class " + to + " at cost " + truth);
            assertEquals(to, m.predict(new double[][] {e.adversarial()})[0], "the model answers the target");
            assertTrue(e.cost() >= truth - 1e-9, "cheaper than the brute-force minimum");
            if (e.exact()) {
                assertEquals(truth, e.cost(), 1e-9, "row " + e.row() + " was certified minimal");
                exact++;
            }
            if (!Double.isNaN(e.lowerBound())) {
                assertTrue(e.lowerBound() <= truth + 1e-9, "the verified bound " + e.lowerBound() + " > " + truth);
            }
        }
        assertTrue(exact >= minimumExact, "certified rows: " + exact);
    }

    @Test
    void singleTreeReachesEachClassAtTheBruteForceMinimum() {
        TrainConfig c = TrainConfig.defaults(Algorithm.TREE).withMaxDepth(7);
        exactMatchesBruteForce(c, 0, 30);
        exactMatchesBruteForce(c, 2, 30);
    }

    @Test
    void smallForestReachesTheTopClassAtTheBruteForceMinimum() {
        exactMatchesBruteForce(TrainConfig.defaults(Algorithm.RF).withTrees(4).withMaxDepth(4), 2, 25);
    }

    @Test
    void boostedModelReachesEachClassAtTheBruteForceMinimum() {
        // The third class's trees decide answers too: a row may beat its rival yet land on the third class.
        TrainConfig c = TrainConfig.defaults(Algorithm.GBT).withTrees(4).withMaxDepth(3);
        exactMatchesBruteForce(c, 1, 20);
        exactMatchesBruteForce(c, 0, 20);
        exactMatchesBruteForce(c, 2, 20);
        TrainConfig deeper = TrainConfig.defaults(Algorithm.GBT).withTrees(6).withMaxDepth(4);
        exactMatchesBruteForce(deeper, 1, 10);
        exactMatchesBruteForce(deeper, 0, 10);
    }

    @Test
    void largeForestUsesTheHeuristicAndAlwaysLandsOnTheTarget() {
        exactMatchesBruteForce(TrainConfig.defaults(Algorithm.RF).withTrees(40).withMaxDepth(8), 0, 0);
    }
}
