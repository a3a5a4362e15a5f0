package org.mlsec.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.mlsec.InputException;
import org.mlsec.attacks.inference.MembershipMethod;
import org.mlsec.attacks.inference.ReferencePlan;
import org.mlsec.attacks.inference.ReferenceRecipe;
import org.mlsec.attacks.inference.ReferenceScores;
import org.mlsec.data.Dataset;
import org.mlsec.model.Classifier;
import org.mlsec.model.LocalModel;
import org.mlsec.model.ModelIo;
import scala.Tuple2;

/**
 * Reference models for a pool too large to broadcast to every executor: the training rows and the pool are cut
 * into blocks of rows held in Spark partitions, and no task ever holds the whole pool.
 * <ol>
 * <li>Each block sends to reference {@code k} its rows in {@code k}'s half (a shuffle keyed by reference); the task
 * of reference {@code k} puts its blocks back in row order — exactly the rows {@code trainingData.subset(halves[k])}
 * holds — and trains the reference on them with its recipe's trainer and seed.</li>
 * <li>The trained references are kept where they were trained (one job, so each is trained once); then each
 * travels as the text of its mlsec model file (parsed where it arrives: trees and weights, never code) to the tasks
 * of every pool block ({@code cartesian}), which score their block row by row ({@link ReferencePlan#scoreRows}); an
 * executor keeps the last few references it parsed.</li>
 * </ol>
 * Only the scores come back, and since a reference is trained on the same rows in the same order with the same
 * seed and scored row by row, they are the broadcast engine's scores bit for bit. Label-only attacks (their
 * perturbations are drawn over the whole pool) and recipes with an output hardening (its noise follows the order of
 * queries) are scored whole, by the broadcast engine.
 */
final class PartitionedReferences {
    private PartitionedReferences() {
    }

    /**
     * Whether a plan can run here: its pool is scored row by row and its recipe has no output hardening.
     *
     * @param plan   the references
     * @param recipe their recipe
     * @return true when the pool may be read from partitions
     */
    static boolean supports(ReferencePlan plan, ReferenceRecipe recipe) {
        return ReferencePlan.rowWise(plan.method()) && !recipe.params().containsKey("output");
    }

    /** Consecutive rows of a data set, from row {@code start}. */
    record Block(int start, WireDataset rows) implements Serializable {
    }

    /** One reference's scores on one pool block. */
    record Part(int k, int start, double[] pTrue, double[][] proba) implements Serializable {
    }

    static List<Block> blocks(Dataset d, int blockRows) {
        List<Block> out = new ArrayList<>();
        for (int start = 0; start < d.rows(); start += blockRows) {
            int end = Math.min(d.rows(), start + blockRows);
            int[] idx = new int[end - start];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = start + i;
            }
            out.add(new Block(start, new WireDataset(d.subset(idx))));
        }
        return out;
    }

    /** Per reference, its half as a bit set over the training rows. */
    static long[][] halves(ReferencePlan plan) {
        long[][] bits = new long[plan.references()][(plan.trainingData().rows() + 63) / 64];
        for (int k = 0; k < bits.length; k++) {
            for (int i : plan.halves()[k]) {
                bits[k][i >>> 6] |= 1L << i;
            }
        }
        return bits;
    }

    static List<ReferenceScores> run(JavaSparkContext jsc, ReferencePlan plan, ReferenceRecipe recipe, int blockRows,
                                     String runId) {
        int n = plan.references();
        Broadcast<long[][]> halves = jsc.broadcast(halves(plan));
        List<Block> poolBlocks = blocks(plan.pool(), blockRows);
        JavaRDD<Block> pool = jsc.parallelize(poolBlocks, poolBlocks.size()).persist(StorageLevel.MEMORY_AND_DISK());
        List<Block> trainingBlocks = plan.trainingData() == plan.pool() ? poolBlocks
                : blocks(plan.trainingData(), blockRows);
        JavaRDD<Block> training = plan.trainingData() == plan.pool() ? pool
                : jsc.parallelize(trainingBlocks, trainingBlocks.size());
        Train train = new Train(plan.seeds(), recipe.kind(), new java.util.TreeMap<>(recipe.params()));
        JavaPairRDD<Integer, byte[]> models = null;
        try {
            models = training.flatMapToPair(new Split(halves))
                    .groupByKey(new HashPartitioner(n))
                    .mapToPair(train)
                    .persist(StorageLevel.MEMORY_AND_DISK());
            models.count(); // every reference trained once, and kept, before the scoring tasks read it
            List<Part> parts = models.cartesian(pool).map(new Score(plan.method().name(), runId)).collect();
            double[][] pTrue = new double[n][plan.pool().rows()];
            double[][][] proba = new double[n][plan.pool().rows()][];
            for (Part p : parts) {
                System.arraycopy(p.pTrue(), 0, pTrue[p.k()], p.start(), p.pTrue().length);
                System.arraycopy(p.proba(), 0, proba[p.k()], p.start(), p.proba().length);
            }
            List<ReferenceScores> out = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                out.add(new ReferenceScores(pTrue[k], proba[k]));
            }
            return out;
        } finally {
            if (models != null) {
                models.unpersist(false);
            }
            pool.unpersist(false);
            halves.destroy();
        }
    }

    /** A training block's rows, sent to every reference whose half holds some of them. */
    private record Split(Broadcast<long[][]> halves)
            implements org.apache.spark.api.java.function.PairFlatMapFunction<Block, Integer, Block> {
        @Override
        public java.util.Iterator<Tuple2<Integer, Block>> call(Block b) {
            Dataset rows = b.rows().toDataset();
            long[][] h = halves.value();
            List<Tuple2<Integer, Block>> out = new ArrayList<>();
            for (int k = 0; k < h.length; k++) {
                int[] idx = new int[rows.rows()];
                int m = 0;
                for (int i = 0; i < rows.rows(); i++) {
                    int row = b.start() + i;
                    if ((h[k][row >>> 6] & (1L << row)) != 0) {
                        idx[m++] = i;
                    }
                }
                if (m > 0) {
                    out.add(new Tuple2<>(k, new Block(b.start(), new WireDataset(rows.subset(
                            java.util.Arrays.copyOf(idx, m))))));
                }
            }
            return out.iterator();
        }
    }

    /** Reference k, trained on its blocks in row order, as the bytes of its mlsec model file. */
    private record Train(long[] seeds, String recipeKind, java.util.TreeMap<String, String> recipeParams)
            implements org.apache.spark.api.java.function.PairFunction<Tuple2<Integer, Iterable<Block>>, Integer, byte[]> {
        @Override
        public Tuple2<Integer, byte[]> call(Tuple2<Integer, Iterable<Block>> in) throws java.io.IOException {
            List<Block> blocks = new ArrayList<>();
            in._2().forEach(blocks::add);
            blocks.sort(Comparator.comparingInt(Block::start));
            List<Dataset> parts = new ArrayList<>();
            int rows = 0;
            for (Block b : blocks) {
                parts.add(b.rows().toDataset());
                rows += parts.get(parts.size() - 1).rows();
            }
            double[][] x = new double[rows][];
            int[] y = new int[rows];
            int at = 0;
            for (Dataset d : parts) {
                System.arraycopy(d.x(), 0, x, at, d.rows());
                System.arraycopy(d.y(), 0, y, at, d.rows());
                at += d.rows();
            }
            Dataset half = new Dataset(parts.get(0).schema(), x, y);
            int[] all = new int[half.rows()];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            int k = in._1();
            Classifier m = new ReferenceRecipe(recipeKind, recipeParams).trainer().train(half, all, seeds[k]);
            if (!(m instanceof LocalModel lm)) {
                throw new InputException("reference recipe '" + recipeKind + "' trained a "
                        + m.getClass().getSimpleName() + ", which cannot travel to the pool's partitions");
            }
            return new Tuple2<>(k, org.mlsec.internal.Json.MAPPER.writeValueAsBytes(ModelIo.toTree(lm)));
        }
    }

    /** One reference scored on one pool block. */
    private record Score(String method, String runId)
            implements org.apache.spark.api.java.function.Function<Tuple2<Tuple2<Integer, byte[]>, Block>, Part> {
        @Override
        public Part call(Tuple2<Tuple2<Integer, byte[]>, Block> in) throws java.io.IOException {
            int k = in._1()._1();
            Classifier ref = Parsed.get(runId + "/" + k, in._1()._2());
            ReferenceScores s = ReferencePlan.scoreRows(MembershipMethod.valueOf(method), ref,
                    in._2().rows().toDataset());
            return new Part(k, in._2().start(), s.pTrue(), s.proba());
        }
    }

    /** The references an executor parsed last: the tasks of one reference's blocks tend to run one after another. */
    static final class Parsed {
        private static final int KEEP = 4;
        private static final Map<String, Classifier> LAST = new LinkedHashMap<>(8, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Classifier> eldest) {
                return size() > KEEP;
            }
        };

        private Parsed() {
        }

        static Classifier get(String key, byte[] text) throws java.io.IOException {
            synchronized (LAST) {
                Classifier c = LAST.get(key);
                if (c != null) {
                    return c;
                }
            }
            Classifier c = ModelIo.fromTree(org.mlsec.internal.Json.MAPPER.readTree(text));
            synchronized (LAST) {
                LAST.put(key, c);
            }
            return c;
        }
    }
}
