package org.mlsec.cli;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.mlsec.InputException;
import org.mlsec.data.Dataset;
import org.mlsec.model.Classifier;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Models;
import org.mlsec.model.formats.NotWhiteBoxException;
import org.mlsec.model.onnx.OnnxClassifier;
import org.mlsec.model.remote.ClassDiscovery;
import org.mlsec.model.remote.HttpClassifier;

/**
 * The model a command works on, with the data read for it: an mlsec model file (its schema decides how the data
 * is read), an ONNX file or an http(s) scoring URL (the schema is inferred from the data, classes from its label).
 */
record Target(Classifier model, Dataset data, long discoveryQueries) {
    Target(Classifier model, Dataset data) {
        this(model, data, 0);
    }

    /** A scoring URL needs --label here: the command compares with the ground truth. */
    static Target open(String spec, DataOptions options, boolean needLabel) {
        return open(spec, options, needLabel, false, null);
    }

    /**
     * As {@link #open(String, DataOptions, boolean)}, for attacks that need no ground truth from a scoring URL: given
     * unlabelled data, its classes are {@code classes} or learnt from its answers (said on stderr, the queries in
     * {@link #discoveryQueries()}).
     */
    static Target openAttacked(String spec, DataOptions options, boolean needLabel, List<String> classes) {
        return open(spec, options, needLabel, true, classes);
    }

    private static Target open(String spec, DataOptions options, boolean needLabel, boolean unlabelledUrl,
                               List<String> classes) {
        if (spec.startsWith("http://") || spec.startsWith("https://")) {
            HttpClassifier.Config config = HttpClassifier.Config.of(URI.create(spec));
            if (options.label == null && unlabelledUrl) {
                Dataset d = options.readUnlabelled();
                ClassDiscovery.Discovered found = ClassDiscovery.connect(config, d, classes, ClassDiscovery.DEFAULT_SAMPLE,
                        DISCOVERY_SEED);
                System.err.println("mlsec: no --label: " + found.describe());
                Dataset withClasses = new Dataset(found.classifier().schema(), d.x(), null);
                return new Target(found.classifier(), withClasses, found.queries());
            }
            Dataset d = blackBoxData(options, spec);
            return new Target(new HttpClassifier(d.schema(), config), d);
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
        Dataset d = options.readFor(m.schema(), needLabel, m.provenance() == null ? null : m.provenance().missing());
        return new Target(Models.withRanges(m, d), d);
    }

    /** Seed of the sample whose answers teach an API's classes (fixed: the same rows whatever the attack's seed). */
    static final long DISCOVERY_SEED = 18;

    private static Dataset blackBoxData(DataOptions options, String spec) {
        if (options.label == null) {
            throw new InputException("--label COLUMN is required with a black-box model file (" + spec
                    + "): its classes are read from the data (a scoring URL can learn them from its answers)");
        }
        return options.readLabelled();
    }
}
