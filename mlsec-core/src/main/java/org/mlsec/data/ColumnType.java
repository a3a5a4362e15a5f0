package org.mlsec.data;

/** How a feature column is read and encoded. */
public enum ColumnType {
    /** Real-valued. */
    NUMERIC,
    /** Whole numbers, ordered (counts, amounts, ordinal codes such as repayment status). */
    INTEGER,
    /** A small set of unordered values; encoded one-hot where a model needs numbers. */
    CATEGORICAL;

    /**
     * The type as model and schema files spell it.
     *
     * @return {@code numeric}, {@code integer} or {@code categorical}
     */
    @com.fasterxml.jackson.annotation.JsonValue
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Reads a type as model and schema files spell it.
     *
     * @param key the spelling {@link #key()} gives
     * @return the type
     * @throws org.mlsec.InputException when {@code key} names no type
     */
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
