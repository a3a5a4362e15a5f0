package org.mlsec.attacks.evasion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.InputException;
import org.mlsec.Progress;
import org.mlsec.data.Column;
import org.mlsec.data.ColumnType;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.defences.preprocessor.InputSchema;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;
import org.mlsec.model.Provenance;
import org.mlsec.model.tree.ForestModel;
import org.mlsec.model.tree.Tree;

/** Evasion searches checked against exhaustive enumeration of every feasible input on small integer grids. */
class EvasionTest {
    static final Schema SCHEMA = new Schema(List.of(Column.numeric("A", ColumnType.INTEGER, 0, 20),
            Column.numeric("B", ColumnType.INTEGER, 0, 20), Column.categorical("C", List.of("x", "y", "z"))),
            "Y", List.of("0", "1"));

    /** A noisy rule over a 21 x 21 x 3 grid: enough structure for deep, quirky trees. */
    static Dataset grid(long seed) {
        return grid(seed, SCHEMA, s -> s > 18 ? 1 : 0);
    }

    /** 3,000 rows of the grid, labelled by a noisy score: A + 0.7 B (+6 for category z) + N(0, 4). */
    static Dataset grid(long seed, Schema schema, java.util.function.DoubleToIntFunction label) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = 3000;
        double[][] x = new double[n][];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            x[i] = new double[] {r.nextInt(21), r.nextInt(21), r.nextInt(3)};
            double s = x[i][0] + 0.7 * x[i][1] + (x[i][2] == 2 ? 6 : 0) + 4 * r.nextGaussian();
            y[i] = label.applyAsInt(s);
        }
        return new Dataset(schema, x, y);
    }

    static List<double[]> everyInput() {
        List<double[]> all = new ArrayList<>();
        for (int a = 0; a <= 20; a++) {
            for (int b = 0; b <= 20; b++) {
                for (int c = 0; c < 3; c++) {
                    all.add(new double[] {a, b, c});
                }
            }
        }
        return all;
    }

    /** The cheapest input of the grid that the model gives the target class, by brute force. */
    static double bruteForce(LocalModel m, Feasibility f, double[] x, int target) {
        List<double[]> all = everyInput();
        int[] p = m.predict(all.toArray(new double[0][]));
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < all.size(); i++) {
            if (p[i] == target && f.feasible(x, all.get(i))) {
                best = Math.min(best, f.cost(x, all.get(i)));
            }
        }
        return best;
    }

    static Feasibility feas(Dataset d, Norm norm, String... immutable) {
        return Feasibility.of(SCHEMA, null, d, Costs.defaults(norm).withImmutable(List.of(immutable)));
    }

    static void exactMatchesBruteForce(TrainConfig config, Norm norm, String... immutable) {
        Dataset d = grid(7);
        LocalModel m = Trainer.train(d, config, "grid", Progress.NONE);
        Feasibility f = feas(d, norm, immutable);
        Evasion.Outcome o = Evasion.evade(m, d, f, Evasion.Config.defaults(0).withFrom(1).withRows(40), Progress.NONE);
        int checked = 0;
        for (Evasion.Example e : o.examples()) {
            double truth = bruteForce(m, f, e.original(), 0);
            if (Double.isInfinite(truth)) {
                assertFalse(e.success(), "no feasible flip exists, yet one was reported");
                continue;
            }
            assertTrue(e.success() && e.exact());
            assertEquals(truth, e.cost(), 1e-9, "row " + e.row());
            checked++;
        }
        assertTrue(checked >= 30, "checked " + checked);
    }

    @Test
    void singleTreeMinimumUnderLinfMatchesExhaustiveSearch() {
        exactMatchesBruteForce(TrainConfig.defaults(Algorithm.TREE).withMaxDepth(8), Norm.LINF);
    }

    @Test
    void singleTreeMinimumUnderL1MatchesExhaustiveSearch() {
        exactMatchesBruteForce(TrainConfig.defaults(Algorithm.TREE).withMaxDepth(8), Norm.L1);
    }

    @Test
    void smallForestMinimumWithImmutableCategoryMatchesExhaustiveSearch() {
        exactMatchesBruteForce(TrainConfig.defaults(Algorithm.RF).withTrees(4).withMaxDepth(4), Norm.LINF, "C");
    }

    @Test
    void smallBoostedModelMinimumMatchesExhaustiveSearch() {
        exactMatchesBruteForce(TrainConfig.defaults(Algorithm.GBT).withTrees(4).withMaxDepth(3), Norm.LINF);
    }

    @Test
    void verifiedLowerBoundNeverExceedsTheTrueMinimum() {
        Dataset d = grid(8);
        LocalModel m = Trainer.train(d, TrainConfig.defaults(Algorithm.RF).withTrees(30).withMaxDepth(6), "g", Progress.NONE);
        Feasibility f = feas(d, Norm.LINF);
        Evasion.Outcome o = Evasion.evade(m, d, f, Evasion.Config.defaults(0).withFrom(1).withRows(25).withVerify(25),
                Progress.NONE);
        int positive = 0;
        for (Evasion.Example e : o.examples()) {
            double truth = bruteForce(m, f, e.original(), 0);
            assertTrue(e.lowerBound() <= truth + 1e-9, e.lowerBound() + " > " + truth);
            positive += e.lowerBound() > 0 ? 1 : 0;
        }
        assertTrue(positive > 10, "the bound says something for most rows: " + positive);
    }

    @Test
    void forestMarginAgreesWithThePredictionOnEveryInputTiesIncluded() {
        Dataset d = grid(13);
        LocalModel m = Trainer.train(d, TrainConfig.defaults(Algorithm.RF).withTrees(10), "g", Progress.NONE);
        TreeEnsemble e = TreeEnsemble.of(m);
        List<double[]> all = everyInput();
        int[] p = m.predict(all.toArray(new double[0][]));
        int ties = 0;
        for (int i = 0; i < all.size(); i++) {
            double margin = e.margin(all.get(i));
            String at = "input " + java.util.Arrays.toString(all.get(i));
            assertEquals(p[i] == 1, e.reached(all.get(i), margin, 1), at);
            ties += Math.abs(margin) < 1e-9 ? 1 : 0;
        }
        assertTrue(ties > 0, "ten fully grown trees tie somewhere on the grid");
    }

    @Test
    void aTieUpToRoundingIsDecidedAsTheModelDecidesIt() {
        // Leaf shares (4/6, 2/6), (1/2, 1/2), (1/3, 2/3): the margin adds up to 0, the model's sums give class 1.
        List<Tree> leaves = new ArrayList<>();
        for (double[] counts : new double[][] {{4, 2}, {1, 1}, {1, 2}}) {
            leaves.add(new Tree(new int[] {-1}, new double[1], new int[] {-1}, new int[] {-1}, counts, 2, new int[] {1},
                    new double[1]));
        }
        Dataset d = grid(16);
        ForestModel m = new ForestModel(ForestModel.RANDOM_FOREST, SCHEMA,
                Provenance.of(ForestModel.RANDOM_FOREST, java.util.Map.of(), d, "hand-built", java.util.Map.of()), leaves);
        TreeEnsemble e = TreeEnsemble.of(m);
        double[] x = {3, 4, 1};
        assertTrue(Math.abs(e.margin(x)) <= TreeEnsemble.TIE);
        assertEquals(1, m.predict(new double[][] {x})[0]);
        assertTrue(e.reached(x, e.margin(x), 1));
        LeafSearch.Found b = new BallSearch(e, feas(d, Norm.LINF)).within(x, 1, 0, 1000);
        assertTrue(b.complete() && b.point() != null, "the row itself is a change of cost 0");
    }

    /** A chain: every inner node asks A <= 20.5 (every input says yes) and goes on left; the right child is a leaf. */
    static Tree chain(int depth) {
        int n = 2 * depth + 1;
        int[] feature = new int[n];
        double[] threshold = new double[n];
        int[] left = new int[n];
        int[] right = new int[n];
        double[] value = new double[2 * n];
        java.util.Arrays.fill(feature, -1);
        java.util.Arrays.fill(left, -1);
        java.util.Arrays.fill(right, -1);
        for (int d = 0; d < depth; d++) {
            int node = 2 * d;
            feature[node] = 0;
            threshold[node] = 20.5;
            left[node] = node + 2;
            right[node] = node + 1;
            value[2 * (node + 1)] = 1;
        }
        value[2 * (n - 1) + 1] = 1;
        return new Tree(feature, threshold, left, right, value, 2, new int[n], new double[n]);
    }

    @Test
    void theDeepestTreeAcceptedIsSearchedWithoutRunningOutOfStack() {
        Dataset d = grid(17);
        ForestModel m = new ForestModel(ForestModel.RANDOM_FOREST, SCHEMA,
                Provenance.of(ForestModel.RANDOM_FOREST, java.util.Map.of(), d, "hand-built", java.util.Map.of()),
                List.of(chain(Tree.MAX_DEPTH)));
        Evasion.Outcome o = Evasion.evade(m, d, feas(d, Norm.LINF), Evasion.Config.defaults(0).withRows(5).withVerify(5),
                Progress.NONE);
        assertEquals(0.0, o.result().metric("success_rate"), "no leaf of class 0 is within the feasible range");
        assertEquals(5, o.examples().size());
    }

    @Test
    void aDeeperTreeIsRefusedWithAClearError() {
        InputException e = assertThrows(InputException.class, () -> chain(Tree.MAX_DEPTH + 1).validate(3, 2));
        assertTrue(e.getMessage().contains("10001 levels deep"), e.getMessage());
    }

    @Test
    void ballSearchDecidesEveryRadiusAsExhaustiveSearchDoes() {
        Dataset d = grid(14);
        LocalModel m = Trainer.train(d, TrainConfig.defaults(Algorithm.RF).withTrees(60), "g", Progress.NONE);
        Feasibility f = feas(d, Norm.LINF);
        BallSearch balls = new BallSearch(TreeEnsemble.of(m), f);
        int[] p = m.predict(d.x());
        int found = 0;
        int none = 0;
        for (int i = 0; i < d.rows() && found + none < 300; i++) {
            if (p[i] != 1) {
                continue;
            }
            double[] x = d.x()[i];
            double truth = bruteForce(m, f, x, 0);
            for (double r : new double[] {0.05, 0.15, 0.3, 0.6}) {
                LeafSearch.Found b = balls.within(x, 0, r, 5_000_000);
                assertTrue(b.complete(), "decided within the budget");
                assertEquals(truth <= r, b.point() != null, "row " + i + " radius " + r + " (minimum " + truth + ")");
                if (b.point() != null) {
                    assertTrue(f.feasible(x, b.point()) && f.cost(x, b.point()) <= r + 1e-12);
                    assertEquals(0, m.predict(new double[][] {b.point()})[0]);
                    found++;
                } else {
                    none++;
                }
            }
        }
        assertTrue(found > 50 && none > 50, found + " found, " + none + " none");
    }

    @Test
    void heuristicOnALargerForestIsNearTheExhaustiveMinimumAndExactWhenItSaysSo() {
        Dataset d = grid(9);
        LocalModel m = Trainer.train(d, TrainConfig.defaults(Algorithm.RF).withTrees(60), "g", Progress.NONE);
        Feasibility f = feas(d, Norm.LINF);
        Evasion.Outcome o = Evasion.evade(m, d, f, Evasion.Config.defaults(0).withFrom(1).withRows(30), Progress.NONE);
        int optimal = 0;
        int minimal = 0;
        for (Evasion.Example e : o.examples()) {
            double truth = bruteForce(m, f, e.original(), 0);
            assertTrue(e.success());
            assertTrue(e.cost() >= truth - 1e-9);
            optimal += e.cost() <= truth * 1.1 + 1e-9 ? 1 : 0;
            if (e.exact()) {
                assertEquals(truth, e.cost(), 1e-3 * e.cost(), "row " + e.row() + " was called minimal");
                minimal++;
            }
        }
        assertTrue(optimal >= 27, "within 10% of the true minimum on " + optimal + " of 30 rows");
        assertTrue(minimal >= 25, "certified minimal on " + minimal + " of 30 rows");
    }

    @Test
    void gradientAttackOnLogisticRegressionMatchesExhaustiveSearch() {
        Dataset d = grid(10);
        LocalModel m = Trainer.train(d, TrainConfig.defaults(Algorithm.LR), "g", Progress.NONE);
        for (Norm norm : Norm.values()) {
            Feasibility f = feas(d, norm);
            Evasion.Outcome o = Evasion.evade(m, d, f, Evasion.Config.defaults(0).withFrom(1).withRows(30), Progress.NONE);
            assertEquals("gradient", o.result().metrics().get("method"));
            for (Evasion.Example e : o.examples()) {
                double truth = bruteForce(m, f, e.original(), 0);
                assertTrue(e.success());
                assertEquals(truth, e.cost(), 0.05 * truth + 1e-9, norm + " row " + e.row());
            }
        }
    }

    @Test
    void labelOnlyAttacksFlipMostRowsWithinTheirQueryBudget() {
        Dataset d = grid(11);
        LocalModel m = Trainer.train(d, TrainConfig.defaults(Algorithm.RF).withTrees(20).withMaxDepth(6), "g", Progress.NONE);
        Feasibility f = feas(d, Norm.LINF, "C");
        for (Evasion.Method method : List.of(Evasion.Method.HSJ, Evasion.Method.BOUNDARY)) {
            Evasion.Outcome o = Evasion.evade(m, d, f, Evasion.Config.defaults(0).withFrom(1).withRows(30)
                    .withMethod(method).withQueryBudget(400), Progress.NONE);
            assertTrue(o.result().metric("success_rate") >= 0.9, method + " " + o.result().metrics().get("success_rate"));
            for (Evasion.Example e : o.examples()) {
                assertTrue(e.queries() <= 400);
                if (e.success()) {
                    assertEquals(e.original()[2], e.adversarial()[2], "the immutable category stays");
                    assertTrue(e.cost() >= bruteForce(m, f, e.original(), 0) - 1e-9);
                }
            }
        }
    }

    @Test
    void everyChangeIsFeasibleUnderAnInputSchema() {
        Dataset d = grid(12);
        InputSchema s = InputSchema.infer(d);
        s = new InputSchema(s.format(), s.formatVersion(), s.label(), s.features(), List.of("A >= 3", "B <= 15", "A != 7"));
        Feasibility f = Feasibility.of(SCHEMA, s, d, Costs.defaults(Norm.LINF));
        LocalModel m = Trainer.train(d, TrainConfig.defaults(Algorithm.RF).withTrees(10).withMaxDepth(5), "g", Progress.NONE);
        Evasion.Outcome o = Evasion.evade(m, d, f, Evasion.Config.defaults(0).withFrom(1).withRows(40), Progress.NONE);
        int ok = 0;
        for (Evasion.Example e : o.examples()) {
            double[] x0 = e.original();
            if (e.success() && x0[0] >= 3 && x0[1] <= 15 && x0[0] != 7) {
                ok++;
                double[] v = e.adversarial();
                assertTrue(v[0] >= 3 && v[1] <= 15 && v[0] != 7, java.util.Arrays.toString(v));
            }
        }
        assertTrue(ok > 10, "rows checked: " + ok);
    }

    @Test
    void immutableFeaturesNeverChange() {
        Dataset d = grid(13);
        LocalModel m = Trainer.train(d, TrainConfig.defaults(Algorithm.RF).withTrees(10), "g", Progress.NONE);
        Evasion.Outcome o = Evasion.evade(m, d, feas(d, Norm.L1, "A", "C"), Evasion.Config.defaults(0).withFrom(1)
                .withRows(40), Progress.NONE);
        for (Evasion.Example e : o.examples()) {
            if (e.success()) {
                assertEquals(e.original()[0], e.adversarial()[0]);
                assertEquals(e.original()[2], e.adversarial()[2]);
            }
        }
    }

    @Test
    void aRowWithNoFeasibleFlipIsReportedAsAFailure() {
        Dataset d = grid(14);
        LocalModel m = Trainer.train(d, TrainConfig.defaults(Algorithm.TREE).withMaxDepth(4), "g", Progress.NONE);
        Feasibility frozen = feas(d, Norm.LINF, "A", "B", "C");
        Evasion.Example e = Evasion.counterfactual(m, new double[] {20, 20, 2}, frozen, Evasion.Config.defaults(0), List.of());
        assertFalse(e.success());
        assertNull(e.adversarial());
    }

    @Test
    void costsFileErrorsNameTheKey(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("costs.json");
        Files.writeString(f, "{\"features\": {\"A\": {\"cost_per_unit\": -1}}}");
        assertTrue(assertThrows(InputException.class, () -> Costs.read(f)).getMessage().contains("features.A.cost_per_unit"));
        Files.writeString(f, "{\"features\": {\"A\": {\"direction\": \"up\"}}}");
        assertTrue(assertThrows(InputException.class, () -> Costs.read(f)).getMessage().contains("direction"));
        Files.writeString(f, "{\"norme\": \"l1\"}");
        assertTrue(assertThrows(InputException.class, () -> Costs.read(f)).getMessage().contains("unknown key 'norme'"));
        Files.writeString(f, "{\"norm\": \"l1\", \"features\": {\"NOPE\": {\"cost_per_unit\": 1}}}");
        Costs c = Costs.read(f);
        assertThrows(InputException.class, () -> Feasibility.of(SCHEMA, null, null, c));
    }

    @Test
    void directionAndCostsFromTheFileAreRespected(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("costs.json");
        Files.writeString(f, "{\"norm\": \"l1\", \"features\": {\"A\": {\"direction\": \"increase\", \"cost_per_unit\": 1},"
                + " \"B\": {\"cost_per_unit\": 100}, \"C\": {\"immutable\": true}}}");
        Dataset d = grid(15);
        Feasibility feas = Feasibility.of(SCHEMA, null, d, Costs.read(f));
        LocalModel m = Trainer.train(d, TrainConfig.defaults(Algorithm.TREE).withMaxDepth(6), "g", Progress.NONE);
        // Towards class 1 the cheap way is to raise A, which is the only way A may move.
        Evasion.Outcome o = Evasion.evade(m, d, feas, new Evasion.Config(Evasion.Method.TREE, 0, 1, 30, 100, 1, 0,
                1_000_000, 1, 1), Progress.NONE);
        for (Evasion.Example e : o.examples()) {
            if (e.success()) {
                assertTrue(e.adversarial()[0] >= e.original()[0]);
                assertEquals(bruteForce(m, feas, e.original(), 1), e.cost(), 1e-9);
            }
        }
    }
}
