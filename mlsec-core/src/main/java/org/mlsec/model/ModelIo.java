package org.mlsec.model;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.mlsec.InputException;
import org.mlsec.data.Schema;
import org.mlsec.internal.Json;
import org.mlsec.model.linear.LogisticModel;
import org.mlsec.model.tree.BoostedModel;
import org.mlsec.model.tree.ForestModel;

/**
 * mlsec's model file: one JSON document, optionally gzip-compressed, with a format name and version, the schema,
 * the provenance and the model's parameters as plain numbers. Loading binds only to mlsec's own record types and
 * checks every tree's structure, so a crafted file can fail to load but never run code.
 */
public final class ModelIo {
    /** The {@code format} value of every mlsec model file. */
    public static final String FORMAT = "mlsec-model";
    /** The newest format version this mlsec writes and reads. */
    public static final int FORMAT_VERSION = 1;
    /** Larger files are refused before parsing. */
    static final long MAX_BYTES = 2L << 30;

    private ModelIo() {
    }

    /**
     * Writes a model as an mlsec model file (JSON: format, kind, schema, provenance, parameters), atomically.
     *
     * @param model the model
     * @param file where to write
     */
    public static void save(LocalModel model, Path file) {
        ObjectNode root = toTree(model);
        org.mlsec.internal.AtomicFiles.write(file, out -> Json.MAPPER.writeValue(out, root));
    }

    /**
     * The JSON document of a model's file, as {@link #save} writes it and {@link #fromTree} reads it.
     *
     * @param model the model
     * @return the document
     */
    public static ObjectNode toTree(LocalModel model) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("format_version", FORMAT_VERSION);
        root.put("kind", model.kind());
        root.set("schema", Json.MAPPER.valueToTree(model.schema()));
        root.set("provenance", Json.MAPPER.valueToTree(model.provenance()));
        root.set("model", model.toJson());
        return root;
    }

    /**
     * Reads an mlsec model file.
     *
     * @param file the model file
     * @return the model
     * @throws InputException naming the file when it is no valid mlsec model, or names a class twice
     */
    public static LocalModel load(Path file) {
        return Models.requireDistinctClasses(file, loadAsIs(file));
    }

    /**
     * Reads an mlsec model file without refusing repeated class names (see {@link Models#loadAsIs(Path)}).
     *
     * @param file the model file
     * @return the model, as the file says
     * @throws InputException naming the file when it is no valid mlsec model
     */
    public static LocalModel loadAsIs(Path file) {
        JsonNode root = readTree(file);
        try {
            return fromTree(root);
        } catch (InputException e) {
            throw new InputException(file + ": " + e.getMessage());
        }
    }

    /**
     * Reads the JSON document of a model file without building the model (scanners and tamper tools use it).
     *
     * @param file the model file
     * @return the document
     */
    public static JsonNode readTree(Path file) {
        try {
            long size = Files.size(file);
            if (size == 0) {
                throw new InputException(file + " is empty, not an mlsec model");
            }
            if (size > MAX_BYTES) {
                throw new InputException(file + " is " + size + " bytes, larger than any mlsec model ("
                        + MAX_BYTES + ")");
            }
            try (InputStream in = open(file)) {
                JsonNode root = Json.MAPPER.readTree(in);
                if (root == null || !root.isObject()) {
                    throw new InputException(file + " is not an mlsec model (not a JSON object)");
                }
                return root;
            }
        } catch (NoSuchFileException e) {
            throw new InputException("no such model file: " + file);
        } catch (JsonParseException e) {
            throw new InputException(file + " is not an mlsec model (not JSON: " + Json.describe(e) + ")");
        } catch (JsonProcessingException e) {
            throw new InputException(file + " is not a valid mlsec model: " + Json.describe(e));
        } catch (IOException e) {
            throw new InputException("cannot read model " + file + ": " + e.getMessage(), e);
        }
    }

    static InputStream open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        if (b1 == 0x1f && b2 == 0x8b) {
            // The size limit applies to what the gzip expands to, not to its compressed bytes.
            return new org.mlsec.internal.LimitedInputStream(new GZIPInputStream(in, 1 << 16), MAX_BYTES,
                    file + ": the gzip data expands beyond " + MAX_BYTES + " bytes; refused as a decompression bomb");
        }
        return in;
    }

    /**
     * Builds a model from the JSON document of an mlsec model file.
     *
     * @param root the document
     * @return the model
     * @throws InputException when the format, version, kind or parameters are wrong
     */
    public static LocalModel fromTree(JsonNode root) {
        if (!FORMAT.equals(root.path("format").asText())) {
            throw new InputException("not an mlsec model (format is '" + root.path("format").asText() + "', expected '"
                    + FORMAT + "')");
        }
        int version = root.path("format_version").asInt(-1);
        if (version < 1 || version > FORMAT_VERSION) {
            throw new InputException("model format version " + root.path("format_version")
                    + " is not supported by this mlsec (it reads versions 1 to " + FORMAT_VERSION + ")");
        }
        String kind = root.path("kind").asText();
        Schema schema;
        Provenance provenance;
        try {
            schema = Json.MAPPER.treeToValue(root.get("schema"), Schema.class);
            provenance = Json.MAPPER.treeToValue(root.get("provenance"), Provenance.class);
        } catch (JsonProcessingException e) {
            throw new InputException("malformed schema or provenance: " + Json.describe(e));
        } catch (IllegalArgumentException e) {
            throw new InputException("malformed schema or provenance: " + e.getMessage());
        }
        if (schema == null || schema.features().isEmpty() || schema.classes().size() < 2) {
            throw new InputException("malformed schema: it needs features and at least two classes");
        }
        JsonNode body = root.get("model");
        if (body == null || !body.isObject()) {
            throw new InputException("no model parameters");
        }
        Json.requireFinite(body, "model parameter model");
        switch (kind) {
            case ForestModel.RANDOM_FOREST:
            case ForestModel.DECISION_TREE:
                return ForestModel.fromJson(kind, schema, provenance, body);
            case BoostedModel.KIND:
                return BoostedModel.fromJson(schema, provenance, body);
            case LogisticModel.KIND:
                return LogisticModel.fromJson(schema, provenance, body);
            default:
                throw new InputException("unknown model kind '" + kind + "'");
        }
    }
}
