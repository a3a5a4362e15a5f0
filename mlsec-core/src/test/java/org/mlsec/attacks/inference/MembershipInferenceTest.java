package org.mlsec.attacks.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mlsec.Progress;
import org.mlsec.TestData;
import org.mlsec.data.Dataset;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

class MembershipInferenceTest {
    @TempDir
    static Path dir;
    static Dataset members;
    static Dataset nonMembers;
    static LocalModel overfit;
    static LocalModel unrelated;
    static final TrainConfig FOREST = TrainConfig.defaults(Algorithm.RF).withTrees(30).withMaxFeatures(0.7);

    @BeforeAll
    static void setUp() throws IOException {
        Dataset all = TestData.layman(4_500, 11, dir);
        members = all.subset(range(0, 1_500));
        nonMembers = all.subset(range(1_500, 3_000));
        overfit = Trainer.train(members, FOREST, "test", Progress.NONE);
        unrelated = Trainer.train(all.subset(range(3_000, 4_500)), FOREST, "test", Progress.NONE);
    }

    static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }

    static MembershipInference.Report attack(LocalModel target, MembershipMethod m) {
        return MembershipInference.infer(target, members, nonMembers, null, new MembershipInference.Config(m, 4, 1),
                MembershipInference.like(target), Progress.NONE);
    }

    @ParameterizedTest
    @EnumSource(MembershipMethod.class)
    void everyAttackBeatsChanceOnAnOverfitForest(MembershipMethod m) {
        var r = attack(overfit, m).result();
        assertTrue(r.metric("auc") > 0.6, m + " AUC " + r.metric("auc"));
        assertTrue(r.metric("balanced_accuracy") > 0.55, m + " balanced accuracy " + r.metric("balanced_accuracy"));
        assertEquals(m.key(), r.metrics().get("method"));
    }

    @ParameterizedTest
    @EnumSource(MembershipMethod.class)
    void everyAttackSitsAtChanceOnAModelThatNeverSawTheMembers(MembershipMethod m) {
        var r = attack(unrelated, m).result();
        assertEquals(0.5, r.metric("auc"), 0.05, m.toString());
        assertEquals(0.0, r.metric("advantage"), 0.08, m.toString());
    }
}
