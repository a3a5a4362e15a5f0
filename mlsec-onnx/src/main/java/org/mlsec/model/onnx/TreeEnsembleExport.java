package org.mlsec.model.onnx;

import static org.mlsec.model.onnx.OnnxGraph.doubleTensor;
import static org.mlsec.model.onnx.OnnxGraph.ints;
import static org.mlsec.model.onnx.OnnxGraph.string;
import static org.mlsec.model.onnx.OnnxGraph.strings;

import ai.onnx.proto.OnnxMl.AttributeProto;
import java.util.ArrayList;
import java.util.List;
import org.mlsec.InputException;
import org.mlsec.model.tree.BoostedModel;
import org.mlsec.model.tree.ForestModel;
import org.mlsec.model.tree.Tree;

/**
 * mlsec's trees as one ai.onnx.ml {@code TreeEnsembleClassifier} (opset 3, see the ONNX operator reference
 * {@code docs/Operators-ml.md}) that reads the encoded features as doubles. Every split is {@code BRANCH_LEQ} with
 * its threshold in {@code nodes_values_as_tensor} (double), so ONNX Runtime, which compares double inputs against
 * double thresholds, sends every row down the same branch as mlsec's {@code x <= t}; a node whose missing values go
 * left has {@code nodes_missing_value_tracks_true = 1}. Leaf weights are double ({@code class_weights_as_tensor}) and
 * ONNX Runtime sums them in double; its probabilities output is float.
 *
 * <p>Class slots: ONNX Runtime decides the label of a two-slot ensemble by heuristics (class 1 when its score is
 * above 0 or 0.5, depending on the signs of all weights) and treats base values of two slots specially. So a
 * two-class model is written with a third slot that no leaf scores (label never answered); ONNX Runtime then takes
 * the general path: the label is the first class with the largest summed score, as mlsec's argmax. The extra column
 * is sliced off the probabilities.
 * <ul>
 * <li>Forests and single trees: each leaf adds its class shares (value / sum, exactly as mlsec computes them; zero
 * shares omitted) with post_transform NONE; the sums are multiplied by 1/trees afterwards (Mul), so that the
 * label is decided on the same sums mlsec compares.
 * <li>Boosting: each leaf adds its score to its class (tree t to class t mod k; for two classes every tree to class
 * 1, class 0 stays at 0 and the unused slot at -infinity), base scores in {@code base_values_as_tensor},
 * post_transform SOFTMAX: for two classes softmax(0, s) = (1 - sigmoid(s), sigmoid(s)), mlsec's rule.
 * </ul>
 */
final class TreeEnsembleExport {
    /** ONNX files are single protobuf messages, limited to 2 GiB; larger ensembles are refused before building. */
    static final long MAX_BYTES = 1_900_000_000L;
    /**
     * Deepest tree exported. ONNX Runtime (1.20) builds each tree of an ensemble recursively when it loads the model,
     * about 0.5 KiB of native stack per level: on a thread with 1 MiB of stack (Java's default) a tree of about
     * 2,300 levels crashes the process instead of failing. Deeper trees are refused, with margin.
     */
    static final int MAX_DEPTH = 1_000;

    private final List<Tree> trees;
    private final int classes;
    private final int slots;
    private final boolean boosted;
    private final double[][] weights;

    private TreeEnsembleExport(List<Tree> trees, int classes, boolean boosted, double[][] weights) {
        this.trees = trees;
        this.classes = classes;
        this.slots = Math.max(classes, 3);
        this.boosted = boosted;
        this.weights = weights;
    }

    static TreeEnsembleExport forest(ForestModel m) {
        int k = m.classes().size();
        double[][] shares = new double[m.trees().size()][];
        for (int t = 0; t < shares.length; t++) {
            Tree tree = m.trees().get(t);
            double[] v = tree.value();
            double[] s = new double[v.length];
            for (int n = 0; n < tree.nodes(); n++) {
                double sum = 0;
                for (int c = 0; c < k; c++) {
                    sum += v[n * k + c];
                }
                for (int c = 0; c < k; c++) {
                    s[n * k + c] = sum > 0 ? v[n * k + c] / sum : 1.0 / k;
                }
            }
            shares[t] = s;
        }
        return new TreeEnsembleExport(m.trees(), k, false, shares);
    }

    static TreeEnsembleExport boosted(BoostedModel m) {
        double[][] v = new double[m.trees().size()][];
        for (int t = 0; t < v.length; t++) {
            v[t] = m.trees().get(t).value();
        }
        return new TreeEnsembleExport(m.trees(), m.classes().size(), true, v);
    }

    /**
     * Adds the ensemble reading {@code input}, answering {@code label} and {@code probabilities} (float); returns the
     * number of tree nodes written.
     */
    long build(OnnxGraph g, String input, OnnxLabels labels, double[] baseScore) {
        long nodes = 0;
        long entries = 0;
        for (int t = 0; t < trees.size(); t++) {
            Tree tree = trees.get(t);
            int depth = tree.depth();
            if (depth > MAX_DEPTH) {
                throw InputException.about("tree " + t + " is " + depth + " levels deep; ONNX export takes trees of at"
                        + " most " + MAX_DEPTH + " levels, since ONNX Runtime builds trees recursively and crashes"
                        + " (rather than failing) on much deeper ones; retrain with maxDepth " + MAX_DEPTH, "maxDepth");
            }
            nodes += tree.nodes();
            for (int n = 0; n < tree.nodes(); n++) {
                if (tree.isLeaf(n)) {
                    entries += boosted ? 1 : nonZero(weights[t], n * classes, classes);
                }
            }
        }
        long estimate = nodes * 80 + entries * 40;
        if (estimate > MAX_BYTES || nodes > Integer.MAX_VALUE - 8 || entries > Integer.MAX_VALUE - 8) {
            throw new InputException("the model has " + nodes + " tree nodes, too many for one ONNX file (about "
                    + estimate / (1 << 20) + " MiB; protobuf messages are limited to 2 GiB)");
        }
        int nn = (int) nodes;
        int ne = (int) entries;
        long[] treeIds = new long[nn];
        long[] nodeIds = new long[nn];
        long[] featureIds = new long[nn];
        long[] trueIds = new long[nn];
        long[] falseIds = new long[nn];
        long[] missingTrue = new long[nn];
        double[] values = new double[nn];
        List<String> modes = new ArrayList<>(nn);
        long[] wTree = new long[ne];
        long[] wNode = new long[ne];
        long[] wClass = new long[ne];
        double[] w = new double[ne];
        int i = 0;
        int e = 0;
        for (int t = 0; t < trees.size(); t++) {
            Tree tree = trees.get(t);
            boolean[] missingLeft = tree.missingLeft();
            for (int n = 0; n < tree.nodes(); n++, i++) {
                treeIds[i] = t;
                nodeIds[i] = n;
                if (tree.isLeaf(n)) {
                    modes.add("LEAF");
                    if (boosted) {
                        wTree[e] = t;
                        wNode[e] = n;
                        wClass[e] = classes == 2 ? 1 : t % classes;
                        w[e++] = weights[t][n];
                    } else {
                        for (int c = 0; c < classes; c++) {
                            double s = weights[t][n * classes + c];
                            if (s != 0) {
                                wTree[e] = t;
                                wNode[e] = n;
                                wClass[e] = c;
                                w[e++] = s;
                            }
                        }
                    }
                } else {
                    modes.add("BRANCH_LEQ");
                    featureIds[i] = tree.feature()[n];
                    values[i] = tree.threshold()[n];
                    trueIds[i] = tree.left()[n];
                    falseIds[i] = tree.right()[n];
                    missingTrue[i] = missingLeft != null && missingLeft[n] ? 1 : 0;
                }
            }
        }
        List<AttributeProto> attributes = new ArrayList<>(List.of(
                labels.attribute(labels.slots(slots)),
                ints("nodes_treeids", treeIds), ints("nodes_nodeids", nodeIds), ints("nodes_featureids", featureIds),
                strings("nodes_modes", modes), doubleTensor("nodes_values_as_tensor", values, nn),
                ints("nodes_truenodeids", trueIds), ints("nodes_falsenodeids", falseIds),
                ints("nodes_missing_value_tracks_true", missingTrue),
                ints("class_treeids", wTree), ints("class_nodeids", wNode), ints("class_ids", wClass),
                doubleTensor("class_weights_as_tensor", w, ne),
                string("post_transform", boosted ? "SOFTMAX" : "NONE")));
        if (boosted) {
            double[] base = classes == 2 ? new double[] {0, baseScore[0], Double.NEGATIVE_INFINITY} : baseScore;
            attributes.add(doubleTensor("base_values_as_tensor", base, base.length));
        }
        String scores = slots > classes || !boosted && trees.size() > 1 ? "scores" : "probabilities";
        g.node(OnnxGraph.ML, "TreeEnsembleClassifier", List.of(input), List.of("label", scores),
                attributes.toArray(new AttributeProto[0]));
        String p = scores;
        if (slots > classes) {
            String last = boosted || trees.size() == 1 ? "probabilities" : "class_scores";
            g.node("Slice", List.of(scores, g.longs("slice_starts", new long[] {0}, 1),
                    g.longs("slice_ends", new long[] {classes}, 1), g.longs("slice_axes", new long[] {1}, 1)), last);
            p = last;
        }
        if (!boosted && trees.size() > 1) {
            float[] inv = {(float) (1.0 / trees.size())};
            g.node("Mul", List.of(p, g.floats("inverse_trees", inv)), "probabilities");
        }
        return nodes;
    }

    private static int nonZero(double[] v, int from, int count) {
        int n = 0;
        for (int i = from; i < from + count; i++) {
            n += v[i] != 0 ? 1 : 0;
        }
        return n;
    }

    int trees() {
        return trees.size();
    }
}
