package org.mlsec.defences.integrity;

import java.nio.file.Path;
import java.security.PublicKey;
import org.mlsec.Result;
import org.mlsec.internal.Validate;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Models;
import org.mlsec.model.formats.Sniff;

/**
 * A model file read once, its signature checked on those bytes, and the model loaded from the same bytes: checking
 * a path and then loading the path again lets a file swapped in between (during start-up, say) be used although
 * it never passed the check. Every caller that verifies before loading goes through here.
 *
 * @param file      the model file (names it in messages)
 * @param signature the signature check of {@code bytes}
 * @param bytes     the file's bytes as read, exactly what was checked
 */
public record VerifiedModel(Path file, Result signature, byte[] bytes) {
    /**
     * Checks that every part is given.
     *
     * @param file the model file (names it in messages)
     * @param signature the signature check of {@code bytes}
     * @param bytes the file's bytes as read, exactly what was checked
     */
    public VerifiedModel {
        Validate.notNull(file, "file");
        Validate.notNull(signature, "signature");
        Validate.notNull(bytes, "bytes");
    }

    /**
     * Reads {@code model} once and checks its signature on the bytes read.
     *
     * @param model the model file
     * @param signature the bundle
     * @param key the signer's public key
     * @return the bytes read and their check
     */
    public static VerifiedModel read(Path model, Path signature, PublicKey key) {
        byte[] bytes = Sniff.readRaw(model, Sniff.MAX_BYTES);
        return new VerifiedModel(model, ModelSigning.verify(model, bytes, signature, key), bytes);
    }

    /**
     * Whether the signature holds for the bytes read.
     *
     * @return whether the check found nothing
     */
    public boolean holds() {
        return !signature.finding();
    }

    /**
     * The model parsed from exactly the bytes that were checked (also when the check failed: the caller decides).
     *
     * @return the model
     */
    public LocalModel load() {
        return Models.load(file, bytes);
    }
}
