package org.mlsec.attacks.evasion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mlsec.Progress;
import org.mlsec.Result;
import org.mlsec.TestData;
import org.mlsec.data.Dataset;
import org.mlsec.data.Split;
import org.mlsec.defences.preprocessor.InputSchema;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

/** The acceptance figures on the real credit data: feasible flips from "default" to "no default". */
class EvasionRealDataTest {
    static Dataset data;
    static Split split;
    static Feasibility feas;

    @BeforeAll
    static void load() {
        assumeTrue(TestData.realAvailable(), "real data not present");
        data = TestData.real();
        split = Split.stratified(data, 0.5, 42);
        Costs costs = Costs.defaults(Norm.LINF).withImmutable(List.of("SEX", "AGE", "EDUCATION", "MARRIAGE"));
        feas = Feasibility.of(data.schema(), InputSchema.infer(split.train()), split.train(), costs);
    }

    static Evasion.Outcome attack(LocalModel m, Evasion.Config c) {
        Evasion.Outcome o = Evasion.evade(m, split.test(), feas, c.withFrom(1), Progress.NONE);
        Result r = o.result();
        System.out.printf("%s: success %.3f median cost %.4f p90 %.4f exact %s queries %.0f%n", r.technique(),
                r.metric("success_rate"), r.metric("median_cost"), r.metric("p90_cost"), r.metrics().get("exact_rows"),
                r.metric("median_queries"));
        for (Evasion.Example e : o.examples().subList(0, 4)) {
            System.out.println("  " + e.cost() + " lb=" + e.lowerBound() + " " + e.changes());
        }
        for (Evasion.Example e : o.examples()) {
            if (e.success()) {
                assertTrue(feas.feasible(e.original(), e.adversarial()), "feasible");
                assertEquals(1, 1);
            }
        }
        return o;
    }

    @Test
    void talkForestIsFlippedExactly() {
        LocalModel talk = Trainer.train(split.train(), TrainConfig.defaults(Algorithm.RF).withTrees(5).withMaxDepth(3)
                .withMinLeaf(100), "t", Progress.NONE);
        Evasion.Outcome o = attack(talk, Evasion.Config.defaults(0).withRows(100).withVerify(100));
        assertTrue(o.result().metric("success_rate") >= 0.9);
        Evasion.Outcome h = attack(talk, Evasion.Config.defaults(0).withRows(100).withExactBudget(1));
        System.out.println(h.result().metrics().get("median_cost"));
    }

    @Test
    void hundredTreeForest() {
        long t0 = System.nanoTime();
        LocalModel rf = Trainer.train(split.train(), TrainConfig.defaults(Algorithm.RF).withTrees(100), "t", Progress.NONE);
        System.out.printf("train %.1f s%n", (System.nanoTime() - t0) / 1e9);
        t0 = System.nanoTime();
        Evasion.Outcome o = attack(rf, Evasion.Config.defaults(0).withRows(40).withVerify(10));
        System.out.printf("attack %.1f s, bound %s%n", (System.nanoTime() - t0) / 1e9, o.result().metrics().get("median_lower_bound"));
        t0 = System.nanoTime();
        Evasion.Outcome hsj = attack(rf, Evasion.Config.defaults(0).withRows(40).withMethod(Evasion.Method.HSJ));
        System.out.printf("hsj %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }
}
