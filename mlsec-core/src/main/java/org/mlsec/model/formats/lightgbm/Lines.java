package org.mlsec.model.formats.lightgbm;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.mlsec.InputException;

/**
 * The lines of a LightGBM model file, one at a time, with their numbers and byte offsets. A line ends at
 * {@code \n} (a {@code \r} before it is dropped); lines longer than {@link #MAX_LINE} bytes or not valid UTF-8 are
 * refused, so that no line can take unbounded memory.
 */
final class Lines {
    /** Longest line accepted: a tree of LightGBM's largest size (131,072 leaves) needs about 3 MB per array. */
    static final int MAX_LINE = 1 << 24;

    private final byte[] bytes;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private int pos;
    private int number;
    private int start;

    Lines(byte[] bytes) {
        this.bytes = bytes;
    }

    boolean hasNext() {
        return pos < bytes.length;
    }

    /** Number (from 1) of the line last returned. */
    int number() {
        return number;
    }

    /** Byte offset of the start of the line last returned. */
    int start() {
        return start;
    }

    /** The next line without its line ending; call only when {@link #hasNext()}. */
    String next() {
        start = pos;
        int end = pos;
        while (end < bytes.length && bytes[end] != '\n') {
            end++;
        }
        number++;
        pos = end < bytes.length ? end + 1 : end;
        int stop = end > start && bytes[end - 1] == '\r' ? end - 1 : end;
        if (stop - start > MAX_LINE) {
            throw new InputException("line " + number + " is " + (stop - start) + " bytes long; lines of at most "
                    + MAX_LINE + " bytes are read");
        }
        boolean ascii = true;
        for (int i = start; i < stop && ascii; i++) {
            ascii = bytes[i] >= 0;
        }
        if (ascii) {
            return new String(bytes, start, stop - start, StandardCharsets.ISO_8859_1);
        }
        try {
            CharBuffer c = utf8.reset().decode(ByteBuffer.wrap(bytes, start, stop - start));
            return c.toString();
        } catch (CharacterCodingException e) {
            throw new InputException("line " + number + " is not UTF-8 text (not a LightGBM text model?)");
        }
    }
}
