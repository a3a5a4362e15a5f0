package org.mlsec.attacks.evasion;

import org.mlsec.model.tree.Tree;

/**
 * A region of feasible changes of one row x: per number a closed interval of allowed values, per category a set of
 * allowed categories. It starts as the feasible set (optionally cut to a cost radius around x) and is narrowed by
 * tree splits; whole-number columns keep whole-number bounds.
 */
final class Box {
    final Feasibility feas;
    final double[] x;
    final double[] lo;
    final double[] hi;
    final long[] mask;

    /** The feasible changes of x whose cost on every single feature is at most radius (infinite: all). */
    Box(Feasibility feas, double[] x, double radius) {
        this.feas = feas;
        this.x = x;
        int w = x.length;
        lo = new double[w];
        hi = new double[w];
        mask = new long[w];
        for (int j = 0; j < w; j++) {
            if (feas.categorical(j)) {
                int xc = (int) x[j];
                long m = 0;
                boolean canChange = feas.mutable(j) && radius >= feas.unitCost(j);
                for (int c = 0; c < 63; c++) {
                    if (c == xc || canChange && feas.categoryAllowed(j, c, xc)) {
                        m |= 1L << c;
                    }
                }
                mask[j] = m;
                continue;
            }
            double l = feas.lower(j, x[j]);
            double h = feas.upper(j, x[j]);
            if (Double.isFinite(radius)) {
                double d = feas.reach(j, radius);
                l = Math.max(l, feas.integer(j) ? Math.ceil(x[j] - d - 1e-9) : x[j] - d);
                h = Math.min(h, feas.integer(j) ? Math.floor(x[j] + d + 1e-9) : x[j] + d);
            }
            // The row's own value is always in: an out-of-range input may stay as it is.
            lo[j] = Math.min(l, x[j]);
            hi[j] = Math.max(h, x[j]);
            if (!feas.mutable(j)) {
                lo[j] = x[j];
                hi[j] = x[j];
            }
        }
    }

    boolean empty(int j) {
        return feas.categorical(j) ? mask[j] == 0 : lo[j] > hi[j];
    }

    /** Largest allowed value at or below a threshold (a row with it goes left). */
    double below(int j, double t) {
        return feas.integer(j) ? Math.floor(t) : t;
    }

    /** Smallest allowed value above a threshold (a row with it goes right). */
    double above(int j, double t) {
        return feas.integer(j) ? Math.floor(t) + 1 : Math.nextUp(t);
    }

    /** The categories an indicator split sends left. */
    static long leftCategories(int category, double threshold) {
        long left = 0;
        for (int c = 0; c < 63; c++) {
            if ((c == category ? 1 : 0) <= threshold) {
                left |= 1L << c;
            }
        }
        return left;
    }

    /** Cost of the cheapest point of the box for feature j. */
    double partCost(int j) {
        if (feas.categorical(j)) {
            return (mask[j] & (1L << (int) x[j])) != 0 ? 0 : feas.unitCost(j);
        }
        double v = Math.min(hi[j], Math.max(lo[j], x[j]));
        return feas.partCost(j, x[j], v);
    }

    /** Cost of the cheapest point of the box: a lower bound on the cost of every point in it. */
    double cost() {
        double total = 0;
        for (int j = 0; j < x.length; j++) {
            total = feas.norm().add(total, partCost(j));
        }
        return total;
    }

    /** The cheapest point of the box. */
    double[] nearest() {
        double[] v = x.clone();
        for (int j = 0; j < x.length; j++) {
            if (feas.categorical(j)) {
                if ((mask[j] & (1L << (int) x[j])) == 0) {
                    v[j] = Long.numberOfTrailingZeros(mask[j]);
                }
            } else {
                v[j] = Math.min(hi[j], Math.max(lo[j], x[j]));
            }
        }
        return v;
    }

    /** Narrows the box to one side of a split; returns the previous state of the column (to undo with restore). */
    double[] narrow(TreeEnsemble e, Tree tree, int node, boolean left) {
        int f = tree.feature()[node];
        int j = e.column[f];
        double[] saved = save(j);
        double t = tree.threshold()[node];
        if (e.category[f] >= 0) {
            long l = leftCategories(e.category[f], t);
            mask[j] &= left ? l : ~l;
        } else if (left) {
            hi[j] = Math.min(hi[j], below(j, t));
        } else {
            lo[j] = Math.max(lo[j], above(j, t));
        }
        return saved;
    }

    /** The state of column j, to put back with restore (the category mask exactly, as two 32-bit halves). */
    double[] save(int j) {
        return new double[] {lo[j], hi[j], mask[j] >>> 32, mask[j] & 0xffffffffL};
    }

    void restore(int j, double[] saved) {
        lo[j] = saved[0];
        hi[j] = saved[1];
        mask[j] = ((long) saved[2] << 32) | (long) saved[3];
    }

    /** Whether a split can send some point of the box to the given side. */
    boolean reachable(TreeEnsemble e, Tree tree, int node, boolean left) {
        int f = tree.feature()[node];
        int j = e.column[f];
        double t = tree.threshold()[node];
        if (e.category[f] >= 0) {
            long l = leftCategories(e.category[f], t);
            return (mask[j] & (left ? l : ~l)) != 0;
        }
        return left ? lo[j] <= below(j, t) : hi[j] >= above(j, t);
    }
}
