package org.mlsec.data;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.mlsec.InputException;

/**
 * Reads a text file line by line as raw bytes, decoding each line as strict UTF-8 on its own: a byte that is not
 * UTF-8 (a Latin-1 file, say) is reported on the line it is on — a decoder ahead of the line reader reports the
 * line its buffer happened to reach — and a line longer than the limit fails as soon as the limit is passed,
 * before it can fill the heap. Lines end at LF; a CR before it is kept for the tokenizer to drop.
 */
final class LineReader implements Closeable {
    /** Longest line read by default, in bytes. */
    static final int MAX_LINE_BYTES = 16 << 20;
    private final InputStream in;
    private final Path file;
    private final int maxLineBytes;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final byte[] chunk = new byte[1 << 16];
    private int pos;
    private int limit;
    private byte[] line = new byte[1 << 12];
    private long lineNo;

    LineReader(InputStream in, Path file, int maxLineBytes) {
        this.in = in;
        this.file = file;
        this.maxLineBytes = maxLineBytes;
    }

    /** The number of the line last returned (1-based). */
    long lineNo() {
        return lineNo;
    }

    /** The next line without its LF, or null at the end of the file. */
    String next() throws IOException {
        int len = 0;
        boolean any = false;
        while (true) {
            if (pos == limit) {
                limit = in.read(chunk);
                pos = 0;
                if (limit <= 0) {
                    limit = 0;
                    if (!any) {
                        return null;
                    }
                    break;
                }
            }
            any = true;
            int start = pos;
            while (pos < limit && chunk[pos] != '\n') {
                pos++;
            }
            int n = pos - start;
            if ((long) len + n > maxLineBytes) {
                throw new InputException(file + " line " + (lineNo + 1) + ": longer than " + maxLineBytes
                        + " bytes; refused (is this a CSV file?)");
            }
            if (len + n > line.length) {
                line = java.util.Arrays.copyOf(line, Math.min(maxLineBytes, Math.max(len + n, line.length * 2)));
            }
            System.arraycopy(chunk, start, line, len, n);
            len += n;
            if (pos < limit) {
                pos++; // the LF
                break;
            }
        }
        lineNo++;
        try {
            return decoder.decode(ByteBuffer.wrap(line, 0, len)).toString();
        } catch (CharacterCodingException e) {
            int at = firstBadByte(len);
            throw new InputException(file + " line " + lineNo + ", byte " + (at + 1) + ": not UTF-8 text (0x"
                    + String.format("%02x", line[at] & 0xff) + "; a Latin-1 file? convert it with iconv -f latin1 -t utf-8)");
        }
    }

    private int firstBadByte(int len) {
        for (int i = 1; i <= len; i++) {
            try {
                decoder.decode(ByteBuffer.wrap(line, 0, i));
            } catch (CharacterCodingException e) {
                // a truncated multi-byte sequence at the end is not yet an error: only a malformed one
                if (e instanceof java.nio.charset.MalformedInputException) {
                    return Math.max(0, i - ((java.nio.charset.MalformedInputException) e).getInputLength());
                }
            }
        }
        return Math.max(0, len - 1);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
