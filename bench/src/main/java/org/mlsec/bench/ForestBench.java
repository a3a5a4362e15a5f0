package org.mlsec.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.mlsec.Progress;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.Dataset;
import org.mlsec.demo.LaymanBrothers;
import org.mlsec.data.Split;
import org.mlsec.metrics.Metrics;
import org.mlsec.model.Algorithm;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.tree.ForestModel;
import org.mlsec.model.tree.ForestTrainer;

/**
 * Forest speed, set up as ../shared/peers/forest_sklearn.py: 100 fully grown trees, max_features=0.7, trained on a
 * random half of the credit data; times training (1 and 2 threads) and predicting all 30,000 rows.
 * One warm-up round, then the median of {@code reps} timed rounds.
 *
 * <pre>java -cp ... org.mlsec.bench.ForestBench [DATA.csv] [reps]</pre>
 */
public final class ForestBench {
    public static void main(String[] args) {
        Path data = Path.of(args.length > 0 ? args[0] : "../shared/data/default_credit_card.csv");
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Dataset all = Files.exists(data)
                ? CsvReader.read(data, CsvOptions.labelled("DEFAULT", "ID").withTypes(java.util.Set.of(),
                        java.util.Set.copyOf(LaymanBrothers.COLUMNS)))
                : LaymanBrothers.generate(30_000, 42).select(LaymanBrothers.COLUMNS.subList(1, 24));
        System.out.printf("data: %s (%d rows, %d features); %d cores; %s%n", Files.exists(data) ? data : "layman-brothers",
                all.rows(), all.schema().width(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name")
                        + " " + System.getProperty("java.version"));
        Split split = Split.random(all, 0.5, 42);
        for (int threads : new int[] {1, 2}) {
            TrainConfig c = TrainConfig.defaults(Algorithm.RF).withTrees(100).withMaxFeatures(0.7).withSeed(1)
                    .withThreads(threads);
            double[] fit = new double[reps];
            double[] pred = new double[reps];
            ForestModel m = null;
            for (int r = -1; r < reps; r++) {
                long t0 = System.nanoTime();
                m = ForestTrainer.train(split.train(), c, "bench", Progress.NONE);
                long t1 = System.nanoTime();
                m.predictProba(all.x());
                long t2 = System.nanoTime();
                if (r >= 0) {
                    fit[r] = (t1 - t0) / 1e9;
                    pred[r] = (t2 - t1) / 1e9;
                }
            }
            double testAcc = Metrics.accuracy(split.test().y(), m.predict(split.test().x()));
            double trainAcc = Metrics.accuracy(split.train().y(), m.predict(split.train().x()));
            int nodes = m.trees().stream().mapToInt(t -> t.nodes()).sum();
            int depth = m.trees().stream().mapToInt(t -> t.depth()).max().orElse(0);
            System.out.printf("mlsec threads=%d fit=%.2fs predict_%d=%.3fs test_acc=%.4f train_acc=%.4f nodes=%d max_depth=%d%n",
                    threads, median(fit), all.rows(), median(pred), testAcc, trainAcc, nodes, depth);
        }
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
