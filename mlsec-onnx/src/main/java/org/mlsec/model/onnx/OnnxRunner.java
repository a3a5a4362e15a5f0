package org.mlsec.model.onnx;

import java.nio.file.Path;
import org.mlsec.data.Schema;
import org.mlsec.model.Classifier;
import org.mlsec.model.formats.BlackBoxRunner;

/**
 * Registers ONNX Runtime with {@link java.util.ServiceLoader} as the runner of ONNX graphs that mlsec-core's
 * white-box reader refuses, so that {@link org.mlsec.model.Models#open} runs them as an {@link OnnxClassifier}.
 */
public final class OnnxRunner implements BlackBoxRunner {
    @Override
    public String format() {
        return "ONNX";
    }

    @Override
    public Classifier open(Path file, Schema schema) {
        return new OnnxClassifier(file, schema);
    }
}
