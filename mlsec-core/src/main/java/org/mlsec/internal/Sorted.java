package org.mlsec.internal;

/** Searches in sorted arrays. */
public final class Sorted {
    private Sorted() {
    }

    /**
     * The first index whose value is not below {@code v}: the number of values below it ({@code sorted.length} when
     * every value is below). Binary search, O(log n), comparing with {@code <} (so -0.0 and 0.0 are equal).
     *
     * @param sorted values in ascending order
     * @param v      the value searched for
     * @return how many values of {@code sorted} are below {@code v}
     */
    public static int lowerBound(double[] sorted, double v) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
