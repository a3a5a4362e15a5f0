package org.mlsec.defences.postprocessor;

import org.mlsec.data.Schema;
import org.mlsec.internal.Validate;
import org.mlsec.model.Classifier;

/**
 * Output hardening in front of any model: probabilities rounded to a few decimals, or labels only. The predicted
 * label is always the model's own, so accuracy does not change; what an attacker learns per query does.
 */
public final class HardenedOutput implements Classifier {
    private final Classifier model;
    private final int decimals;

    private HardenedOutput(Classifier model, int decimals) {
        this.model = model;
        this.decimals = decimals;
    }

    /** Probabilities rounded to {@code decimals} decimals. */
    public static Classifier rounded(Classifier model, int decimals) {
        Validate.isTrue(decimals >= 0 && decimals <= 6, "decimals must be 0 to 6, got " + decimals);
        return new HardenedOutput(model, decimals);
    }

    /** Labels only: {@link #predictProba} is refused, as by an API that returns only the class. */
    public static Classifier labelOnly(Classifier model) {
        return new HardenedOutput(model, -1);
    }

    @Override
    public Schema schema() {
        return model.schema();
    }

    @Override
    public boolean hasProbabilities() {
        return decimals >= 0;
    }

    @Override
    public double[][] predictProba(double[][] rows) {
        if (decimals < 0) {
            throw new org.mlsec.MlsecException("this model answers labels only");
        }
        double f = Math.pow(10, decimals);
        double[][] p = model.predictProba(rows);
        for (double[] r : p) {
            for (int c = 0; c < r.length; c++) {
                r[c] = Math.round(r[c] * f) / f;
            }
        }
        return p;
    }

    @Override
    public int[] predict(double[][] rows) {
        return model.predict(rows);
    }

    @Override
    public long queries() {
        return model.queries();
    }
}
