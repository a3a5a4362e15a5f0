package org.mlsec.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mlsec.InputException;
import org.mlsec.data.Column;
import org.mlsec.data.ColumnType;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.internal.Json;
import org.mlsec.model.formats.BlackBoxRunner;
import org.mlsec.model.formats.DirectoryFormat;
import org.mlsec.model.formats.ModelFormat;
import org.mlsec.model.formats.Sniff;

/**
 * The one way to open a model file: mlsec's own format and every imported format, recognised by content (never by
 * the file's name), read into a white-box {@link LocalModel} without running anything the file contains.
 */
public final class Models {
    /** Every format read, in the order they are tried; mlsec's own JSON is tried first. */
    private static final List<ModelFormat> FORMATS = List.of(
            // Imported formats are added here, one line each.
            new org.mlsec.model.formats.onnx.OnnxFormat(),
            new org.mlsec.model.formats.lightgbm.LightGbmFormat(),
            new org.mlsec.model.formats.xgboost.XgboostFormat(),
            new org.mlsec.model.formats.pmml.PmmlFormat(),
            new org.mlsec.model.formats.sklearn.SklearnFormat()
    );

    private Models() {
    }

    /**
     * The imported formats (mlsec's own is always read too).
     *
     * @return the formats, in the order files are tried (unmodifiable)
     */
    public static List<ModelFormat> formats() {
        return FORMATS;
    }

    /**
     * Reads a model file of any supported format. An unknown or unsupported file is an {@link InputException}
     * naming what the file looks like; a recognised file that cannot be read says what is missing. A model whose
     * class list names a class twice (the talk's tampering, {@code [0, 1] -> [1, 1]}) is refused: it could never
     * answer the missing class. {@link #loadAsIs} reads such a file for the tools that show the attack.
     *
     * @param file the model file or folder
     * @return the model
     */
    public static LocalModel load(Path file) {
        return requireDistinctClasses(file, loadAsIs(file));
    }

    /**
     * Reads a model file as {@link #load(Path)} does but without refusing repeated class names, for the tools that must
     * open a tampered file to show what it does (tampering, canary checks, the scanner, the demo).
     *
     * @param file the model file or folder
     * @return the model, as the file says
     */
    public static LocalModel loadAsIs(Path file) {
        if (java.nio.file.Files.isDirectory(file)) {
            return loadFolder(file);
        }
        return loadAsIs(file, Sniff.readRaw(file, Sniff.MAX_BYTES));
    }

    /**
     * The model, unless its class list names a class twice.
     *
     * @param file the model's file, for the message
     * @param model the model read
     * @return the model
     * @throws InputException naming the file and the class when a class is named twice
     */
    public static LocalModel requireDistinctClasses(Path file, LocalModel model) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String c : model.classes()) {
            if (!seen.add(c)) {
                throw new InputException(file + ": the class list " + model.classes() + " names class '" + c
                        + "' twice, so the model can never answer the missing class (a tampered file?)");
            }
        }
        return model;
    }

    /**
     * Reads a model from the bytes of a file already read (as stored, compressed or not), so a caller that verified
     * those bytes' signature loads exactly what it verified; {@code file} only names the model in messages.
     *
     * @param file the model file, for messages
     * @param raw its bytes as read
     * @return the model
     * @throws InputException when a class is named twice, as {@link #load(Path)}
     */
    public static LocalModel load(Path file, byte[] raw) {
        return requireDistinctClasses(file, loadAsIs(file, raw));
    }

    /**
     * {@link #load(Path, byte[])} without refusing repeated class names (see {@link #loadAsIs(Path)}).
     *
     * @param file the model file, for messages
     * @param raw its bytes as read
     * @return the model, as the file says
     */
    public static LocalModel loadAsIs(Path file, byte[] raw) {
        org.mlsec.internal.Validate.notNull(raw, "raw");
        byte[] bytes = Sniff.decode(file, raw, Sniff.MAX_BYTES);
        byte[] head = Sniff.head(bytes);
        if (looksLikeMlsec(head)) {
            JsonNode root;
            try {
                root = Json.MAPPER.readTree(bytes);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new InputException(file + " is not a valid mlsec model: " + Json.describe(e));
            } catch (java.io.IOException e) {
                throw new InputException(file + " is not a valid mlsec model: " + e.getMessage());
            }
            if (root != null && ModelIo.FORMAT.equals(root.path("format").asText())) {
                try {
                    return ModelIo.fromTree(root);
                } catch (InputException e) {
                    throw new InputException(file + ": " + e.getMessage());
                }
            }
        }
        for (ModelFormat f : FORMATS) {
            if (f.recognises(head)) {
                return f.read(file, bytes);
            }
        }
        List<String> names = new ArrayList<>();
        names.add("mlsec");
        for (ModelFormat f : FORMATS) {
            names.add(f.name());
        }
        throw new InputException(file + " is " + Sniff.describe(head) + ", not a model format mlsec reads ("
                + String.join(", ", names) + ")");
    }

    /** A model saved as a folder, by a {@link DirectoryFormat} on the classpath (mlsec-spark's Spark ML reader). */
    private static LocalModel loadFolder(Path dir) {
        for (DirectoryFormat f : java.util.ServiceLoader.load(DirectoryFormat.class)) {
            if (f.recognises(dir)) {
                return f.read(dir);
            }
        }
        if (java.nio.file.Files.isRegularFile(dir.resolve("metadata").resolve("part-00000"))) {
            throw new InputException(dir + " looks like a saved Spark ML model; reading it needs the mlsec-spark"
                    + " module and Spark on the classpath (see docs/scale.md)");
        }
        throw new InputException(dir + " is a folder, not a model file");
    }

    /**
     * Opens any model as a {@link Classifier}: an {@code http(s)://} scoring URL (a Flask-style JSON API, black box),
     * or a file of any supported format — white-box where the format allows, and an ONNX graph that is not a tree
     * ensemble or linear classifier as a black box through ONNX Runtime (a {@link BlackBoxRunner} that the
     * mlsec-onnx module registers; without it such a graph is an {@link InputException} naming the module).
     *
     * @param spec      a path or an http(s) URL
     * @param blackBox  the schema rows are sent in when the model is a black box (its classes name the answers);
     *                  ignored for white-box files, which carry their own. May be null when {@code spec} is a
     *                  white-box file.
     *
     * @return the model
     */
    public static Classifier open(String spec, Schema blackBox) {
        org.mlsec.internal.Validate.notNull(spec, "spec");
        if (spec.startsWith("http://") || spec.startsWith("https://")) {
            requireSchema(blackBox, spec);
            return new org.mlsec.model.remote.HttpClassifier(blackBox,
                    org.mlsec.model.remote.HttpClassifier.Config.of(java.net.URI.create(spec)));
        }
        try {
            return load(Path.of(spec));
        } catch (org.mlsec.model.formats.NotWhiteBoxException e) {
            BlackBoxRunner runner = blackBoxRunner(e, spec);
            requireSchema(blackBox, spec + " (" + e.getMessage() + ")");
            return runner.open(Path.of(spec), blackBox);
        }
    }

    /**
     * The {@link BlackBoxRunner} on the classpath for a file no reader understands (mlsec-onnx's ONNX Runtime for
     * ONNX graphs); without one the file is refused, saying which module runs it.
     */
    private static BlackBoxRunner blackBoxRunner(org.mlsec.model.formats.NotWhiteBoxException e, String spec) {
        for (BlackBoxRunner r : java.util.ServiceLoader.load(BlackBoxRunner.class)) {
            if (r.format().equals(e.format())) {
                return r;
            }
        }
        if ("ONNX".equals(e.format())) {
            throw new InputException(spec + " (" + e.getMessage() + ") can only run as a black box through ONNX"
                    + " Runtime, which is not on the classpath: add the dependency org.mlsec:mlsec-onnx");
        }
        throw e;
    }

    private static void requireSchema(Schema s, String what) {
        if (s == null || s.classes().size() < 2) {
            throw new InputException(what + " is a black box: the schema of its inputs and its classes must be given");
        }
    }

    private static boolean looksLikeMlsec(byte[] head) {
        String s = new String(head, StandardCharsets.UTF_8);
        return s.stripLeading().startsWith("{") && s.contains("\"" + ModelIo.FORMAT + "\"");
    }

    /**
     * The model with each numeric column's range taken from the data where the model's own is unknown (infinite),
     * as for imported models: validation, evasion's feasible box and reconstruction then use what the data shows.
     * A numeric column of an imported model also becomes an integer column when every value the data holds is a
     * whole number (as {@code CsvReader} infers), so that searches for changed inputs keep amounts and codes whole.
     *
     * @param model the model
     * @param data rows in the model's schema
     * @return the model with the ranges filled, or {@code model} itself when nothing changed
     */
    public static LocalModel withRanges(LocalModel model, Dataset data) {
        Schema s = model.schema();
        // Imported files say a column is a number, rarely whether it is whole: the data tells.
        boolean imported = model.provenance().imported() != null;
        List<Column> cols = new ArrayList<>();
        boolean changed = false;
        for (int j = 0; j < s.width(); j++) {
            Column c = s.feature(j);
            boolean unknownRange = Double.isInfinite(c.min()) || Double.isInfinite(c.max());
            boolean unknownType = imported && c.type() == ColumnType.NUMERIC;
            if (!c.isCategorical() && (unknownRange || unknownType) && data.rows() > 0) {
                int k = data.schema().indexOf(c.name());
                if (k >= 0) {
                    double lo = Double.POSITIVE_INFINITY;
                    double hi = Double.NEGATIVE_INFINITY;
                    boolean whole = true;
                    for (int i = 0; i < data.rows(); i++) {
                        double v = data.row(i)[k];
                        if (!Double.isNaN(v)) {
                            lo = Math.min(lo, v);
                            hi = Math.max(hi, v);
                            whole &= v == Math.rint(v) && Math.abs(v) < 1e15;
                        }
                    }
                    if (lo <= hi) {
                        ColumnType type = whole && c.type() == ColumnType.NUMERIC ? ColumnType.INTEGER : c.type();
                        c = new Column(c.name(), type, Double.isInfinite(c.min()) ? lo : c.min(),
                                Double.isInfinite(c.max()) ? hi : c.max(), c.categories());
                        changed = true;
                    }
                }
            }
            cols.add(c);
        }
        return changed ? model.withSchema(new Schema(cols, s.label(), s.classes())) : model;
    }
}
