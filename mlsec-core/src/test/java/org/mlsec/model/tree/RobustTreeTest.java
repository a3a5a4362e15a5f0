package org.mlsec.model.tree;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.mlsec.TestData;
import org.mlsec.InputException;
import org.mlsec.Progress;
import org.mlsec.attacks.evasion.Costs;
import org.mlsec.attacks.evasion.Evasion;
import org.mlsec.attacks.evasion.Feasibility;
import org.mlsec.attacks.evasion.Norm;
import org.mlsec.data.Column;
import org.mlsec.data.ColumnType;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.demo.LaymanBrothers;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Robustness;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

/** Robust tree growth: the adversarial split score, robustness on a toy problem, determinism and provenance. */
class RobustTreeTest {
    /** The attacker's best weighted impurity over every placement of every uncertain row, one row at a time. */
    static double bruteForce(int l0, int l1, int[] uncertain, int r0, int r1) {
        double best = Double.NEGATIVE_INFINITY;
        for (int mask = 0; mask < 1 << uncertain.length; mask++) {
            int[] left = {l0, l1};
            int[] right = {r0, r1};
            for (int i = 0; i < uncertain.length; i++) {
                int[] side = (mask >> i & 1) == 1 ? left : right;
                side[uncertain[i]]++;
            }
            best = Math.max(best, TreeGrower.impurity(left[0], left[1]) + TreeGrower.impurity(right[0], right[1]));
        }
        return best;
    }

    @Property(tries = 500, seed = TestData.PROPERTY_SEED)
    void adversarialGiniMatchesBruteForceOverEveryAssignment(@ForAll @LongRange(min = 1, max = 1_000_000) long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int l0 = rng.nextInt(8);
        int l1 = rng.nextInt(8);
        int r0 = rng.nextInt(8);
        int r1 = rng.nextInt(8);
        int[] uncertain = new int[rng.nextInt(13)];
        int u1 = 0;
        for (int i = 0; i < uncertain.length; i++) {
            uncertain[i] = rng.nextInt(4) == 0 ? 1 : 0;
            u1 += uncertain[i];
        }
        int u0 = uncertain.length - u1;
        double[] move = new double[2];
        double exact = bruteForce(l0, l1, uncertain, r0, r1);
        double found = TreeGrower.attack(l0, l1, u0, u1, r0, r1, Double.POSITIVE_INFINITY, move);
        assertEquals(exact, found, 1e-9, "l=" + l0 + "/" + l1 + " u=" + u0 + "/" + u1 + " r=" + r0 + "/" + r1);
        // The placement returned is one the attacker can make and reaches that impurity.
        assertTrue(move[0] >= 0 && move[0] <= u0 && move[1] >= 0 && move[1] <= u1);
        assertEquals(found, TreeGrower.impurity(l0 + move[0], l1 + move[1])
                + TreeGrower.impurity(r0 + u0 - move[0], r1 + u1 - move[1]), 1e-9);
    }

    @Property(tries = 200, seed = TestData.PROPERTY_SEED)
    void manyUncertainRowsAreJudgedConservatively(@ForAll @IntRange(min = 25, max = 80) int u0,
                                                  @ForAll @IntRange(min = 25, max = 80) int u1,
                                                  @ForAll @LongRange(min = 1, max = 1_000_000) long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int l0 = rng.nextInt(200);
        int l1 = rng.nextInt(200);
        int r0 = rng.nextInt(200);
        int r1 = rng.nextInt(200);
        // Rows of one class are interchangeable, so every (x, y) is every assignment.
        double exact = Double.NEGATIVE_INFINITY;
        for (int x = 0; x <= u0; x++) {
            for (int y = 0; y <= u1; y++) {
                exact = Math.max(exact, TreeGrower.impurity(l0 + x, l1 + y) + TreeGrower.impurity(r0 + u0 - x, r1 + u1 - y));
            }
        }
        double found = TreeGrower.attack(l0, l1, u0, u1, r0, r1, Double.POSITIVE_INFINITY, new double[2]);
        assertTrue(found >= exact - 1e-9, "the relaxation " + found + " is below the attacker's best " + exact);
        // Rounding the continuous optimum moves each count by under one row, and imp's slopes are at most 2.
        assertTrue(found - exact <= 4, "the relaxation " + found + " is far above the attacker's best " + exact);
    }

    /** One feature x in [0, 10]: class 0 on [0, 4], class 1 on [6, 10], and four rows of label noise. */
    static Dataset toy() {
        Schema schema = new Schema(List.of(Column.numeric("x", ColumnType.NUMERIC, 0, 10)), "y", List.of("0", "1"));
        List<double[]> x = new ArrayList<>();
        List<Integer> y = new ArrayList<>();
        for (int i = 0; i <= 40; i++) {
            x.add(new double[] {i / 10.0});
            y.add(0);
            x.add(new double[] {6 + i / 10.0});
            y.add(1);
        }
        for (double[] noise : new double[][] {{1.05, 1}, {2.55, 1}, {7.55, 0}, {8.85, 0}}) {
            x.add(new double[] {noise[0]});
            y.add((int) noise[1]);
        }
        return new Dataset(schema, x.toArray(new double[0][]), y.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The smallest change of x (cost 1 per unit) that flips each row the model gives class {@code from}. */
    static List<Double> exactFlipCosts(LocalModel m, Dataset d, Feasibility feas, int from) {
        List<Double> costs = new ArrayList<>();
        for (Evasion.Example e : Evasion.evade(m, d, feas, Evasion.Config.defaults(1 - from).withFrom(from)
                .withMethod(Evasion.Method.TREE).withRows(d.rows()), Progress.NONE).examples()) {
            assertTrue(e.exact(), "the leaf search on a single tree is exact");
            if (e.success()) {
                costs.add(e.cost());
            }
        }
        return costs;
    }

    @Test
    void aRobustTreeCannotBeFlippedWithinItsRadiusWhereThePlainTreeCan() {
        Dataset d = toy();
        Feasibility feas = Feasibility.of(d.schema(), null, null,
                new Costs(Norm.LINF, Set.of(), Map.of("x", new Costs.FeatureCost(1.0, null, "any"))));
        double eps = 0.5;
        TrainConfig plain = TrainConfig.defaults(Algorithm.TREE);
        LocalModel plainTree = Trainer.train(d, plain, "toy", Progress.NONE);
        LocalModel robustTree = Trainer.train(d, plain.withRobust(feas.robustness(eps, Map.of())), "toy", Progress.NONE);
        double plainMin = Double.POSITIVE_INFINITY;
        double robustMin = Double.POSITIVE_INFINITY;
        for (int from = 0; from < 2; from++) {
            for (double c : exactFlipCosts(plainTree, d, feas, from)) {
                plainMin = Math.min(plainMin, c);
            }
            for (double c : exactFlipCosts(robustTree, d, feas, from)) {
                robustMin = Math.min(robustMin, c);
            }
        }
        assertTrue(plainMin < eps, "the plain tree fits the label noise, so some row flips within " + eps + ": " + plainMin);
        assertTrue(Double.isFinite(robustMin), "the robust tree's rows can be flipped at some cost");
        assertTrue(robustMin >= eps, "no row of the robust tree flips below " + eps + ": " + robustMin);
        // It still separates the two classes.
        int[] p = robustTree.predict(new double[][] {{2}, {8}});
        assertArrayEquals(new int[] {0, 1}, p);
    }

    static final Dataset LAYMAN = LaymanBrothers.generate(3_000, 5).select(LaymanBrothers.COLUMNS.subList(1, 24));

    static Feasibility laymanFeasibility() {
        return Feasibility.of(LAYMAN.schema(), null, LAYMAN, Costs.defaults(Norm.LINF).withImmutable(List.of("SEX", "AGE")));
    }

    @Test
    void robustForestsAreDeterministicForASeedAndDifferFromPlainOnes() {
        Robustness r = laymanFeasibility().robustness(0.3, Map.of("PAY_0", 1.0));
        TrainConfig c = TrainConfig.defaults(Algorithm.RF).withTrees(12).withRobust(r);
        double[][] a = Trainer.train(LAYMAN, c.withThreads(1), "layman", Progress.NONE).predictProba(LAYMAN.x());
        double[][] b = Trainer.train(LAYMAN, c.withThreads(2), "layman", Progress.NONE).predictProba(LAYMAN.x());
        for (int i = 0; i < a.length; i++) {
            assertArrayEquals(a[i], b[i], "row " + i);
        }
        double[][] other = Trainer.train(LAYMAN, c.withSeed(7), "layman", Progress.NONE).predictProba(LAYMAN.x());
        double[][] plain = Trainer.train(LAYMAN, c.withRobust(null), "layman", Progress.NONE).predictProba(LAYMAN.x());
        assertFalse(java.util.Arrays.deepEquals(a, other), "another seed grows other trees");
        assertFalse(java.util.Arrays.deepEquals(a, plain), "robust splits change the forest");
    }

    @Test
    void robustSplitsRaiseTheCostOfTheAdaptiveAttack() {
        Feasibility feas = laymanFeasibility();
        TrainConfig plain = TrainConfig.defaults(Algorithm.RF).withTrees(20);
        TrainConfig robust = plain.withRobust(feas.robustness(0.1, Map.of()));
        List<org.mlsec.defences.EvasionDefences.Defence> defences = List.of(
                new org.mlsec.defences.EvasionDefences.Defence("none", d -> Trainer.train(d, plain, "t", Progress.NONE)),
                new org.mlsec.defences.EvasionDefences.Defence("robust", d -> Trainer.train(d, robust, "t", Progress.NONE)));
        int from = LAYMAN.schema().classes().indexOf("1");
        List<org.mlsec.Result> table = org.mlsec.defences.EvasionDefences.study(LAYMAN, defences, feas, from, 1 - from,
                30, 42, Progress.NONE);
        double none = table.get(0).metric("median_cost");
        double grown = table.get(1).metric("median_cost");
        assertTrue(grown > 2 * none, "robust splits raise the white-box attack's median cost: " + none + " -> " + grown);
        assertTrue(table.get(1).metric("test_accuracy") > table.get(0).metric("test_accuracy") - 0.03, table.toString());
    }

    @Test
    void aZeroRadiusGrowsTheOrdinaryTrees() {
        TrainConfig c = TrainConfig.defaults(Algorithm.RF).withTrees(5);
        Robustness none = laymanFeasibility().robustness(0, Map.of());
        assertTrue(none.reach().isEmpty());
        double[][] plain = Trainer.train(LAYMAN, c, "layman", Progress.NONE).predictProba(LAYMAN.x());
        double[][] zero = Trainer.train(LAYMAN, c.withRobust(none), "layman", Progress.NONE).predictProba(LAYMAN.x());
        assertTrue(java.util.Arrays.deepEquals(plain, zero));
    }

    @Test
    void theReachFollowsTheEvasionCostModel() {
        Feasibility feas = laymanFeasibility();
        Robustness r = feas.robustness(0.5, Map.of("LIMIT_BAL", 2.0));
        assertFalse(r.reach().containsKey("SEX"), "an immutable column does not move");
        assertFalse(r.reach().containsKey("AGE"));
        int pay = LAYMAN.schema().indexOf("PAY_0");
        assertEquals(feas.reach(pay, 0.5), r.reach().get("PAY_0").up(), 1e-12);
        int limit = LAYMAN.schema().indexOf("LIMIT_BAL");
        assertEquals(feas.reach(limit, 2.0), r.reach().get("LIMIT_BAL").down(), 1e-9, "a column's own budget");
        assertThrows(RuntimeException.class, () -> feas.robustness(0.5, Map.of("NO_SUCH", 1.0)));
        assertThrows(RuntimeException.class, () -> feas.robustness(-1, Map.of()));
    }

    @Test
    void provenanceRecordsTheRobustSettingsAndReadsThemBack() {
        Robustness r = laymanFeasibility().robustness(0.25, Map.of("PAY_0", 1.0));
        TrainConfig c = TrainConfig.defaults(Algorithm.RF).withTrees(3).withRobust(r);
        LocalModel m = Trainer.train(LAYMAN, c, "layman", Progress.NONE);
        Map<String, String> h = m.provenance().hyperparameters();
        assertEquals("0.25", h.get(TrainConfig.ROBUST_RADIUS_KEY));
        assertEquals("adversarial_gini", h.get("criterion"));
        assertTrue(h.get(TrainConfig.ROBUST_REACH_KEY).contains("\"PAY_0\""), h.get(TrainConfig.ROBUST_REACH_KEY));
        TrainConfig back = TrainConfig.fromHyperparameters(Algorithm.RF, h);
        assertEquals(r, back.robust());
        assertNotEquals(null, back.robust());
        assertThrows(InputException.class, () -> TrainConfig.defaults(Algorithm.GBT).withRobust(r));
        assertThrows(InputException.class, () -> TrainConfig.fromHyperparameters(Algorithm.RF,
                Map.of(TrainConfig.ROBUST_RADIUS_KEY, "0.5", TrainConfig.ROBUST_REACH_KEY, "{\"x\": [1")));
    }
}
