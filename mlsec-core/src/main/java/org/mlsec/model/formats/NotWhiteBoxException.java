package org.mlsec.model.formats;

import org.mlsec.InputException;

/**
 * The file is of a known format, but what it holds cannot be read into a white-box model (an ONNX graph with
 * operators beyond tree ensembles and linear classifiers, say). Callers that can run it as a black box (ONNX
 * through ONNX Runtime) do so and say why; others report the message.
 */
public class NotWhiteBoxException extends InputException {
    /** The recognised format. */
    private final String format;

    /**
     * A file of a known format that cannot be read white-box.
     *
     * @param format the recognised format, such as "ONNX"
     * @param message why it cannot be read white-box
     */
    public NotWhiteBoxException(String format, String message) {
        super(message);
        this.format = format;
    }

    /**
     * The recognised format, such as "ONNX".
     *
     * @return the format's name
     */
    public String format() {
        return format;
    }
}
