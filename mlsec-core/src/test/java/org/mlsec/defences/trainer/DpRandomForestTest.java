package org.mlsec.defences.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mlsec.InputException;
import org.mlsec.data.Column;
import org.mlsec.data.ColumnType;
import org.mlsec.data.Dataset;
import org.mlsec.demo.LaymanBrothers;
import org.mlsec.data.Schema;
import org.mlsec.defences.preprocessor.InputSchema;
import org.mlsec.metrics.Evaluation;
import org.mlsec.model.tree.Tree;

class DpRandomForestTest {
    static final Schema TWO = new Schema(List.of(Column.numeric("a", ColumnType.NUMERIC, 0, 10),
            Column.numeric("b", ColumnType.NUMERIC, 0, 10)), "y", List.of("0", "1"));

    static Dataset rows(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] x = new double[n][];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            x[i] = new double[] {10 * r.nextDouble(), 10 * r.nextDouble()};
            y[i] = x[i][0] + r.nextDouble() > 5.5 ? 1 : 0;
        }
        return new Dataset(TWO, x, y);
    }

    @Test
    void leafNoiseIsLaplaceOfScaleOneOverEpsilon() {
        // one leaf per tree: its two values are the true class counts plus Laplace(1/eps) noise
        Dataset d = rows(400, 1);
        int ones = Arrays.stream(d.y()).sum();
        double eps = 0.5;
        int draws = 3000;
        double[] noise = new double[draws];
        for (int s = 0; s < draws; s++) {
            Tree t = DpRandomForest.train(d, TWO, "test", new DpRandomForest.Config(1, 0, eps, 0,
                    DpRandomForest.Composition.DISJOINT, s)).model().trees().get(0);
            noise[s] = t.value()[1] - ones;
        }
        double meanAbs = Arrays.stream(noise).map(Math::abs).average().orElseThrow();
        assertEquals(1 / eps, meanAbs, 0.1 * (1 / eps), "E|Laplace(b)| = b"); // sd of the mean ~ b / sqrt(3000)
        // Kolmogorov-Smirnov against the Laplace CDF: the 1% critical value is 1.63 / sqrt(n)
        Arrays.sort(noise);
        double ks = 0;
        for (int i = 0; i < draws; i++) {
            double x = noise[i] * eps;
            double cdf = x < 0 ? 0.5 * Math.exp(x) : 1 - 0.5 * Math.exp(-x);
            ks = Math.max(ks, Math.max(Math.abs(cdf - (double) i / draws), Math.abs(cdf - (i + 1.0) / draws)));
        }
        assertTrue(ks < 1.63 / Math.sqrt(draws), "KS distance " + ks);
        // a scale twice as large is rejected by the same test: the test can fail
        double wrong = 0;
        for (int i = 0; i < draws; i++) {
            double x = noise[i] * eps / 2;
            double cdf = x < 0 ? 0.5 * Math.exp(x) : 1 - 0.5 * Math.exp(-x);
            wrong = Math.max(wrong, Math.abs(cdf - (i + 0.5) / draws));
        }
        assertTrue(wrong > 1.63 / Math.sqrt(draws), "KS distance to the wrong scale " + wrong);
    }

    @Test
    void structureDependsOnTheSeedAndBoundsOnlyNeverOnTheRows() {
        DpRandomForest.Config c = new DpRandomForest.Config(3, 4, 1, 0, DpRandomForest.Composition.DISJOINT, 9);
        List<Tree> a = DpRandomForest.train(rows(300, 1), TWO, "test", c).model().trees();
        List<Tree> b = DpRandomForest.train(rows(500, 2), TWO, "test", c).model().trees();
        for (int t = 0; t < 3; t++) {
            assertArrayEquals(a.get(t).feature(), b.get(t).feature());
            assertArrayEquals(a.get(t).threshold(), b.get(t).threshold(), 0);
            for (int n = 0; n < a.get(t).nodes(); n++) {
                if (!a.get(t).isLeaf(n)) {
                    assertTrue(a.get(t).threshold()[n] >= 0 && a.get(t).threshold()[n] <= 10, "within the public bounds");
                }
            }
        }
        assertNotEquals(Arrays.toString(a.get(0).value()), Arrays.toString(b.get(0).value()));
    }

    @Test
    void accountantRecordsTheBudgetInTheProvenance() {
        DpRandomForest.Trained disjoint = DpRandomForest.train(rows(200, 1), TWO, "schema.json",
                new DpRandomForest.Config(10, 3, 2, 0, DpRandomForest.Composition.DISJOINT, 1));
        assertEquals(2, disjoint.treeEpsilon(), 0);
        assertEquals(2, disjoint.model().provenance().metrics().get("epsilon_spent"), 0);
        assertEquals("schema.json", disjoint.model().provenance().hyperparameters().get("bounds_source"));
        DpRandomForest.Trained shared = DpRandomForest.train(rows(200, 1), TWO, "schema.json",
                new DpRandomForest.Config(10, 3, 2, 0, DpRandomForest.Composition.SHARED, 1));
        assertEquals(0.2, shared.treeEpsilon(), 1e-12);
        assertEquals("sequential", shared.spent().rule());
        assertTrue(shared.spent().epsilon() <= 2 + 1e-12);
    }

    @Test
    void advancedCompositionGivesMorePerTreeOnlyWhenItIsTheBetterBound() {
        PrivacyAccountant.Plan many = PrivacyAccountant.perStep(1, 1e-5, 1000);
        assertTrue(many.stepEpsilon() > 1.0 / 1000, "advanced composition wins for 1000 steps");
        assertEquals("advanced", many.total().rule());
        assertTrue(many.total().epsilon() <= 1 + 1e-9);
        assertEquals(1e-5, many.total().delta(), 0);
        PrivacyAccountant.Plan few = PrivacyAccountant.perStep(1, 1e-5, 3);
        assertEquals(1.0 / 3, few.stepEpsilon(), 1e-12);
        assertEquals("sequential", few.total().rule());
    }

    @Test
    void forestOnCreditLikeDataLearnsAtLargeEpsilonAndRefusesMissingBounds() {
        Dataset d = LaymanBrothers.generate(4_000, 3).select(LaymanBrothers.COLUMNS.subList(1, 24));
        double majority = Arrays.stream(d.classShares()).max().orElseThrow();
        Schema bounds = InputSchema.infer(d).toSchema(); // stands for public bounds in this test
        DpRandomForest.Trained t = DpRandomForest.train(d, bounds, "test", DpRandomForest.Config.of(100, 1));
        assertTrue(Evaluation.accuracy(t.model(), d) >= majority, "at least the majority class");
        Schema open = bounds.withFeature(1, Column.numeric(d.schema().feature(1).name(), ColumnType.NUMERIC,
                Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY));
        InputException e = assertThrows(InputException.class, () -> DpRandomForest.train(d, open, "x", DpRandomForest.Config.of(1, 1)));
        assertTrue(e.getMessage().contains("bounds of " + d.schema().feature(1).name()), e.getMessage());
        assertThrows(InputException.class, () -> new DpRandomForest.Config(10, 3, 0, 0, DpRandomForest.Composition.DISJOINT, 1));
    }

    @Test
    void membershipReferencesOfADpForestAreDpForestsOnItsBounds() {
        Dataset d = rows(300, 1);
        Schema narrow = new Schema(List.of(Column.numeric("a", ColumnType.NUMERIC, 0, 10),
                Column.numeric("b", ColumnType.NUMERIC, 0, 10)), "y", List.of("0", "1"));
        var target = DpRandomForest.train(d, narrow, "test", new DpRandomForest.Config(4, 3, 2, 0,
                DpRandomForest.Composition.DISJOINT, 5)).model();
        var ref = (org.mlsec.model.LocalModel) org.mlsec.attacks.inference.MembershipInference.like(target)
                .train(d, new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 77);
        assertEquals("dp_random_forest", ref.provenance().algorithm());
        assertEquals("2.0", ref.provenance().hyperparameters().get("epsilon"));
        assertEquals("4", ref.provenance().hyperparameters().get("trees"));
    }
}
