package org.mlsec.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Reads tables that live where a cluster reads them (Parquet files and folders, folders of CSV parts, any
 * filesystem URI), for an engine that has such a reader (mlsec-spark). A reader hands the cells to
 * {@link CsvReader#readRows}, so the schema checks, the missing-value policy and the messages are those of a local
 * CSV read; it adds its own checks of the table's column types against the schema.
 */
public interface TableReader {
    /**
     * Whether this reader reads {@code location}; a plain local CSV file is left to {@link CsvReader}.
     *
     * @param location a path or URI
     * @return true for a table this reader opens
     */
    boolean reads(String location);

    /**
     * The table's column names, in table order.
     *
     * @param location a path or URI
     * @param options the delimiter of CSV parts
     * @return the names
     */
    List<String> columns(String location, CsvOptions options);

    /**
     * Reads the table into {@code schema} (or infers one when it is null), as {@link CsvReader#readRows} does.
     *
     * @param location a path or URI
     * @param schema the schema to read into, or null
     * @param options label, columns to drop or type, missing values, the delimiter of CSV parts
     * @return the rows and what was filled or dropped
     */
    CsvReader.Report read(String location, Schema schema, CsvOptions options);

    /**
     * Reads at most {@code rows} of the table: all of them, as {@link #read} does, when it has no more; else a
     * seeded pseudo-random choice of that many rows (the same rows for the same table and seed, however the table
     * is split into files or partitions), in table order.
     *
     * @param location a path or URI
     * @param schema   the schema to read into, or null
     * @param options  label, columns to drop or type, missing values, the delimiter of CSV parts
     * @param rows     the most rows to read, at least 1
     * @param seed     which rows
     * @return the rows read and what was filled or dropped
     */
    CsvReader.Report sample(String location, Schema schema, CsvOptions options, int rows, long seed);

    /**
     * The table where it lives, every row read into {@code schema} chunk by chunk wherever the engine reads it
     * (the checks that read every row aggregate over it); an imputing missing-value policy takes the fills of
     * {@code options}, so that every chunk fills alike.
     *
     * @param location a path or URI
     * @param schema   the schema to read into
     * @param options  label, columns to drop or type, missing values and their fills, the delimiter of CSV parts
     * @return the table
     */
    Table table(String location, Schema schema, CsvOptions options);

    /**
     * Whether a location is a table that only an engine's reader opens: a Parquet file or folder, a folder of CSV
     * parts, or a URI with a scheme (hdfs://, s3a://). A local CSV file is not.
     *
     * @param location a path or URI
     * @return true when the local CSV reader cannot read it
     */
    static boolean needsEngine(String location) {
        String l = location.toLowerCase(Locale.ROOT);
        if (l.matches("^[a-z][a-z0-9+.-]+:/.*")) {
            return true;
        }
        return l.endsWith(".parquet") || Files.isDirectory(Path.of(location));
    }
}
