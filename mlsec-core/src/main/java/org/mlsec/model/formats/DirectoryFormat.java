package org.mlsec.model.formats;

import java.nio.file.Path;
import org.mlsec.model.LocalModel;

/**
 * A reader of a model saved as a folder (Spark ML's layout), found with {@link java.util.ServiceLoader} because its
 * library is not part of mlsec-core: mlsec-spark registers the Spark ML reader. Same contract as
 * {@link ModelFormat}: recognised by content, parsed, never executed.
 */
public interface DirectoryFormat {
    /**
     * The format's name as users know it, such as "Spark ML".
     *
     * @return the name
     */
    String name();

    /**
     * Whether the folder holds a model of this format.
     *
     * @param dir a folder
     * @return true when this format reads it
     */
    boolean recognises(Path dir);

    /**
     * Reads the model in the folder.
     *
     * @param dir a folder this format recognises
     * @return the model, white-box
     */
    LocalModel read(Path dir);
}
