package org.mlsec.model;

import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;

/**
 * A model as an {@link org.mlsec.data.Aggregation} carries it to where a table's rows are. A {@link LocalModel}
 * travels as the text of its mlsec model file, written only when it is shipped, and is parsed back
 * ({@link ModelIo#fromTree}, which builds trees and weights and never runs code) where it arrives, so it answers
 * there exactly as here; any other classifier (a scoring API) stays in this JVM, and {@link #travels()} says so
 * before an engine tries to ship it.
 */
public final class PortableModel implements Serializable {
    private static final long serialVersionUID = 1L;
    private transient Classifier model;

    private PortableModel(Classifier model) {
        this.model = model;
    }

    /**
     * Wraps a model.
     *
     * @param model the model
     * @return the portable model
     */
    public static PortableModel of(Classifier model) {
        return new PortableModel(org.mlsec.internal.Validate.notNull(model, "model"));
    }

    /**
     * Whether the model can be shipped to another JVM.
     *
     * @return true for a model that travels as its file's text
     */
    public boolean travels() {
        return model instanceof LocalModel;
    }

    /**
     * The model.
     *
     * @return the model
     */
    public Classifier get() {
        return model;
    }

    /**
     * Writes the model file's text: its length in bytes, then its UTF-8 bytes.
     *
     * @param out the stream
     * @throws IOException when the stream fails, or the model cannot travel
     * @serialData the length of the model file's text, then the text
     */
    private void writeObject(ObjectOutputStream out) throws IOException {
        if (!(model instanceof LocalModel m)) {
            throw new NotSerializableException("a " + model.getClass().getSimpleName()
                    + " answers only in the JVM that opened it");
        }
        byte[] text = org.mlsec.internal.Json.MAPPER.writeValueAsBytes(ModelIo.toTree(m));
        out.writeInt(text.length);
        out.write(text);
    }

    /**
     * Reads the model file's text and parses it into the model.
     *
     * @param in the stream
     * @throws IOException when the stream fails or the text is not an mlsec model
     */
    private void readObject(ObjectInputStream in) throws IOException {
        byte[] text = new byte[in.readInt()];
        in.readFully(text);
        model = ModelIo.fromTree(org.mlsec.internal.Json.MAPPER.readTree(text));
    }
}
