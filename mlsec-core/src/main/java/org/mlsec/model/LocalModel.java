package org.mlsec.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.atomic.AtomicLong;
import org.mlsec.data.Schema;

/**
 * A model trained (or loaded) here: white-box, with its schema, encoder and provenance, saved in mlsec's own
 * versioned JSON format by {@link ModelIo}.
 */
public abstract class LocalModel implements Classifier {
    private final Schema schema;
    private final FeatureEncoder encoder;
    private final Provenance provenance;
    private final AtomicLong queries = new AtomicLong();

    /**
     * A model reading rows of {@code schema}.
     *
     * @param schema the features and classes
     * @param provenance how the model was made
     */
    protected LocalModel(Schema schema, Provenance provenance) {
        this.schema = schema;
        this.encoder = new FeatureEncoder(schema);
        this.provenance = provenance;
    }

    /**
     * The model family as saved: random_forest, decision_tree, gradient_boosting or logistic_regression.
     *
     * @return the kind
     */
    public abstract String kind();

    /**
     * The model-specific part of the saved file.
     *
     * @return the parameters, as the {@code model} field of the file
     */
    public abstract JsonNode toJson();

    /**
     * Class probabilities for encoded rows.
     *
     * @param encoded rows as {@link #encoder()} encodes them
     * @return one probability row per input row
     */
    protected abstract double[][] probaEncoded(double[][] encoded);

    /**
     * Importance of each encoded feature, summing to 1 (or all 0 when the model uses none).
     *
     * @return one importance per encoded feature
     */
    public abstract double[] featureImportances();

    /**
     * A copy of this model with other provenance (for example test accuracy added after training).
     *
     * @param p the new provenance
     * @return the copy
     */
    public abstract LocalModel withProvenance(Provenance p);

    /**
     * A copy of this model that reads rows through another schema of the same shape: the same features in the same
     * order, of the same types and categories, only with other observed ranges or another label name. An imported
     * model whose file does not record ranges takes them from the data it is used with this way.
     *
     * @param other a schema of the same shape
     * @return the copy
     */
    public abstract LocalModel withSchema(Schema other);

    /**
     * Checks that {@code other} differs from this model's schema at most in ranges, label name and class names.
     *
     * @param other the other schema
     * @return {@code other}
     */
    protected final Schema sameShape(Schema other) {
        Schema s = schema();
        if (other.width() != s.width()) {
            throw new org.mlsec.InputException("the schema has " + other.width() + " features, the model "
                    + s.width());
        }
        for (int j = 0; j < s.width(); j++) {
            org.mlsec.data.Column a = s.feature(j);
            org.mlsec.data.Column b = other.feature(j);
            if (!a.name().equals(b.name()) || a.isCategorical() != b.isCategorical()
                    || !a.categories().equals(b.categories())) {
                throw new org.mlsec.InputException("feature " + j + " is '" + b.name() + "' " + b.type()
                        + " in the schema but '" + a.name() + "' " + a.type() + " in the model");
            }
        }
        if (other.classes().size() != s.classes().size()) {
            throw new org.mlsec.InputException("the schema has " + other.classes().size() + " classes, the model "
                    + s.classes().size());
        }
        return other;
    }

    @Override
    public Schema schema() {
        return schema;
    }

    /**
     * How rows of the schema are encoded for this model.
     *
     * @return the encoder
     */
    public FeatureEncoder encoder() {
        return encoder;
    }

    /**
     * How, when and on what the model was made.
     *
     * @return the provenance
     */
    public Provenance provenance() {
        return provenance;
    }

    @Override
    public double[][] predictProba(double[][] rows) {
        queries.addAndGet(rows.length);
        // Encoded in blocks of at most ENCODED_BLOCK values: one-hot rows of a column of millions of categories would
        // otherwise take rows × categories doubles at once (issue 20: 5.2 GB for 200 rows of 3M categories).
        int block = Math.max(1, ENCODED_BLOCK / Math.max(1, encoder.width()));
        if (rows.length <= block) {
            return probaEncoded(encoder.encodeAll(rows));
        }
        double[][] out = new double[rows.length][];
        for (int from = 0; from < rows.length; from += block) {
            int to = Math.min(rows.length, from + block);
            double[][] p = probaEncoded(encoder.encodeAll(java.util.Arrays.copyOfRange(rows, from, to)));
            System.arraycopy(p, 0, out, from, p.length);
        }
        return out;
    }

    /** Encoded values (rows × encoded width) materialised at once by {@link #predictProba}: 2^20, 8 MiB. */
    static final int ENCODED_BLOCK = 1 << 20;

    @Override
    public int[] predict(double[][] rows) {
        double[][] p = predictProba(rows);
        int[] out = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = Classifier.argmax(p[i]);
        }
        return out;
    }

    /**
     * Counts rows answered by a subclass's own prediction path (one that does not go through {@link #predictProba}).
     *
     * @param rows the rows answered
     */
    protected final void countQueries(long rows) {
        queries.addAndGet(rows);
    }

    @Override
    public long queries() {
        return queries.get();
    }

    /**
     * Importances summed per schema column (one-hot indicators added back to their column).
     *
     * @return one importance per schema column
     */
    public double[] columnImportances() {
        return encoder.toColumns(featureImportances());
    }
}
