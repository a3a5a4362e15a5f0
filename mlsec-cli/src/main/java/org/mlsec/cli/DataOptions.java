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
import org.mlsec.data.Schema;
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
        return new CsvOptions(d.charAt(0), labelColumn, dropped, Set.copyOf(categorical), Set.copyOf(numeric));
    }

    /** Reads the data, inferring the schema; the label is required. */
    Dataset readLabelled() {
        if (label == null) {
            throw new InputException("--label COLUMN is required");
        }
        return CsvReader.read(requireData(), options(label));
    }

    /** Reads the data with an inferred schema and no label, even when a column is called like a label. */
    Dataset readUnlabelled() {
        return CsvReader.read(requireData(), options(null));
    }

    /** Reads the data into a model's schema; the label column defaults to the model's. */
    Dataset readFor(Schema schema, boolean needLabel) {
        String l = label != null ? label : schema.label();
        Path file = requireData();
        if (!needLabel && label == null) {
            l = hasColumn(file, l) ? l : null;
        }
        if (needLabel && l == null) {
            throw new InputException("--label COLUMN is required: the model file does not name its label column");
        }
        // Classes come from the data: a model is then scored by the class names it answers, whatever its file says.
        return CsvReader.read(file, new Schema(schema.features(), l, java.util.List.of()), options(l));
    }

    /** Reads a labelled file into a model's schema with the model's own classes (attacks compare class indices). */
    Dataset readWithModelClasses(Path file, Schema schema) {
        String l = label != null ? label : schema.label();
        if (l == null) {
            throw new InputException("--label COLUMN is required: the model file does not name its label column");
        }
        return CsvReader.read(file, schema, options(l));
    }

    private boolean hasColumn(Path file, String column) {
        return column != null && CsvReader.header(file, options(null)).contains(column);
    }
}
