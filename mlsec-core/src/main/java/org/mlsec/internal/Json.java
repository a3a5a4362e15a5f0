package org.mlsec.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.mlsec.MlsecException;

/**
 * The one JSON configuration mlsec uses for its files and reports: snake_case keys, data binding to plain records
 * only (no polymorphic typing, so reading a file never instantiates a class the file names).
 */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false);

    private Json() {
    }

    /**
     * A parse or mapping error as one line for a user: the first line of Jackson's message with Java class names
     * replaced by plain words, the place in the document (JSON path) and the line, or the message of the
     * validation that refused the value.
     */
    public static String describe(JsonProcessingException e) {
        Throwable cause = e.getCause();
        String msg = cause != null && cause.getMessage() != null
                && (cause instanceof IllegalArgumentException || cause instanceof MlsecException)
                ? cause.getMessage() : e.getOriginalMessage();
        msg = msg == null ? e.getClass().getSimpleName() : msg.split("\\R", 2)[0];
        msg = msg.replaceAll("`?(?:[a-z_][a-z0-9_]*\\.)+([A-Z][A-Za-z0-9_]*)(?:\\$[A-Za-z0-9_$]*)?`?", "$1")
                .replaceAll("`", "'").replaceAll(",?\\s*from '[A-Za-z.]+\\(\\)'", "")
                .replaceAll("\\b(String)\\b", "text").replaceAll("\\b(Integer|Long|Double|Float)\\b", "number")
                .replaceAll("\\b(List|ArrayList|Collection)\\b", "list").replaceAll("\\b(Map|LinkedHashMap)\\b", "object");
        StringBuilder b = new StringBuilder(msg.strip());
        if (e instanceof com.fasterxml.jackson.databind.JsonMappingException m && !m.getPath().isEmpty()) {
            b.append(" (at ").append(path(m.getPath())).append(')');
        }
        if (e.getLocation() != null && e.getLocation().getLineNr() > 0) {
            b.append(" at line ").append(e.getLocation().getLineNr()).append(", column ").append(e.getLocation().getColumnNr());
        }
        return b.toString();
    }

    private static String path(java.util.List<com.fasterxml.jackson.databind.JsonMappingException.Reference> refs) {
        StringBuilder b = new StringBuilder();
        for (var r : refs) {
            if (r.getFieldName() != null) {
                b.append(b.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.length() == 0 ? "the document" : b.toString();
    }

    /**
     * Refuses a non-finite number anywhere in {@code node}: a number that overflows to infinity, or text that
     * Jackson would read as NaN or infinity. {@code where} names the root in the message.
     */
    public static void requireFinite(com.fasterxml.jackson.databind.JsonNode node, String where) {
        if (node == null) {
            return;
        }
        if (node.isNumber()) {
            if (!Double.isFinite(node.asDouble())) {
                throw new org.mlsec.InputException(where + " is " + node.asText() + "; non-finite parameters are refused");
            }
        } else if (node.isTextual()) {
            String t = node.asText().strip().toLowerCase(java.util.Locale.ROOT);
            if (t.matches("[+-]?(nan|inf|infinity)")) {
                throw new org.mlsec.InputException(where + " is " + node.asText() + "; non-finite parameters are refused");
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                requireFinite(node.get(i), where + "[" + i + "]");
            }
        } else if (node.isObject()) {
            var it = node.fields();
            while (it.hasNext()) {
                var f = it.next();
                requireFinite(f.getValue(), where + "." + f.getKey());
            }
        }
    }

    /** Pretty JSON text. */
    public static String pretty(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new MlsecException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Writes pretty JSON to a file, creating its folder. */
    public static void write(Object value, Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, pretty(value) + "\n");
        } catch (IOException e) {
            throw new MlsecException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
