package org.mlsec.attacks.evasion;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.mlsec.InputException;
import org.mlsec.model.Classifier;
import org.mlsec.model.FeatureEncoder;
import org.mlsec.model.tree.BoostedModel;
import org.mlsec.model.tree.ForestModel;
import org.mlsec.model.tree.Tree;

/**
 * A two-class tree ensemble seen as a sum: margin = bias + the sum over trees of the value of the leaf a row reaches,
 * and the model answers class 1 when the margin is above 0. For a forest a leaf's value is its share of class 1
 * minus its share of class 0 (the margin is then the number of trees times p1 - p0, exact for pure leaves); for
 * boosted trees it is the leaf score (the margin is the log-odds). Within rounding of a tie, {@link #answer} asks
 * the model itself. Rows are read in schema space: a one-hot indicator node asks
 * whether a categorical column holds its category.
 * <p>
 * With more than two classes the ensemble is the contest of a target class against one rival ({@link #of(Classifier,
 * int, int)}): margin = the target's score minus the rival's (forest: leaf shares; boosting: the two classes'
 * trees). Beating the rival is necessary for reaching the target, so every bound the searches prune with stays
 * sound, and every candidate that beats it is confirmed by the model's own answer (all classes compared); the
 * searches then find the cheapest change that wins over the rival and is answered with the target.
 */
final class TreeEnsemble {
    final List<Tree> trees;
    /** Per tree and node, the leaf's contribution to the margin (0 at inner nodes). */
    final double[][] value;
    final double bias;
    /** Per encoded feature: its schema column, and its category for an indicator (-1 for a number). */
    final int[] column;
    final int[] category;
    /** Per schema column: the trees that split on it, and its distinct thresholds in ascending order. */
    final int[][] treesUsing;
    final double[][] thresholds;
    /** The model itself: it settles margins within rounding of a tie, in its own order of arithmetic. */
    private final Classifier model;
    /** Per tree and node, in schema space: the column tested (-1 at leaves) and the category of an indicator (-1). */
    private final int[][] nodeColumn;
    private final int[][] nodeCategory;
    /** Per tree and node, its parent (-1 at the root); and the trees' own arrays, held here for the hot loop. */
    private final int[][] parent;
    private final double[][] nodeThreshold;
    private final int[][] leftChild;
    private final int[][] rightChild;

    /** With more than two classes: the class to reach (searches then aim at "class 1" of the pairwise margin); else -1. */
    final int multiTarget;

    private TreeEnsemble(List<Tree> trees, double[][] value, double bias, FeatureEncoder encoder, Classifier model) {
        this(trees, value, bias, encoder, model, -1);
    }

    private TreeEnsemble(List<Tree> trees, double[][] value, double bias, FeatureEncoder encoder, Classifier model,
                         int multiTarget) {
        this.multiTarget = multiTarget;
        this.trees = trees;
        this.value = value;
        this.bias = bias;
        this.model = model;
        int w = encoder.width();
        this.column = new int[w];
        this.category = new int[w];
        for (int f = 0; f < w; f++) {
            column[f] = encoder.sourceColumn(f);
            boolean cat = encoder.schema().feature(column[f]).isCategorical();
            category[f] = !cat ? -1 : f > 0 && column[f - 1] == column[f] ? category[f - 1] + 1 : 0;
        }
        int cols = encoder.schema().width();
        List<List<Integer>> using = new ArrayList<>();
        List<TreeSet<Double>> thr = new ArrayList<>();
        for (int j = 0; j < cols; j++) {
            using.add(new ArrayList<>());
            thr.add(new TreeSet<>());
        }
        for (int t = 0; t < trees.size(); t++) {
            Tree tree = trees.get(t);
            for (int n = 0; n < tree.nodes(); n++) {
                if (!tree.isLeaf(n)) {
                    int j = column[tree.feature()[n]];
                    List<Integer> u = using.get(j);
                    if (u.isEmpty() || u.get(u.size() - 1) != t) {
                        u.add(t);
                    }
                    if (category[tree.feature()[n]] < 0) {
                        thr.get(j).add(tree.threshold()[n]);
                    }
                }
            }
        }
        this.nodeColumn = new int[trees.size()][];
        this.nodeCategory = new int[trees.size()][];
        this.parent = new int[trees.size()][];
        this.nodeThreshold = new double[trees.size()][];
        this.leftChild = new int[trees.size()][];
        this.rightChild = new int[trees.size()][];
        for (int t = 0; t < trees.size(); t++) {
            Tree tree = trees.get(t);
            nodeThreshold[t] = tree.threshold();
            leftChild[t] = tree.left();
            rightChild[t] = tree.right();
            nodeColumn[t] = new int[tree.nodes()];
            nodeCategory[t] = new int[tree.nodes()];
            parent[t] = new int[tree.nodes()];
            parent[t][0] = -1;
            for (int n = 0; n < tree.nodes(); n++) {
                int f = tree.feature()[n];
                nodeColumn[t][n] = f < 0 ? -1 : column[f];
                nodeCategory[t][n] = f < 0 ? -1 : category[f];
                if (f >= 0) {
                    parent[t][tree.left()[n]] = n;
                    parent[t][tree.right()[n]] = n;
                }
            }
        }
        this.treesUsing = new int[cols][];
        this.thresholds = new double[cols][];
        for (int j = 0; j < cols; j++) {
            treesUsing[j] = using.get(j).stream().mapToInt(Integer::intValue).toArray();
            thresholds[j] = thr.get(j).stream().mapToDouble(Double::doubleValue).toArray();
        }
    }

    /** The ensemble of a two-class forest, single tree or boosted model; null for any other model. */
    static TreeEnsemble of(Classifier model) {
        if (model instanceof ForestModel) {
            ForestModel m = (ForestModel) model;
            requireTwoClasses(m.classes().size());
            return new TreeEnsemble(m.trees(), shareDifferences(m, 1, 0), 0, m.encoder(), m);
        }
        if (model instanceof BoostedModel) {
            BoostedModel m = (BoostedModel) model;
            requireTwoClasses(m.classes().size());
            return new TreeEnsemble(m.trees(), leafValues(m.trees(), (tree, n) -> tree.value()[n]),
                    m.baseScore()[0], m.encoder(), m);
        }
        return null;
    }

    /** Whether the model is a tree model whose structure the searches read (any number of classes). */
    static boolean readable(Classifier model) {
        return model instanceof ForestModel || model instanceof BoostedModel;
    }

    /**
     * The ensemble that decides between {@code target} and {@code rival}: for two classes the usual one (searches
     * aim at {@code target}); for more, the pairwise margin target minus rival (searches aim at class 1 of it, see
     * {@link #searchTarget}). Null for a model that is not a readable tree model.
     */
    static TreeEnsemble of(Classifier model, int target, int rival) {
        int k = model.classes().size();
        if (k == 2 || !readable(model)) {
            return of(model);
        }
        if (target == rival || target < 0 || rival < 0 || target >= k || rival >= k) {
            throw new IllegalArgumentException("target " + target + " and rival " + rival + " of " + k + " classes");
        }
        if (model instanceof ForestModel) {
            ForestModel m = (ForestModel) model;
            return new TreeEnsemble(m.trees(), shareDifferences(m, target, rival), 0, m.encoder(), m, target);
        }
        BoostedModel m = (BoostedModel) model;
        List<Tree> all = m.trees();
        List<Tree> trees = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        // Only the two classes' trees move the pairwise margin; the other classes' trees stay in the ensemble with
        // zero values all the same: the searches' cells are then cut by every tree, so the model's answer is one
        // and the same inside each cell and a complete search is exact.
        for (int t = 0; t < all.size(); t++) {
            int c = t % k;
            Tree tree = all.get(t);
            double[] v = new double[tree.nodes()];
            for (int n = 0; n < tree.nodes(); n++) {
                if (tree.isLeaf(n) && (c == target || c == rival)) {
                    v[n] = c == target ? tree.value()[n] : -tree.value()[n];
                }
            }
            trees.add(tree);
            values.add(v);
        }
        double[] base = m.baseScore();
        return new TreeEnsemble(trees, values.toArray(new double[0][]), base[target] - base[rival], m.encoder(), m,
                target);
    }

    /**
     * Per tree and leaf, the share of class {@code plus} minus the share of class {@code minus} among the leaf's
     * training rows. Not divided by the number of trees: with pure leaves the votes add up exactly, so a tied forest
     * (which the model answers with the first of the tied classes) has a margin of exactly 0.
     */
    private static double[][] shareDifferences(ForestModel m, int plus, int minus) {
        int k = m.classes().size();
        return leafValues(m.trees(), (tree, n) -> {
            double sum = 0;
            for (int c = 0; c < k; c++) {
                sum += tree.value()[n * k + c];
            }
            return sum > 0 ? (tree.value()[n * k + plus] - tree.value()[n * k + minus]) / sum : 0;
        });
    }

    /** What a leaf adds to the margin. */
    private interface LeafValue {
        double of(Tree tree, int leaf);
    }

    /** Per tree and node, {@code value} of each leaf (0 at split nodes). */
    private static double[][] leafValues(List<Tree> trees, LeafValue value) {
        double[][] v = new double[trees.size()][];
        for (int t = 0; t < trees.size(); t++) {
            Tree tree = trees.get(t);
            v[t] = new double[tree.nodes()];
            for (int n = 0; n < tree.nodes(); n++) {
                if (tree.isLeaf(n)) {
                    v[t][n] = value.of(tree, n);
                }
            }
        }
        return v;
    }

    /** The target the searches are given: the class itself for two classes, 1 (the pairwise margin above 0) else. */
    int searchTarget(int target) {
        return multiTarget >= 0 ? 1 : target;
    }

    private static void requireTwoClasses(int k) {
        if (k != 2) {
            throw new InputException("this ensemble view handles two-class models; this one has " + k
                    + " classes (use TreeEnsemble.of(model, target, rival))");
        }
    }

    int size() {
        return trees.size();
    }

    /** Whether a row goes left at a node. */
    boolean goesLeft(Tree tree, int node, double[] row) {
        int f = tree.feature()[node];
        int c = category[f];
        double v = c < 0 ? row[column[f]] : row[column[f]] == c ? 1 : 0;
        return v <= tree.threshold()[node];
    }

    /** The leaf a schema-space row reaches in tree t (the hot loop of every search: flat arrays only). */
    int leaf(int t, double[] row) {
        return leaf(t, row, 0);
    }

    /** The leaf a row reaches in tree t, walking from node n down. */
    int leaf(int t, double[] row, int n) {
        int[] col = nodeColumn[t];
        int[] cat = nodeCategory[t];
        double[] thr = nodeThreshold[t];
        int[] left = leftChild[t];
        int[] right = rightChild[t];
        int j;
        while ((j = col[n]) >= 0) {
            int c = cat[n];
            double v = c < 0 ? row[j] : row[j] == c ? 1 : 0;
            n = v <= thr[n] ? left[n] : right[n];
        }
        return n;
    }

    /** The schema columns (as bits, for schemas of at most 64 columns) tested on the path from the root to a node. */
    long pathColumns(int t, int node) {
        long bits = 0;
        for (int n = parent[t][node]; n >= 0; n = parent[t][n]) {
            bits |= 1L << nodeColumn[t][n];
        }
        return bits;
    }

    double contribution(int t, double[] row) {
        return value[t][leaf(t, row)];
    }

    double margin(double[] row) {
        double m = bias;
        for (int t = 0; t < trees.size(); t++) {
            m += contribution(t, row);
        }
        return m;
    }

    /** The class the model answers for a row (its own arithmetic: a forest's averaged shares, boosting's sigmoid). */
    int answer(double[] row) {
        return model.predict(new double[][] {row})[0];
    }

    /** Margins this close to 0 are ties up to rounding: the model's own arithmetic decides them. */
    static final double TIE = 1e-9;

    /** Whether a row with the given margin gets the target class; a margin within rounding of a tie is re-checked. */
    boolean reached(double[] row, double margin, int target) {
        if (multiTarget >= 0) {
            // Beating the rival is necessary; the model's answer over all classes decides.
            return margin >= -TIE && answer(row) == multiTarget;
        }
        return Math.abs(margin) > TIE ? reaches(margin, target) : answer(row) == target;
    }

    /** Whether a margin gives the target class or is too close to a tie to rule it out. */
    static boolean mayReach(double margin, int target) {
        return Math.abs(margin) <= TIE || reaches(margin, target);
    }

    /** Whether a margin gives the target class (class 1 strictly above 0; ties go to class 0, as argmax does). */
    static boolean reaches(double margin, int target) {
        return target == 1 ? margin > 0 : margin <= 0;
    }

    /** Per tree and node, the largest value of sign * leaf value in the node's subtree. */
    double[][] subtreeMax(int sign) {
        double[][] out = new double[trees.size()][];
        for (int t = 0; t < trees.size(); t++) {
            Tree tree = trees.get(t);
            double[] m = new double[tree.nodes()];
            // Children come after their parents, so one backward pass sees them first.
            for (int n = tree.nodes() - 1; n >= 0; n--) {
                m[n] = tree.isLeaf(n) ? sign * value[t][n] : Math.max(m[tree.left()[n]], m[tree.right()[n]]);
            }
            out[t] = m;
        }
        return out;
    }

    @Override
    public String toString() {
        return trees.size() + " trees, " + Arrays.stream(thresholds).mapToInt(a -> a.length).sum() + " thresholds";
    }
}
