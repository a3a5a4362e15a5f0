package org.mlsec.data;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes datasets as CSV, categories and classes in their original text. */
public final class CsvWriter {
    private CsvWriter() {
    }

    /**
     * Writes the features, then the label column when the data is labelled.
     *
     * @param data the rows; values are written as {@link Column#format} gives them
     * @param file where to write
     */
    public static void write(Dataset data, Path file) {
        Schema s = data.schema();
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                StringBuilder sb = new StringBuilder();
                List<String> names = s.featureNames();
                for (int j = 0; j < names.size(); j++) {
                    if (j > 0) {
                        sb.append(',');
                    }
                    sb.append(quote(names.get(j)));
                }
                if (data.labelled()) {
                    sb.append(',').append(quote(s.label() == null ? "label" : s.label()));
                }
                w.write(sb.append('\n').toString());
                for (int i = 0; i < data.rows(); i++) {
                    sb.setLength(0);
                    double[] r = data.row(i);
                    for (int j = 0; j < r.length; j++) {
                        if (j > 0) {
                            sb.append(',');
                        }
                        sb.append(quote(s.feature(j).format(r[j])));
                    }
                    if (data.labelled()) {
                        sb.append(',').append(quote(s.classes().get(data.y()[i])));
                    }
                    w.write(sb.append('\n').toString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    static String quote(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
