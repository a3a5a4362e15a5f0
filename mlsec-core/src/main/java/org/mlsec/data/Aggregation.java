package org.mlsec.data;

import java.io.Serializable;

/**
 * A statistic computed on each chunk of a {@link Table}'s rows and merged, so that it is the same whether the table
 * is one in-memory data set or partitions read by a cluster's executors. {@link #merge} must be associative and
 * commutative and the statistic exact (counts, not floating-point sums), so that no split of the rows into chunks
 * changes the result. Engines ship an aggregation to where the rows are; it must hold only plain data (a model
 * travels as its text, see {@link org.mlsec.model.PortableModel}).
 *
 * @param <T> the statistic
 */
public interface Aggregation<T extends Serializable> extends Serializable {
    /**
     * The statistic of one chunk.
     *
     * @param chunk some of the table's rows, in the table's schema
     * @return the chunk's statistic
     */
    T of(Dataset chunk);

    /**
     * Two chunks' statistics as one.
     *
     * @param a one statistic
     * @param b another
     * @return the statistic of both chunks
     */
    T merge(T a, T b);
}
