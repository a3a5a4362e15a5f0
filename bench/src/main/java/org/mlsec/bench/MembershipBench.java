package org.mlsec.bench;

import java.nio.file.Path;
import java.util.Set;
import org.mlsec.Progress;
import org.mlsec.attacks.inference.MembershipInference;
import org.mlsec.attacks.inference.MembershipMethod;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.Dataset;
import org.mlsec.demo.LaymanBrothers;
import org.mlsec.data.Split;
import org.mlsec.model.Algorithm;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.tree.ForestModel;
import org.mlsec.model.tree.ForestTrainer;

/**
 * Membership inference set up as ../shared/peers/mia_sklearn.py: target = 100 fully grown trees, max_features=0.7,
 * on a random half of the credit data; members = that half, non-members = the rest; 8 reference forests on random
 * halves of all rows. Prints the time to train the references and each attack's figures.
 */
public final class MembershipBench {
    public static void main(String[] args) {
        Path data = Path.of(args.length > 0 ? args[0] : "../shared/data/default_credit_card.csv");
        int k = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        Dataset all = CsvReader.read(data, new CsvOptions(',', "DEFAULT", Set.of("ID"), Set.of(),
                Set.copyOf(LaymanBrothers.COLUMNS)));
        Split s = Split.random(all, 0.5, 0);
        TrainConfig c = TrainConfig.defaults(Algorithm.RF).withMaxFeatures(0.7).withSeed(1);
        long t0 = System.nanoTime();
        ForestModel target = ForestTrainer.train(s.train(), c, "bench", Progress.NONE);
        System.out.printf("target trained in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        for (MembershipMethod m : MembershipMethod.values()) {
            long[] refTime = new long[1];
            long start = System.nanoTime();
            MembershipInference.ReferenceTrainer like = MembershipInference.like(c);
            MembershipInference.ReferenceTrainer timed = (pool, rows, seed) -> {
                long a = System.nanoTime();
                var model = like.train(pool, rows, seed);
                refTime[0] += System.nanoTime() - a;
                return model;
            };
            var r = MembershipInference.infer(target, s.train(), s.test(), null,
                    new MembershipInference.Config(m, k, 42), timed, Progress.NONE).result();
            System.out.printf("%-13s K=%d: references trained in %.1f s (attack total %.1f s) AUC=%.4f TPR@0.1%%=%.4f TPR@1%%=%.4f%n",
                    m.key(), k, refTime[0] / 1e9, (System.nanoTime() - start) / 1e9, r.metric("auc"),
                    r.metric("tpr_at_fpr_0_001"), r.metric("tpr_at_fpr_0_01"));
        }
    }
}
