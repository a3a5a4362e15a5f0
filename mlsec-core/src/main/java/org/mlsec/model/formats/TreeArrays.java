package org.mlsec.model.formats;

import java.util.Arrays;
import org.mlsec.model.tree.Tree;

/**
 * Growable flat node arrays, for the readers that build a {@link Tree} node by node (the LightGBM converter, the
 * ONNX translator). A node added has no children (-1 on both sides) until {@link #link linked}; {@link #build}
 * trims the arrays to the nodes added and passes missingLeft only when some node sends missing values left. The
 * caller checks its own node budget before {@link #add}.
 */
public final class TreeArrays {
    private final int width;
    private int size;
    private int[] feature = new int[16];
    private double[] threshold = new double[16];
    private int[] left = new int[16];
    private int[] right = new int[16];
    private double[] value;
    private int[] samples = new int[16];
    private double[] gain = new double[16];
    private boolean[] missingLeft = new boolean[16];

    /**
     * Arrays for a tree whose leaves hold {@code width} values each.
     *
     * @param width values per leaf
     */
    public TreeArrays(int width) {
        this.width = width;
        this.value = new double[16 * width];
    }

    /**
     * The number of nodes added.
     *
     * @return the count
     */
    public int size() {
        return size;
    }

    /**
     * Adds a node with no children and returns its index.
     *
     * @return the node's index
     */
    public int add() {
        if (size == feature.length) {
            int cap = size * 2;
            feature = Arrays.copyOf(feature, cap);
            threshold = Arrays.copyOf(threshold, cap);
            left = Arrays.copyOf(left, cap);
            right = Arrays.copyOf(right, cap);
            value = Arrays.copyOf(value, cap * width);
            samples = Arrays.copyOf(samples, cap);
            gain = Arrays.copyOf(gain, cap);
            missingLeft = Arrays.copyOf(missingLeft, cap);
        }
        left[size] = -1;
        right[size] = -1;
        return size++;
    }

    /**
     * Makes {@code node} a split: left when {@code x[feature] <= threshold}, missing values left if so said.
     *
     * @param node the node's index
     * @param f the encoded feature tested
     * @param t the threshold
     * @param nanLeft whether missing values go left
     */
    public void branch(int node, int f, double t, boolean nanLeft) {
        feature[node] = f;
        threshold[node] = t;
        missingLeft[node] = nanLeft;
    }

    /**
     * Makes {@code node} a leaf with the values {@code v[0..width)}.
     *
     * @param node the node's index
     * @param v the leaf's values
     */
    public void leaf(int node, double... v) {
        feature[node] = -1;
        System.arraycopy(v, 0, value, node * width, width);
    }

    /**
     * Records the training statistics of {@code node}.
     *
     * @param node the node's index
     * @param s training rows that reached it
     * @param g its split's gain
     */
    public void stats(int node, int s, double g) {
        samples[node] = s;
        gain[node] = g;
    }

    /**
     * Makes {@code child} the left or right child of {@code parent}; nothing when there is no parent (-1).
     *
     * @param parent the parent's index, or -1
     * @param isLeft whether the child is the left one
     * @param child the child's index
     */
    public void link(int parent, boolean isLeft, int child) {
        if (parent < 0) {
            return;
        }
        if (isLeft) {
            left[parent] = child;
        } else {
            right[parent] = child;
        }
    }

    /**
     * The tree of the nodes added. Leaves get {@code leafChild} as both children: the LightGBM converter keeps -1,
     * the ONNX translator writes 0, as mlsec's own trees have.
     *
     * @param leafChild the child index leaves get
     * @return the tree
     */
    public Tree build(int leafChild) {
        boolean anyLeft = false;
        for (int i = 0; i < size; i++) {
            if (feature[i] < 0) {
                left[i] = leafChild;
                right[i] = leafChild;
            }
            anyLeft |= missingLeft[i];
        }
        return new Tree(Arrays.copyOf(feature, size), Arrays.copyOf(threshold, size), Arrays.copyOf(left, size),
                Arrays.copyOf(right, size), Arrays.copyOf(value, size * width), width, Arrays.copyOf(samples, size),
                Arrays.copyOf(gain, size), anyLeft ? Arrays.copyOf(missingLeft, size) : null);
    }
}
