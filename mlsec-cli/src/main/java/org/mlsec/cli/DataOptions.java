package org.mlsec.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.mlsec.InputException;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.Dataset;
import org.mlsec.data.MissingValues;
import org.mlsec.data.Schema;
import org.mlsec.data.TableReader;
import picocli.CommandLine.Option;

/** The options that say how to read a CSV file, shared by every command that reads data. */
public final class DataOptions {
    @Option(names = "--data", paramLabel = "FILE", description = "CSV file with a header line.")
    Path data;

    @Option(names = "--label", paramLabel = "COLUMN", description = "The label column.")
    String label;

    @Option(names = "--drop", paramLabel = "COLUMN", split = ",", description = "Columns to ignore (repeatable or comma-separated), e.g. an ID.")
    List<String> drop = new ArrayList<>();

    @Option(names = "--categorical", paramLabel = "COLUMN", split = ",", description = "Treat these columns as categorical.")
    List<String> categorical = new ArrayList<>();

    @Option(names = "--numeric", paramLabel = "COLUMN", split = ",", description = "Treat these columns as ordered numbers.")
    List<String> numeric = new ArrayList<>();

    @Option(names = "--missing", paramLabel = "POLICY", description = {"Empty cells: error (the default), drop (rows with one",
            "are left out), impute-median or impute-mode. A model trained with imputation records its fill values and",
            "uses them (not the scored rows' statistics) wherever it reads data; --missing error refuses instead."})
    String missing;

    /** The last read's missing-value handling, with the fills it decided (recorded by train in the model). */
    MissingValues lastMissing = MissingValues.ERROR;

    /** The last read's report: lines, fills, unseen categories. */
    CsvReader.Report lastReport;

    @Option(names = "--delimiter", paramLabel = "CHAR", description = "Field separator (default: ${DEFAULT-VALUE}; \\t for tab).", defaultValue = ",")
    String delimiter;

    Path requireData() {
        if (data == null) {
            throw new InputException("--data FILE is required");
        }
        return data;
    }

    CsvOptions options(String labelColumn) {
        String d = "\\t".equals(delimiter) || "tab".equalsIgnoreCase(delimiter) ? "\t" : delimiter;
        if (d.length() != 1) {
            throw new InputException("--delimiter must be a single character, got '" + delimiter + "'");
        }
        Set<String> dropped = new HashSet<>(drop);
        return new CsvOptions(d.charAt(0), labelColumn, dropped, Set.copyOf(categorical), Set.copyOf(numeric),
                missing(null));
    }

    /**
     * The missing-value handling to read with: the user's --missing if given, else what the model recorded at training
     * (its fills: the training data's statistics), else an error on the first empty cell.
     */
    MissingValues missing(MissingValues recorded) {
        if (missing == null) {
            return recorded != null ? recorded : MissingValues.ERROR;
        }
        MissingValues.Policy p = MissingValues.Policy.parse(missing);
        return recorded != null && recorded.policy() == p ? recorded : MissingValues.of(p);
    }

    /** The engine's reader of Parquet, CSV folders and cluster URIs (--engine spark); null: local CSV files only. */
    TableReader tables;

    /** The location a cluster reader is given: a URI's "scheme://" as typed (a Path keeps one slash of two). */
    static String location(Path file) {
        String s = file.toString();
        return s.matches("^[A-Za-z][A-Za-z0-9+.-]+:/[^/].*") && !s.startsWith("file:") ? s.replaceFirst(":/", "://") : s;
    }

    /** The engine's reader if it reads {@code file}; null for a local CSV file; refuses a table without one. */
    private TableReader tableReader(Path file) {
        String loc = location(file);
        if (tables != null && tables.reads(loc)) {
            return tables;
        }
        if (TableReader.needsEngine(loc) && !java.nio.file.Files.isRegularFile(file) || loc.toLowerCase().endsWith(".parquet")) {
            throw new InputException(loc + " is a Parquet file, a folder or a URI: mlsec reads those with --engine spark"
                    + " (see docs/scale.md); without it, give a CSV file");
        }
        return null;
    }

    /**
     * With an engine's reader: read at most this many rows of its tables into memory, a seeded sample
     * ({@link TableReader#sample}); null reads every row. Set by the commands that also read every row where it lives.
     */
    Integer sampleRows;

    /** The seed of the {@link #sampleRows} sample. */
    long sampleSeed;

    /** Reads, and says on stderr what was filled or dropped. */
    Dataset read(Path file, Schema schema, CsvOptions options) {
        TableReader t = tableReader(file);
        CsvReader.Report r = t != null ? (sampleRows == null ? t.read(location(file), schema, options)
                : t.sample(location(file), schema, options, sampleRows, sampleSeed))
                : schema == null ? CsvReader.readReport(file, options) : CsvReader.readReport(file, schema, options);
        if (t != null && sampleRows != null && r.data().rows() == sampleRows) {
            System.err.println("mlsec: " + file + ": a sample of " + sampleRows + " rows is read into memory for the"
                    + " checks that train and attack models; the checks that read every row read them where they are");
        }
        lastMissing = r.missing();
        lastReport = r;
        if (!r.summary().isEmpty()) {
            System.err.println("mlsec: " + file + ": " + r.summary());
        }
        return r.data();
    }

    /** Reads the data, inferring the schema; the label is required. */
    Dataset readLabelled() {
        if (label == null) {
            throw new InputException("--label COLUMN is required");
        }
        return read(requireData(), null, options(label));
    }

    /** Reads the data with an inferred schema and no label, even when a column is called like a label. */
    Dataset readUnlabelled() {
        return read(requireData(), null, options(null));
    }

    /** Reads the data into a model's schema; the label column defaults to the model's. */
    Dataset readFor(Schema schema, boolean needLabel) {
        return readFor(schema, needLabel, null);
    }

    /** As {@link #readFor(Schema, boolean)}, filling empty cells as the model's training did ({@code recorded}). */
    Dataset readFor(Schema schema, boolean needLabel, MissingValues recorded) {
        return readFor(requireData(), schema, needLabel, recorded);
    }

    /** As {@link #readFor(Schema, boolean, MissingValues)}, from another file than --data (a --reference, say). */
    Dataset readFor(Path file, Schema schema, boolean needLabel, MissingValues recorded) {
        String l = label != null ? label : schema.label();
        if (!needLabel && label == null) {
            l = hasColumn(file, l) ? l : null;
        }
        if (needLabel && l == null) {
            throw new InputException("--label COLUMN is required: the model file does not name its label column");
        }
        // Classes come from the data: a model is then scored by the class names it answers, whatever its file says.
        return read(file, new Schema(schema.features(), l, java.util.List.of()), options(l).withMissing(missing(recorded)));
    }

    /** Reads a labelled file into a model's schema with the model's own classes (attacks compare class indices). */
    Dataset readWithModelClasses(Path file, Schema schema) {
        String l = label != null ? label : schema.label();
        if (l == null) {
            throw new InputException("--label COLUMN is required: the model file does not name its label column");
        }
        return read(file, schema, options(l));
    }

    /** Reads into {@code schema} with these options, by the engine's reader where it reads the file. */
    Dataset readAs(Path file, Schema schema, CsvOptions options) {
        TableReader t = tableReader(file);
        return t != null ? (sampleRows == null ? t.read(location(file), schema, options)
                : t.sample(location(file), schema, options, sampleRows, sampleSeed)).data()
                : CsvReader.read(file, schema, options);
    }

    /**
     * Every row of {@code file} where it lives, read into {@code schema} with {@code options} and the fills of
     * {@code missing}; null when no engine reads the file (a local CSV file is read whole, so its rows are all
     * in memory already).
     */
    org.mlsec.data.Table table(Path file, Schema schema, CsvOptions options, MissingValues missing) {
        TableReader t = tableReader(file);
        return t == null ? null : t.table(location(file), schema, options.withMissing(missing));
    }

    private boolean hasColumn(Path file, String column) {
        if (column == null) {
            return false;
        }
        TableReader t = tableReader(file);
        return (t != null ? t.columns(location(file), options(null)) : CsvReader.header(file, options(null))).contains(column);
    }
}
