package org.mlsec.model.tree;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.stream.IntStream;
import org.mlsec.InputException;
import org.mlsec.data.Schema;
import org.mlsec.internal.Json;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Provenance;

/**
 * Gradient-boosted trees with logistic loss: for two classes one score tree per round and p = sigmoid(score);
 * for more classes one tree per class and round, and a softmax. Leaf scores already include the learning rate.
 */
public final class BoostedModel extends LocalModel {
    /** The model kind in model files. */
    public static final String KIND = "gradient_boosting";

    private final List<Tree> trees;
    private final double[] baseScore;
    private final int classes;
    private final int outputs;

    /**
     * A boosted model: for two classes one output, else one per class, each the base score plus its trees' leaf values;
     * trees are ordered round by round, one per output.
     *
     * @param schema the features and classes
     * @param provenance how the model was made
     * @param trees boosting trees, a multiple of the outputs
     * @param baseScore per output, the starting raw score
     * @throws InputException when the trees or base scores do not fit the classes
     */
    public BoostedModel(Schema schema, Provenance provenance, List<Tree> trees, double[] baseScore) {
        super(schema, provenance);
        this.trees = List.copyOf(trees);
        this.baseScore = baseScore.clone();
        this.classes = schema.classes().size();
        this.outputs = classes == 2 ? 1 : classes;
        if (baseScore.length != outputs || trees.size() % outputs != 0) {
            throw new InputException("malformed boosted model: " + trees.size() + " trees and " + baseScore.length
                    + " base scores for " + classes + " classes");
        }
        for (Tree t : trees) {
            t.validate(encoder().width(), 1);
        }
    }

    @Override
    public String kind() {
        return KIND;
    }

    /**
     * The trees, round by round, one per output.
     *
     * @return the trees, unmodifiable
     */
    public List<Tree> trees() {
        return trees;
    }

    /**
     * The starting raw score of each output.
     *
     * @return a copy
     */
    public double[] baseScore() {
        return baseScore.clone();
    }

    /**
     * Raw scores (log-odds for two classes), one per output.
     *
     * @param x rows as the encoder encodes them
     * @return per row, the scores
     */
    public double[][] scoresEncoded(double[][] x) {
        double[][] s = new double[x.length][outputs];
        IntStream.range(0, x.length).parallel().forEach(i -> {
            double[] row = x[i];
            double[] o = s[i];
            System.arraycopy(baseScore, 0, o, 0, outputs);
            for (int t = 0; t < trees.size(); t++) {
                Tree tree = trees.get(t);
                o[t % outputs] += tree.value()[tree.leaf(row)];
            }
        });
        return s;
    }

    @Override
    protected double[][] probaEncoded(double[][] x) {
        double[][] s = scoresEncoded(x);
        double[][] p = new double[x.length][classes];
        for (int i = 0; i < x.length; i++) {
            if (outputs == 1) {
                double q = 1 / (1 + Math.exp(-s[i][0]));
                p[i][0] = 1 - q;
                p[i][1] = q;
            } else {
                softmax(s[i], p[i]);
            }
        }
        return p;
    }

    static void softmax(double[] z, double[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int k = 0; k < z.length; k++) {
            out[k] = Math.exp(z[k] - max);
            sum += out[k];
        }
        for (int k = 0; k < z.length; k++) {
            out[k] /= sum;
        }
    }

    /** Share of the total split gain per encoded feature. */
    @Override
    public double[] featureImportances() {
        return TreeImportance.totalGain(trees, encoder().width());
    }

    @Override
    public LocalModel withProvenance(Provenance p) {
        return new BoostedModel(schema(), p, trees, baseScore);
    }

    @Override
    public LocalModel withSchema(Schema other) {
        return new BoostedModel(sameShape(other), provenance(), trees, baseScore);
    }

    @Override
    public JsonNode toJson() {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.set("base_score", Json.MAPPER.valueToTree(baseScore));
        node.set("trees", Json.MAPPER.valueToTree(trees));
        return node;
    }

    /**
     * Reads the model part of a saved file; the trees are checked before use.
     *
     * @param schema the model file's schema
     * @param provenance the model file's provenance
     * @param node the parameters object
     * @return the model
     * @throws InputException when a field is missing or a tree is malformed
     */
    public static BoostedModel fromJson(Schema schema, Provenance provenance, JsonNode node) {
        try {
            Tree[] trees = Json.MAPPER.treeToValue(node.get("trees"), Tree[].class);
            double[] base = Json.MAPPER.treeToValue(node.get("base_score"), double[].class);
            if (trees == null || base == null) {
                throw new InputException("malformed boosted model: trees or base_score missing");
            }
            return new BoostedModel(schema, provenance, List.of(trees), base);
        } catch (InputException e) {
            throw e;
        } catch (Exception e) {
            throw new InputException("malformed boosted model: " + e.getMessage());
        }
    }
}
