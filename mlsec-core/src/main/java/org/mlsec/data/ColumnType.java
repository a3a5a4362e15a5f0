package org.mlsec.data;

/** How a feature column is read and encoded. */
public enum ColumnType {
    /** Real-valued. */
    NUMERIC,
    /** Whole numbers, ordered (counts, amounts, ordinal codes such as repayment status). */
    INTEGER,
    /** A small set of unordered values; encoded one-hot where a model needs numbers. */
    CATEGORICAL;

    @com.fasterxml.jackson.annotation.JsonValue
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    @com.fasterxml.jackson.annotation.JsonCreator
    public static ColumnType fromKey(String key) {
        for (ColumnType t : values()) {
            if (t.key().equals(key)) {
                return t;
            }
        }
        throw new org.mlsec.InputException("unknown column type '" + key + "' (expected numeric, integer or categorical)");
    }
}
