package org.mlsec.cli;

import java.net.URI;
import java.nio.file.Path;
import org.mlsec.InputException;
import org.mlsec.data.Dataset;
import org.mlsec.model.Classifier;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Models;
import org.mlsec.model.formats.NotWhiteBoxException;
import org.mlsec.model.onnx.OnnxClassifier;
import org.mlsec.model.remote.HttpClassifier;

/**
 * The model a command works on, with the data read for it: an mlsec model file (its schema decides how the data
 * is read), an ONNX file or an http(s) scoring URL (the schema is inferred from the data, classes from its label).
 */
record Target(Classifier model, Dataset data) {
    static Target open(String spec, DataOptions options, boolean needLabel) {
        if (spec.startsWith("http://") || spec.startsWith("https://")) {
            Dataset d = blackBoxData(options, spec);
            return new Target(new HttpClassifier(d.schema(), HttpClassifier.Config.of(URI.create(spec))), d);
        }
        LocalModel m;
        try {
            m = Models.load(Path.of(spec));
        } catch (NotWhiteBoxException e) {
            if (!"ONNX".equals(e.format())) {
                throw e;
            }
            System.err.println("mlsec: " + e.getMessage() + "; running it as a black box through ONNX Runtime");
            Dataset d = blackBoxData(options, spec);
            return new Target(new OnnxClassifier(Path.of(spec), d.schema()), d);
        }
        Dataset d = options.readFor(m.schema(), needLabel);
        return new Target(Models.withRanges(m, d), d);
    }

    private static Dataset blackBoxData(DataOptions options, String spec) {
        if (options.label == null) {
            throw new InputException("--label COLUMN is required with a black-box model (" + spec
                    + "): its classes are read from the data");
        }
        return options.readLabelled();
    }
}
