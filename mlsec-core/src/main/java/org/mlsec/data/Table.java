package org.mlsec.data;

import java.io.Serializable;

/**
 * A table's rows where they live: one in-memory {@link Dataset} ({@link #of(Dataset)}), or a table an engine reads
 * in partitions (mlsec-spark's Parquet and CSV tables), too large to load on one machine. The checks that read every
 * row (a diff against a trusted snapshot, fairness over the full data, value-spike counts) are written as
 * {@link Aggregation}s over it, so they give the same figures wherever the rows are.
 */
public interface Table {
    /**
     * The schema every chunk's rows are read into.
     *
     * @return the schema
     */
    Schema schema();

    /**
     * Computes {@code aggregation} on every chunk of rows and merges the results.
     *
     * @param aggregation the statistic
     * @param <T>         its type
     * @return the statistic of all the rows
     */
    <T extends Serializable> T aggregate(Aggregation<T> aggregation);

    /**
     * Every column's distinct values with their counts per class, computed once.
     *
     * @return the profile
     */
    Profile profile();

    /**
     * How many rows the table has.
     *
     * @return the row count
     */
    default long rows() {
        return profile().rows();
    }

    /**
     * An in-memory data set as a table of one chunk.
     *
     * @param data the rows
     * @return the table
     */
    static Table of(Dataset data) {
        org.mlsec.internal.Validate.notNull(data, "data");
        return new Table() {
            private Profile profile;

            @Override
            public Schema schema() {
                return data.schema();
            }

            @Override
            public <T extends Serializable> T aggregate(Aggregation<T> aggregation) {
                return aggregation.of(data);
            }

            @Override
            public synchronized Profile profile() {
                if (profile == null) {
                    profile = Profile.of(data);
                }
                return profile;
            }
        };
    }
}
