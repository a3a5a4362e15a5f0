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

    /**
     * The message of an {@link InputException} a task threw (bad cells in a partition, say), found in the cause
     * chain or in the text of the Spark exception that carried it to the driver.
     *
     * @param e what the job threw
     * @return the input error's message, or empty when the job failed otherwise
     */
    static java.util.Optional<String> inputMessage(Throwable e) {
        String marker = InputException.class.getName() + ": ";
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InputException) {
                return java.util.Optional.ofNullable(t.getMessage());
            }
            String m = t.getMessage();
            int at = m == null ? -1 : m.indexOf(marker);
            if (at >= 0) {
                String rest = m.substring(at + marker.length());
                int nl = rest.indexOf('\n');
                return java.util.Optional.of(nl < 0 ? rest : rest.substring(0, nl));
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * The first line of an exception's message (Spark's are long), at most 300 characters, for a one-line error.
     *
     * @param e what was thrown
     * @return its message's first line
     */
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

    /** The columns a read keeps, checked against the schema, and the frame that selects them. */
    record Selection(org.apache.spark.sql.Dataset<Row> frame, List<String> names, int[] at) {
    }

    Selection select(String location, Schema schema, CsvOptions options) {
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
        // Spark packs files into partitions by size: the file, block and position within it give file order.
        var cols = new ArrayList<org.apache.spark.sql.Column>();
        cols.add(functions.col("_metadata.file_path"));
        cols.add(functions.col("_metadata.file_block_start"));
        cols.add(functions.monotonically_increasing_id());
        kept.forEach(n -> cols.add(functions.col("`" + n.replace("`", "``") + "`")));
        return new Selection(df.select(cols.toArray(new org.apache.spark.sql.Column[0])), names, at);
    }

    @Override
    public CsvReader.Report read(String location, Schema schema, CsvOptions options) {
        Selection sel = select(location, schema, options);
        List<Row> rows;
        try {
            rows = new ArrayList<>(sel.frame().collectAsList());
        } catch (Exception e) { // Spark throws its (Scala-unchecked) SparkException too
            throw new InputException(location + ": Spark could not read its rows: " + firstLine(e));
        }
        return readRows(location, sel, rows, schema, options);
    }

    @Override
    public CsvReader.Report sample(String location, Schema schema, CsvOptions options, int rows, long seed) {
        org.mlsec.internal.Validate.positive(rows, "rows");
        Selection sel = select(location, schema, options);
        List<Drawn> picked;
        try {
            if (sel.frame().count() <= rows) {
                return read(location, schema, options);
            }
            // Each partition keeps its smallest draws and the driver merges them as they arrive (Spark's takeOrdered),
            // so the driver holds about twice the sample, never the table.
            int width = sel.names().size();
            int[] at = sel.at();
            picked = new ArrayList<>(sel.frame().javaRDD().map(r -> Drawn.of(r, width, at, seed))
                    .takeOrdered(rows, Drawn.BY_DRAW));
        } catch (Exception e) { // Spark throws its (Scala-unchecked) SparkException too
            throw new InputException(location + ": Spark could not read its rows: " + firstLine(e));
        }
        picked.sort(Drawn.BY_PLACE);
        return CsvReader.readRows(location, sel.names(), picked.stream().map(d -> Arrays.asList(d.cells())).iterator(),
                schema, options);
    }

    /**
     * A row with its place in the files and its draw: a hash of the seed and the row's values (numbers by value,
     * so a number stored as 230000 in one table and 230000.0 in another draws alike), so that the same rows are
     * drawn however the table is split into files and partitions.
     */
    record Drawn(long draw, String path, long block, long position, String[] cells) implements java.io.Serializable {
        static final Comparator<Drawn> BY_PLACE = (Comparator<Drawn> & java.io.Serializable) (a, b) -> {
            int c = a.path.compareTo(b.path);
            c = c != 0 ? c : Long.compare(a.block, b.block);
            return c != 0 ? c : Long.compare(a.position, b.position);
        };
        static final Comparator<Drawn> BY_DRAW = (Comparator<Drawn> & java.io.Serializable) (a, b) -> {
            int c = Long.compare(a.draw, b.draw);
            return c != 0 ? c : BY_PLACE.compare(a, b);
        };

        static Drawn of(Row r, int width, int[] at, long seed) {
            String[] c = new String[width];
            Arrays.fill(c, "");
            long h = mix(seed);
            for (int k = 0; k < at.length; k++) {
                c[at[k]] = cell(r.get(3 + k));
                h = mix(h ^ valueBits(c[at[k]]));
            }
            return new Drawn(h, r.getString(0), r.getLong(1), r.getLong(2), c);
        }

        /** A cell's value: a number's bits (-0 as 0), else a 64-bit hash of its text. */
        static long valueBits(String cell) {
            try {
                double v = Double.parseDouble(cell);
                return Double.doubleToLongBits(v == 0 ? 0.0 : v);
            } catch (NumberFormatException e) {
                long h = 0xcbf29ce484222325L;
                for (int i = 0; i < cell.length(); i++) {
                    h = (h ^ cell.charAt(i)) * 0x100000001b3L;
                }
                return h;
            }
        }

        /** SplitMix64's finaliser. */
        static long mix(long z) {
            z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
            z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
            return z ^ (z >>> 31);
        }
    }

    @Override
    public org.mlsec.data.Table table(String location, Schema schema, CsvOptions options) {
        org.mlsec.internal.Validate.notNull(schema, "schema");
        return new SparkTable(location, select(location, schema, options), schema, options);
    }

    /** Rows in file order, as the cells a CSV file would hold, read by the CSV reader's rules. */
    private static CsvReader.Report readRows(String location, Selection sel, List<Row> rows, Schema schema,
                                             CsvOptions options) {
        rows.sort(Comparator.<Row, String>comparing(r -> r.getString(0)).thenComparingLong(r -> r.getLong(1))
                .thenComparingLong(r -> r.getLong(2)));
        return CsvReader.readRows(location, sel.names(), cells(rows.iterator(), sel.names().size(), sel.at()), schema,
                options);
    }

    /** Each row's kept values (after its place in the files) as cells at their columns; the others empty. */
    static java.util.Iterator<List<String>> cells(java.util.Iterator<Row> rows, int width, int[] at) {
        return new java.util.Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public List<String> next() {
                Row r = rows.next();
                String[] c = new String[width];
                Arrays.fill(c, "");
                for (int k = 0; k < at.length; k++) {
                    c[at[k]] = cell(r.get(3 + k));
                }
                return Arrays.asList(c);
            }
        };
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
