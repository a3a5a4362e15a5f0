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
 * A random forest (or a single decision tree): the probability of a class is the mean over trees of its share
 * among the training rows in the leaf a row reaches, as in scikit-learn.
 */
public final class ForestModel extends LocalModel {
    /** The model kind of a forest in model files. */
    public static final String RANDOM_FOREST = "random_forest";
    /** The model kind of a single tree in model files. */
    public static final String DECISION_TREE = "decision_tree";

    private final String kind;
    private final List<Tree> trees;
    private final int classes;
    /** Per tree, the class shares of each node: {@code [tree][node * classes + c]}. */
    private final double[][] shares;

    /**
     * A forest whose probabilities are the mean of its trees' leaf class shares.
     *
     * @param kind {@link #RANDOM_FOREST} or {@link #DECISION_TREE}
     * @param schema the features and classes
     * @param provenance how the model was made
     * @param trees the trees, with one value per class at each node
     */
    public ForestModel(String kind, Schema schema, Provenance provenance, List<Tree> trees) {
        super(schema, provenance);
        this.kind = kind;
        this.trees = List.copyOf(trees);
        this.classes = schema.classes().size();
        this.shares = new double[trees.size()][];
        for (int t = 0; t < trees.size(); t++) {
            Tree tree = trees.get(t);
            tree.validate(encoder().width(), classes);
            double[] s = new double[tree.value().length];
            for (int n = 0; n < tree.nodes(); n++) {
                double sum = 0;
                for (int c = 0; c < classes; c++) {
                    sum += tree.value()[n * classes + c];
                }
                for (int c = 0; c < classes; c++) {
                    s[n * classes + c] = sum > 0 ? tree.value()[n * classes + c] / sum : 1.0 / classes;
                }
            }
            shares[t] = s;
        }
    }

    @Override
    public String kind() {
        return kind;
    }

    /**
     * The trees.
     *
     * @return the trees, unmodifiable
     */
    public List<Tree> trees() {
        return trees;
    }

    @Override
    protected double[][] probaEncoded(double[][] x) {
        int n = x.length;
        double[][] out = new double[n][classes];
        int chunk = 2048;
        int chunks = (n + chunk - 1) / chunk;
        IntStream.range(0, chunks).parallel().forEach(ch -> {
            int from = ch * chunk;
            int to = Math.min(n, from + chunk);
            for (int t = 0; t < trees.size(); t++) {
                Tree tree = trees.get(t);
                int[] feature = tree.feature();
                double[] threshold = tree.threshold();
                int[] left = tree.left();
                int[] right = tree.right();
                double[] s = shares[t];
                boolean missing = tree.handlesMissing();
                for (int i = from; i < to; i++) {
                    double[] row = x[i];
                    int node = 0;
                    int f;
                    if (missing) {
                        node = tree.leaf(row);
                    } else {
                        while ((f = feature[node]) >= 0) {
                            node = row[f] <= threshold[node] ? left[node] : right[node];
                        }
                    }
                    double[] o = out[i];
                    int base = node * classes;
                    for (int c = 0; c < classes; c++) {
                        o[c] += s[base + c];
                    }
                }
            }
            double inv = 1.0 / trees.size();
            for (int i = from; i < to; i++) {
                for (int c = 0; c < classes; c++) {
                    out[i][c] *= inv;
                }
            }
        });
        return out;
    }

    /**
     * Each tree is walked once per row for all the values: where a node tests the swept column both branches are
     * followed with the interval of values that reach them, elsewhere the row's own value decides. The leaves reached
     * partition the values, which are then assigned in one merge. The class shares are added tree by tree in the
     * same order as {@link #predictProba}, so the answer is identical to predicting every rewritten row. A categorical
     * column, values that are not finite or trees that route missing values fall back to row-by-row prediction.
     */
    @Override
    public int[][] predictAlong(double[][] rows, int column, double[] values) {
        boolean routesMissing = trees.stream().anyMatch(Tree::handlesMissing);
        boolean finite = java.util.Arrays.stream(values).allMatch(Double::isFinite);
        if (schema().feature(column).isCategorical() || routesMissing || !finite || values.length < 2) {
            return super.predictAlong(rows, column, values);
        }
        countQueries((long) rows.length * values.length);
        int f = encoder().offset(column);
        Integer[] order = new Integer[values.length];
        for (int k = 0; k < order.length; k++) {
            order[k] = k;
        }
        java.util.Arrays.sort(order, java.util.Comparator.comparingDouble(k -> values[k]));
        int[][] out = new int[values.length][rows.length];
        int chunk = Math.max(1, 4096 / values.length);
        IntStream.range(0, (rows.length + chunk - 1) / chunk).parallel().forEach(ch -> {
            int from = ch * chunk;
            int to = Math.min(rows.length, from + chunk);
            double[][][] sum = new double[to - from][values.length][classes];
            double[][] encoded = new double[to - from][];
            for (int i = from; i < to; i++) {
                encoded[i - from] = encoder().encode(rows[i]);
            }
            Sweep sweep = new Sweep();
            for (int t = 0; t < trees.size(); t++) {
                Tree tree = trees.get(t);
                double[] s = shares[t];
                for (int i = from; i < to; i++) {
                    sweep.walk(tree, encoded[i - from], f);
                    double[][] acc = sum[i - from];
                    int leaf = 0;
                    for (Integer k : order) {
                        while (values[k] > sweep.hi[leaf]) {
                            leaf++;
                        }
                        int base = sweep.node[leaf] * classes;
                        for (int c = 0; c < classes; c++) {
                            acc[k][c] += s[base + c];
                        }
                    }
                }
            }
            double inv = 1.0 / trees.size();
            for (int i = from; i < to; i++) {
                for (int k = 0; k < values.length; k++) {
                    double[] p = sum[i - from][k];
                    for (int c = 0; c < classes; c++) {
                        p[c] *= inv;
                    }
                    out[k][i] = org.mlsec.model.Classifier.argmax(p);
                }
            }
        });
        return out;
    }

    /** The leaves of one tree a row reaches as one encoded feature varies, by ascending upper end of their interval. */
    private static final class Sweep {
        int[] node = new int[16];
        double[] hi = new double[16];
        private int[] stack = new int[64];
        private double[] stackLo = new double[64];
        private double[] stackHi = new double[64];
        private int leaves;

        void walk(Tree tree, double[] row, int f) {
            int[] feature = tree.feature();
            double[] threshold = tree.threshold();
            int top = 0;
            push(top++, 0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
            leaves = 0;
            while (top > 0) {
                top--;
                int n = stack[top];
                double lo = stackLo[top];
                double up = stackHi[top];
                int g;
                while ((g = feature[n]) >= 0 && g != f) {
                    n = row[g] <= threshold[n] ? tree.left()[n] : tree.right()[n];
                }
                if (g < 0) {
                    add(n, up);
                    continue;
                }
                double th = threshold[n];
                if (th != th) {
                    push(top++, tree.right()[n], lo, up);
                    continue;
                }
                // Right first on the stack so that the left interval (lower values) is finished first.
                if (th < up) {
                    push(top++, tree.right()[n], Math.max(lo, th), up);
                }
                if (th > lo) {
                    push(top++, tree.left()[n], lo, Math.min(up, th));
                }
            }
        }

        private void push(int at, int n, double lo, double up) {
            if (at == stack.length) {
                stack = java.util.Arrays.copyOf(stack, at * 2);
                stackLo = java.util.Arrays.copyOf(stackLo, at * 2);
                stackHi = java.util.Arrays.copyOf(stackHi, at * 2);
            }
            stack[at] = n;
            stackLo[at] = lo;
            stackHi[at] = up;
        }

        private void add(int n, double up) {
            if (leaves == node.length) {
                node = java.util.Arrays.copyOf(node, leaves * 2);
                hi = java.util.Arrays.copyOf(hi, leaves * 2);
            }
            node[leaves] = n;
            hi[leaves++] = up;
        }
    }

    /** Mean decrease in impurity, normalised per tree then averaged (scikit-learn's feature_importances_). */
    @Override
    public double[] featureImportances() {
        return TreeImportance.meanDecrease(trees, encoder().width());
    }

    @Override
    public LocalModel withProvenance(Provenance p) {
        return new ForestModel(kind, schema(), p, trees);
    }

    @Override
    public LocalModel withSchema(Schema other) {
        return new ForestModel(kind, sameShape(other), provenance(), trees);
    }

    @Override
    public JsonNode toJson() {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.set("trees", Json.MAPPER.valueToTree(trees));
        return node;
    }

    /**
     * Reads the model part of a saved file; the trees are checked before use.
     *
     * @param kind the model file's kind
     * @param schema the model file's schema
     * @param provenance the model file's provenance
     * @param node the parameters object
     * @return the model
     */
    public static ForestModel fromJson(String kind, Schema schema, Provenance provenance, JsonNode node) {
        Tree[] trees;
        try {
            trees = Json.MAPPER.treeToValue(node.get("trees"), Tree[].class);
        } catch (Exception e) {
            throw new InputException("malformed forest: " + e.getMessage());
        }
        if (trees == null || trees.length == 0) {
            throw new InputException("malformed forest: no trees");
        }
        return new ForestModel(kind, schema, provenance, List.of(trees));
    }
}
