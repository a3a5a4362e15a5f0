package org.mlsec.scan;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reads at most {@code limit} bytes of a stream (a tar entry, or a zip entry under a size cap). */
final class LimitedInput extends FilterInputStream {
    private long left;
    private boolean exceeded;

    LimitedInput(InputStream in, long limit) {
        super(in);
        this.left = limit;
    }

    boolean exceeded() {
        return exceeded;
    }

    @Override
    public int read() throws IOException {
        if (left <= 0) {
            exceeded |= super.read() >= 0;
            return -1;
        }
        int b = super.read();
        if (b >= 0) {
            left--;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (left <= 0) {
            return -1;
        }
        int n = super.read(b, off, (int) Math.min(len, left));
        if (n > 0) {
            left -= n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long s = super.skip(Math.min(n, left));
        left -= s;
        return s;
    }

    @Override
    public void close() {
        // the underlying archive stream stays open for the next entry
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
