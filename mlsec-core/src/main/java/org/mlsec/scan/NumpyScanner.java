package org.mlsec.scan;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** NumPy .npy files: plain arrays are data; object arrays ('O' dtype) are stored as a pickle, which is scanned. */
final class NumpyScanner {
    static final String NAME = "mlsec.NumpyScanner";

    private NumpyScanner() {
    }

    static void scan(InputStream in, String source, ScanReport report) throws IOException {
        byte[] magic = in.readNBytes(8);
        if (magic.length < 8) {
            malformed(source, report, "truncated header");
            return;
        }
        int major = magic[6];
        byte[] len = in.readNBytes(major == 1 ? 2 : 4);
        if (len.length < (major == 1 ? 2 : 4) || major < 1 || major > 3) {
            malformed(source, report, "unknown format version " + major);
            return;
        }
        long headerLength = 0;
        for (int i = 0; i < len.length; i++) {
            headerLength |= (long) (len[i] & 0xff) << (8 * i);
        }
        if (headerLength > 1 << 20) {
            malformed(source, report, "header of " + headerLength + " bytes");
            return;
        }
        byte[] header = in.readNBytes((int) headerLength);
        if (header.length < headerLength) {
            malformed(source, report, "truncated header");
            return;
        }
        String h = new String(header, StandardCharsets.ISO_8859_1);
        int d = h.indexOf("'descr'");
        if (d < 0) {
            malformed(source, report, "no dtype in the header");
            return;
        }
        String descr = h.substring(d, Math.min(h.length(), d + 40));
        if (descr.contains("O")) {
            new PickleScanner(in, source + " (object array)", report.findings::add).scan();
        }
    }

    private static void malformed(String source, ScanReport report, String what) {
        report.findings.add(new Finding(Rule.MALFORMED, Severity.MEDIUM, "malformed .npy: " + what, "structure", "",
                source, NAME));
    }
}
