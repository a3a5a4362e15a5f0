package org.mlsec.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mlsec.metrics.Stats;

/** A profile reads off exactly what the sorted column would give, however the rows were chunked. */
class ProfileTest {
    static final Schema SCHEMA = new Schema(List.of(Column.numeric("amount", ColumnType.NUMERIC, -1e4, 1e4),
            Column.numeric("few", ColumnType.INTEGER, 0, 5), Column.categorical("kind", List.of("a", "b", "c"))),
            "label", List.of("no", "yes"));

    static Dataset data(int n, long seed, double shift) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] x = new double[n][];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            double amount = Math.round((r.nextGaussian() + shift) * 300) * (r.nextInt(50) == 0 ? -0.0 : 1);
            x[i] = new double[] {amount, r.nextInt(6), r.nextInt(10) == 0 ? -1 : r.nextInt(3)};
            y[i] = amount + r.nextGaussian() * 200 > 100 ? 1 : 0;
        }
        return new Dataset(SCHEMA, x, y);
    }

    @Test
    void ranksAndCountsAreThoseOfTheSortedColumn() {
        for (long seed = 1; seed <= 20; seed++) {
            Dataset d = data(1 + (int) (seed * 37 % 500), seed, 0);
            Profile p = new ChunkedTable(d, 1 + (int) (seed % 7), seed).profile();
            assertEquals(d.rows(), p.rows());
            for (int j = 0; j < SCHEMA.width(); j++) {
                double[] sorted = d.column(j);
                for (int i = 0; i < sorted.length; i++) {
                    sorted[i] = sorted[i] == 0 ? 0.0 : sorted[i];
                }
                Arrays.sort(sorted);
                for (int rank = 0; rank < sorted.length; rank++) {
                    assertEquals(sorted[rank], p.valueAtRank(j, rank), "column " + j + " rank " + rank);
                }
                assertEquals(Arrays.stream(sorted).distinct().count(), p.distinct(j));
                for (int k = 0; k < p.distinct(j); k++) {
                    double v = p.value(j, k);
                    long yes = 0;
                    long all = 0;
                    for (int i = 0; i < d.rows(); i++) {
                        if (d.row(i)[j] == v) {
                            all++;
                            yes += d.y()[i];
                        }
                    }
                    assertEquals(all, p.count(j, k));
                    assertEquals(yes, p.count(j, k, 1));
                    assertEquals(all, p.countAtMost(j, v) - (k == 0 ? 0 : p.countAtMost(j, p.value(j, k - 1))));
                }
            }
            assertEquals(Arrays.stream(d.y()).filter(v -> v == 1).count(), p.classCount(1));
        }
    }

    @Test
    void ksAndPsiFromProfilesEqualThoseFromTheColumns() {
        for (long seed = 1; seed <= 30; seed++) {
            Dataset a = data(50 + (int) (seed * 53 % 900), seed, 0);
            Dataset b = data(50 + (int) (seed * 31 % 700), seed + 100, seed % 3 == 0 ? 0.4 : 0);
            Profile pa = new ChunkedTable(a, 5, seed).profile();
            Profile pb = new ChunkedTable(b, 3, seed).profile();
            for (int j = 0; j < 2; j++) {
                assertEquals(Stats.ks(a.column(j), b.column(j)), Stats.ks(pa, j, pb, j), "KS, seed " + seed);
                assertEquals(Stats.psi(a.column(j), b.column(j)), Stats.psi(pa, j, pb, j), "PSI, seed " + seed);
            }
        }
    }

    @Test
    void profilesOfOtherColumnsDoNotMerge() {
        Dataset d = data(10, 1, 0);
        Profile other = Profile.of(d.select(List.of("amount", "few")));
        assertThrows(org.mlsec.InputException.class, () -> Profile.of(d).merge(other));
    }
}
