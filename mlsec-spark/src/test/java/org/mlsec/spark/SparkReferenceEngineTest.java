package org.mlsec.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mlsec.InputException;
import org.mlsec.Progress;
import org.mlsec.attacks.inference.MembershipInference;
import org.mlsec.attacks.inference.MembershipMethod;
import org.mlsec.attacks.inference.ReferenceEngine;
import org.mlsec.data.Dataset;
import org.mlsec.demo.LaymanBrothers;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

/** The Spark engine gives exactly the local engine's references, scores and figures, for every method. */
class SparkReferenceEngineTest {
    static final TrainConfig FOREST = TrainConfig.defaults(Algorithm.RF).withTrees(12).withMaxFeatures(0.7);
    static final Dataset ALL = LaymanBrothers.generate(900, 7);
    static final Dataset MEMBERS = ALL.subset(range(0, 300));
    static final Dataset NON_MEMBERS = ALL.subset(range(300, 600));
    static final Dataset POPULATION = ALL.subset(range(600, 900));
    static final LocalModel TARGET = Trainer.train(MEMBERS, FOREST, "test", Progress.NONE);
    static SparkReferenceEngine spark;

    @BeforeAll
    static void setUp() {
        spark = new SparkReferenceEngine(TestSpark.local(), false, 1);
    }

    static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }

    static MembershipInference.Report run(MembershipMethod m, Dataset pop, MembershipInference.ReferenceTrainer t,
                                          ReferenceEngine engine) {
        return MembershipInference.infer(TARGET, MEMBERS, NON_MEMBERS, pop, new MembershipInference.Config(m, 4, 3), t,
                engine, Progress.NONE);
    }

    /** Every figure but the wall-clock time, and every score, bit for bit. */
    static void assertIdentical(MembershipInference.Report local, MembershipInference.Report remote) {
        assertArrayEquals(local.scores(), remote.scores());
        assertEquals(withoutSeconds(local.result().toJson()).toString(),
                withoutSeconds(remote.result().toJson()).toString());
    }

    static Object withoutSeconds(Object o) {
        if (o instanceof Map<?, ?> m) {
            Map<String, Object> out = new java.util.TreeMap<>();
            m.forEach((k, v) -> {
                if (!"seconds".equals(k)) {
                    out.put((String) k, withoutSeconds(v));
                }
            });
            return out;
        }
        if (o instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(v -> out.add(withoutSeconds(v)));
            return out;
        }
        return o;
    }

    @ParameterizedTest
    @EnumSource(MembershipMethod.class)
    void everyMethodIsIdenticalToLocalMode(MembershipMethod m) {
        var local = run(m, null, MembershipInference.like(TARGET), ReferenceEngine.LOCAL);
        var remote = run(m, null, MembershipInference.like(TARGET), spark);
        assertIdentical(local, remote);
        assertTrue(local.result().metric("auc") > 0.5, m + " should beat chance on an overfit forest");
    }

    @Test
    void aSeparatePopulationAndAnotherFamilyAreIdenticalToo() {
        var lr = MembershipInference.like(TrainConfig.defaults(Algorithm.LR));
        assertIdentical(run(MembershipMethod.RMIA, POPULATION, lr, ReferenceEngine.LOCAL),
                run(MembershipMethod.RMIA, POPULATION, lr, spark));
    }

    /**
     * A pool over the broadcast limit is read from partitions: blocks of rows, each reference trained from its half's
     * blocks after a shuffle and scored block by block with its model shipped as text; the same figures bit for bit.
     */
    @ParameterizedTest
    @EnumSource(MembershipMethod.class)
    void aPoolReadFromPartitionsIsIdenticalToLocalMode(MembershipMethod m) {
        var session = TestSpark.local();
        session.conf().set(SparkReferenceEngine.BROADCAST_LIMIT, "1k");
        session.conf().set(SparkReferenceEngine.BLOCK_ROWS, "70");
        try {
            java.util.Set<String> tasks = java.util.concurrent.ConcurrentHashMap.newKeySet();
            var remote = MembershipInference.infer(TARGET, MEMBERS, NON_MEMBERS, null,
                    new MembershipInference.Config(m, 4, 3), MembershipInference.like(TARGET), spark,
                    (task, done, total) -> tasks.add(task));
            assertIdentical(run(m, null, MembershipInference.like(TARGET), ReferenceEngine.LOCAL), remote);
            // label-only perturbs over the whole pool, so its pool is broadcast whatever its size
            assertEquals(m != MembershipMethod.LABEL_ONLY, tasks.contains("reference tasks"), tasks.toString());
            var lr = MembershipInference.like(TrainConfig.defaults(Algorithm.LR));
            if (m == MembershipMethod.RMIA) {
                assertIdentical(run(m, POPULATION, lr, ReferenceEngine.LOCAL), run(m, POPULATION, lr, spark));
            }
        } finally {
            session.conf().unset(SparkReferenceEngine.BROADCAST_LIMIT);
            session.conf().unset(SparkReferenceEngine.BLOCK_ROWS);
        }
    }

    @Test
    void aBadBroadcastLimitIsOneLine() {
        var session = TestSpark.local();
        session.conf().set(SparkReferenceEngine.BROADCAST_LIMIT, "lots");
        try {
            var e = assertThrows(InputException.class, () -> run(MembershipMethod.LIRA, null,
                    MembershipInference.like(TARGET), spark));
            assertTrue(e.getMessage().startsWith(SparkReferenceEngine.BROADCAST_LIMIT + " must be a size"),
                    e.getMessage());
        } finally {
            session.conf().unset(SparkReferenceEngine.BROADCAST_LIMIT);
        }
    }

    @Test
    void theEngineIsFoundOnTheClasspath() {
        assertTrue(ReferenceEngine.provider("spark").isPresent());
    }

    @Test
    void aCustomTrainerIsRefusedWithAClearMessage() {
        MembershipInference.ReferenceTrainer custom = (pool, rows, seed) -> Trainer.train(pool.subset(rows),
                FOREST.withSeed(seed), "custom", Progress.NONE);
        var e = assertThrows(InputException.class, () -> run(MembershipMethod.LIRA, null, custom, spark));
        assertTrue(e.getMessage().contains("mlsec's own trainer"), e.getMessage());
    }
}
