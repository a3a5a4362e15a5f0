package org.mlsec.scan;

import java.io.IOException;
import java.io.InputStream;
import org.mlsec.internal.Json;

/**
 * safetensors files: an 8-byte little-endian header length, a JSON header of tensor names, dtypes, shapes and byte
 * offsets, then raw tensor bytes. Nothing in them runs; the header must parse, or the file is malformed.
 */
final class Safetensors {
    static final String NAME = "mlsec.SafetensorsScanner";
    /** The reference implementation refuses headers above 100 MB. */
    private static final long MAX_HEADER = 100_000_000L;

    private Safetensors() {
    }

    static boolean looksLike(byte[] h) {
        if (h.length < 10) {
            return false;
        }
        long n = 0;
        for (int i = 0; i < 8; i++) {
            n |= (long) (h[i] & 0xff) << (8 * i);
        }
        return n >= 2 && n <= MAX_HEADER && h[8] == '{' && (h[9] == '"' || h[9] == '}' || h[9] == ' ');
    }

    static void scan(InputStream in, String source, ScanReport report) throws IOException {
        byte[] len = in.readNBytes(8);
        long n = 0;
        for (int i = 0; i < 8; i++) {
            n |= (long) (len[i] & 0xff) << (8 * i);
        }
        byte[] header = in.readNBytes((int) n);
        try {
            if (header.length < n || !Json.MAPPER.readTree(header).isObject()) {
                throw new IOException("truncated");
            }
        } catch (IOException e) {
            report.findings.add(new Finding(Rule.MALFORMED, Severity.MEDIUM, "malformed safetensors header: "
                    + Budget.describe(e), "structure", "", source, NAME));
        }
    }
}
