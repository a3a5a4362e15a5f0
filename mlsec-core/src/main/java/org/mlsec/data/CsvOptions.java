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
    public CsvOptions {
        drop = drop == null ? Set.of() : Set.copyOf(drop);
        categorical = categorical == null ? Set.of() : Set.copyOf(categorical);
        numeric = numeric == null ? Set.of() : Set.copyOf(numeric);
        missing = missing == null ? MissingValues.ERROR : missing;
    }

    /** Options where an empty cell is an error. */
    public CsvOptions(char delimiter, String label, Set<String> drop, Set<String> categorical, Set<String> numeric) {
        this(delimiter, label, drop, categorical, numeric, MissingValues.ERROR);
    }

    public CsvOptions withMissing(MissingValues m) {
        return new CsvOptions(delimiter, label, drop, categorical, numeric, m);
    }

    public static CsvOptions labelled(String label, String... drop) {
        return new CsvOptions(',', label, Set.of(drop), Set.of(), Set.of());
    }

    public static CsvOptions unlabelled(String... drop) {
        return new CsvOptions(',', null, Set.of(drop), Set.of(), Set.of());
    }

    public CsvOptions withDelimiter(char d) {
        return new CsvOptions(d, label, drop, categorical, numeric, missing);
    }

    public CsvOptions withTypes(Set<String> categoricalColumns, Set<String> numericColumns) {
        return new CsvOptions(delimiter, label, drop, categoricalColumns, numericColumns, missing);
    }
}
