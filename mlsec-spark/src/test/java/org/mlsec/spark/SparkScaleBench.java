package org.mlsec.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.mlsec.Progress;
import org.mlsec.attacks.inference.MembershipInference;
import org.mlsec.attacks.inference.MembershipMethod;
import org.mlsec.attacks.inference.ReferenceEngine;
import org.mlsec.attacks.inference.ReferencePlan;
import org.mlsec.attacks.inference.ReferenceScores;
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
 * Benchmark (bench/spark, not a test): the setup on the real credit data (target = 100 fully grown trees,
 * max_features 0.7, on a random half; members = that half, non-members = the rest; references = the same forest on
 * random halves of all rows). Online LiRA and RMIA with 8, 16, 32 and 64 references, then 64 references on a
 * two-worker standalone cluster on the same machine, checked identical to local mode.
 *
 * <p>The references of a K-reference run are the first K of a 64-reference run (the driver draws reference k's half
 * and seed from one random stream, in order), and LiRA and RMIA observe a reference the same way, so 64 references
 * are trained once locally and serve every row of the table: the figures are exactly those of separate runs.
 */
public final class SparkScaleBench {
    /** Trains each reference once and hands out prefixes; times every reference. */
    static final class Prefixes implements ReferenceEngine {
        final List<ReferenceScores> done = new ArrayList<>();
        final List<Double> seconds = new ArrayList<>();

        @Override
        public List<ReferenceScores> run(ReferencePlan plan, Progress progress) {
            while (done.size() < plan.references()) {
                long t = System.nanoTime();
                done.add(plan.score(done.size()));
                seconds.add((System.nanoTime() - t) / 1e9);
                progress.update("reference models", done.size(), plan.references());
            }
            return List.copyOf(done.subList(0, plan.references()));
        }
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args.length > 0 ? args[0] : "../shared/data/default_credit_card.csv");
        int max = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        Dataset all = CsvReader.read(data, new CsvOptions(',', "DEFAULT", Set.of("ID"), Set.of(),
                Set.copyOf(LaymanBrothers.COLUMNS)));
        Split s = Split.random(all, 0.5, 0);
        TrainConfig c = TrainConfig.defaults(Algorithm.RF).withMaxFeatures(0.7).withSeed(1);
        ForestModel target = ForestTrainer.train(s.train(), c, "bench", Progress.NONE);
        Progress stderr = (task, d, t) -> System.err.printf("\r  %s %d/%d", task, d, t);
        Prefixes local = new Prefixes();
        long t0 = System.nanoTime();
        MembershipInference.Report full = MembershipInference.infer(target, s.train(), s.test(), null,
                new MembershipInference.Config(MembershipMethod.LIRA, max, 42), MembershipInference.like(c), local,
                stderr);
        double localSeconds = (System.nanoTime() - t0) / 1e9;
        double[] per = local.seconds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.err.println();
        System.out.printf("machine: %d cores, %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        System.out.printf("local, %d references: %.1f s in all; per reference (train 100 trees on %d rows + score %d"
                        + " rows, 2 threads) median %.2f s, min %.2f s, max %.2f s%n", max, localSeconds,
                all.rows() / 2, all.rows(), per[per.length / 2], per[0], per[per.length - 1]);
        System.out.println("| method | references | AUC | TPR at 0.1% FPR | TPR at 1% FPR |");
        System.out.println("|---|---|---|---|---|");
        for (MembershipMethod m : List.of(MembershipMethod.LIRA, MembershipMethod.RMIA)) {
            for (int k = 8; k <= max; k *= 2) {
                var r = MembershipInference.infer(target, s.train(), s.test(), null,
                        new MembershipInference.Config(m, k, 42), MembershipInference.like(c), local,
                        Progress.NONE).result();
                System.out.printf("| %s | %d | %.4f | %.4f | %.4f |%n", m.key(), k, r.metric("auc"),
                        r.metric("tpr_at_fpr_0_001"), r.metric("tpr_at_fpr_0_01"));
            }
        }
        Path dir = Files.createTempDirectory("mlsec-spark-bench");
        long c0 = System.nanoTime();
        try (LocalCluster cluster = new LocalCluster(dir, 2, "3g", Duration.ofSeconds(120))) {
            double startup = (System.nanoTime() - c0) / 1e9;
            long t1 = System.nanoTime();
            MembershipInference.Report onCluster = MembershipInference.infer(target, s.train(), s.test(), null,
                    new MembershipInference.Config(MembershipMethod.LIRA, max, 42), MembershipInference.like(c),
                    cluster.engine(), stderr);
            double clusterSeconds = (System.nanoTime() - t1) / 1e9;
            System.err.println();
            boolean same = Arrays.equals(full.scores(), onCluster.scores());
            System.out.printf("two-worker cluster (1 core each), %d references: %.1f s (cluster start %.1f s);"
                            + " local %.1f s; ratio cluster/local %.2f; scores identical to local: %s%n", max,
                    clusterSeconds, startup, localSeconds, clusterSeconds / localSeconds, same);
            if (!same) {
                throw new IllegalStateException("the cluster's scores differ from local mode");
            }
        }
    }
}
