package org.mlsec.scan;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * What one top-level file may cost to scan, however its archives and compression layers nest: total bytes
 * decompressed, archive entries, nesting depth. Reaching a bound is a HIGH finding (a bomb, or a file too big to
 * judge), reported once, and the scan stops reading; it is never an OutOfMemoryError and never "clean".
 */
final class Budget {
    /** Nesting of archives, compression layers and inner pickles. */
    static final int MAX_DEPTH = 16;
    /** Bytes decompressed or extracted from all layers of one file. */
    static final long MAX_BYTES = 16L << 30;
    /** Archive entries of one file, all archives together. */
    static final int MAX_ENTRIES = 200_000;
    /** An entry larger than this is a bomb when it also expands more than {@link #MAX_RATIO} times. */
    static final long RATIO_FLOOR = 256L << 20;
    static final long MAX_RATIO = 1000;
    /** Memory an xz, lzma or 7z decoder may allocate for its dictionary (real files use 8-64 MiB). */
    static final int MAX_DECODER_KIB = 64 * 1024;

    private final String file;
    private final ScanReport report;
    private long bytesLeft;
    private int entriesLeft = MAX_ENTRIES;
    private boolean reported;

    Budget(String file, ScanReport report) {
        this(file, report, MAX_BYTES);
    }

    Budget(String file, ScanReport report, long maxBytes) {
        this.file = file;
        this.report = report;
        this.bytesLeft = maxBytes;
    }

    ScanReport report() {
        return report;
    }

    boolean exhausted() {
        return bytesLeft <= 0 || entriesLeft <= 0;
    }

    /** Counts an archive entry; false (after a finding) when there are too many. */
    boolean entry(String source) {
        if (--entriesLeft < 0) {
            bomb(source, "more than " + MAX_ENTRIES + " archive entries");
            return false;
        }
        return !exhausted();
    }

    void tooDeep(String source) {
        bomb(source, "archives, compression or inner pickles nested more than " + MAX_DEPTH + " deep");
    }

    void bomb(String source, String what) {
        if (reported) {
            return;
        }
        reported = true;
        report.findings.add(new Finding(Rule.ARCHIVE_PROBLEM, Severity.HIGH, file + " holds " + what
                + " (a bomb, or more than mlsec judges): the rest was not scanned", "bomb", "", source,
                "mlsec.Budget"));
    }

    /** A stream whose bytes are charged to this budget; at the bound it reports and ends. */
    InputStream track(InputStream in, String source) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) <= 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (bytesLeft <= 0) {
                    bomb(source, "more than " + (MAX_BYTES >> 30) + " GiB once decompressed");
                    return -1;
                }
                int n = super.read(b, off, (int) Math.min(len, bytesLeft));
                if (n > 0) {
                    bytesLeft -= n;
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                byte[] buf = new byte[8192];
                int r = read(buf, 0, (int) Math.min(n, buf.length));
                return Math.max(r, 0);
            }

            @Override
            public boolean markSupported() {
                return false;
            }

            @Override
            public void close() {
                // the enclosing archive owns the stream
            }
        };
    }

    /** An exception in one line: its message, or its type when it has none (never "null"). */
    static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
