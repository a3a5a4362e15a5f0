package org.mlsec.defences.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.mlsec.TestData;
import org.mlsec.InputException;
import org.mlsec.Progress;
import org.mlsec.attacks.poisoning.Poisoning;
import org.mlsec.attacks.poisoning.PoisoningAttack;
import org.mlsec.data.Column;
import org.mlsec.data.ColumnType;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.model.Algorithm;
import org.mlsec.model.TrainConfig;

/** Deep partition aggregation: the certificate is exact on votes and never beaten by real poisoning. */
class PartitionAggregationTest {
    static final TrainConfig STUMP = TrainConfig.defaults(Algorithm.TREE).withMaxDepth(2);

    static Dataset random(SplittableRandom rng, int rows, int classes) {
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            names.add(Integer.toString(c));
        }
        Schema s = new Schema(List.of(Column.numeric("a", ColumnType.INTEGER, 0, 9),
                Column.numeric("b", ColumnType.INTEGER, 0, 9)), "y", names);
        double[][] x = new double[rows][];
        int[] y = new int[rows];
        for (int i = 0; i < rows; i++) {
            x[i] = new double[] {rng.nextInt(10), rng.nextInt(10)};
            // Mostly a function of the features, with noise, so parts agree on some rows and not on others.
            y[i] = rng.nextInt(5) == 0 ? rng.nextInt(classes) : (int) (x[i][0] + x[i][1]) * classes / 19;
        }
        return new Dataset(s, x, y);
    }

    /** Fewest changed votes (one part at a time: to any class or to abstaining) that change the winner, by search. */
    static int fewestChanges(int[] votes, int limit) {
        int c = PartitionAggregation.winner(votes);
        List<int[]> level = List.of(votes.clone());
        for (int m = 1; m <= limit; m++) {
            List<int[]> next = new ArrayList<>();
            for (int[] v : level) {
                // A changed part voted some class (or abstained, if the part was empty; taking a vote from the
                // winner is never worse) and now votes another class or abstains.
                for (int from = 0; from < v.length; from++) {
                    if (v[from] == 0) {
                        continue;
                    }
                    for (int to = -1; to < v.length; to++) {
                        if (to == from) {
                            continue;
                        }
                        int[] w = v.clone();
                        w[from]--;
                        if (to >= 0) {
                            w[to]++;
                        }
                        if (PartitionAggregation.winner(w) != c) {
                            return m;
                        }
                        next.add(w);
                    }
                }
            }
            level = next;
        }
        return Integer.MAX_VALUE;
    }

    @Property(tries = 300, seed = TestData.PROPERTY_SEED)
    void theCertificateIsTheLargestNumberOfChangedVotesThatCannotChangeTheWinner(
            @ForAll @LongRange(min = 1, max = 1_000_000) long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] votes = new int[2 + rng.nextInt(2)];
        int parts = 1 + rng.nextInt(8);
        for (int p = 0; p < parts; p++) {
            votes[rng.nextInt(votes.length)]++;
        }
        int cert = PartitionAggregation.certificate(votes);
        assertEquals(cert + 1, fewestChanges(votes, cert + 1), Arrays.toString(votes));
    }

    @Test
    void certificateFormulaOnKnownVotes() {
        assertEquals(2, PartitionAggregation.certificate(new int[] {5, 0}));
        assertEquals(1, PartitionAggregation.certificate(new int[] {4, 1}));
        assertEquals(0, PartitionAggregation.certificate(new int[] {3, 3})); // a tie goes to class 0, by nothing
        assertEquals(0, PartitionAggregation.winner(new int[] {3, 3}));
        assertEquals(0, PartitionAggregation.certificate(new int[] {2, 3})); // class 1 wins, class 0 takes ties
        assertEquals(1, PartitionAggregation.certificate(new int[] {1, 4, 0}));
    }

    /**
     * Real poisoning, exhaustively: for a certified held-out row, every single edit and every pair of edits from a
     * pool (flip a training label to another class, delete a training row, insert a row into any part with any
     * label) that the certificate covers, each followed by full retraining, leaves the answer unchanged.
     */
    @Property(tries = 6, seed = TestData.PROPERTY_SEED)
    void noPoisoningWithinTheCertifiedSizeChangesTheAnswer(@ForAll @LongRange(min = 1, max = 1_000_000) long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int classes = 2 + rng.nextInt(2);
        Dataset train = random(rng, 14, classes);
        int parts = 5 + rng.nextInt(3);
        PartitionAggregation dpa = PartitionAggregation.train(train, parts, STUMP, seed, Progress.NONE);
        double[][] candidates = new double[40][];
        for (int i = 0; i < candidates.length; i++) {
            candidates[i] = new double[] {rng.nextInt(10), rng.nextInt(10)};
        }
        int[] sizes = dpa.certifiedSizes(candidates);
        int best = 0;
        for (int i = 1; i < sizes.length; i++) {
            best = sizes[i] > sizes[best] ? i : best;
        }
        if (sizes[best] == 0) {
            return; // nothing certified on this draw
        }
        double[] x = candidates[best];
        int answer = dpa.predict(new double[][] {x})[0];
        // One inserted row per part: the first candidate point found that hashes into it.
        double[][] inserts = new double[parts][];
        for (int a = 0; a < 10; a++) {
            for (int b = 0; b < 10; b++) {
                int p = PartitionAggregation.partition(new double[] {a, b}, parts, seed);
                if (inserts[p] == null) {
                    inserts[p] = new double[] {a, b};
                }
            }
        }
        List<Edit> pool = new ArrayList<>();
        for (int i = 0; i < train.rows(); i++) {
            pool.add(new Edit(Edit.DELETE, i, null, -1));
            for (int c = 0; c < classes; c++) {
                if (c != train.y()[i]) {
                    pool.add(new Edit(Edit.FLIP, i, null, c));
                }
            }
        }
        for (double[] row : inserts) {
            for (int c = 0; row != null && c < classes; c++) {
                pool.add(new Edit(Edit.INSERT, -1, row, c));
            }
        }
        int checked = 0;
        for (int e = 0; e < pool.size(); e++) {
            assertEquals(answer, retrained(train, List.of(pool.get(e)), parts, seed).predict(new double[][] {x})[0],
                    "one edit " + pool.get(e) + " beat certificate " + sizes[best]);
            checked++;
            for (int f = e + 1; sizes[best] >= 2 && f < pool.size(); f++) {
                assertEquals(answer, retrained(train, List.of(pool.get(e), pool.get(f)), parts, seed)
                        .predict(new double[][] {x})[0], "two edits beat certificate " + sizes[best]);
                checked++;
            }
        }
        assertTrue(checked >= pool.size());
    }

    record Edit(int kind, int row, double[] inserted, int label) {
        static final int FLIP = 0;
        static final int DELETE = 1;
        static final int INSERT = 2;
    }

    static PartitionAggregation retrained(Dataset train, List<Edit> edits, int parts, long seed) {
        List<double[]> x = new ArrayList<>(Arrays.asList(train.x()));
        List<Integer> y = new ArrayList<>();
        Arrays.stream(train.y()).forEach(y::add);
        boolean[] deleted = new boolean[train.rows()];
        for (Edit e : edits) {
            if (e.kind() == Edit.FLIP) {
                y.set(e.row(), e.label());
            } else if (e.kind() == Edit.DELETE) {
                deleted[e.row()] = true;
            } else {
                x.add(e.inserted());
                y.add(e.label());
            }
        }
        List<double[]> keptX = new ArrayList<>();
        List<Integer> keptY = new ArrayList<>();
        for (int i = 0; i < x.size(); i++) {
            if (i >= deleted.length || !deleted[i]) {
                keptX.add(x.get(i));
                keptY.add(y.get(i));
            }
        }
        Dataset d = new Dataset(train.schema(), keptX.toArray(new double[0][]),
                keptY.stream().mapToInt(Integer::intValue).toArray());
        return PartitionAggregation.train(d, parts, STUMP, seed, Progress.NONE);
    }

    @Test
    void partsDependOnFeaturesOnlyAndVotesAddUp() {
        Dataset d = random(new SplittableRandom(3), 200, 2);
        PartitionAggregation dpa = PartitionAggregation.train(d, 9, STUMP, 7, Progress.NONE);
        assertEquals(200, Arrays.stream(dpa.sizes()).sum());
        assertEquals(PartitionAggregation.partition(new double[] {0.0, 3}, 9, 7),
                PartitionAggregation.partition(new double[] {-0.0, 3}, 9, 7));
        int[][] votes = dpa.votes(d.x());
        double[][] p = dpa.predictProba(d.x());
        int[] answers = dpa.predict(d.x());
        for (int i = 0; i < votes.length; i++) {
            assertEquals(9, votes[i][0] + votes[i][1]);
            assertEquals(votes[i][1] / 9.0, p[i][1], 1e-12);
            assertEquals(PartitionAggregation.winner(votes[i]), answers[i]);
        }
        // Deterministic: the same data and seeds give the same ensemble.
        assertArrayEquals(answers, PartitionAggregation.train(d, 9, STUMP, 7, Progress.NONE).predict(d.x()));
        InputException e = assertThrows(InputException.class, () -> PartitionAggregation.train(d, 0, STUMP, 7,
                Progress.NONE));
        assertTrue(e.getMessage().contains("partitions must be positive"), e.getMessage());
    }

    /** The partition-aware attack spends its budget on whole parts, which then vote one class. */
    @Test
    void partitionAwareFlipsTurnTheCheapestPartsWhole() {
        Dataset d = random(new SplittableRandom(5), 300, 2);
        int parts = 10;
        Poisoning.Poisoned p = new PoisoningAttack.PartitionFlip(40, row -> PartitionAggregation.partition(row, parts, 1))
                .apply(d, Progress.NONE);
        assertEquals(40, p.changedRows());
        PartitionAggregation before = PartitionAggregation.train(d, parts, STUMP, 1, Progress.NONE);
        PartitionAggregation after = PartitionAggregation.train(p.data(), parts, STUMP, 1, Progress.NONE);
        int[] cert = before.certifiedSizes(d.x());
        int[] a = before.predict(d.x());
        int[] b = after.predict(d.x());
        int changedParts = 0;
        boolean[] touched = new boolean[parts];
        for (int i = 0; i < d.rows(); i++) {
            touched[PartitionAggregation.partition(d.row(i), parts, 1)] |= p.changed()[i];
        }
        for (boolean t : touched) {
            changedParts += t ? 1 : 0;
        }
        for (int i = 0; i < d.rows(); i++) {
            assertTrue(cert[i] >= changedParts ? a[i] == b[i] : true, "row " + i + " certified " + cert[i]);
        }
        assertTrue(changedParts >= 1 && changedParts <= 40);
    }
}
