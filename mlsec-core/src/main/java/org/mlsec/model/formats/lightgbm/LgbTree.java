package org.mlsec.model.formats.lightgbm;

import java.util.Map;
import org.mlsec.InputException;
import org.mlsec.model.formats.NotWhiteBoxException;

/**
 * One tree as LightGBM writes it ({@code src/io/tree.cpp}, {@code Tree::ToString} and the constructor from text):
 * {@code num_leaves} L, internal nodes 0..L-2 with {@code split_feature}, {@code threshold}, {@code decision_type},
 * {@code left_child}/{@code right_child} (a child c >= 0 is an internal node, c < 0 the leaf ~c), and per-leaf
 * {@code leaf_value} and {@code leaf_count}. {@code decision_type} is a bit field: bit 0 categorical, bit 1 default
 * left, bits 2-3 the missing type (0 None, 1 Zero, 2 NaN). The constructor checks every length and index and that
 * the children form one tree rooted at node 0: each other node has exactly one parent and is reached from the root.
 *
 * @param index 0-based position of the tree in the file
 */
record LgbTree(int index, int leaves, int[] splitFeature, double[] splitGain, double[] threshold,
               int[] decisionType, int[] leftChild, int[] rightChild, double[] leafValue, int[] leafCount,
               int[] internalCount) {
    /** LightGBM's own upper bound on num_leaves ({@code config.cpp}). */
    static final int MAX_LEAVES = 131_072;
    static final int MISSING_NONE = 0;
    static final int MISSING_ZERO = 1;
    static final int MISSING_NAN = 2;

    LgbTree {
        int inner = leaves - 1;
        if (splitFeature.length != inner || splitGain.length != inner || threshold.length != inner
                || decisionType.length != inner || leftChild.length != inner || rightChild.length != inner
                || internalCount.length != inner || leafValue.length != leaves
                || leafCount.length != leaves) {
            throw new IllegalArgumentException("array lengths");
        }
    }

    boolean defaultLeft(int node) {
        return (decisionType[node] & 2) != 0;
    }

    int missingType(int node) {
        return (decisionType[node] >> 2) & 3;
    }

    /** Reads a tree from its {@code key=value} lines. */
    static LgbTree parse(int index, Map<String, String> kv, int width, java.util.List<String> names) {
        String at = "tree " + index + ": ";
        int leaves = Tokens.parseInt(require(kv, "num_leaves", at), at + "num_leaves");
        if (leaves < 1 || leaves > MAX_LEAVES) {
            throw new InputException(at + "num_leaves=" + leaves + " is outside 1.." + MAX_LEAVES
                    + " (LightGBM's own limit)");
        }
        int numCat = kv.containsKey("num_cat") ? Tokens.parseInt(kv.get("num_cat"), at + "num_cat") : 0;
        if (numCat < 0 || numCat > leaves - 1) {
            throw new InputException(at + "num_cat=" + numCat + " is outside 0.." + (leaves - 1));
        }
        if (kv.containsKey("is_linear") && !"0".equals(kv.get("is_linear"))) {
            throw new NotWhiteBoxException(LightGbmFormat.NAME, at + "is a linear tree (trained with"
                    + " linear_tree=true): its leaves are linear models of the features, which mlsec's trees, with"
                    + " one score per leaf, cannot represent");
        }
        int inner = leaves - 1;
        double[] leafValue = Tokens.doubles(require(kv, "leaf_value", at), leaves, at + "leaf_value");
        int[] leafCount = optionalInts(kv, "leaf_count", leaves, at);
        int[] feature = inner == 0 ? new int[0] : Tokens.ints(require(kv, "split_feature", at), inner,
                at + "split_feature");
        double[] threshold = inner == 0 ? new double[0] : Tokens.doubles(require(kv, "threshold", at), inner,
                at + "threshold");
        int[] left = inner == 0 ? new int[0] : Tokens.ints(require(kv, "left_child", at), inner,
                at + "left_child");
        int[] right = inner == 0 ? new int[0] : Tokens.ints(require(kv, "right_child", at), inner,
                at + "right_child");
        int[] decision = optionalInts(kv, "decision_type", inner, at);
        double[] gain = optionalDoubles(kv, "split_gain", inner, at);
        int[] internalCount = optionalInts(kv, "internal_count", inner, at);
        for (int n = 0; n < inner; n++) {
            String node = at + "node " + n + " ";
            if (feature[n] < 0 || feature[n] >= width) {
                throw new InputException(node + "splits on feature " + feature[n] + "; the model has " + width
                        + " (0.." + (width - 1) + ")");
            }
            if (decision[n] < 0 || decision[n] > 15 || ((decision[n] >> 2) & 3) == 3) {
                throw new InputException(node + "has decision_type=" + decision[n] + ", not a LightGBM decision"
                        + " type (bit 0 categorical, bit 1 default left, bits 2-3 missing type 0, 1 or 2)");
            }
            if ((decision[n] & 1) != 0) {
                throw new NotWhiteBoxException(LightGbmFormat.NAME, node + "splits on categorical feature '"
                        + Header.clip(names.get(feature[n])) + "' by a set of categories; mlsec reads numeric"
                        + " LightGBM splits only (train with that column numeric, or one-hot encoded)");
            }
            if (Double.isNaN(threshold[n])) {
                throw new InputException(node + "has a NaN threshold");
            }
            if (!Double.isFinite(gain[n])) {
                throw new InputException(node + "has split_gain " + gain[n]);
            }
            if (internalCount[n] < 0) {
                throw new InputException(node + "has a negative internal_count " + internalCount[n]);
            }
        }
        for (int l = 0; l < leaves; l++) {
            if (!Double.isFinite(leafValue[l])) {
                throw new InputException(at + "leaf " + l + " has a non-finite leaf_value " + leafValue[l]);
            }
            if (leafCount[l] < 0) {
                throw new InputException(at + "leaf " + l + " has a negative leaf_count " + leafCount[l]);
            }
        }
        checkShape(at, leaves, left, right);
        return new LgbTree(index, leaves, feature, gain, threshold, decision, left, right, leafValue, leafCount,
                internalCount);
    }

    /**
     * Children in range, every node but the root with exactly one parent, and every node reached from the root (so
     * no cycle hides among unreachable nodes). Iterative: a crafted chain of any length cannot overflow the stack.
     */
    private static void checkShape(String at, int leaves, int[] left, int[] right) {
        int inner = leaves - 1;
        int[] innerParents = new int[inner];
        int[] leafParents = new int[leaves];
        for (int n = 0; n < inner; n++) {
            for (int side = 0; side < 2; side++) {
                int c = side == 0 ? left[n] : right[n];
                String name = side == 0 ? "left_child" : "right_child";
                if (c >= 0) {
                    if (c >= inner) {
                        throw new InputException(at + "node " + n + " has " + name + "=" + c + "; internal nodes are"
                                + " 0.." + (inner - 1));
                    }
                    if (c == 0) {
                        throw new InputException(at + "node " + n + " points back to the root (a cycle)");
                    }
                    innerParents[c]++;
                } else {
                    int leaf = ~c;
                    if (leaf >= leaves) {
                        throw new InputException(at + "node " + n + " has " + name + "=" + c + ", leaf " + leaf
                                + "; the tree has leaves 0.." + (leaves - 1));
                    }
                    leafParents[leaf]++;
                }
            }
        }
        for (int n = 1; n < inner; n++) {
            if (innerParents[n] != 1) {
                throw new InputException(at + "node " + n + " has " + innerParents[n] + " parents; a tree has one"
                        + (innerParents[n] > 1 ? " (shared children or a cycle)" : ""));
            }
        }
        for (int l = 0; l < leaves; l++) {
            if (leafParents[l] != (inner == 0 ? 0 : 1)) {
                throw new InputException(at + "leaf " + l + " has " + leafParents[l] + " parents; a tree has one");
            }
        }
        if (inner == 0) {
            return;
        }
        boolean[] seen = new boolean[inner];
        int[] stack = new int[inner];
        int top = 0;
        int reached = 0;
        stack[top++] = 0;
        seen[0] = true;
        while (top > 0) {
            int n = stack[--top];
            reached++;
            for (int c : new int[] {left[n], right[n]}) {
                if (c >= 0) {
                    if (seen[c]) {
                        throw new InputException(at + "node " + c + " is reached twice (a cycle)");
                    }
                    seen[c] = true;
                    stack[top++] = c;
                }
            }
        }
        if (reached != inner) {
            throw new InputException(at + (inner - reached) + " internal nodes are not reached from the root (a"
                    + " cycle detached from the tree)");
        }
    }

    private static String require(Map<String, String> kv, String key, String at) {
        String v = kv.get(key);
        if (v == null) {
            throw new InputException(at + "has no " + key + "= line");
        }
        return v;
    }

    private static int[] optionalInts(Map<String, String> kv, String key, int n, String at) {
        return kv.containsKey(key) && n > 0 ? Tokens.ints(kv.get(key), n, at + key)
                : new int[n];
    }

    private static double[] optionalDoubles(Map<String, String> kv, String key, int n, String at) {
        return kv.containsKey(key) && n > 0 ? Tokens.doubles(kv.get(key), n, at + key)
                : new double[n];
    }
}
