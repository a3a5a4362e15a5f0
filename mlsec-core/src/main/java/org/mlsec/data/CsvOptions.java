package org.mlsec.data;

import java.util.Set;

/**
 * How to read a CSV file.
 *
 * @param delimiter   the field separator
 * @param label       the label column, or null for unlabelled data
 * @param drop        columns to ignore (identifiers, leaks)
 * @param categorical columns to treat as categorical whatever their values look like
 * @param numeric     columns to treat as ordered numbers even when they look categorical
 * @param missing     what to do with empty feature cells (default: an error)
 */
public record CsvOptions(char delimiter, String label, Set<String> drop, Set<String> categorical, Set<String> numeric,
                         MissingValues missing) {
    /**
     * Null column sets are empty; null missing values are {@link MissingValues#ERROR}.
     *
     * @param delimiter the field separator
     * @param label the label column, or null for unlabelled data
     * @param drop columns to ignore (identifiers, leaks)
     * @param categorical columns to treat as categorical whatever their values look like
     * @param numeric columns to treat as ordered numbers even when they look categorical
     * @param missing what to do with empty feature cells (default: an error)
     */
    public CsvOptions {
        drop = drop == null ? Set.of() : Set.copyOf(drop);
        categorical = categorical == null ? Set.of() : Set.copyOf(categorical);
        numeric = numeric == null ? Set.of() : Set.copyOf(numeric);
        missing = missing == null ? MissingValues.ERROR : missing;
    }

    /**
     * Options where an empty cell is an error.
     *
     * @param delimiter the field separator
     * @param label the label column, or null for unlabelled data
     * @param drop columns to ignore
     * @param categorical columns to treat as categorical
     * @param numeric columns to treat as ordered numbers
     */
    public CsvOptions(char delimiter, String label, Set<String> drop, Set<String> categorical, Set<String> numeric) {
        this(delimiter, label, drop, categorical, numeric, MissingValues.ERROR);
    }

    /**
     * These options with another missing-value policy.
     *
     * @param m the policy and fills
     * @return the new options
     */
    public CsvOptions withMissing(MissingValues m) {
        return new CsvOptions(delimiter, label, drop, categorical, numeric, m);
    }

    /**
     * Comma-separated, labelled, types inferred, empty cells an error.
     *
     * @param label the label column
     * @param drop columns to ignore
     * @return the options
     */
    public static CsvOptions labelled(String label, String... drop) {
        return new CsvOptions(',', label, Set.of(drop), Set.of(), Set.of());
    }

    /**
     * Comma-separated, unlabelled, types inferred, empty cells an error.
     *
     * @param drop columns to ignore
     * @return the options
     */
    public static CsvOptions unlabelled(String... drop) {
        return new CsvOptions(',', null, Set.of(drop), Set.of(), Set.of());
    }

    /**
     * These options with another separator.
     *
     * @param d the field separator
     * @return the new options
     */
    public CsvOptions withDelimiter(char d) {
        return new CsvOptions(d, label, drop, categorical, numeric, missing);
    }

    /**
     * These options with columns whose type the user gives.
     *
     * @param categoricalColumns columns to treat as categorical
     * @param numericColumns columns to treat as ordered numbers
     * @return the new options
     */
    public CsvOptions withTypes(Set<String> categoricalColumns, Set<String> numericColumns) {
        return new CsvOptions(delimiter, label, drop, categoricalColumns, numericColumns, missing);
    }
}
