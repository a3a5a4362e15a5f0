package org.mlsec.model.formats.sklearn;

import java.util.List;
import org.mlsec.InputException;
import org.mlsec.model.tree.Tree;

/**
 * Reads scikit-learn's Cython {@code sklearn.tree._tree.Tree} from its pickled form ({@code Tree.__reduce__} in
 * {@code sklearn/tree/_tree.pyx}): {@code Tree(n_features, n_classes, n_outputs)} with the state
 * {@code {max_depth, node_count, nodes, values}}. {@code nodes} is a structured array of {@code left_child,
 * right_child, feature, threshold, impurity, n_node_samples, weighted_n_node_samples} and, from scikit-learn 1.3,
 * {@code missing_go_to_left}; leaves have {@code left_child == -1} (TREE_LEAF). {@code values} has shape
 * {@code (node_count, n_outputs, max_n_classes)}: weighted class counts before scikit-learn 1.4.1, weighted class
 * fractions from 1.4.1 (then multiplied back by {@code weighted_n_node_samples}); a regression tree's mean.
 * scikit-learn sends a row left when {@code (float32) x <= threshold}; mlsec's threshold is converted exactly.
 */
final class SkTrees {
    private SkTrees() {
    }

    static final int TREE_LEAF = -1;

    /** The parts a caller needs besides the mlsec tree. */
    record Read(Tree tree, double rootWeight, boolean hasMissing) {
    }

    /**
     * @param est         a DecisionTreeClassifier/Regressor (or ExtraTree...) object
     * @param what        where it sits, for messages ("estimators_[3]")
     * @param prep        the preprocessing the tree's input went through (thresholds are folded)
     * @param classes     class count for a classifier (value width), 0 for a regression tree (width 1)
     * @param factor      multiplies a regression tree's values (the learning rate of gradient boosting)
     * @param fractions   whether classifier values are fractions (scikit-learn 1.4.1 and later)
     * @param perRoot     whether gains are divided by the root's weight (gradient boosting's importances sum the
     *                    trees' unnormalised importances, each divided by its root weight)
     */
    static Read read(Object est, String what, Prep prep, int classes, double factor, boolean fractions,
                     boolean perRoot) {
        Py.Dict st = SklearnModels.state(est, what);
        Object t = st.get("tree_");
        if (!(t instanceof Py.Obj) || !((Py.Obj) t).type().equals("sklearn.tree._tree.Tree")) {
            throw new InputException(what + ".tree_ is a " + Py.typeName(t) + ", expected sklearn.tree._tree.Tree");
        }
        Py.Obj tree = (Py.Obj) t;
        what = what + ".tree_";
        if (tree.args.size() != 3 || !(tree.args.get(0) instanceof Long) || !(tree.args.get(2) instanceof Long)) {
            throw new InputException(what + ": Tree arguments are not (n_features, n_classes, n_outputs)");
        }
        long nFeatures = (Long) tree.args.get(0);
        long outputs = (Long) tree.args.get(2);
        if (outputs != 1) {
            throw new InputException(what + ": " + outputs + " outputs; mlsec reads single-output trees");
        }
        if (nFeatures != prep.width()) {
            throw new InputException(what + ": the tree reads " + nFeatures + " features, the model has "
                    + prep.width());
        }
        long[] nClasses = Numpy.array(tree.args.get(1), what + " n_classes").longs(what + " n_classes");
        long expected = classes == 0 ? 1 : classes;
        if (nClasses.length != 1 || nClasses[0] != expected) {
            throw new InputException(what + ": n_classes is " + java.util.Arrays.toString(nClasses)
                    + ", expected [" + expected + "]");
        }
        Py.Dict s = tree.stateDict();
        if (s == null) {
            throw new InputException(what + ": Tree has no state dict");
        }
        Object nc = s.get("node_count");
        if (!(nc instanceof Long) || (Long) nc < 1 || (Long) nc > Integer.MAX_VALUE / 4) {
            throw new InputException(what + ": node_count is " + (nc instanceof Long ? nc : Py.typeName(nc)));
        }
        int n = (int) (long) (Long) nc;
        Numpy.Array nodes = Numpy.array(s.get("nodes"), what + ".nodes");
        if (nodes.ndim() != 1 || nodes.size() != n) {
            throw new InputException(what + ".nodes has shape " + Numpy.shapeText(nodes.shape()) + " for "
                    + n + " nodes");
        }
        if (nodes.dtype().fields().size() != 7 && nodes.dtype().fields().size() != 8) {
            throw new InputException(what + ".nodes has " + nodes.dtype().fields().size()
                    + " fields; scikit-learn trees have 7 (before 1.3) or 8");
        }
        double[] left = nodes.field("left_child", what + ".nodes");
        double[] right = nodes.field("right_child", what + ".nodes");
        double[] feature = nodes.field("feature", what + ".nodes");
        double[] threshold = nodes.field("threshold", what + ".nodes");
        double[] impurity = nodes.field("impurity", what + ".nodes");
        double[] samples = nodes.field("n_node_samples", what + ".nodes");
        double[] weighted = nodes.field("weighted_n_node_samples", what + ".nodes");
        double[] missing = nodes.dtype().field("missing_go_to_left") == null ? null
                : nodes.field("missing_go_to_left", what + ".nodes");
        Numpy.Array values = Numpy.array(s.get("values"), what + ".values");
        int width = classes == 0 ? 1 : classes;
        long[] vs = values.shape();
        if (vs.length != 3 || vs[0] != n || vs[1] != 1 || vs[2] != width) {
            throw new InputException(what + ".values has shape " + Numpy.shapeText(vs) + ", expected (" + n
                    + ", 1, " + width + ")");
        }
        double[] v = values.doubles(what + ".values");

        int[] f = new int[n];
        int[] l = new int[n];
        int[] r = new int[n];
        double[] thr = new double[n];
        int[] smp = new int[n];
        double[] gain = new double[n];
        boolean[] ml = missing == null ? null : new boolean[n];
        double[] value = new double[n * width];
        for (int i = 0; i < n; i++) {
            String at = what + " node " + i;
            long li = whole(left[i], at + " left_child");
            long ri = whole(right[i], at + " right_child");
            if (li == TREE_LEAF) {
                if (ri != TREE_LEAF) {
                    throw new InputException(at + ": a leaf (left_child -1) with right_child " + ri);
                }
                f[i] = -1;
                l[i] = -1;
                r[i] = -1;
                thr[i] = 0;
            } else {
                if (li <= i || ri <= i || li >= n || ri >= n || li == ri) {
                    throw new InputException(at + ": children " + li + " and " + ri + " are not later nodes of the "
                            + n + " (a cycle or an index out of range)");
                }
                long fi = whole(feature[i], at + " feature");
                if (fi < 0 || fi >= prep.width()) {
                    throw new InputException(at + ": splits on feature " + fi + " of " + prep.width());
                }
                if (Double.isNaN(threshold[i])) {
                    throw new InputException(at + ": the threshold is NaN");
                }
                f[i] = (int) fi;
                l[i] = (int) li;
                r[i] = (int) ri;
                thr[i] = prep.threshold((int) fi, threshold[i]);
            }
            double sm = samples[i];
            if (!(sm >= 0) || sm > Integer.MAX_VALUE) {
                throw new InputException(at + ": n_node_samples is " + sm);
            }
            smp[i] = (int) sm;
            if (!Double.isFinite(weighted[i]) || weighted[i] < 0 || !Double.isFinite(impurity[i])) {
                throw new InputException(at + ": weighted_n_node_samples " + weighted[i] + " or impurity "
                        + impurity[i] + " is not a finite non-negative number");
            }
            if (ml != null) {
                ml[i] = missing[i] != 0;
            }
            for (int c = 0; c < width; c++) {
                double x = v[i * width + c];
                if (!Double.isFinite(x)) {
                    throw new InputException(at + ": value " + x + " is not finite");
                }
                value[i * width + c] = classes == 0 ? x * factor : fractions ? x * weighted[i] : x;
            }
        }
        double root = weighted[0];
        for (int i = 0; i < n; i++) {
            if (f[i] >= 0) {
                double g = weighted[i] * impurity[i] - weighted[l[i]] * impurity[l[i]]
                        - weighted[r[i]] * impurity[r[i]];
                gain[i] = perRoot && root > 0 ? g / root : g;
            }
        }
        Tree out = new Tree(f, thr, l, r, value, width, smp, gain, ml);
        try {
            out.validate(prep.width(), width);
        } catch (InputException e) {
            throw new InputException(what + ": " + e.getMessage());
        }
        return new Read(out, root, ml != null);
    }

    private static long whole(double x, String what) {
        if (x != Math.rint(x) || Math.abs(x) > 1e15) {
            throw new InputException(what + " is " + x + ", not an index");
        }
        return (long) x;
    }

    /** The estimators of a list or an object array, in C order. */
    static List<Object> estimators(Object v, String what) {
        List<Object> items = Py.items(v);
        if (items != null) {
            return items;
        }
        if (Numpy.isArray(v)) {
            return Numpy.array(v, what).elements();
        }
        throw new InputException(what + " is a " + Py.typeName(v) + ", expected a list of trees");
    }
}
