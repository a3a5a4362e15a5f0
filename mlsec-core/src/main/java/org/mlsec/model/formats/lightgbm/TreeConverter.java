package org.mlsec.model.formats.lightgbm;

import java.util.ArrayDeque;
import org.mlsec.InputException;
import org.mlsec.model.formats.TreeArrays;
import org.mlsec.model.tree.Tree;

/**
 * Turns a LightGBM tree into an mlsec {@link Tree} that sends every double, NaN included, to the same leaf.
 * LightGBM's numerical test ({@code include/LightGBM/tree.h}, {@code NumericalDecision}) on a value x is:
 * <ol>
 * <li>if x is NaN and the node's missing type is not NaN, x becomes 0;</li>
 * <li>missing type Zero and |x| <= kZeroThreshold (the float 1e-35, as a double), or missing type NaN and x NaN:
 * the default direction (bit 1 of decision_type);</li>
 * <li>otherwise left when {@code x <= threshold}, on doubles, as mlsec tests.</li>
 * </ol>
 * So missing type None sends NaN where 0 goes ({@code missingLeft = 0 <= threshold}) and NaN sends it the default
 * way. Missing type Zero sends the band [-kZ, kZ] and NaN the default way: where the threshold already puts the
 * band on that side one threshold does (possibly moved to the band's edge); otherwise ("zeros go left, but the
 * threshold lies below them", or the reverse) the node becomes three nodes that test the band's edges and the
 * threshold, with both subtrees copied. The copies' gains are 0 so that importances count each split once; their
 * samples are the original node's counts. Output nodes are numbered in pre-order (children after parents), with an
 * explicit stack, and their number is bounded by a {@link Budget}.
 */
final class TreeConverter {
    /** LightGBM's kZeroThreshold: {@code const double kZeroThreshold = 1e-35f} in {@code meta.h}. */
    static final double ZERO = (double) 1e-35f;
    private static final double BELOW_ZERO_BAND = Math.nextDown(-ZERO);

    /** Limits on the nodes of a whole model, shared by its trees. */
    static final class Budget {
        /** Most nodes in all trees of a model. */
        static final long MAX_NODES = 1L << 23;
        /** Most nodes added by copying subtrees at missing-type-Zero splits, in all trees of a model. */
        static final long MAX_ADDED = 1L << 21;
        long nodes;
        long added;
        int none;
        int zero;
        int expanded;
    }

    private sealed interface Spec permits Ref, Split {
    }

    /** A LightGBM node (c >= 0 internal, c < 0 the leaf ~c); {@code copy} when inside a copied subtree. */
    private record Ref(int code, boolean copy) implements Spec {
    }

    private record Split(int feature, double threshold, boolean missingLeft, double gain, int samples, Spec left,
                         Spec right) implements Spec {
    }

    private record Item(Spec spec, int parent, boolean isLeft, int depth) {
    }

    private final LgbTree t;
    private final double factor;
    private final Budget budget;
    private final TreeArrays nodes = new TreeArrays(1);

    private TreeConverter(LgbTree t, double factor, Budget budget) {
        this.t = t;
        this.factor = factor;
        this.budget = budget;
    }

    /**
     * The mlsec tree; leaf values are multiplied by {@code factor} (the sigmoid factor, 1/rounds in random-forest
     * mode, -1 for class 0 of a two-class softmax).
     */
    static Tree convert(LgbTree t, double factor, int width, Budget budget) {
        TreeConverter c = new TreeConverter(t, factor, budget);
        c.emit();
        Tree tree = c.build();
        try {
            tree.validate(width, 1);
        } catch (InputException e) {
            throw new InputException("tree " + t.index() + ": " + e.getMessage());
        }
        return tree;
    }

    private void emit() {
        ArrayDeque<Item> stack = new ArrayDeque<>();
        stack.push(new Item(new Ref(t.leaves() == 1 ? ~0 : 0, false), -1, false, 0));
        while (!stack.isEmpty()) {
            Item it = stack.pop();
            if (it.depth > Tree.MAX_DEPTH) {
                throw new InputException("tree " + t.index() + " is more than " + Tree.MAX_DEPTH + " levels deep"
                        + (budget.expanded > 0 ? " (after expanding zero-as-missing splits)" : "")
                        + "; at most " + Tree.MAX_DEPTH + " are accepted");
            }
            Spec s = it.spec;
            if (s instanceof Ref r && r.code >= 0) {
                s = split(r);
            }
            int n = add(it);
            if (s instanceof Split sp) {
                nodes.branch(n, sp.feature, sp.threshold, sp.missingLeft);
                nodes.stats(n, sp.samples, sp.gain);
                stack.push(new Item(sp.right, n, false, it.depth + 1));
                stack.push(new Item(sp.left, n, true, it.depth + 1));
            } else {
                int leaf = ~((Ref) s).code;
                nodes.leaf(n, t.leafValue()[leaf] * factor);
                nodes.stats(n, t.leafCount()[leaf], 0);
            }
        }
    }

    /** The mlsec split(s) answering as LightGBM's internal node {@code r.code}. */
    private Spec split(Ref r) {
        int n = r.code;
        int f = t.splitFeature()[n];
        double th = t.threshold()[n];
        boolean dl = t.defaultLeft(n);
        double g = r.copy ? 0 : t.splitGain()[n];
        int count = t.internalCount()[n];
        Ref l = new Ref(t.leftChild()[n], r.copy);
        Ref rt = new Ref(t.rightChild()[n], r.copy);
        switch (t.missingType(n)) {
            case LgbTree.MISSING_NAN:
                return new Split(f, th, dl, g, count, l, rt);
            case LgbTree.MISSING_ZERO:
                budget.zero++;
                if (dl && th >= ZERO) {
                    return new Split(f, th, true, g, count, l, rt);
                }
                if (dl && th >= -ZERO) {
                    return new Split(f, ZERO, true, g, count, l, rt); // left: x <= th or in the band = x <= kZ
                }
                if (!dl && th < -ZERO) {
                    return new Split(f, th, false, g, count, l, rt);
                }
                if (!dl && th < ZERO) {
                    return new Split(f, BELOW_ZERO_BAND, false, g, count, l, rt); // left: x below the band
                }
                return expand(f, th, dl, g, count, l, rt, new Ref(l.code, true), new Ref(rt.code, true));
            default:
                budget.none++;
                return new Split(f, th, 0.0 <= th, g, count, l, rt);
        }
    }

    /**
     * A missing-type-Zero split one threshold cannot express: below the band, in it, above it. With zeros going
     * left and th below the band: left = {x <= th} or the band or NaN. With zeros going right and th above the band:
     * left = {x <= th} without the band.
     */
    private Spec expand(int f, double th, boolean dl, double g, int count, Ref l, Ref r, Ref l2, Ref r2) {
        budget.expanded++;
        if (dl) {
            return new Split(f, BELOW_ZERO_BAND, false, g, count,
                    new Split(f, th, false, 0, count, l, r),
                    new Split(f, ZERO, true, 0, count, l2, r2));
        }
        return new Split(f, BELOW_ZERO_BAND, false, g, count, l,
                new Split(f, ZERO, true, 0, count, r,
                        new Split(f, th, false, 0, count, l2, r2)));
    }

    private int add(Item it) {
        if (++budget.nodes > Budget.MAX_NODES) {
            throw new InputException("the model has more than " + Budget.MAX_NODES + " nodes in all (at tree "
                    + t.index() + "); refused");
        }
        if (nodes.size() >= 2 * t.leaves() - 1 && ++budget.added > Budget.MAX_ADDED) {
            throw new InputException("tree " + t.index() + ": copying subtrees at missing-type-Zero splits would add"
                    + " more than " + Budget.MAX_ADDED + " nodes to the model; refused");
        }
        int n = nodes.add();
        nodes.link(it.parent, it.isLeft, n);
        return n;
    }

    private Tree build() {
        return nodes.build(-1);
    }
}
