package org.mlsec.model.formats.xgboost;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import org.mlsec.InputException;
import org.mlsec.model.formats.Thresholds;
import org.mlsec.model.tree.Tree;

/**
 * One XGBoost regression tree ({@code RegTree}, saved by {@code RegTree::SaveModel} in XGBoost's
 * {@code src/tree/tree_model.cc}) as an mlsec {@link Tree}. The file holds parallel per-node arrays:
 * {@code left_children}/{@code right_children} (-1 at leaves), {@code split_indices}, {@code split_conditions}
 * (the threshold, or the leaf's value at a leaf: XGBoost keeps both in one field, and {@code base_weights} holds
 * the weight before the learning rate), {@code default_left} (where a missing value goes), {@code split_type}
 * (0 numerical, 1 categorical), {@code loss_changes} (split gain) and {@code sum_hessian} (cover).
 * <p>
 * XGBoost's CPU predictor goes to {@code left + !(x < cond)} on float32, and to the default child when x is
 * missing; so a right child must be the left child + 1 (else the file's right child is not what XGBoost uses, and
 * it is refused), the split becomes mlsec's {@code x <= Thresholds.float32Less(cond)}, and missingLeft is
 * {@code default_left}. Nodes are renumbered breadth-first from the root, so children follow parents; a child out
 * of range, reached twice (a cycle or a shared child), a NaN condition, a non-finite leaf or gain, or more than
 * {@link Tree#MAX_DEPTH} levels is refused naming the tree and node. Nodes the root does not reach (those XGBoost's
 * pruner deleted) are left out. Cover is a hessian sum, not a row count, so {@code samples} is 0 (unknown).
 */
final class TreeReader {
    /**
     * A converted tree.
     *
     * @param tree      the tree
     * @param depth     its depth
     * @param skipped   nodes of the file the root does not reach
     * @param shrinkMin smallest leaf value / base weight ratio (the learning rate XGBoost applied), NaN if none
     * @param shrinkMax largest such ratio
     */
    record Read(Tree tree, int depth, int skipped, double shrinkMin, double shrinkMax) {
    }

    private TreeReader() {
    }

    /**
     * @param json        the tree's object in the file
     * @param where       "tree 3", for messages
     * @param features    the model's number of features
     * @param categorical which features XGBoost types as categorical
     * @param weight      factor applied to leaf values as XGBoost does (dart's weight_drop; 1 otherwise)
     * @param negate      whether leaf values change sign (class 0 of a two-class softmax)
     */
    static Read read(JsonNode json, String where, int features, boolean[] categorical, float weight, boolean negate) {
        if (json == null || !json.isObject()) {
            throw new InputException(where + " is not an object");
        }
        JsonNode param = Fields.object(json, "tree_param", where);
        int n = Fields.intText(param, "num_nodes", where + ".tree_param", 1, Integer.MAX_VALUE);
        if (param.has("size_leaf_vector")) {
            int leafVector = Fields.intText(param, "size_leaf_vector", where + ".tree_param", 0, Integer.MAX_VALUE);
            if (leafVector > 1) {
                throw new InputException(where + " has vector leaves (size_leaf_vector " + leafVector
                        + ", multi_strategy=multi_output_tree); mlsec reads one score per leaf");
            }
        }
        int[] left = ints(json, "left_children", where, n, -1, n - 1);
        int[] right = ints(json, "right_children", where, n, -1, n - 1);
        int[] index = ints(json, "split_indices", where, n, 0, Integer.MAX_VALUE);
        float[] cond = floats(json, "split_conditions", where, n);
        float[] gain = floats(json, "loss_changes", where, n);
        float[] base = floats(json, "base_weights", where, n);
        floats(json, "sum_hessian", where, n); // required by XGBoost; a hessian sum, not a row count
        boolean[] defaultLeft = flags(json, "default_left", where, n);
        int[] splitType = json.has("split_type") ? ints(json, "split_type", where, n, 0, 1) : new int[n];

        int[] newId = new int[n];
        Arrays.fill(newId, -1);
        int[] order = new int[n];
        int[] depth = new int[n];
        newId[0] = 0;
        order[0] = 0;
        int count = 1;
        int maxDepth = 0;
        double shrinkMin = Double.NaN;
        double shrinkMax = Double.NaN;
        for (int k = 0; k < count; k++) {
            int u = order[k];
            int l = left[u];
            int r = right[u];
            String at = where + " node " + u;
            if (l == -1) {
                if (r != -1) {
                    throw new InputException(at + ": a leaf (left child -1) with right child " + r);
                }
                continue;
            }
            if (r != l + 1) {
                throw new InputException(at + ": right child " + r + " is not left child " + l
                        + " + 1, the node XGBoost's predictor goes to");
            }
            if (r == -1 || r >= n) {
                throw new InputException(at + ": child " + r + " out of range (the tree has " + n + " nodes)");
            }
            if (newId[l] >= 0 || newId[r] >= 0) {
                throw new InputException(at + ": child " + (newId[l] >= 0 ? l : r)
                        + " is reached twice (a cycle or a shared child)");
            }
            if (depth[u] + 1 > Tree.MAX_DEPTH) {
                throw new InputException(where + " is more than " + Tree.MAX_DEPTH
                        + " levels deep; at most " + Tree.MAX_DEPTH + " are accepted");
            }
            depth[l] = depth[u] + 1;
            depth[r] = depth[u] + 1;
            maxDepth = Math.max(maxDepth, depth[l]);
            newId[l] = count;
            order[count++] = l;
            newId[r] = count;
            order[count++] = r;
        }

        int[] feature = new int[count];
        double[] threshold = new double[count];
        int[] lo = new int[count];
        int[] hi = new int[count];
        double[] value = new double[count];
        double[] gains = new double[count];
        boolean[] missingLeft = new boolean[count];
        for (int k = 0; k < count; k++) {
            int u = order[k];
            String at = where + " node " + u;
            if (left[u] == -1) {
                float v = negate ? -(cond[u] * weight) : cond[u] * weight;
                if (!Float.isFinite(v)) {
                    throw new InputException(at + ": leaf value " + cond[u] + (weight != 1 ? " x weight " + weight : "")
                            + " is not finite");
                }
                feature[k] = -1;
                lo[k] = -1;
                hi[k] = -1;
                value[k] = v;
                if (Math.abs(base[u]) > 1e-3 && Float.isFinite(base[u])) {
                    double ratio = (double) cond[u] / base[u];
                    shrinkMin = Double.isNaN(shrinkMin) ? ratio : Math.min(shrinkMin, ratio);
                    shrinkMax = Double.isNaN(shrinkMax) ? ratio : Math.max(shrinkMax, ratio);
                }
                continue;
            }
            if (index[u] >= features) {
                throw new InputException(at + ": splits on feature " + index[u] + " but the model has " + features);
            }
            if (splitType[u] == 1 || categorical[index[u]]) {
                throw new InputException(at + ": categorical split on feature " + index[u]
                        + "; mlsec does not read XGBoost's categorical splits (train with one-hot columns instead)");
            }
            if (Float.isNaN(cond[u])) {
                throw new InputException(at + ": split condition is NaN");
            }
            if (!Float.isFinite(gain[u])) {
                throw new InputException(at + ": split gain (loss_changes) " + gain[u] + " is not finite");
            }
            feature[k] = index[u];
            threshold[k] = Thresholds.float32Less(cond[u]);
            lo[k] = newId[left[u]];
            hi[k] = newId[right[u]];
            gains[k] = gain[u];
            missingLeft[k] = defaultLeft[u];
        }
        Tree t = new Tree(feature, threshold, lo, hi, value, 1, new int[count], gains, missingLeft);
        return new Read(t, maxDepth, n - count, shrinkMin, shrinkMax);
    }

    private static int[] ints(JsonNode json, String key, String where, int n, int min, int max) {
        JsonNode a = Fields.array(json, key, where, n);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = (int) Fields.integer(a.get(i), where + ": " + key + "[" + i + "]", min, max);
        }
        return out;
    }

    private static float[] floats(JsonNode json, String key, String where, int n) {
        JsonNode a = Fields.array(json, key, where, n);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = Fields.float32(a.get(i), where + ": " + key + "[" + i + "]");
        }
        return out;
    }

    /** XGBoost 1.x writes default_left as 0/1 integers; booleans are accepted too. */
    private static boolean[] flags(JsonNode json, String key, String where, int n) {
        JsonNode a = Fields.array(json, key, where, n);
        boolean[] out = new boolean[n];
        for (int i = 0; i < n; i++) {
            JsonNode v = a.get(i);
            out[i] = v.isBoolean() ? v.booleanValue()
                    : Fields.integer(v, where + ": " + key + "[" + i + "]", 0, 1) == 1;
        }
        return out;
    }
}
