package org.mlsec.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.mlsec.Progress;
import org.mlsec.attacks.inference.MembershipInference;
import org.mlsec.attacks.inference.MembershipMethod;
import org.mlsec.attacks.inference.ReferenceEngine;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.Dataset;
import org.mlsec.data.MissingValues;
import org.mlsec.data.Split;
import org.mlsec.data.Table;
import org.mlsec.defences.detector.DataBackdoorDetector;
import org.mlsec.defences.detector.DataDiff;
import org.mlsec.defences.detector.Fairness;
import org.mlsec.defences.detector.Subgroups;
import org.mlsec.demo.LaymanBrothers;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

/**
 * Benchmark (the fourth part of bench/spark, not a test) on the real credit data, local[2]:
 * <ol>
 * <li>the audit's every-row checks (profile, diff against a snapshot, changed subgroups, fairness of a 100-tree
 * forest over SEX and AGE, value spikes) over the data in memory and over the same rows as a Parquet table of 8
 * files read by Spark ({@link SparkTable}), checked identical, each timed; then over the rows repeated 32 times
 * (960,000 rows, 32 Parquet files) as Spark tables, where the driver holds only the statistics;</li>
 * <li>16 online-LiRA references with the pool broadcast and read from partitions (blocks of 5,000 rows), checked
 * identical, each timed.</li>
 * </ol>
 */
public final class SparkAuditBench {
    static double time(String what, Supplier<Object> f, List<Object> out) {
        long t = System.nanoTime();
        out.add(f.get());
        double s = (System.nanoTime() - t) / 1e9;
        System.out.printf("  %-44s %8.2f s%n", what, s);
        return s;
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args.length > 0 ? args[0] : "../shared/data/default_credit_card.csv");
        CsvOptions o = new CsvOptions(',', "DEFAULT", Set.of("ID"), Set.of(), Set.copyOf(LaymanBrothers.COLUMNS),
                MissingValues.ERROR);
        Dataset all = CsvReader.read(data, o);
        Dataset before = all.subset(SparkReferenceEngineTest.range(0, 15_000)); // the file is in ID order: IDs 1-15,000
        Dataset after = all.subset(SparkReferenceEngineTest.range(15_000, all.rows()));
        Split halves = Split.random(all, 0.5, 0);
        LocalModel model = Trainer.train(before, TrainConfig.defaults(Algorithm.RF).withTrees(100).withSeed(1), "bench",
                Progress.NONE);
        SparkSession spark = TestSpark.local();
        SparkTables tables = new SparkTables(spark);
        Path dir = Files.createTempDirectory("mlsec-audit-bench");
        Path pb = dir.resolve("before.parquet");
        Path pa = dir.resolve("after.parquet");
        Path big = dir.resolve("after-x32.parquet");
        CsvOptions read = new CsvOptions(',', "DEFAULT", Set.of("ID"), Set.of(), Set.of(), MissingValues.ERROR);
        var csv = spark.read().option("header", "true").option("inferSchema", "true").csv(data.toString());
        csv.filter("ID <= 15000").repartition(8).write().mode(SaveMode.Overwrite).parquet(pb.toString());
        var afterFrame = csv.filter("ID > 15000");
        afterFrame.repartition(8).write().mode(SaveMode.Overwrite).parquet(pa.toString());
        var x32 = afterFrame;
        for (int k = 1; k < 32; k++) {
            x32 = x32.union(afterFrame);
        }
        x32.repartition(32).write().mode(SaveMode.Overwrite).parquet(big.toString());
        System.out.printf("machine: %d cores, %s %s; Spark %s, %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"), spark.version(),
                spark.sparkContext().master());
        List<String> prot = List.of("SEX", "AGE");
        for (String where : List.of("memory", "spark", "spark x32")) {
            Table tb = where.equals("memory") ? Table.of(before) : tables.table(pb.toString(), before.schema(), read);
            Table ta = where.equals("memory") ? Table.of(after) : tables.table(
                    (where.equals("spark") ? pa : big).toString(), before.schema(), read);
            System.out.printf("%s (%s rows against %d):%n", where, where.equals("spark x32") ? "960,000" : "15,000",
                    before.rows());
            List<Object> got = new ArrayList<>();
            double total = time("profile of the data", ta::profile, got)
                    + time("diff (KS/chi-square, PSI per feature)", () -> DataDiff.features(tb, ta), got)
                    + time("changed subgroups (every pair of conditions)", () -> Subgroups.changed(tb, ta, 1, 30, 3), got)
                    + time("fairness of the forest over SEX, AGE", () -> Fairness.measure(model, ta, prot, "0", 5), got)
                    + time("value spikes", () -> DataBackdoorDetector.spikes(ta), got);
            System.out.printf("  %-44s %8.2f s%n", "all", total);
            if (where.equals("memory")) {
                memory = got;
            } else if (where.equals("spark")) {
                System.out.println("  identical to memory: " + memory.subList(1, got.size()).equals(got.subList(1,
                        got.size())));
            }
        }
        // References: broadcast vs read from partitions
        Dataset members = halves.train();
        Dataset nonMembers = halves.test();
        TrainConfig forest = TrainConfig.defaults(Algorithm.RF).withMaxFeatures(0.7).withSeed(1);
        LocalModel target = Trainer.train(members, forest, "bench", Progress.NONE);
        SparkReferenceEngine engine = new SparkReferenceEngine(spark, false, 1);
        int refs = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        var config = new MembershipInference.Config(MembershipMethod.LIRA, refs, 42);
        long t0 = System.nanoTime();
        var broadcast = MembershipInference.infer(target, members, nonMembers, null, config,
                MembershipInference.like(forest), engine, Progress.NONE);
        double tb = (System.nanoTime() - t0) / 1e9;
        spark.conf().set(SparkReferenceEngine.BROADCAST_LIMIT, "1k");
        spark.conf().set(SparkReferenceEngine.BLOCK_ROWS, "5000");
        t0 = System.nanoTime();
        var partitioned = MembershipInference.infer(target, members, nonMembers, null, config,
                MembershipInference.like(forest), engine, Progress.NONE);
        double tp = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%d online-LiRA references, 100 full trees on 15,000 rows, scored on 30,000: broadcast %.1f s,"
                        + " read from partitions %.1f s (ratio %.2f); AUC %.4f; scores identical: %s%n", refs, tb, tp,
                tp / tb, broadcast.auc(), Arrays.equals(broadcast.scores(), partitioned.scores()));
        TestSpark.stop();
    }

    static List<Object> memory;
}
