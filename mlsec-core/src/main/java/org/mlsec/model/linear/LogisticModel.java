package org.mlsec.model.linear;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mlsec.InputException;
import org.mlsec.data.Schema;
import org.mlsec.internal.Json;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Provenance;

/**
 * Logistic regression on standardised encoded features. Two classes: p(1) = sigmoid(b + w.z) with
 * z = (x - mean) / scale. More classes: one such model per class (one-vs-rest), normalised.
 */
public final class LogisticModel extends LocalModel {
    /** The model kind in model files. */
    public static final String KIND = "logistic_regression";

    private final double[] mean;
    private final double[] scale;
    /** Per output: intercept first, then one weight per encoded feature. */
    private final double[][] weights;
    private final int classes;
    /** Optional bounds each encoded feature is clipped to before scoring (differentially private training needs them). */
    private final double[] clipLow;
    private final double[] clipHigh;

    /**
     * A model without clipping.
     *
     * @param schema the features and classes
     * @param provenance how the model was made
     * @param mean per encoded feature, subtracted before scaling
     * @param scale per encoded feature, positive
     * @param weights one vector per output (one output for two classes, else one per class): intercept, then one weight
     *     per encoded feature
     * @throws InputException when the lengths do not fit the schema or a scale is not positive
     */
    public LogisticModel(Schema schema, Provenance provenance, double[] mean, double[] scale, double[][] weights) {
        this(schema, provenance, mean, scale, weights, null, null);
    }

    /**
     * A model whose encoded inputs are clipped to [clipLow, clipHigh] before scoring (both null for none).
     *
     * @param schema the features and classes
     * @param provenance how the model was made
     * @param mean per encoded feature, subtracted before scaling
     * @param scale per encoded feature, positive
     * @param weights one vector per output (one output for two classes, else one per class): intercept, then one weight
     *     per encoded feature
     * @param clipLow per encoded feature, or null
     * @param clipHigh per encoded feature, or null (null exactly when {@code clipLow} is)
     * @throws InputException when the lengths do not fit the schema or a scale is not positive
     */
    public LogisticModel(Schema schema, Provenance provenance, double[] mean, double[] scale, double[][] weights,
                         double[] clipLow, double[] clipHigh) {
        super(schema, provenance);
        this.classes = schema.classes().size();
        int w = encoder().width();
        int outputs = classes == 2 ? 1 : classes;
        if (mean == null || scale == null || weights == null || mean.length != w || scale.length != w
                || weights.length != outputs) {
            throw new InputException("malformed logistic regression: expected " + w + " features and " + outputs
                    + " weight vectors");
        }
        for (double[] row : weights) {
            if (row == null || row.length != w + 1) {
                throw new InputException("malformed logistic regression: a weight vector is not of length " + (w + 1));
            }
        }
        for (double s : scale) {
            if (!(s > 0) || !Double.isFinite(s)) {
                throw new InputException("malformed logistic regression: scales must be positive");
            }
        }
        if ((clipLow == null) != (clipHigh == null) || (clipLow != null
                && (clipLow.length != mean.length || clipHigh.length != mean.length))) {
            throw new InputException("malformed logistic regression: clip bounds must cover every feature");
        }
        this.clipLow = clipLow == null ? null : clipLow.clone();
        this.clipHigh = clipHigh == null ? null : clipHigh.clone();
        this.mean = mean.clone();
        this.scale = scale.clone();
        this.weights = new double[outputs][];
        for (int o = 0; o < outputs; o++) {
            this.weights[o] = weights[o].clone();
        }
    }

    @Override
    public String kind() {
        return KIND;
    }

    /**
     * Log-odds of one output for one encoded row (white-box attacks read the model's gradient from it).
     *
     * @param x one row as {@link org.mlsec.model.FeatureEncoder} encodes it
     * @param output 0 for two classes, else the class index
     * @return b + w.z for that output
     */
    public double score(double[] x, int output) {
        double[] w = weights[output];
        double s = w[0];
        for (int j = 0; j < mean.length; j++) {
            double v = clipLow == null ? x[j] : Math.min(clipHigh[j], Math.max(clipLow[j], x[j]));
            s += w[j + 1] * (v - mean[j]) / scale[j];
        }
        return s;
    }

    @Override
    protected double[][] probaEncoded(double[][] x) {
        double[][] p = new double[x.length][classes];
        for (int i = 0; i < x.length; i++) {
            if (classes == 2) {
                double q = sigmoid(score(x[i], 0));
                p[i][0] = 1 - q;
                p[i][1] = q;
            } else {
                double sum = 0;
                for (int c = 0; c < classes; c++) {
                    p[i][c] = sigmoid(score(x[i], c));
                    sum += p[i][c];
                }
                for (int c = 0; c < classes; c++) {
                    p[i][c] /= sum;
                }
            }
        }
        return p;
    }

    static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }

    /**
     * True when inputs are clipped before scoring (then the raw coefficients hold only inside the bounds).
     *
     * @return whether clip bounds were given
     */
    public boolean clipped() {
        return clipLow != null;
    }

    /**
     * Intercept and weights on the unstandardised encoded features: log-odds = c[0] + sum c[j+1] x[j].
     * These are what an equation-solving extraction attack recovers.
     *
     * @param output 0 for two classes, else the class index
     * @return the intercept followed by one coefficient per encoded feature
     */
    public double[] rawCoefficients(int output) {
        double[] w = weights[output];
        double[] c = new double[w.length];
        c[0] = w[0];
        for (int j = 0; j < mean.length; j++) {
            c[j + 1] = w[j + 1] / scale[j];
            c[0] -= w[j + 1] * mean[j] / scale[j];
        }
        return c;
    }

    /** Share of the absolute standardised weights per feature. */
    @Override
    public double[] featureImportances() {
        double[] imp = new double[mean.length];
        double sum = 0;
        for (double[] w : weights) {
            for (int j = 0; j < mean.length; j++) {
                imp[j] += Math.abs(w[j + 1]);
                sum += Math.abs(w[j + 1]);
            }
        }
        if (sum > 0) {
            for (int j = 0; j < imp.length; j++) {
                imp[j] /= sum;
            }
        }
        return imp;
    }

    @Override
    public LocalModel withProvenance(Provenance p) {
        return new LogisticModel(schema(), p, mean, scale, weights, clipLow, clipHigh);
    }

    @Override
    public LocalModel withSchema(Schema other) {
        return new LogisticModel(sameShape(other), provenance(), mean, scale, weights, clipLow, clipHigh);
    }

    @Override
    public JsonNode toJson() {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.set("mean", Json.MAPPER.valueToTree(mean));
        node.set("scale", Json.MAPPER.valueToTree(scale));
        node.set("weights", Json.MAPPER.valueToTree(weights));
        if (clipLow != null) {
            node.set("clip_low", Json.MAPPER.valueToTree(clipLow));
            node.set("clip_high", Json.MAPPER.valueToTree(clipHigh));
        }
        return node;
    }

    /**
     * Reads the {@code mean}, {@code scale}, {@code weights} and optional clip bounds of a model file's parameters.
     *
     * @param schema the model file's schema
     * @param provenance the model file's provenance
     * @param node the parameters object
     * @return the model
     * @throws InputException when a field is missing or malformed
     */
    public static LogisticModel fromJson(Schema schema, Provenance provenance, JsonNode node) {
        try {
            return new LogisticModel(schema, provenance, Json.MAPPER.treeToValue(node.get("mean"), double[].class),
                    Json.MAPPER.treeToValue(node.get("scale"), double[].class),
                    Json.MAPPER.treeToValue(node.get("weights"), double[][].class),
                    node.has("clip_low") ? Json.MAPPER.treeToValue(node.get("clip_low"), double[].class) : null,
                    node.has("clip_high") ? Json.MAPPER.treeToValue(node.get("clip_high"), double[].class) : null);
        } catch (InputException e) {
            throw e;
        } catch (Exception e) {
            throw new InputException("malformed logistic regression: " + e.getMessage());
        }
    }
}
