package org.mlsec.model.formats;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.lzma.LZMACompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.mlsec.InputException;

/**
 * Reads a model file's bytes with bounded memory, removing one compression layer (gzip, zlib, bz2, xz, lzma, as
 * joblib and mlsec write them), and tells what a file looks like when no reader takes it.
 */
public final class Sniff {
    /** Bytes a format sees to recognise a file. */
    public static final int HEAD_BYTES = 4096;
    /** Largest model accepted, compressed or not: far above real tree ensembles. */
    public static final long MAX_BYTES = 1L << 30;
    /**
     * Memory the xz and lzma decoders may allocate, in KiB: the largest preset's dictionary (64 MiB, {@code xz -9},
     * joblib's {@code compress=('lzma', 9)}) and the decoder's own state. A header asking for more (up to 4 GiB, in
     * five bytes) is refused before the dictionary is allocated.
     */
    public static final int MAX_DECODER_KIB = 80 * 1024;

    private Sniff() {
    }

    /**
     * The compression layer a file starts with, or null.
     *
     * @param b the file's first bytes
     * @return {@code gzip}, {@code zlib}, {@code bz2}, {@code xz}, {@code lzma} or null
     */
    public static String compression(byte[] b) {
        if (b.length >= 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b) {
            return "gzip";
        }
        if (b.length >= 2 && (b[0] & 0xff) == 0x78 && ((b[0] & 0xff) * 256 + (b[1] & 0xff)) % 31 == 0) {
            return "zlib";
        }
        if (b.length >= 3 && b[0] == 'B' && b[1] == 'Z' && b[2] == 'h') {
            return "bz2";
        }
        if (b.length >= 6 && (b[0] & 0xff) == 0xfd && b[1] == '7' && b[2] == 'z' && b[3] == 'X' && b[4] == 'Z') {
            return "xz";
        }
        if (b.length >= 3 && (b[0] & 0xff) == 0x5d && b[1] == 0 && b[2] == 0) {
            return "lzma";
        }
        return null;
    }

    /**
     * The file's content with at most one compression layer removed. Compressed or not, more than
     * {@link #MAX_BYTES} is refused (a decompression bomb stops there, it does not exhaust memory).
     *
     * @param file the file
     * @return the decompressed content
     */
    public static byte[] readAll(Path file) {
        return readAll(file, MAX_BYTES);
    }

    /**
     * {@link #readAll(Path)} with another limit on the bytes read, compressed or not.
     *
     * @param file the file
     * @param maxBytes most bytes read, before and after decompression
     * @return the decompressed content
     */
    public static byte[] readAll(Path file, long maxBytes) {
        return decode(file, readRaw(file, maxBytes), maxBytes);
    }

    /**
     * The file's bytes exactly as stored (no decompression), read once: what a signature covers. Checks that the
     * path is a non-empty regular file of at most {@code maxBytes}.
     *
     * @param file the file
     * @param maxBytes most bytes read
     * @return the bytes as stored
     */
    public static byte[] readRaw(Path file, long maxBytes) {
        try {
            if (!Files.isRegularFile(file)) {
                if (Files.isDirectory(file)) {
                    throw new InputException(file + " is a folder, not a model file");
                }
                if (!Files.exists(file)) {
                    throw new InputException("no such model file: " + file);
                }
                throw new InputException(file + " is not a regular file (a device, FIFO or socket)");
            }
            long size = Files.size(file);
            if (size == 0) {
                throw new InputException(file + " is empty, not a model file");
            }
            if (size > maxBytes) {
                throw new InputException(file + " is " + size + " bytes, larger than any model mlsec reads ("
                        + maxBytes + ")");
            }
            try (InputStream in = Files.newInputStream(file)) {
                byte[] raw = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
                if (raw.length > maxBytes) {
                    throw new InputException(file + " grew beyond " + maxBytes + " bytes while being read");
                }
                if (raw.length == 0) {
                    throw new InputException(file + " is empty, not a model file");
                }
                return raw;
            }
        } catch (NoSuchFileException e) {
            throw new InputException("no such model file: " + file);
        } catch (IOException e) {
            throw new InputException("cannot read model " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The raw bytes of {@code file} with any compression layer removed, bounded by {@code maxBytes} decompressed.
     *
     * @param file the file, for messages
     * @param raw its bytes as stored
     * @param maxBytes most bytes after decompression
     * @return the decompressed content, or {@code raw} when it is not compressed
     */
    public static byte[] decode(Path file, byte[] raw, long maxBytes) {
        String c = compression(raw);
        if (c == null) {
            return raw;
        }
        try (InputStream in = decompress(c, new ByteArrayInputStream(raw), MAX_DECODER_KIB)) {
            return readBounded(in, file, c, maxBytes);
        } catch (org.apache.commons.compress.MemoryLimitException e) {
            throw new InputException(file + ": the " + c + " header asks for " + e.getMemoryNeededInKb()
                    + " KiB of decoder memory, more than any model file needs (" + MAX_DECODER_KIB + " KiB); refused");
        } catch (IOException | RuntimeException e) {
            if (e instanceof InputException) {
                throw (InputException) e;
            }
            throw new InputException(file + ": the " + c + " data is corrupt or truncated: " + e.getMessage());
        }
    }

    /**
     * {@link #decompress(String, InputStream)} whose xz and lzma decoders may allocate at most {@code memoryLimitKiB}
     * (a hostile header can ask for a dictionary of gigabytes); beyond it reading fails with an IOException.
     *
     * @param c the layer, as {@link #compression} names it
     * @param in the compressed stream
     * @param memoryLimitKiB most memory the xz and lzma decoders may use
     * @return the decompressed stream
     * @throws IOException when the stream's header is unreadable
     */
    public static InputStream decompress(String c, InputStream in, int memoryLimitKiB) throws IOException {
        switch (c) {
            case "xz":
                return new XZCompressorInputStream(in, true, memoryLimitKiB);
            case "lzma":
                return new LZMACompressorInputStream(in, memoryLimitKiB);
            default:
                return decompress(c, in);
        }
    }

    /**
     * A stream that removes the named layer ({@link #compression}'s names) from {@code in}.
     *
     * @param c the layer, as {@link #compression} names it
     * @param in the compressed stream
     * @return the decompressed stream
     * @throws IOException when the stream's header is unreadable
     */
    public static InputStream decompress(String c, InputStream in) throws IOException {
        switch (c) {
            case "gzip":
                return new GZIPInputStream(in, 1 << 16);
            case "zlib":
                return new InflaterInputStream(in);
            case "bz2":
                return new BZip2CompressorInputStream(in, true);
            case "xz":
                return new XZCompressorInputStream(in, true);
            default:
                return new LZMACompressorInputStream(in);
        }
    }

    private static byte[] readBounded(InputStream in, Path file, String c, long maxBytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        long total = 0;
        int r;
        while ((r = in.read(buf)) > 0) {
            total += r;
            if (total > maxBytes) {
                throw new InputException(file + ": " + c + " data expands beyond " + maxBytes
                        + " bytes; refused as a decompression bomb");
            }
            out.write(buf, 0, r);
        }
        return out.toByteArray();
    }

    /**
     * The first bytes, for recognition.
     *
     * @param bytes the file's bytes
     * @return at most {@link #HEAD_BYTES} of them
     */
    public static byte[] head(byte[] bytes) {
        return java.util.Arrays.copyOf(bytes, Math.min(bytes.length, HEAD_BYTES));
    }

    /**
     * What a file no reader took looks like, for the error message.
     *
     * @param b the file's bytes
     * @return a phrase such as "a NumPy array"
     */
    public static String describe(byte[] b) {
        if (b.length >= 2 && (b[0] & 0xff) == 0x80 && b[1] >= 0 && b[1] <= 5) {
            return "a Python pickle (protocol " + b[1] + ")";
        }
        if (b.length >= 4 && b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4) {
            return "a zip archive (a PyTorch checkpoint, a Keras v3 file or an npz?)";
        }
        if (b.length >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'H' && b[2] == 'D' && b[3] == 'F') {
            return "an HDF5 file (a Keras model?)";
        }
        if (b.length >= 6 && (b[0] & 0xff) == 0x93 && b[1] == 'N' && b[2] == 'U' && b[3] == 'M' && b[4] == 'P'
                && b[5] == 'Y') {
            return "a NumPy array";
        }
        if (b.length >= 2 && (b[0] & 0xff) == 0xac && (b[1] & 0xff) == 0xed) {
            return "Java serialization";
        }
        String text = new String(b, 0, Math.min(b.length, 256), StandardCharsets.UTF_8).stripLeading();
        if (text.startsWith("{") || text.startsWith("[")) {
            return "a JSON document";
        }
        if (text.startsWith("<")) {
            return "an XML document";
        }
        int printable = 0;
        for (int i = 0; i < Math.min(b.length, 256); i++) {
            int c = b[i] & 0xff;
            if (c == '\n' || c == '\r' || c == '\t' || (c >= 32 && c < 127)) {
                printable++;
            }
        }
        return printable == Math.min(b.length, 256) ? "a text file" : "binary data of no known model format";
    }
}
