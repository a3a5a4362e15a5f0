package org.mlsec.data;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.mlsec.InputException;

/**
 * What to do with an empty cell in a feature column, and, once decided on training data, the values that fill them:
 * a model records these in its provenance so that prediction and serving fill exactly as training did (the
 * statistics of the training data, never of the rows being scored).
 *
 * @param policy what to do with a row that has an empty feature cell
 * @param fills  per feature, the cell text that replaces an empty one (for the imputing policies; empty until a
 *               data set has been read, or for {@link Policy#ERROR} and {@link Policy#DROP})
 */
public record MissingValues(Policy policy, Map<String, String> fills) {
    /** The policies; an empty label cell is always an error (or, with {@code DROP}, the row is dropped). */
    public enum Policy {
        /** An empty cell is an input error naming the file, line and column (the default). */
        ERROR,
        /** Rows with an empty cell are left out, and counted. */
        DROP,
        /** Numeric columns take the median of the column's values (an actual value: the lower middle one), text
         * and categorical columns the most frequent value. */
        IMPUTE_MEDIAN,
        /** Every column takes its most frequent value. */
        IMPUTE_MODE;

        /**
         * The policy's name as written by users: error, drop, impute-median, impute-mode.
         *
         * @return the name
         */
        public String key() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /**
         * Reads a policy as users write it.
         *
         * @param text the name, in any case
         * @return the policy
         * @throws InputException when {@code text} names no policy
         */
        public static Policy parse(String text) {
            for (Policy p : values()) {
                if (p.key().equalsIgnoreCase(text == null ? "" : text.trim())) {
                    return p;
                }
            }
            throw new InputException("unknown missing-value policy '" + text + "'; use error, drop, impute-median or"
                    + " impute-mode");
        }

        /**
         * Whether empty cells are filled.
         *
         * @return true for the imputing policies
         */
        public boolean imputes() {
            return this == IMPUTE_MEDIAN || this == IMPUTE_MODE;
        }
    }

    /** Empty cells are errors, the default. */
    public static final MissingValues ERROR = new MissingValues(Policy.ERROR, Map.of());

    /**
     * Checks the policy is given; the fills are kept sorted by feature name.
     *
     * @param policy what to do with a row that has an empty feature cell
     * @param fills per feature, the cell text that replaces an empty one (for the imputing policies; empty until a data
     *     set has been read, or for {@link Policy#ERROR} and {@link Policy#DROP})
     */
    public MissingValues {
        if (policy == null) {
            throw new IllegalArgumentException("policy must not be null");
        }
        fills = fills == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(fills));
    }

    /**
     * A policy with no fills yet.
     *
     * @param policy the policy
     * @return the missing-value handling
     */
    public static MissingValues of(Policy policy) {
        return new MissingValues(policy, Map.of());
    }

    /**
     * This policy with the fills decided on training data.
     *
     * @param f per feature, the replacement cell text
     * @return the new missing-value handling
     */
    public MissingValues withFills(Map<String, String> f) {
        return new MissingValues(policy, f);
    }
}
