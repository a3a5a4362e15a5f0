package org.mlsec.model.formats;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.mlsec.model.LocalModel;

/**
 * A reader of one model file format into mlsec's white-box forms ({@code ForestModel}, {@code BoostedModel},
 * {@code LogisticModel}). Readers parse; they never execute anything the file names, never load classes or native
 * code it asks for, and bound every size and index they read, so that a hostile file fails with an
 * {@link org.mlsec.InputException} naming what is wrong and where, never with another exception or unbounded memory.
 */
public interface ModelFormat {
    /**
     * The format's name as users know it, such as "XGBoost JSON".
     *
     * @return the name
     */
    String name();

    /**
     * Whether the file's first bytes look like this format. Recognition is by content, never by file name.
     *
     * @param head up to {@link Sniff#HEAD_BYTES} first bytes of the file, after any gzip/zlib/bz2/xz/lzma layer
     *             has been removed by {@link Sniff}
     *
     * @return true when this format should read the file
     */
    boolean recognises(byte[] head);

    /**
     * Reads the model. The schema's numeric ranges are those the file records, or infinite where it records none
     * ({@code Models.withRanges} then takes them from data); classes are the file's class labels as text.
     *
     * @param file  the file, for error messages and provenance
     * @param bytes its whole content, decompressed, at most {@link Sniff#MAX_BYTES}
     *
     * @return the model, white-box
     */
    LocalModel read(Path file, byte[] bytes);

    /**
     * The lowercase hex SHA-256 of a file's bytes as read, as the readers record it in the provenance.
     *
     * @param bytes the file's bytes
     * @return 64 hex digits
     */
    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
