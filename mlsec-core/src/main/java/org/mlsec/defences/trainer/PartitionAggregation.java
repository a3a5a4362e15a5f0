package org.mlsec.defences.trainer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.mlsec.Progress;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.internal.Validate;
import org.mlsec.model.Classifier;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

/**
 * Deep Partition Aggregation (Levine and Feizi, ICLR 2021, "Deep Partition Aggregation: Provable Defenses against
 * General Poisoning Attacks"), a certified defence against data poisoning in the family of Jia, Cao and Gong (AAAI
 * 2021, "Intrinsic Certified Robustness of Bagging against Data Poisoning Attacks"), with disjoint parts instead of
 * random subsamples, which makes the certificate exact and deterministic.
 * <ol>
 * <li>Each training row goes to one of {@code partitions} disjoint parts by a seeded hash of its feature values
 *     alone ({@link #partition}): the part of a row does not depend on the other rows, nor on its label.</li>
 * <li>One model is trained per part, with the part's seed, on the part's rows only. A part whose rows all have one
 *     class votes that class; an empty part abstains.</li>
 * <li>A row's answer is the class most parts vote for, ties going to the lower class index; its probabilities are
 *     the shares of the votes.</li>
 * </ol>
 * <b>Certificate.</b> Inserting or deleting one training row changes one part, so at most one vote; flipping a
 * row's label changes one part too (the hash ignores the label); changing a row's features is a deletion and an
 * insertion, two parts. One changed vote lowers the winner's count by at most one and raises a rival's by at most
 * one. With {@code n_c} votes for the answer {@code c}, the answer cannot change while fewer than
 * <pre>  min over c' != c of floor((n_c - n_c' - [c' &lt; c]) / 2) + 1</pre>
 * parts change, so the certified poisoning size of the row, {@link #certificate}, is that minimum: any poisoning
 * of at most that many inserted, deleted or relabelled rows leaves the answer as it is. It holds for every
 * attacker, adaptive or not, and whatever the parts' models are, because it counts votes only.
 */
public final class PartitionAggregation implements Classifier {
    private final Schema schema;
    private final int partitions;
    private final long seed;
    /** Per part: its model, or null when the part votes a constant or abstains. */
    private final LocalModel[] models;
    /** Per part: the constant class it votes, -1 when it has a model, -2 when it is empty and abstains. */
    private final int[] constant;
    private final int[] sizes;
    private final AtomicLong queries = new AtomicLong();

    private PartitionAggregation(Schema schema, int partitions, long seed, LocalModel[] models, int[] constant, int[] sizes) {
        this.schema = schema;
        this.partitions = partitions;
        this.seed = seed;
        this.models = models;
        this.constant = constant;
        this.sizes = sizes;
    }

    /**
     * The part a row belongs to: a seeded hash of its feature values (0 and -0 alike, every NaN alike), not of its
     * label.
     *
     * @param row        the row's feature values
     * @param partitions the number of parts, positive
     * @param seed       the seed of the hash
     * @return the part, from 0 to {@code partitions - 1}
     */
    public static int partition(double[] row, int partitions, long seed) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L);
        for (double v : row) {
            h = mix(h ^ Double.doubleToLongBits(v == 0 ? 0.0 : v));
        }
        return (int) Math.floorMod(h, (long) partitions);
    }

    /** The finaliser of SplitMix64: every bit of the input moves every bit of the output. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Splits {@code data} into {@code partitions} parts by {@link #partition} and trains one model per part.
     *
     * @param data       the training rows
     * @param partitions the number of parts, at least 1
     * @param base       how each part's model is trained; part {@code p} uses seed {@code base.seed() + p}
     * @param seed       the seed of the hash that assigns rows to parts
     * @param progress   receives one update per part
     * @return the trained ensemble
     * @throws org.mlsec.InputException if {@code partitions} is not positive, the data is unlabelled or a part is
     *                                  refused by the trainer
     */
    public static PartitionAggregation train(Dataset data, int partitions, TrainConfig base, long seed, Progress progress) {
        Validate.notNull(data, "data");
        Validate.notNull(base, "base");
        Validate.positive(partitions, "partitions");
        Validate.isTrue(data.labelled(), "partition aggregation needs labelled rows: give the label column", "label");
        List<List<Integer>> parts = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            parts.add(new ArrayList<>());
        }
        for (int i = 0; i < data.rows(); i++) {
            parts.get(partition(data.row(i), partitions, seed)).add(i);
        }
        LocalModel[] models = new LocalModel[partitions];
        int[] constant = new int[partitions];
        int[] sizes = new int[partitions];
        for (int p = 0; p < partitions; p++) {
            int[] rows = parts.get(p).stream().mapToInt(Integer::intValue).toArray();
            sizes[p] = rows.length;
            constant[p] = rows.length == 0 ? -2 : data.y()[rows[0]];
            for (int i : rows) {
                if (data.y()[i] != constant[p]) {
                    constant[p] = -1;
                    break;
                }
            }
            if (constant[p] == -1) {
                models[p] = Trainer.train(data.subset(rows), base.withSeed(base.seed() + p), "partition " + p, Progress.NONE);
            }
            progress.update("partitions", p + 1, partitions);
        }
        return new PartitionAggregation(data.schema(), partitions, seed, models, constant, sizes);
    }

    /**
     * The number of parts.
     *
     * @return the parts, at least 1
     */
    public int partitions() {
        return partitions;
    }

    /**
     * The seed of the hash that assigns rows to parts.
     *
     * @return the seed
     */
    public long seed() {
        return seed;
    }

    /**
     * How many training rows each part had.
     *
     * @return the sizes, one per part, a copy
     */
    public int[] sizes() {
        return sizes.clone();
    }

    /**
     * Per row, how many parts vote each class (abstaining empty parts vote none).
     *
     * @param rows the rows to answer
     * @return per row, the votes per class index
     */
    public int[][] votes(double[][] rows) {
        queries.addAndGet(rows.length);
        int k = schema.classes().size();
        int[][] votes = new int[rows.length][k];
        for (int p = 0; p < partitions; p++) {
            if (constant[p] >= 0) {
                for (int[] v : votes) {
                    v[constant[p]]++;
                }
            } else if (constant[p] == -1) {
                int[] answers = models[p].predict(rows);
                for (int i = 0; i < rows.length; i++) {
                    votes[i][answers[i]]++;
                }
            }
        }
        return votes;
    }

    /**
     * The class with most votes, ties going to the lower class index.
     *
     * @param votes votes per class index
     * @return the winning class index
     */
    public static int winner(int[] votes) {
        int best = 0;
        for (int c = 1; c < votes.length; c++) {
            if (votes[c] > votes[best]) {
                best = c;
            }
        }
        return best;
    }

    /**
     * The certified poisoning size of an answer with these votes: the number of parts (so of inserted, deleted or
     * relabelled training rows) that may change without changing the answer.
     *
     * @param votes votes per class index
     * @return {@code min over c' != c of floor((n_c - n_c' - [c' < c]) / 2)} for the winner {@code c}; 0 or more
     */
    public static int certificate(int[] votes) {
        int c = winner(votes);
        int size = Integer.MAX_VALUE;
        for (int o = 0; o < votes.length; o++) {
            if (o != c) {
                size = Math.min(size, Math.floorDiv(votes[c] - votes[o] - (o < c ? 1 : 0), 2));
            }
        }
        return size == Integer.MAX_VALUE ? 0 : Math.max(0, size);
    }

    /**
     * The certified poisoning size of each row's answer ({@link #certificate}).
     *
     * @param rows the rows
     * @return per row, the certified size
     */
    public int[] certifiedSizes(double[][] rows) {
        int[][] v = votes(rows);
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = certificate(v[i]);
        }
        return out;
    }

    @Override
    public Schema schema() {
        return schema;
    }

    @Override
    public double[][] predictProba(double[][] rows) {
        int[][] v = votes(rows);
        double[][] p = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            int total = 0;
            for (int n : v[i]) {
                total += n;
            }
            p[i] = new double[v[i].length];
            for (int c = 0; c < v[i].length; c++) {
                p[i][c] = total == 0 ? 1.0 / v[i].length : (double) v[i][c] / total;
            }
        }
        return p;
    }

    @Override
    public int[] predict(double[][] rows) {
        int[][] v = votes(rows);
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = winner(v[i]);
        }
        return out;
    }

    @Override
    public long queries() {
        return queries.get();
    }
}
