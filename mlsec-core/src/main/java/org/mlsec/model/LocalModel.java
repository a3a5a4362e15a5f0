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

    protected LocalModel(Schema schema, Provenance provenance) {
        this.schema = schema;
        this.encoder = new FeatureEncoder(schema);
        this.provenance = provenance;
    }

    /** The model family as saved: random_forest, decision_tree, gradient_boosting or logistic_regression. */
    public abstract String kind();

    /** The model-specific part of the saved file. */
    public abstract JsonNode toJson();

    /** Class probabilities for encoded rows. */
    protected abstract double[][] probaEncoded(double[][] encoded);

    /** Importance of each encoded feature, summing to 1 (or all 0 when the model uses none). */
    public abstract double[] featureImportances();

    /** A copy of this model with other provenance (for example test accuracy added after training). */
    public abstract LocalModel withProvenance(Provenance p);

    @Override
    public Schema schema() {
        return schema;
    }

    public FeatureEncoder encoder() {
        return encoder;
    }

    public Provenance provenance() {
        return provenance;
    }

    @Override
    public double[][] predictProba(double[][] rows) {
        queries.addAndGet(rows.length);
        return probaEncoded(encoder.encodeAll(rows));
    }

    @Override
    public int[] predict(double[][] rows) {
        double[][] p = predictProba(rows);
        int[] out = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = Classifier.argmax(p[i]);
        }
        return out;
    }

    @Override
    public long queries() {
        return queries.get();
    }

    /** Importances summed per schema column (one-hot indicators added back to their column). */
    public double[] columnImportances() {
        return encoder.toColumns(featureImportances());
    }
}
