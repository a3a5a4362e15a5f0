package org.mlsec.scan;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * NumPy .npy files: plain arrays are data; object arrays are stored as a pickle, which is scanned. The header is read
 * as NumPy reads it: the declared length (2 bytes in version 1, 4 in versions 2 and 3), then a Python dict literal
 * whose {@code 'descr'} is a type string or a structured list; an object type ({@code 'O'}, {@code '|O'},
 * {@code 'object'}) anywhere in it, in any field however deep, makes the payload a pickle. Whitespace a wrong header
 * length leaves in front of the pickle is skipped, so it cannot hide the pickle from the scan.
 */
final class NumpyScanner {
    static final String NAME = "mlsec.NumpyScanner";

    private NumpyScanner() {
    }

    private static final java.util.regex.Pattern OBJECT = java.util.regex.Pattern.compile(
            "['\"][<>|=]?(O\\d*|object)['\"]");

    static void scan(InputStream in, String source, ScanReport report, Budget budget, int depth) throws IOException {
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
        String h = new String(header, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        int d = Math.max(h.indexOf("'descr'"), h.indexOf("\"descr\""));
        if (d < 0) {
            malformed(source, report, "no dtype in the header");
            return;
        }
        if (OBJECT.matcher(h.substring(d + 7)).find()) {
            java.io.BufferedInputStream b = new java.io.BufferedInputStream(in);
            int c;
            do {
                b.mark(1);
                c = b.read();
            } while (c == ' ' || c == '\n' || c == '\t' || c == '\r');
            b.reset();
            new PickleScanner(b, source + " (object array)", report.findings::add, budget, depth + 1).scan();
        }
    }

    private static void malformed(String source, ScanReport report, String what) {
        report.findings.add(new Finding(Rule.MALFORMED, Severity.MEDIUM, "malformed .npy: " + what, "structure", "",
                source, NAME));
    }
}
