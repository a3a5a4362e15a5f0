package org.mlsec.model.tree;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.mlsec.InputException;

/**
 * One binary decision tree in flat arrays, readable node by node (white-box attacks need this).
 * A row goes left at node {@code n} when {@code x[feature[n]] <= threshold[n]}; leaves have feature -1.
 * {@code value} holds {@code valueWidth} numbers per node: weighted training counts per class for classification
 * trees, the raw score for boosting trees. {@code samples} is the number of distinct training rows that reached
 * the node, and {@code gain} the impurity decrease (or boosting gain) of its split. In a tree grown under monotone
 * constraints a leaf whose output had to be clipped holds the clipped output instead: its weight split by the
 * clipped class share, or the clipped score.
 * <p>
 * A missing value (NaN) fails every {@code <=} test and goes right, unless {@code missingLeft} is given and says
 * left for that node: imported XGBoost, LightGBM and scikit-learn (1.3 and later) trees learn a direction for
 * missing values per split. mlsec's own trees leave it null.
 *
 * @param feature per node, the encoded feature tested, -1 at a leaf
 * @param threshold per node, the split threshold
 * @param left per node, the left child's index
 * @param right per node, the right child's index
 * @param value per node, {@code valueWidth} numbers
 * @param valueWidth numbers per node: the classes, or 1 for a boosting tree
 * @param samples per node, distinct training rows that reached it
 * @param gain per node, its split's gain
 * @param missingLeft per node, whether a missing value goes left; null: always right
 */
public record Tree(int[] feature, double[] threshold, int[] left, int[] right, double[] value, int valueWidth,
                   int[] samples, double[] gain, @JsonInclude(JsonInclude.Include.NON_NULL) boolean[] missingLeft) {
    /**
     * A tree whose missing values go right at every node (mlsec's own trees).
     *
     * @param feature per node, the encoded feature tested, -1 at a leaf
     * @param threshold per node, the split threshold
     * @param left per node, the left child's index
     * @param right per node, the right child's index
     * @param value per node, {@code valueWidth} numbers
     * @param valueWidth numbers per node
     * @param samples per node, distinct training rows that reached it
     * @param gain per node, its split's gain
     */
    public Tree(int[] feature, double[] threshold, int[] left, int[] right, double[] value, int valueWidth,
                int[] samples, double[] gain) {
        this(feature, threshold, left, right, value, valueWidth, samples, gain, null);
    }

    /** Deepest tree accepted: far beyond real trees, shallow enough for the searches' recursion. */
    public static final int MAX_DEPTH = 10_000;

    /**
     * The number of nodes, the root first.
     *
     * @return the node count
     */
    public int nodes() {
        return feature.length;
    }

    /**
     * Whether a node is a leaf.
     *
     * @param node the node's index
     * @return true when it tests no feature
     */
    public boolean isLeaf(int node) {
        return feature[node] < 0;
    }

    /**
     * The leaf an encoded row falls into.
     *
     * @param x an encoded row
     * @return the leaf's node index
     */
    public int leaf(double[] x) {
        int n = 0;
        int f;
        if (missingLeft == null) {
            while ((f = feature[n]) >= 0) {
                n = x[f] <= threshold[n] ? left[n] : right[n];
            }
            return n;
        }
        while ((f = feature[n]) >= 0) {
            double v = x[f];
            n = v <= threshold[n] || (v != v && missingLeft[n]) ? left[n] : right[n];
        }
        return n;
    }

    /**
     * True when some node sends missing values left (then prediction must check for NaN).
     *
     * @return whether {@code missingLeft} sends any node's missing values left
     */
    public boolean handlesMissing() {
        return missingLeft != null;
    }

    /**
     * The number of leaves.
     *
     * @return the leaf count
     */
    public int leaves() {
        int c = 0;
        for (int f : feature) {
            if (f < 0) {
                c++;
            }
        }
        return c;
    }

    /**
     * Depth of the deepest leaf (a single leaf has depth 0).
     *
     * @return the depth
     */
    public int depth() {
        int[] d = new int[nodes()];
        int max = 0;
        for (int n = 0; n < nodes(); n++) {
            if (!isLeaf(n)) {
                d[left[n]] = d[n] + 1;
                d[right[n]] = d[n] + 1;
                max = Math.max(max, d[n] + 1);
            }
        }
        return max;
    }

    /**
     * Checks a tree read from a file: array sizes agree, features exist, and every child comes after its parent,
     * so that no crafted file can make prediction loop forever or read out of bounds.
     *
     * @param features the number of encoded features
     * @param expectedWidth the value width the model needs
     * @throws InputException when the tree is malformed
     */
    public void validate(int features, int expectedWidth) {
        int n = feature == null ? 0 : feature.length;
        if (n == 0 || threshold == null || left == null || right == null || value == null || samples == null
                || gain == null || threshold.length != n || left.length != n || right.length != n
                || samples.length != n || gain.length != n || valueWidth != expectedWidth
                || value.length != (long) n * valueWidth || (missingLeft != null && missingLeft.length != n)) {
            throw new InputException("malformed tree: node arrays are missing or of different lengths");
        }
        int[] parents = new int[n];
        for (int i = 0; i < n; i++) {
            if (feature[i] >= features) {
                throw new InputException("malformed tree: node " + i + " splits on feature " + feature[i]
                        + " but the model has " + features);
            }
            if (feature[i] >= 0) {
                if (left[i] <= i || right[i] <= i || left[i] >= n || right[i] >= n || left[i] == right[i]) {
                    throw new InputException("malformed tree: node " + i + " has invalid children");
                }
                if (Double.isNaN(threshold[i])) {
                    throw new InputException("malformed tree: node " + i + " has no threshold (NaN)");
                }
                parents[left[i]]++;
                parents[right[i]]++;
            }
        }
        for (int i = 0; i < value.length; i++) {
            if (!Double.isFinite(value[i])) {
                throw new InputException("malformed tree: node " + i / valueWidth + " has a non-finite value " + value[i]);
            }
        }
        for (int i = 1; i < n; i++) {
            if (parents[i] != 1) {
                throw new InputException("malformed tree: node " + i + " has " + parents[i] + " parents");
            }
        }
        int depth = depth();
        if (depth > MAX_DEPTH) {
            throw new InputException("malformed tree: " + depth + " levels deep; at most " + MAX_DEPTH + " are accepted");
        }
    }
}
