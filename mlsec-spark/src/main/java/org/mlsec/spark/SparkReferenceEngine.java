package org.mlsec.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.mlsec.InputException;
import org.mlsec.Progress;
import org.mlsec.attacks.inference.ReferenceRecipe;
import org.mlsec.attacks.inference.MembershipMethod;
import org.mlsec.attacks.inference.ReferenceEngine;
import org.mlsec.attacks.inference.ReferencePlan;
import org.mlsec.attacks.inference.ReferenceScores;
import scala.Tuple2;

/**
 * Reference models as Spark tasks. The driver fixes every reference's half and seed ({@link ReferencePlan}); the
 * training data and the candidate pool are broadcast once; task {@code k} rebuilds them on its executor, trains
 * reference {@code k} with mlsec's own trainer (rebuilt from its {@link ReferenceRecipe}) and returns only its scores on
 * the pool. The driver then does exactly what local mode does, so results are identical to
 * {@link ReferenceEngine#LOCAL} bit for bit. One partition per reference: Spark schedules them over the executors'
 * cores, and a failed task is retried by Spark with the same inputs (so with the same result).
 */
public final class SparkReferenceEngine implements ReferenceEngine {
    private final SparkSession spark;
    private final boolean owned;
    private final int threadsPerTask;

    /**
     * @param spark          the session the tasks run in
     * @param owned          whether {@link #close()} stops the session
     * @param threadsPerTask worker threads each reference's trainer uses (1 when every core runs a task)
     */
    public SparkReferenceEngine(SparkSession spark, boolean owned, int threadsPerTask) {
        if (threadsPerTask < 1) {
            throw new IllegalArgumentException("threadsPerTask must be at least 1, got " + threadsPerTask);
        }
        this.spark = spark;
        this.owned = owned;
        this.threadsPerTask = threadsPerTask;
    }

    /**
     * A session on {@code master} (null: whatever spark-submit configured), stopped by {@link #close()}.
     *
     * @param master a Spark master URL, or null
     * @return the engine
     */
    public static SparkReferenceEngine connect(String master) {
        SparkConf conf = new SparkConf().setAppName("mlsec");
        if (master != null) {
            conf.setMaster(master);
        }
        return connect(conf);
    }

    /**
     * A session with these settings (the Spark UI off unless asked for), stopped by {@link #close()}; when this JVM
     * already runs a session (a notebook, a test class, an application embedding mlsec) that session is used and
     * left running, provided it runs on the master asked for.
     *
     * @param conf the session's settings
     * @return the engine
     */
    public static SparkReferenceEngine connect(SparkConf conf) {
        conf.setIfMissing("spark.app.name", "mlsec");
        conf.setIfMissing("spark.ui.enabled", "false");
        java.util.Optional<SparkSession> existing = running();
        if (existing.isPresent()) {
            SparkSession s = existing.get();
            String asked = conf.get("spark.master", null);
            if (asked != null && !asked.equals(s.sparkContext().master())) {
                throw new InputException("this JVM already runs a Spark session on " + s.sparkContext().master()
                        + "; it cannot also connect to " + asked);
            }
            return new SparkReferenceEngine(s, false, Integer.parseInt(s.sparkContext().getConf()
                    .get("spark.task.cpus", "1")));
        }
        return new SparkReferenceEngine(SparkSession.builder().config(conf).getOrCreate(), true,
                Integer.parseInt(conf.get("spark.task.cpus", "1")));
    }

    /**
     * The session this JVM runs (the thread's active one, else the default one), unless it was stopped.
     *
     * @return the session, or empty
     */
    public static java.util.Optional<SparkSession> running() {
        for (var o : List.of(SparkSession.getActiveSession(), SparkSession.getDefaultSession())) {
            if (o.isDefined() && !o.get().sparkContext().isStopped()) {
                return java.util.Optional.of(o.get());
            }
        }
        return java.util.Optional.empty();
    }

    @Override
    public List<ReferenceScores> run(ReferencePlan plan, Progress progress) {
        if (!(plan.trainer() instanceof ReferenceRecipe.Described described)) {
            throw new InputException("the Spark engine trains reference models with mlsec's own trainers, rebuilt on"
                    + " the executors from a ReferenceRecipe (MembershipInference.like, the defences' recipes), not"
                    + " with a custom trainer");
        }
        ReferenceRecipe recipe = described.recipe().withThreads(threadsPerTask);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        long bytes = wireBytes(plan.pool()) + (plan.trainingData() == plan.pool() ? 0 : wireBytes(plan.trainingData()));
        if (bytes > broadcastLimit() && PartitionedReferences.supports(plan, recipe)) {
            return partitioned(jsc, plan, recipe, progress);
        }
        WireDataset pool = new WireDataset(plan.pool());
        Broadcast<WireDataset> poolB = jsc.broadcast(pool);
        Broadcast<WireDataset> trainB = plan.trainingData() == plan.pool() ? poolB
                : jsc.broadcast(new WireDataset(plan.trainingData()));
        Task task = new Task(plan.method().name(), plan.seed(), plan.halves(), plan.seeds(), recipe.kind(),
                new java.util.TreeMap<>(recipe.params()), poolB, trainB);
        int n = plan.references();
        AtomicInteger done = new AtomicInteger();
        SparkListener listener = new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (end.taskInfo().successful()) {
                    progress.update("reference models", Math.min(done.incrementAndGet(), n), n);
                }
            }
        };
        spark.sparkContext().addSparkListener(listener);
        try {
            JavaRDD<Integer> ks = jsc.parallelize(IntStream.range(0, n).boxed().toList(), n);
            List<Tuple2<Integer, ReferenceScores>> got = ks.map(task::score).collect().stream()
                    .map(w -> new Tuple2<>(w.k, new ReferenceScores(w.pTrue, w.proba))).toList();
            ReferenceScores[] out = new ReferenceScores[n];
            for (Tuple2<Integer, ReferenceScores> t : got) {
                out[t._1()] = t._2();
            }
            return new ArrayList<>(List.of(out));
        } finally {
            spark.sparkContext().removeSparkListener(listener);
            if (trainB != poolB) {
                trainB.destroy();
            }
            poolB.destroy();
        }
    }

    /** Spark's setting of the most bytes of training rows and pool broadcast to every executor. */
    public static final String BROADCAST_LIMIT = "spark.mlsec.broadcastLimit";
    /** Spark's setting of the rows per block when the pool is read from partitions. */
    public static final String BLOCK_ROWS = "spark.mlsec.blockRows";

    /**
     * The most bytes of training rows and pool that are broadcast ({@value #BROADCAST_LIMIT}, Spark's size syntax:
     * 512m, 4g); by default a quarter of {@code spark.executor.memory} (1g unless set). Above it the pool is read
     * from partitions ({@link PartitionedReferences}) where the method and recipe allow.
     */
    long broadcastLimit() {
        String set = spark.conf().get(BROADCAST_LIMIT, null);
        if (set != null) {
            try {
                return org.apache.spark.network.util.JavaUtils.byteStringAsBytes(set);
            } catch (NumberFormatException e) {
                throw new InputException(BROADCAST_LIMIT + " must be a size such as 512m or 4g, got '" + set + "'");
            }
        }
        return spark.sparkContext().getConf().getSizeAsBytes("spark.executor.memory", "1g") / 4;
    }

    /** About what a data set weighs once broadcast: 8 bytes a value and a row's array header. */
    static long wireBytes(org.mlsec.data.Dataset d) {
        return (long) d.rows() * (8L * d.schema().width() + 24);
    }

    private List<ReferenceScores> partitioned(JavaSparkContext jsc, ReferencePlan plan, ReferenceRecipe recipe,
                                              Progress progress) {
        int blockRows;
        try {
            blockRows = Integer.parseInt(spark.conf().get(BLOCK_ROWS, "10000"));
        } catch (NumberFormatException e) {
            throw new InputException(BLOCK_ROWS + " must be a whole number of rows, got '"
                    + spark.conf().get(BLOCK_ROWS, null) + "'");
        }
        if (blockRows < 1) {
            throw new InputException(BLOCK_ROWS + " must be at least 1, got " + blockRows);
        }
        int n = plan.references();
        int poolBlocks = (plan.pool().rows() + blockRows - 1) / blockRows;
        int trainingBlocks = (plan.trainingData().rows() + blockRows - 1) / blockRows;
        int tasks = trainingBlocks + n + n * poolBlocks;
        System.err.printf(java.util.Locale.ROOT, "mlsec: the pool is read from partitions (%d blocks of up to %d rows;"
                + " over %s = %,d bytes): %d tasks%n", poolBlocks, blockRows, BROADCAST_LIMIT, broadcastLimit(), tasks);
        AtomicInteger done = new AtomicInteger();
        SparkListener listener = new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (end.taskInfo().successful()) {
                    progress.update("reference tasks", Math.min(done.incrementAndGet(), tasks), tasks);
                }
            }
        };
        spark.sparkContext().addSparkListener(listener);
        try {
            return PartitionedReferences.run(jsc, plan, recipe, blockRows, java.util.UUID.randomUUID().toString());
        } finally {
            spark.sparkContext().removeSparkListener(listener);
        }
    }

    /** Parquet files and folders, folders of CSV parts and cluster URIs, read by this session ({@link SparkTables}). */
    @Override
    public java.util.Optional<org.mlsec.data.TableReader> tables() {
        return java.util.Optional.of(new SparkTables(spark));
    }

    /**
     * Executors the session has now (the driver not counted).
     *
     * @return the number of executors
     */
    public int executors() {
        return spark.sparkContext().statusTracker().getExecutorInfos().length - 1;
    }

    @Override
    public void close() {
        if (owned) {
            spark.stop();
        }
    }

    /**
     * What one task needs: shipped with the closure (small), the data by broadcast. The trainer travels as its
     * recipe (text parameters) and is parsed back into one of mlsec's own trainers on the executor.
     */
    private record Task(String method, long seed, int[][] halves, long[] seeds, String recipeKind,
                        java.util.TreeMap<String, String> recipeParams, Broadcast<WireDataset> pool,
                        Broadcast<WireDataset> training) implements Serializable {
        Scores score(int k) {
            var pl = pool.value().toDataset();
            var tr = training == pool ? pl : training.value().toDataset();
            ReferencePlan plan = new ReferencePlan(MembershipMethod.valueOf(method), seed, tr, pl, halves, seeds,
                    new ReferenceRecipe(recipeKind, recipeParams).trainer());
            ReferenceScores s = plan.score(k);
            return new Scores(k, s.pTrue(), s.proba());
        }
    }

    /** A task's answer: which reference, and its scores. */
    private record Scores(int k, double[] pTrue, double[][] proba) implements Serializable {
    }
}
