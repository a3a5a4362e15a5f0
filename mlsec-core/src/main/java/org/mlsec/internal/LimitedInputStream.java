package org.mlsec.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.mlsec.InputException;

/**
 * A stream that fails with an {@link InputException} (the given message) as soon as more than {@code limit} bytes
 * have come through it: put after a decompressor, it bounds what a small compressed file may expand to, so the
 * limit applies to the bytes parsed rather than to the bytes on disk.
 */
public final class LimitedInputStream extends FilterInputStream {
    private final long limit;
    private final String message;
    private long count;

    public LimitedInputStream(InputStream in, long limit, String message) {
        super(in);
        Validate.isTrue(limit >= 0, "limit must not be negative");
        this.limit = limit;
        this.message = message;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            counted(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            counted(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long s = super.skip(n);
        counted(s);
        return s;
    }

    private void counted(long n) {
        count += n;
        if (count > limit) {
            throw new InputException(message);
        }
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
