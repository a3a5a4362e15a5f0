package org.mlsec.model.formats.sklearn;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mlsec.InputException;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Provenance;
import org.mlsec.model.formats.ModelFormat;

/**
 * scikit-learn models saved with {@code pickle} (protocols 2 to 5) or {@code joblib.dump} (uncompressed, or
 * compressed with zlib, gzip, bz2, xz or lzma, which {@link org.mlsec.model.formats.Sniff} removes: joblib writes
 * the compressor's own stream with no header of its own, {@code joblib/compressor.py}), read statically: the pickle
 * is interpreted by {@link PickleMachine}, which runs nothing, refuses every global outside its allow-list and
 * bounds every size, and the inert object graph is mapped by {@link SklearnModels}.
 * <p>
 * Every pickle (a stream starting with the PROTO opcode of protocol 2 to 5) is recognised, so that a pickle that
 * is no scikit-learn model is refused naming the global it imports rather than as an unknown file. joblib's
 * pre-0.10 format ({@code ZF} header, arrays in side files) and lz4 compression are recognised and refused.
 */
public final class SklearnFormat implements ModelFormat {
    /** The format's name in messages and reports. */
    public static final String NAME = "scikit-learn pickle";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean recognises(byte[] head) {
        return isPickle(head) || isOldJoblib(head) || isLz4(head);
    }

    static boolean isPickle(byte[] b) {
        return b.length >= 2 && (b[0] & 0xff) == 0x80 && b[1] >= 2 && b[1] <= 5;
    }

    private static boolean isOldJoblib(byte[] b) {
        if (b.length < 18 || b[0] != 'Z' || b[1] != 'F') {
            return false;
        }
        for (int i = 2; i < 18; i++) {
            char c = (char) (b[i] & 0xff);
            if (!(Character.isDigit(c) || (c >= 'a' && c <= 'f') || c == 'x' || c == ' ')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLz4(byte[] b) {
        return b.length >= 4 && b[0] == 0x04 && b[1] == 0x22 && b[2] == 0x4d && b[3] == 0x18;
    }

    @Override
    public LocalModel read(Path file, byte[] bytes) {
        String where = file.toString();
        if (isOldJoblib(bytes)) {
            throw new InputException(where + " is a joblib file of the format before joblib 0.10 (arrays in side "
                    + "files), which mlsec does not read; load and re-save it with a current joblib");
        }
        if (isLz4(bytes)) {
            throw new InputException(where + " is lz4-compressed (joblib compress='lz4'?); mlsec reads joblib files "
                    + "compressed with zlib, gzip, bz2, xz or lzma");
        }
        try {
            Object root = new PickleMachine(bytes, where).load();
            List<String> notes = new ArrayList<>();
            notes.add("read statically: the pickle's opcodes were interpreted, nothing in it was run");
            Provenance.Imported imported = new Provenance.Imported(NAME, where, ModelFormat.sha256(bytes), notes);
            return SklearnModels.read(root, where, imported);
        } catch (InputException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(where)) {
                throw e;
            }
            if (e instanceof org.mlsec.model.formats.NotWhiteBoxException) {
                throw e;
            }
            throw new InputException(where + ": " + e.getMessage(), e);
        } catch (StackOverflowError e) {
            throw new InputException(where + ": the scikit-learn file nests too deeply to read");
        } catch (RuntimeException e) {
            throw new InputException(where + ": cannot read the scikit-learn file: " + e, e);
        }
    }
}
