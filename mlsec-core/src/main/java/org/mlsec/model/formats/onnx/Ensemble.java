package org.mlsec.model.formats.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mlsec.InputException;
import org.mlsec.model.formats.NotWhiteBoxException;

/**
 * The trees of one ONNX-ML tree operator in one form, whichever encoding the file used: the ai.onnx.ml opset 1-3
 * {@code nodes_*} tuples of {@code TreeEnsembleClassifier}/{@code TreeEnsembleRegressor} (nodes found by tree and
 * node id, leaves with {@code LEAF} mode, weights as {@code class_*}/{@code target_*} tuples) or the opset-5
 * {@code TreeEnsemble} arrays (interior nodes and leaves apart, children by index with a leaf flag). As in ONNX
 * Runtime's {@code TreeEnsembleCommon}, a tree's root is the first node listed with its tree id, a child must be a
 * node of the same tree, every node must be reachable from its root, and weights on interior nodes are ignored.
 * A child reference is an interior node index (0 or more) or a leaf {@code -(leaf + 1)}.
 */
final class Ensemble {
    static final int LEQ = 0;
    static final int LT = 1;
    static final int GTE = 2;
    static final int GT = 3;
    static final int EQ = 4;
    static final int NEQ = 5;
    static final List<String> MODES = List.of("BRANCH_LEQ", "BRANCH_LT", "BRANCH_GTE", "BRANCH_GT", "BRANCH_EQ",
            "BRANCH_NEQ");

    final int[] mode;
    final int[] feature;
    final float[] split;
    final boolean[] tracksTrue;
    final int[] trueRef;
    final int[] falseRef;
    /** Leaf l's weights are entries {@code leafStart[l] .. leafStart[l+1]-1} of target and weight. */
    final int[] leafStart;
    final int[] target;
    final double[] weight;
    final int[] roots;
    final int targets;
    final List<String> notes = new ArrayList<>();

    private Ensemble(int[] mode, int[] feature, float[] split, boolean[] tracksTrue, int[] trueRef, int[] falseRef,
                     int[] leafStart, int[] target, double[] weight, int[] roots, int targets) {
        this.mode = mode;
        this.feature = feature;
        this.split = split;
        this.tracksTrue = tracksTrue;
        this.trueRef = trueRef;
        this.falseRef = falseRef;
        this.leafStart = leafStart;
        this.target = target;
        this.weight = weight;
        this.roots = roots;
        this.targets = targets;
    }

    int leaves() {
        return leafStart.length - 1;
    }

    int trees() {
        return roots.length;
    }

    /** Reads TreeEnsembleClassifier (prefix "class_") or TreeEnsembleRegressor ("target_") attributes. */
    static Ensemble fromV3(Attrs a, String prefix, int targets, int inputWidth) {
        String w = a.where();
        List<String> modeNames = a.strings("nodes_modes");
        int n = modeNames.size();
        if (n == 0) {
            throw new InputException(w + " has no nodes (nodes_modes is empty)");
        }
        long[] treeIds = a.ints("nodes_treeids");
        long[] nodeIds = a.ints("nodes_nodeids");
        long[] featureIds = a.ints("nodes_featureids");
        long[] trueIds = a.ints("nodes_truenodeids");
        long[] falseIds = a.ints("nodes_falsenodeids");
        long[] missing = a.ints("nodes_missing_value_tracks_true");
        float[] values = a.floats("nodes_values");
        float[] tensorValues = a.floatTensor("nodes_values_as_tensor");
        if (tensorValues != null && values.length > 0) {
            throw new InputException(w + " has both nodes_values and nodes_values_as_tensor");
        }
        float[] splits = tensorValues != null ? tensorValues : values;
        length(w, "nodes_treeids", treeIds.length, n);
        length(w, "nodes_nodeids", nodeIds.length, n);
        length(w, "nodes_featureids", featureIds.length, n);
        length(w, "nodes_truenodeids", trueIds.length, n);
        length(w, "nodes_falsenodeids", falseIds.length, n);
        length(w, tensorValues != null ? "nodes_values_as_tensor" : "nodes_values", splits.length, n);
        if (missing.length != 0) {
            length(w, "nodes_missing_value_tracks_true", missing.length, n);
        }
        int[] modes = new int[n];
        Map<Long, Integer> position = new HashMap<>(2 * n);
        List<Integer> rootPositions = new ArrayList<>();
        java.util.Set<Long> closedTrees = new java.util.HashSet<>();
        for (int i = 0; i < n; i++) {
            String m = modeNames.get(i);
            modes[i] = "LEAF".equals(m) ? -1 : MODES.indexOf(m);
            if (modes[i] == -1 && !"LEAF".equals(m)) {
                throw new InputException(w + ": node " + i + " has mode '" + m + "'; expected LEAF or one of "
                        + MODES);
            }
            checkId(w, "tree id", treeIds[i], i);
            checkId(w, "node id", nodeIds[i], i);
            if (nodeIds[i] >= n) {
                throw new InputException(w + ": node " + i + " has id " + nodeIds[i] + " but there are only " + n
                        + " nodes");
            }
            if (i == 0 || treeIds[i] != treeIds[i - 1]) {
                if (!closedTrees.add(treeIds[i])) {
                    throw new InputException(w + ": the nodes of tree " + treeIds[i] + " are not listed together");
                }
                rootPositions.add(i);
            }
            if (position.put(key(treeIds[i], nodeIds[i]), i) != null) {
                throw new InputException(w + ": node " + nodeIds[i] + " of tree " + treeIds[i] + " is listed twice");
            }
        }
        int[] refOf = new int[n];
        int interior = 0;
        int leafCount = 0;
        for (int i = 0; i < n; i++) {
            refOf[i] = modes[i] >= 0 ? interior++ : -(++leafCount);
        }
        int[] mode = new int[interior];
        int[] feature = new int[interior];
        float[] split = new float[interior];
        boolean[] tracks = new boolean[interior];
        int[] trueRef = new int[interior];
        int[] falseRef = new int[interior];
        for (int i = 0; i < n; i++) {
            if (modes[i] < 0) {
                continue;
            }
            int k = refOf[i];
            mode[k] = modes[i];
            feature[k] = checkFeature(w, featureIds[i], i, inputWidth);
            split[k] = splits[i];
            if (Float.isNaN(splits[i])) {
                throw new InputException(w + ": node " + nodeIds[i] + " of tree " + treeIds[i]
                        + " has a NaN threshold");
            }
            tracks[k] = missing.length > 0 && missing[i] == 1;
            trueRef[k] = refOf[child(w, position, treeIds[i], nodeIds[i], trueIds[i], i, "true")];
            falseRef[k] = refOf[child(w, position, treeIds[i], nodeIds[i], falseIds[i], i, "false")];
        }
        int[] roots = new int[rootPositions.size()];
        for (int t = 0; t < roots.length; t++) {
            roots[t] = refOf[rootPositions.get(t)];
        }
        // ONNX Runtime refuses a tree with nodes its root does not reach.
        boolean[] reached = new boolean[n];
        int[] posOfRef = new int[interior];
        int[] posOfLeaf = new int[leafCount];
        for (int i = 0; i < n; i++) {
            if (refOf[i] >= 0) {
                posOfRef[refOf[i]] = i;
            } else {
                posOfLeaf[-refOf[i] - 1] = i;
            }
        }
        int[] stack = new int[n + 1];
        for (int root : roots) {
            int sp = 0;
            stack[sp++] = root;
            while (sp > 0) {
                int r = stack[--sp];
                int p = r >= 0 ? posOfRef[r] : posOfLeaf[-r - 1];
                if (reached[p]) {
                    continue;
                }
                reached[p] = true;
                if (r >= 0) {
                    stack[sp++] = trueRef[r];
                    if (sp < stack.length) {
                        stack[sp++] = falseRef[r];
                    }
                }
            }
        }
        for (int i = 0; i < n; i++) {
            if (!reached[i]) {
                throw new InputException(w + ": node " + nodeIds[i] + " of tree " + treeIds[i]
                        + " is not reachable from the tree's root");
            }
        }
        // Weights.
        long[] wTree = a.ints(prefix + "treeids");
        long[] wNode = a.ints(prefix + "nodeids");
        long[] wId = a.ints(prefix + "ids");
        float[] wValue = a.floats(prefix + "weights");
        float[] wTensor = a.floatTensor(prefix + "weights_as_tensor");
        if (wTensor != null && wValue.length > 0) {
            throw new InputException(w + " has both " + prefix + "weights and " + prefix + "weights_as_tensor");
        }
        float[] weights = wTensor != null ? wTensor : wValue;
        int m = wId.length;
        length(w, prefix + "treeids", wTree.length, m);
        length(w, prefix + "nodeids", wNode.length, m);
        length(w, prefix + "weights", weights.length, m);
        int[] leafOf = new int[m];
        int[] count = new int[leafCount + 1];
        int ignored = 0;
        for (int i = 0; i < m; i++) {
            if (wId[i] < 0 || wId[i] >= targets) {
                throw new InputException(w + ": weight " + i + " is for " + (prefix.equals("class_") ? "class" : "target")
                        + " " + wId[i] + " but there are " + targets);
            }
            Integer p = position.get(key(wTree[i], wNode[i]));
            if (p == null) {
                throw new InputException(w + ": weight " + i + " is for node " + wNode[i] + " of tree " + wTree[i]
                        + ", which does not exist");
            }
            if (!Float.isFinite(weights[i])) {
                throw new InputException(w + ": weight " + i + " is " + weights[i]);
            }
            leafOf[i] = refOf[p] >= 0 ? -1 : -refOf[p] - 1;
            if (leafOf[i] < 0) {
                ignored++;
            } else {
                count[leafOf[i] + 1]++;
            }
        }
        Ensemble e = assemble(mode, feature, split, tracks, trueRef, falseRef, roots, targets, count, leafOf, wId,
                weights);
        if (ignored > 0) {
            e.notes.add(ignored + " weights on interior nodes are ignored, as ONNX Runtime ignores them.");
        }
        return e;
    }

    /** Reads the attributes of TreeEnsemble (ai.onnx.ml opset 5). */
    static Ensemble fromV5(Attrs a, int inputWidth) {
        String w = a.where();
        long targetsL = a.integer("n_targets", 0);
        if (targetsL < 1 || targetsL > OnnxFormat.MAX_CLASSES) {
            throw new InputException(w + ": n_targets is " + targetsL);
        }
        int targets = (int) targetsL;
        long[] featureIds = a.ints("nodes_featureids");
        int n = featureIds.length;
        float[] splits = a.floatTensor("nodes_splits");
        int[] modes = a.byteTensor("nodes_modes");
        long[] trueIds = a.ints("nodes_truenodeids");
        long[] trueLeaf = a.ints("nodes_trueleafs");
        long[] falseIds = a.ints("nodes_falsenodeids");
        long[] falseLeaf = a.ints("nodes_falseleafs");
        long[] missing = a.ints("nodes_missing_value_tracks_true");
        long[] rootIds = a.ints("tree_roots");
        long[] leafTargets = a.ints("leaf_targetids");
        float[] leafWeights = a.floatTensor("leaf_weights");
        if (splits == null || modes == null || leafWeights == null) {
            throw new InputException(w + " lacks nodes_splits, nodes_modes or leaf_weights");
        }
        if (n == 0 || rootIds.length == 0) {
            throw new InputException(w + " has no nodes or no trees");
        }
        length(w, "nodes_splits", splits.length, n);
        length(w, "nodes_modes", modes.length, n);
        length(w, "nodes_truenodeids", trueIds.length, n);
        length(w, "nodes_trueleafs", trueLeaf.length, n);
        length(w, "nodes_falsenodeids", falseIds.length, n);
        length(w, "nodes_falseleafs", falseLeaf.length, n);
        if (missing.length != 0) {
            length(w, "nodes_missing_value_tracks_true", missing.length, n);
        }
        int leaves = leafTargets.length;
        length(w, "leaf_weights", leafWeights.length, leaves);
        int[] mode = new int[n];
        int[] feature = new int[n];
        boolean[] tracks = new boolean[n];
        int[] trueRef = new int[n];
        int[] falseRef = new int[n];
        for (int i = 0; i < n; i++) {
            if (modes[i] == 6) {
                throw new NotWhiteBoxException("ONNX", w + ": node " + i
                        + " tests set membership (BRANCH_MEMBER), which the white-box reader does not translate");
            }
            if (modes[i] < 0 || modes[i] > 5) {
                throw new InputException(w + ": node " + i + " has mode " + modes[i] + "; expected 0 to 6");
            }
            mode[i] = modes[i];
            feature[i] = checkFeature(w, featureIds[i], i, inputWidth);
            if (Float.isNaN(splits[i])) {
                throw new InputException(w + ": node " + i + " has a NaN threshold");
            }
            tracks[i] = missing.length > 0 && missing[i] == 1;
            trueRef[i] = ref(w, trueIds[i], trueLeaf[i], i, n, leaves, "true");
            falseRef[i] = ref(w, falseIds[i], falseLeaf[i], i, n, leaves, "false");
        }
        int[] roots = new int[rootIds.length];
        for (int t = 0; t < roots.length; t++) {
            if (rootIds[t] < 0 || rootIds[t] >= n) {
                throw new InputException(w + ": tree " + t + " has root " + rootIds[t] + " but there are " + n
                        + " nodes");
            }
            roots[t] = (int) rootIds[t];
            if (trueRef[roots[t]] == falseRef[roots[t]] && trueRef[roots[t]] < 0) {
                throw new NotWhiteBoxException("ONNX", w + ": tree " + t + " is a single leaf written as a root with"
                        + " both branches to it, which ONNX Runtime reads specially; not translated");
            }
        }
        int[] count = new int[leaves + 1];
        int[] leafOf = new int[leaves];
        for (int l = 0; l < leaves; l++) {
            if (leafTargets[l] < 0 || leafTargets[l] >= targets) {
                throw new InputException(w + ": leaf " + l + " is for target " + leafTargets[l] + " but there are "
                        + targets);
            }
            if (!Float.isFinite(leafWeights[l])) {
                throw new InputException(w + ": leaf " + l + " has weight " + leafWeights[l]);
            }
            leafOf[l] = l;
            count[l + 1] = 1;
        }
        return assemble(mode, feature, splits, tracks, trueRef, falseRef, roots, targets, count, leafOf, leafTargets,
                leafWeights);
    }

    private static Ensemble assemble(int[] mode, int[] feature, float[] split, boolean[] tracks, int[] trueRef,
                                     int[] falseRef, int[] roots, int targets, int[] count, int[] leafOf, long[] ids,
                                     float[] weights) {
        int leaves = count.length - 1;
        int[] start = new int[leaves + 1];
        for (int l = 0; l < leaves; l++) {
            start[l + 1] = start[l] + count[l + 1];
        }
        int[] fill = start.clone();
        int[] target = new int[start[leaves]];
        double[] weight = new double[start[leaves]];
        for (int i = 0; i < leafOf.length; i++) {
            if (leafOf[i] >= 0) {
                int at = fill[leafOf[i]]++;
                target[at] = (int) ids[i];
                weight[at] = weights[i];
            }
        }
        return new Ensemble(mode, feature, split, tracks, trueRef, falseRef, start, target, weight, roots, targets);
    }

    private static int ref(String w, long id, long isLeaf, int i, int n, int leaves, String side) {
        if (isLeaf != 0) {
            if (id < 0 || id >= leaves) {
                throw new InputException(w + ": node " + i + " has " + side + " leaf " + id + " but there are "
                        + leaves + " leaves");
            }
            return (int) -(id + 1);
        }
        if (id < 0 || id >= n) {
            throw new InputException(w + ": node " + i + " has " + side + " child " + id + " but there are " + n
                    + " nodes");
        }
        return (int) id;
    }

    private static int child(String w, Map<Long, Integer> position, long tree, long node, long childId, int i,
                             String side) {
        Integer p = childId < 0 || childId > Integer.MAX_VALUE ? null : position.get(key(tree, childId));
        if (p == null) {
            throw new InputException(w + ": node " + node + " of tree " + tree + " has " + side + " child "
                    + childId + ", which is not a node of that tree");
        }
        if (p == i) {
            throw new InputException(w + ": node " + node + " of tree " + tree + " is its own " + side + " child");
        }
        return p;
    }

    private static int checkFeature(String w, long f, int i, int width) {
        if (f < 0 || f >= width) {
            throw new InputException(w + ": node " + i + " tests feature " + f + " but the input has " + width);
        }
        return (int) f;
    }

    private static void checkId(String w, String what, long id, int i) {
        if (id < 0 || id > Integer.MAX_VALUE) {
            throw new InputException(w + ": node " + i + " has " + what + " " + id);
        }
    }

    private static long key(long tree, long node) {
        return (tree << 31) ^ node;
    }

    static void length(String w, String name, int actual, int expected) {
        if (actual != expected) {
            throw new InputException(w + ": " + name + " has " + actual + " entries, expected " + expected);
        }
    }
}
