package org.mlsec.data;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * Every column's distinct values, in increasing order, with how many rows hold each one per class: an exact summary
 * from which the distribution checks read what they would read off the sorted columns (quantiles, empirical
 * distribution functions, value counts, label shares), whatever chunks the rows came in. Profiles of two chunks
 * {@linkplain #merge merge} into the profile of both. Its size grows with the distinct values, not the rows: a
 * column of amounts in cents may hold nearly one distinct value per row, at 8 bytes plus 8 per class each.
 * Categorical columns hold category indices (-1 for a category the schema does not know); -0.0 is counted as 0.0,
 * which every comparison treats alike.
 */
public final class Profile implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Aggregation<Profile> AGGREGATION = new Aggregation<>() {
        private static final long serialVersionUID = 1L;

        @Override
        public Profile of(Dataset chunk) {
            return Profile.of(chunk);
        }

        @Override
        public Profile merge(Profile a, Profile b) {
            return a.merge(b);
        }
    };

    /** The profiled columns, in schema order. */
    private final String[] names;
    /** How many classes each value's rows are counted in (1 for unlabelled rows). */
    private final int slots;
    /** How many rows were profiled. */
    private final long rows;
    /** Rows per class. */
    private final long[] classCounts;
    /** Per column, its distinct values in increasing order. */
    private final double[][] values;
    /** Per column, the rows of each distinct value per class, at {@code value * slots + class}. */
    private final long[][] counts;
    private transient long[][] cumulative;

    private Profile(String[] names, int slots, long rows, long[] classCounts, double[][] values, long[][] counts) {
        this.names = names;
        this.slots = slots;
        this.rows = rows;
        this.classCounts = classCounts;
        this.values = values;
        this.counts = counts;
    }

    /**
     * The aggregation that profiles a table's chunks.
     *
     * @return the aggregation
     */
    public static Aggregation<Profile> aggregation() {
        return AGGREGATION;
    }

    /**
     * Profiles one data set; an unlabelled one counts every row in one class.
     *
     * @param data the rows
     * @return their profile
     */
    public static Profile of(Dataset data) {
        org.mlsec.internal.Validate.notNull(data, "data");
        Schema s = data.schema();
        int slots = data.labelled() ? Math.max(1, s.classes().size()) : 1;
        int n = data.rows();
        int[] y = new int[n];
        long[] classCounts = new long[slots];
        for (int i = 0; i < n; i++) {
            y[i] = data.labelled() ? data.y()[i] : 0;
            classCounts[y[i]]++;
        }
        int w = s.width();
        double[][] values = new double[w][];
        long[][] counts = new long[w][];
        double[][] x = data.x();
        for (int j = 0; j < w; j++) {
            double[][] perClass = new double[slots][];
            int[] fill = new int[slots];
            for (int c = 0; c < slots; c++) {
                perClass[c] = new double[(int) classCounts[c]];
            }
            for (int i = 0; i < n; i++) {
                double v = x[i][j];
                perClass[y[i]][fill[y[i]]++] = v == 0 ? 0.0 : v;
            }
            Profile[] single = new Profile[slots];
            for (int c = 0; c < slots; c++) {
                Arrays.sort(perClass[c]);
                single[c] = runs(perClass[c], c, slots);
            }
            Profile merged = single[0];
            for (int c = 1; c < slots; c++) {
                merged = merged.merge(single[c]);
            }
            values[j] = merged.values[0];
            counts[j] = merged.counts[0];
        }
        return new Profile(s.featureNames().toArray(new String[0]), slots, n, classCounts, values, counts);
    }

    /** One sorted column of one class as a one-column profile. */
    private static Profile runs(double[] sorted, int cls, int slots) {
        int distinct = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (i == 0 || Double.compare(sorted[i], sorted[i - 1]) != 0) {
                distinct++;
            }
        }
        double[] v = new double[distinct];
        long[] c = new long[distinct * slots];
        int k = -1;
        for (int i = 0; i < sorted.length; i++) {
            if (i == 0 || Double.compare(sorted[i], sorted[i - 1]) != 0) {
                v[++k] = sorted[i];
            }
            c[k * slots + cls]++;
        }
        long[] classCounts = new long[slots];
        classCounts[cls] = sorted.length;
        return new Profile(new String[] {""}, slots, sorted.length, classCounts, new double[][] {v},
                new long[][] {c});
    }

    /**
     * The profile of both tables' rows.
     *
     * @param other the profile of other rows, of the same columns and classes
     * @return the merged profile
     * @throws org.mlsec.InputException when the columns or classes differ
     */
    public Profile merge(Profile other) {
        org.mlsec.internal.Validate.notNull(other, "other");
        org.mlsec.internal.Validate.isTrue(Arrays.equals(names, other.names) && slots == other.slots,
                "other must profile the same columns and classes: " + Arrays.toString(names) + " and "
                        + Arrays.toString(other.names));
        int w = names.length;
        double[][] v = new double[w][];
        long[][] c = new long[w][];
        for (int j = 0; j < w; j++) {
            double[] a = values[j];
            double[] b = other.values[j];
            double[] mv = new double[a.length + b.length];
            long[] mc = new long[(a.length + b.length) * slots];
            int i = 0;
            int q = 0;
            int k = 0;
            while (i < a.length || q < b.length) {
                int cmp = i == a.length ? 1 : q == b.length ? -1 : Double.compare(a[i], b[q]);
                mv[k] = cmp <= 0 ? a[i] : b[q];
                for (int s = 0; s < slots; s++) {
                    mc[k * slots + s] = (cmp <= 0 ? counts[j][i * slots + s] : 0)
                            + (cmp >= 0 ? other.counts[j][q * slots + s] : 0);
                }
                i += cmp <= 0 ? 1 : 0;
                q += cmp >= 0 ? 1 : 0;
                k++;
            }
            v[j] = Arrays.copyOf(mv, k);
            c[j] = Arrays.copyOf(mc, k * slots);
        }
        long[] cc = new long[slots];
        for (int s = 0; s < slots; s++) {
            cc[s] = classCounts[s] + other.classCounts[s];
        }
        return new Profile(names, slots, rows + other.rows, cc, v, c);
    }

    /**
     * How many rows were profiled.
     *
     * @return the row count
     */
    public long rows() {
        return rows;
    }

    /**
     * The profiled columns, in schema order.
     *
     * @return the feature names
     */
    public List<String> names() {
        return List.of(names);
    }

    /**
     * A column's position.
     *
     * @param name a feature name
     * @return its index, or -1 when the profile has no such column
     */
    public int indexOf(String name) {
        return List.of(names).indexOf(name);
    }

    /**
     * How many classes the rows are counted in: the schema's classes, or 1 for unlabelled rows.
     *
     * @return the number of classes
     */
    public int classes() {
        return slots;
    }

    /**
     * How many rows have class {@code cls} (all rows are class 0 in an unlabelled profile).
     *
     * @param cls a class index
     * @return the count
     */
    public long classCount(int cls) {
        return classCounts[cls];
    }

    /**
     * How many distinct values column {@code j} holds.
     *
     * @param j a column index
     * @return the number of distinct values
     */
    public int distinct(int j) {
        return values[j].length;
    }

    /**
     * The {@code k}-th smallest distinct value of column {@code j}.
     *
     * @param j a column index
     * @param k a distinct-value index, below {@link #distinct(int)}
     * @return the value
     */
    public double value(int j, int k) {
        return values[j][k];
    }

    /**
     * How many rows hold the {@code k}-th distinct value of column {@code j}.
     *
     * @param j a column index
     * @param k a distinct-value index
     * @return the count over all classes
     */
    public long count(int j, int k) {
        long t = 0;
        for (int s = 0; s < slots; s++) {
            t += counts[j][k * slots + s];
        }
        return t;
    }

    /**
     * How many rows of class {@code cls} hold the {@code k}-th distinct value of column {@code j}.
     *
     * @param j   a column index
     * @param k   a distinct-value index
     * @param cls a class index
     * @return the count
     */
    public long count(int j, int k, int cls) {
        return counts[j][k * slots + cls];
    }

    /**
     * The value at position {@code rank} of column {@code j} sorted in increasing order, as
     * {@code sorted[rank]} of the whole column.
     *
     * @param j    a column index
     * @param rank a 0-based position, below {@link #rows()}
     * @return the value there
     */
    public double valueAtRank(int j, long rank) {
        org.mlsec.internal.Validate.isTrue(rank >= 0 && rank < rows, "rank must be in [0, " + rows + "), got " + rank);
        long[] cum = cumulative(j);
        int lo = 0;
        int hi = cum.length - 1;
        while (lo < hi) { // the first distinct value whose cumulative count passes rank
            int mid = (lo + hi) >>> 1;
            if (cum[mid] > rank) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return values[j][lo];
    }

    /**
     * How many rows of column {@code j} hold a value at most {@code v}.
     *
     * @param j a column index
     * @param v a value
     * @return the count
     */
    public long countAtMost(int j, double v) {
        long[] cum = cumulative(j);
        int k = upper(values[j], v);
        return k == 0 ? 0 : cum[k - 1];
    }

    /** The number of distinct values that are at most v. */
    private static int upper(double[] sorted, double v) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private synchronized long[] cumulative(int j) {
        if (cumulative == null) {
            cumulative = new long[names.length][];
        }
        if (cumulative[j] == null) {
            long[] c = new long[values[j].length];
            long t = 0;
            for (int k = 0; k < c.length; k++) {
                t += count(j, k);
                c[k] = t;
            }
            cumulative[j] = c;
        }
        return cumulative[j];
    }
}
