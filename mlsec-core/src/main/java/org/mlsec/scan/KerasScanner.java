package org.mlsec.scan;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.mlsec.internal.Json;

/** Keras models: Lambda layers carry marshalled Python code that runs when the model is loaded. */
final class KerasScanner {
    static final String NAME = "mlsec.KerasScanner";
    private static final byte[] LAMBDA = "\"class_name\": \"Lambda\"".getBytes(StandardCharsets.US_ASCII);

    private KerasScanner() {
    }

    /** The config.json of a .keras archive. */
    static void scanConfig(InputStream in, String source, ScanReport report) throws IOException {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(in);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            return; // not a Keras config: some other JSON in an archive
        }
        if (root != null) {
            walk(root, source, report);
        }
    }

    private static void walk(JsonNode n, String source, ScanReport report) {
        if (n.isObject()) {
            if ("Lambda".equals(n.path("class_name").asText())) {
                report.findings.add(lambda(source, n.at("/config/name").asText("?")));
            }
            n.elements().forEachRemaining(c -> walk(c, source, report));
        } else if (n.isArray()) {
            n.elements().forEachRemaining(c -> walk(c, source, report));
        }
    }

    /** HDF5 (.h5) files keep the model config as a JSON attribute; its bytes are searched, streaming. */
    static void scanH5(InputStream in, String source, ScanReport report) throws IOException {
        int matched = 0;
        int b;
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) > 0) {
            for (int i = 0; i < n; i++) {
                b = buf[i];
                matched = b == LAMBDA[matched] ? matched + 1 : (b == LAMBDA[0] ? 1 : 0);
                if (matched == LAMBDA.length) {
                    report.findings.add(lambda(source, "?"));
                    matched = 0;
                }
            }
        }
    }

    private static Finding lambda(String source, String layer) {
        return new Finding(Rule.KERAS_LAMBDA, Severity.HIGH, "Lambda layer '" + layer
                + "': serialized Python code runs when the model is loaded", "Lambda", "keras.layers.Lambda", source, NAME);
    }
}
