package org.mlsec.model.formats;

import java.nio.file.Path;
import org.mlsec.data.Schema;
import org.mlsec.model.Classifier;

/**
 * A runner of model files that are of a known format but cannot be read white-box (a {@link NotWhiteBoxException}),
 * found with {@link java.util.ServiceLoader} because its library is not part of mlsec-core: mlsec-onnx registers
 * ONNX Runtime for ONNX graphs beyond tree ensembles and linear classifiers. Unlike a {@link ModelFormat}, a runner
 * executes the file, so {@link org.mlsec.model.Models#open} uses one only for a file no reader understands.
 */
public interface BlackBoxRunner {
    /**
     * The format it runs, as {@link NotWhiteBoxException#format()} names it, such as "ONNX".
     *
     * @return the format's name
     */
    String format();

    /**
     * Opens the file as a black box whose inputs are the schema's columns and whose answers its classes.
     *
     * @param file the model file
     * @param schema the features sent and the classes answered
     * @return the model, as a black box
     */
    Classifier open(Path file, Schema schema);
}
