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
