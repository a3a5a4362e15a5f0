package org.mlsec.attacks.evasion;

import org.mlsec.model.tree.Tree;

/**
 * Exact search over leaf combinations of a tree ensemble (branch and bound). Going down one tree after another
 * narrows a {@link Box}; a branch is cut when its cheapest point already costs as much as the best change found,
 * or when even the best leaves of the remaining trees cannot bring the margin to the target class. When the search
 * finishes within its node budget the change it returns is the cheapest feasible one that exists: for a single tree
 * this is the enumeration of its leaves; for small forests the certified minimum.
 * The same walk, maximising the margin inside a radius, gives the verified lower bound of Chen et al. (2019).
 */
final class LeafSearch {
    private final TreeEnsemble e;
    private final Feasibility feas;

    private final double[][] towardsOne;
    private final double[][] towardsZero;

    LeafSearch(TreeEnsemble e, Feasibility feas) {
        this.e = e;
        this.feas = feas;
        this.towardsOne = e.subtreeMax(1);
        this.towardsZero = e.subtreeMax(-1);
    }

    private double[][] subMax(int sign) {
        return sign > 0 ? towardsOne : towardsZero;
    }

    /** The outcome: the cheapest change found (null if none), its cost, and whether the search was complete. */
    record Found(double[] point, double cost, boolean complete, long nodes) {
    }

    /**
     * The cheapest feasible change of x that the ensemble answers with the target class.
     *
     * @param budget most tree nodes to visit; beyond it the best so far is returned, not certified
     * @param bound  a known cost of some change (prunes from the start), or infinity
     */
    Found cheapest(double[] x, int target, long budget, double bound) {
        Cheapest s = new Cheapest(x, target, budget, bound);
        s.tree(0, 0);
        return new Found(s.best, s.bestCost, s.nodes <= budget, s.nodes);
    }

    private final class Cheapest {
        final Box box;
        final int sign;
        final int target;
        final double[][] subMax;
        final double[] restMax;
        final long budget;
        double[] best;
        double bestCost;
        long nodes;

        Cheapest(double[] x, int target, long budget, double bound) {
            this.box = new Box(feas, x, Double.POSITIVE_INFINITY);
            this.target = target;
            this.sign = target == 1 ? 1 : -1;
            this.subMax = subMax(sign);
            this.restMax = new double[e.size() + 1];
            for (int t = e.size() - 1; t >= 0; t--) {
                restMax[t] = restMax[t + 1] + subMax[t][0];
            }
            this.budget = budget;
            this.bestCost = bound;
        }

        /** Walks tree t from a node with the signed margin acc gathered from trees before t. */
        void tree(int t, double acc) {
            if (t == e.size()) {
                double margin = sign * (sign * e.bias + acc);
                if (TreeEnsemble.mayReach(margin, target)) {
                    double[] p = box.nearest();
                    double c = box.cost();
                    if (c < bestCost && e.reached(p, margin, target) && feas.satisfiesRules(p)) {
                        best = p;
                        bestCost = c;
                    }
                }
                return;
            }
            node(t, 0, acc);
        }

        void node(int t, int n, double acc) {
            if (++nodes > budget) {
                return;
            }
            Tree tree = e.trees.get(t);
            if (tree.isLeaf(n)) {
                tree(t + 1, acc + sign * e.value[t][n]);
                return;
            }
            // The side the row itself takes first: cheap changes are found early and prune the rest.
            boolean first = e.goesLeft(tree, n, box.x);
            for (int k = 0; k < 2; k++) {
                boolean left = k == 0 ? first : !first;
                int child = left ? tree.left()[n] : tree.right()[n];
                if (!box.reachable(e, tree, n, left) || !hopeful(acc + subMax[t][child] + restMax[t + 1])) {
                    continue;
                }
                int j = e.column[tree.feature()[n]];
                double[] saved = box.narrow(e, tree, n, left);
                if (box.cost() < bestCost) {
                    node(t, child, acc);
                }
                box.restore(j, saved);
            }
        }

        /** Whether a best-case signed margin could still give the target (with slack for rounding). */
        boolean hopeful(double signedRest) {
            return sign * e.bias + signedRest >= -TreeEnsemble.TIE;
        }
    }

    /**
     * An upper bound on the signed margin (towards the target) of any feasible change of x within the radius:
     * trees are taken in groups whose leaf paths must agree, each group maximised exactly within its node budget
     * (or bounded by its trees' separate maxima past it), and the groups' maxima added.
     */
    double maxMargin(double[] x, int target, double radius, int groupSize, long groupBudget) {
        int sign = target == 1 ? 1 : -1;
        Box box = new Box(feas, x, radius);
        double total = sign * e.bias;
        for (int g = 0; g < e.size(); g += groupSize) {
            int end = Math.min(e.size(), g + groupSize);
            Max m = new Max(box, sign, g, end, groupBudget);
            m.tree(g, 0);
            if (m.nodes > groupBudget) {
                double sep = 0;
                for (int t = g; t < end; t++) {
                    Max one = new Max(box, sign, t, t + 1, Long.MAX_VALUE);
                    one.tree(t, 0);
                    sep += one.best;
                }
                total += sep;
            } else {
                total += m.best;
            }
        }
        return total;
    }

    /** True when no feasible change of x within the radius reaches the target class. */
    boolean certified(double[] x, int target, double radius, int groupSize, long groupBudget) {
        double m = maxMargin(x, target, radius, groupSize, groupBudget);
        // Certify only with a margin to spare: rounding must not turn a possible change into a certificate.
        return m < -TreeEnsemble.TIE;
    }

    private final class Max {
        final Box box;
        final int sign;
        final int end;
        final long budget;
        final double[][] subMax;
        /** Per tree t of the group, the best values of the trees after it in the group, summed. */
        final double[] restAfter;
        final int start;
        double best = Double.NEGATIVE_INFINITY;
        long nodes;

        Max(Box box, int sign, int start, int end, long budget) {
            this.box = box;
            this.sign = sign;
            this.start = start;
            this.end = end;
            this.budget = budget;
            this.subMax = subMax(sign);
            this.restAfter = new double[end - start];
            for (int t = end - 2; t >= start; t--) {
                restAfter[t - start] = restAfter[t + 1 - start] + subMax[t + 1][0];
            }
        }

        void tree(int t, double acc) {
            if (t == end) {
                best = Math.max(best, acc);
                return;
            }
            node(t, 0, acc);
        }

        void node(int t, int n, double acc) {
            if (++nodes > budget) {
                return;
            }
            Tree tree = e.trees.get(t);
            if (tree.isLeaf(n)) {
                tree(t + 1, acc + sign * e.value[t][n]);
                return;
            }
            for (int k = 0; k < 2; k++) {
                boolean left = k == 0;
                int child = left ? tree.left()[n] : tree.right()[n];
                if (!box.reachable(e, tree, n, left)) {
                    continue;
                }
                if (acc + subMax[t][child] + restAfter[t - start] <= best) {
                    continue;
                }
                int j = e.column[tree.feature()[n]];
                double[] saved = box.narrow(e, tree, n, left);
                node(t, child, acc);
                box.restore(j, saved);
            }
        }
    }
}
