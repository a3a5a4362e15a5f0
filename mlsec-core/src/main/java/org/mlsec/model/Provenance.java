package org.mlsec.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mlsec.Version;
import org.mlsec.data.Dataset;

/**
 * How, when and on what a model was trained; saved with every model.
 *
 * @param tool            "mlsec"
 * @param toolVersion     the mlsec version that trained it
 * @param createdAt       ISO-8601 instant
 * @param algorithm       trainer name (random_forest, gradient_boosting, logistic_regression, decision_tree)
 * @param hyperparameters every setting the trainer used, including defaults and the seed
 * @param data            the training data
 * @param metrics         figures measured at training time (train and test accuracy)
 * @param javaVersion     the JVM that trained it
 * @param imported        for a model read from another library's file: what was read, from where; null for
 *                        models mlsec trained
 * @param missing         how empty cells of the training data were handled, with the fill values, so that prediction
 *                        and serving fill the same way; null when the training data had to be complete
 */
public record Provenance(String tool, String toolVersion, String createdAt, String algorithm,
                         Map<String, String> hyperparameters, DataProvenance data, Map<String, Double> metrics,
                         String javaVersion, @JsonInclude(JsonInclude.Include.NON_NULL) Imported imported,
                         @JsonInclude(JsonInclude.Include.NON_NULL) org.mlsec.data.MissingValues missing) {

    /**
     * Null hyperparameters and metrics are empty.
     *
     * @param tool "mlsec"
     * @param toolVersion the mlsec version that trained it
     * @param createdAt ISO-8601 instant
     * @param algorithm trainer name (random_forest, gradient_boosting, logistic_regression, decision_tree)
     * @param hyperparameters every setting the trainer used, including defaults and the seed
     * @param data the training data
     * @param metrics figures measured at training time (train and test accuracy)
     * @param javaVersion the JVM that trained it
     * @param imported for a model read from another library's file: what was read, from where; null for models mlsec
     *     trained
     * @param missing how empty cells of the training data were handled, with the fill values, so that prediction and
     *     serving fill the same way; null when the training data had to be complete
     */
    public Provenance {
        hyperparameters = hyperparameters == null ? Map.of() : hyperparameters;
        metrics = metrics == null ? Map.of() : metrics;
    }

    /**
     * Provenance of a model mlsec trained.
     *
     * @param tool            "mlsec", or the library that made an imported model
     * @param toolVersion     its version
     * @param createdAt       ISO-8601 instant
     * @param algorithm       trainer name
     * @param hyperparameters every setting the trainer used
     * @param data            the training data
     * @param metrics         figures measured at training time
     * @param javaVersion     the JVM that trained it
     */
    public Provenance(String tool, String toolVersion, String createdAt, String algorithm,
                      Map<String, String> hyperparameters, DataProvenance data, Map<String, Double> metrics,
                      String javaVersion) {
        this(tool, toolVersion, createdAt, algorithm, hyperparameters, data, metrics, javaVersion, null, null);
    }

    /**
     * Provenance with an import record and complete training data.
     *
     * @param tool            "mlsec", or the library that made an imported model
     * @param toolVersion     its version
     * @param createdAt       ISO-8601 instant
     * @param algorithm       trainer name
     * @param hyperparameters every setting the trainer used
     * @param data            the training data
     * @param metrics         figures measured at training time
     * @param javaVersion     the JVM that trained it
     * @param imported        what was read, from where
     */
    public Provenance(String tool, String toolVersion, String createdAt, String algorithm,
                      Map<String, String> hyperparameters, DataProvenance data, Map<String, Double> metrics,
                      String javaVersion, Imported imported) {
        this(tool, toolVersion, createdAt, algorithm, hyperparameters, data, metrics, javaVersion, imported, null);
    }

    /**
     * This provenance with the training data's missing-value handling recorded (null or ERROR: nothing to record).
     *
     * @param m the training data's missing-value handling, or null
     * @return the new provenance
     */
    public Provenance withMissing(org.mlsec.data.MissingValues m) {
        org.mlsec.data.MissingValues kept = m == null || m.policy() == org.mlsec.data.MissingValues.Policy.ERROR ? null : m;
        return new Provenance(tool, toolVersion, createdAt, algorithm, hyperparameters, data, metrics, javaVersion,
                imported, kept);
    }

    /**
     * Where an imported model came from.
     *
     * @param format  the file format as mlsec names it, such as "scikit-learn pickle" or "XGBoost JSON"
     * @param file    the path it was read from
     * @param sha256  SHA-256 of the file's bytes, as read
     * @param notes   what the reader could not take from the file or had to interpret (for example that XGBoost's
     *                cover is a hessian sum, not a row count), one sentence each
     */
    public record Imported(String format, String file, String sha256, List<String> notes) {
        /**
         * Null notes are none.
         *
         * @param format the file format as mlsec names it, such as "scikit-learn pickle" or "XGBoost JSON"
         * @param file the path it was read from
         * @param sha256 SHA-256 of the file's bytes, as read
         * @param notes what the reader could not take from the file or had to interpret (for example that XGBoost's
         *     cover is a hessian sum, not a row count), one sentence each
         */
        public Imported {
            notes = notes == null ? List.of() : List.copyOf(notes);
        }
    }

    /**
     * Provenance of a model read from another library's file. {@code hyperparameters} should hold mlsec's own keys
     * (trees, max_depth, min_leaf, max_features, learning_rate, l2; see {@link TrainConfig#hyperparameters()}) where
     * the file has a counterpart, so that reference models can be trained like it, and the library's own settings
     * under {@code "<library>." + name}. {@code trainingRows} is -1 when the file does not say.
     *
     * @param library the library that wrote the file, such as {@code scikit-learn}
     * @param libraryVersion its version as the file records it, or null
     * @param algorithm mlsec's name of the model family
     * @param hyperparameters the settings read from the file
     * @param features the feature names
     * @param trainingRows training rows, or -1
     * @param imported what was read, from where
     * @return the provenance, without a creation time or data fingerprint
     */
    public static Provenance imported(String library, String libraryVersion, String algorithm,
                                      Map<String, String> hyperparameters, List<String> features, int trainingRows,
                                      Imported imported) {
        return new Provenance(library, libraryVersion, null, algorithm, new TreeMap<>(hyperparameters),
                new DataProvenance(null, null, trainingRows, List.copyOf(features), null), Map.of(), null, imported);
    }

    /**
     * @param source      where the data came from (a path, or "layman-brothers(seed=..)")
     * @param fingerprint SHA-256 over the parsed rows and labels, independent of the file's formatting
     * @param rows        training rows
     * @param features    feature names
     * @param label       label column
     */
    public record DataProvenance(String source, String fingerprint, int rows, List<String> features, String label) {
    }

    /**
     * Provenance of a model mlsec trains now on {@code train}.
     *
     * @param algorithm trainer name
     * @param hyperparameters every setting the trainer used
     * @param train the training rows, fingerprinted here
     * @param source where they came from
     * @param metrics figures measured so far
     * @return the provenance
     */
    public static Provenance of(String algorithm, Map<String, String> hyperparameters, Dataset train, String source,
                                Map<String, Double> metrics) {
        return new Provenance("mlsec", Version.get(), Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                algorithm, new TreeMap<>(hyperparameters),
                new DataProvenance(source, fingerprint(train), train.rows(), train.schema().featureNames(),
                        train.schema().label()),
                new TreeMap<>(metrics), System.getProperty("java.version"));
    }

    /**
     * This provenance with more figures (replacing those of the same name).
     *
     * @param more the figures to add
     * @return the new provenance
     */
    public Provenance withMetrics(Map<String, Double> more) {
        TreeMap<String, Double> m = new TreeMap<>(metrics);
        m.putAll(more);
        return new Provenance(tool, toolVersion, createdAt, algorithm, hyperparameters, data, m, javaVersion, imported,
                missing);
    }

    /**
     * SHA-256 of the rows' values and labels, so that a model names exactly the data it saw.
     *
     * @param d the rows
     * @return 64 hex digits
     */
    public static String fingerprint(Dataset d) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[8];
            for (int i = 0; i < d.rows(); i++) {
                for (double v : d.row(i)) {
                    long bits = Double.doubleToLongBits(v);
                    for (int b = 0; b < 8; b++) {
                        buf[b] = (byte) (bits >>> (8 * b));
                    }
                    md.update(buf);
                }
                if (d.labelled()) {
                    md.update((byte) d.y()[i]);
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
