package org.mlsec.spark;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.mlsec.InputException;
import org.mlsec.data.Column;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.Schema;
import org.mlsec.data.TableReader;
import org.mlsec.data.Values;

/**
 * Tables read by Spark where they live: a Parquet file or folder, a folder of CSV parts, or any URI Spark's
 * filesystems open (hdfs://, s3a://, ...). Spark reads the table and checks its column types against the schema
 * (a numeric feature needs a numeric column; categories and labels may be numbers, text or booleans); only the
 * columns the read keeps are collected, in file order (by file path, block and position, so the same files always
 * give the same rows in the same order, however Spark packs them into partitions), and handed as cells to
 * {@link CsvReader#readRows}: the missing-value policy, category and class mapping and messages are those of a
 * local CSV read, with "row N" for the line. A null cell is missing, and so is NaN (as Spark ML's {@code Imputer}
 * takes it); an infinite number is not a finite number, as in a CSV file.
 */
public final class SparkTables implements TableReader {
    private final SparkSession spark;

    /** @param spark the session that reads the tables */
    public SparkTables(SparkSession spark) {
        this.spark = spark;
    }

    @Override
    public boolean reads(String location) {
        return TableReader.needsEngine(location);
    }

    private static boolean isCsv(String location) {
        String l = location.toLowerCase(Locale.ROOT);
        if (l.endsWith(".csv") || l.endsWith(".csv.gz") || l.endsWith(".tsv")) {
            return true;
        }
        Path p = Path.of(location);
        if (!l.matches("^[a-z][a-z0-9+.-]+:/.*") && Files.isDirectory(p)) {
            try (Stream<Path> s = Files.list(p)) {
                List<String> names = s.map(f -> f.getFileName().toString().toLowerCase(Locale.ROOT)).toList();
                return names.stream().noneMatch(n -> n.endsWith(".parquet"))
                        && names.stream().anyMatch(n -> n.endsWith(".csv") || n.endsWith(".csv.gz"));
            } catch (IOException e) {
                throw new InputException("cannot read " + location + ": " + e.getMessage());
            }
        }
        return false;
    }

    private org.apache.spark.sql.Dataset<Row> frame(String location, CsvOptions options) {
        if (!location.matches("^[A-Za-z][A-Za-z0-9+.-]+:/.*") && !Files.exists(Path.of(location))) {
            throw new InputException("no such file: " + location);
        }
        try {
            if (isCsv(location)) {
                return spark.read().option("header", "true").option("sep", String.valueOf(options.delimiter()))
                        .option("quote", "\"").option("escape", "\"").option("inferSchema", "false")
                        .option("mode", "FAILFAST").option("enforceSchema", "false").csv(location);
            }
            return spark.read().parquet(location);
        } catch (Exception e) { // Spark throws its (Scala-unchecked) SparkException too
            throw new InputException(location + ": Spark cannot read it as " + (isCsv(location) ? "CSV" : "Parquet")
                    + ": " + firstLine(e));
        }
    }

    /** The first line of an exception's message (Spark's are long), at most 300 characters, for a one-line error. */
    public static String firstLine(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && (t.getMessage() == null || t.getMessage().isBlank())) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        m = m.strip();
        int nl = m.indexOf('\n');
        m = nl < 0 ? m : m.substring(0, nl);
        return m.length() <= 300 ? m : m.substring(0, 297) + "...";
    }

    @Override
    public List<String> columns(String location, CsvOptions options) {
        return Arrays.asList(frame(location, options).columns());
    }

    @Override
    public CsvReader.Report read(String location, Schema schema, CsvOptions options) {
        var df = frame(location, options);
        boolean typed = !isCsv(location); // CSV parts are read as text: the cell parser checks their numbers
        List<String> names = Arrays.asList(df.columns());
        Set<String> seen = new HashSet<>();
        for (String n : names) {
            if (!seen.add(n)) {
                throw new InputException(location + ": column name '" + n + "' appears twice");
            }
        }
        List<String> kept = new ArrayList<>();
        for (StructField f : df.schema().fields()) {
            String n = f.name();
            boolean isLabel = n.equals(options.label());
            Column target = schema == null || schema.indexOf(n) < 0 ? null : schema.feature(schema.indexOf(n));
            if (isLabel || (schema != null ? target != null : !options.drop().contains(n))) {
                if (typed) {
                    check(location, f, target, isLabel);
                }
                kept.add(n);
            }
        }
        int[] at = new int[kept.size()];
        for (int k = 0; k < at.length; k++) {
            at[k] = names.indexOf(kept.get(k));
        }
        List<Row> rows;
        try {
            // Spark packs files into partitions by size: the file, block and position within it give file order.
            var cols = new ArrayList<org.apache.spark.sql.Column>();
            cols.add(functions.col("_metadata.file_path"));
            cols.add(functions.col("_metadata.file_block_start"));
            cols.add(functions.monotonically_increasing_id());
            kept.forEach(n -> cols.add(functions.col("`" + n.replace("`", "``") + "`")));
            rows = new ArrayList<>(df.select(cols.toArray(new org.apache.spark.sql.Column[0])).collectAsList());
        } catch (Exception e) { // Spark throws its (Scala-unchecked) SparkException too
            throw new InputException(location + ": Spark could not read its rows: " + firstLine(e));
        }
        rows.sort(Comparator.<Row, String>comparing(r -> r.getString(0)).thenComparingLong(r -> r.getLong(1))
                .thenComparingLong(r -> r.getLong(2)));
        int width = names.size();
        var cells = rows.stream().map(r -> {
            String[] c = new String[width];
            Arrays.fill(c, "");
            for (int k = 0; k < at.length; k++) {
                c[at[k]] = cell(r.get(3 + k));
            }
            return Arrays.asList(c);
        }).iterator();
        return CsvReader.readRows(location, names, cells, schema, options);
    }

    /** A column's Spark type against what the read makes of it; one line naming the column and the file. */
    private static void check(String location, StructField f, Column target, boolean isLabel) {
        DataType t = f.dataType();
        boolean scalar = t instanceof NumericType || t instanceof StringType || t instanceof BooleanType;
        if (!scalar) {
            throw new InputException(location + ", column '" + f.name() + "': Spark type " + t.simpleString()
                    + "; mlsec reads columns of numbers, text or booleans");
        }
        if (target != null && !target.isCategorical() && !(t instanceof NumericType) && !isLabel) {
            throw new InputException(location + ", column '" + f.name() + "': Spark type " + t.simpleString()
                    + ", but the model's feature '" + f.name() + "' is numeric (" + target.type().name().toLowerCase(
                    Locale.ROOT) + "): the column must hold numbers");
        }
    }

    /** A value as the cell text a CSV file would hold: numbers in {@link Values#format} form, null and NaN empty. */
    static String cell(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            return Double.isNaN(d) ? "" : Double.isInfinite(d) ? (d > 0 ? "Infinity" : "-Infinity") : Values.format(d);
        }
        if (v instanceof BigDecimal b) {
            return Values.format(b.doubleValue());
        }
        if (v instanceof Number n) {
            return Long.toString(n.longValue());
        }
        return v.toString();
    }
}
