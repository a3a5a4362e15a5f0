package org.mlsec.attacks.evasion;

import java.util.ArrayList;
import java.util.List;
import org.mlsec.InputException;
import org.mlsec.model.Classifier;
import org.mlsec.model.FeatureEncoder;
import org.mlsec.model.linear.LogisticModel;

/**
 * Projected gradient descent for a two-class logistic regression (white-box). For the L-infinity norm: inside the
 * feasible box of a cost radius, signed gradient steps (each a step of cost in every feature), projected back into
 * the box, whole numbers rounded in the gradient's direction; a bisection finds the smallest radius that reaches the
 * target. For sums of costs: features taken in order of log-odds gained per unit of cost, the last moved just far
 * enough (the optimum of a linear model under an L1 cost).
 */
final class GradientSearch {
    private static final int STEPS = 20;

    private final LogisticModel model;
    private final Feasibility feas;
    private final FeatureEncoder encoder;
    /** Per schema column: its first encoded feature. */
    private final int[] offset;
    private final double[] coef;

    GradientSearch(Classifier model, Feasibility feas) {
        if (!(model instanceof LogisticModel) || model.classes().size() != 2) {
            throw InputException.about("method gradient needs a two-class logistic regression model"
                    + " (use tree for tree ensembles, hsj or boundary for any model)", "method");
        }
        this.model = (LogisticModel) model;
        this.feas = feas;
        this.encoder = this.model.encoder();
        this.offset = new int[feas.width()];
        for (int f = encoder.width() - 1; f >= 0; f--) {
            offset[encoder.sourceColumn(f)] = f;
        }
        this.coef = this.model.rawCoefficients(0);
    }

    double margin(double[] row) {
        return model.score(encoder.encode(row), 0);
    }

    /** d(log-odds)/d(value) of a numeric column. */
    private double slope(int j) {
        return coef[offset[j] + 1];
    }

    /** The log-odds contribution of category c of column j. */
    private double categoryWeight(int j, int c) {
        return coef[offset[j] + c + 1];
    }

    LeafSearch.Found search(double[] x, int target) {
        return feas.norm() == Norm.LINF ? linf(x, target) : l1(x, target);
    }

    private LeafSearch.Found linf(double[] x, int target) {
        double[] far = pgd(x, target, new Box(feas, x, Double.POSITIVE_INFINITY));
        if (!TreeEnsemble.reaches(margin(far), target) || !feas.satisfiesRules(far)) {
            return new LeafSearch.Found(null, Double.POSITIVE_INFINITY, false, 0);
        }
        double[] best = far;
        double hi = feas.cost(x, far);
        double lo = 0;
        for (int s = 0; s < 40 && hi - lo > 1e-6 * hi; s++) {
            double r = (lo + hi) / 2;
            double[] p = pgd(x, target, new Box(feas, x, r));
            if (TreeEnsemble.reaches(margin(p), target) && feas.satisfiesRules(p)) {
                best = p;
                hi = Math.min(r, feas.cost(x, p));
            } else {
                lo = r;
            }
        }
        return new LeafSearch.Found(best, feas.cost(x, best), false, 0);
    }

    /** Signed-gradient steps inside the box, then whole numbers rounded towards the target. */
    private double[] pgd(double[] x, int target, Box box) {
        int sign = target == 1 ? 1 : -1;
        double[] z = x.clone();
        for (int j = 0; j < z.length; j++) {
            if (feas.categorical(j) && feas.mutable(j)) {
                int bestC = (int) x[j];
                for (int c = 0; c < feas.schema().feature(j).categories().size(); c++) {
                    if ((box.mask[j] & (1L << c)) != 0 && sign * categoryWeight(j, c) > sign * categoryWeight(j, bestC)) {
                        bestC = c;
                    }
                }
                z[j] = bestC;
            }
        }
        for (int step = 0; step < STEPS; step++) {
            for (int j = 0; j < z.length; j++) {
                if (feas.categorical(j) || !feas.mutable(j) || box.lo[j] >= box.hi[j]) {
                    continue;
                }
                double g = sign * slope(j);
                double stride = (box.hi[j] - box.lo[j]) / 4;
                z[j] = Math.min(box.hi[j], Math.max(box.lo[j], z[j] + Math.signum(g) * stride));
            }
        }
        for (int j = 0; j < z.length; j++) {
            if (feas.integer(j)) {
                double up = Math.ceil(z[j]);
                double down = Math.floor(z[j]);
                z[j] = sign * slope(j) > 0 ? (up <= box.hi[j] ? up : down) : (down >= box.lo[j] ? down : up);
            }
        }
        return z;
    }

    /**
     * Under a sum of costs a linear model's cheapest change moves numbers in order of log-odds per unit of cost,
     * the last just far enough; categories are tried in every allowed combination (up to a cap) before that.
     */
    private LeafSearch.Found l1(double[] x, int target) {
        Box full = new Box(feas, x, Double.POSITIVE_INFINITY);
        List<double[]> starts = new ArrayList<>();
        combinations(x.clone(), 0, full, starts);
        double[] best = null;
        double bestCost = Double.POSITIVE_INFINITY;
        for (double[] z : starts) {
            double[] p = numbersFirst(x, z, target, full);
            if (p != null && feas.satisfiesRules(p) && feas.cost(x, p) < bestCost) {
                best = p;
                bestCost = feas.cost(x, p);
            }
        }
        return new LeafSearch.Found(best, bestCost, false, 0);
    }

    private void combinations(double[] z, int j, Box full, List<double[]> out) {
        if (out.size() >= 1024) {
            return;
        }
        if (j == z.length) {
            out.add(z.clone());
            return;
        }
        if (!feas.categorical(j) || !feas.mutable(j)) {
            combinations(z, j + 1, full, out);
            return;
        }
        double keep = z[j];
        combinations(z, j + 1, full, out);
        for (int c = 0; c < feas.schema().feature(j).categories().size(); c++) {
            if (c != (int) keep && (full.mask[j] & (1L << c)) != 0) {
                z[j] = c;
                combinations(z, j + 1, full, out);
            }
        }
        z[j] = keep;
    }

    private double[] numbersFirst(double[] x, double[] start, int target, Box full) {
        int sign = target == 1 ? 1 : -1;
        double[] z = start.clone();
        Integer[] cols = java.util.stream.IntStream.range(0, x.length)
                .filter(j -> feas.mutable(j) && !feas.categorical(j) && slope(j) != 0).boxed().toArray(Integer[]::new);
        java.util.Arrays.sort(cols, (a, b) -> Double.compare(Math.abs(slope(b)) / feas.unitCost(b),
                Math.abs(slope(a)) / feas.unitCost(a)));
        for (int j : cols) {
            double m = margin(z);
            if (TreeEnsemble.reaches(m, target)) {
                break;
            }
            double g = sign * slope(j);
            double bound = g > 0 ? full.hi[j] : full.lo[j];
            double need = (target == 1 ? -m + 1e-9 : m) / g;
            double v = x[j] + need;
            if (feas.integer(j)) {
                v = need > 0 ? Math.ceil(v - 1e-12) : Math.floor(v + 1e-12);
            }
            z[j] = g > 0 ? Math.min(bound, v) : Math.max(bound, v);
            if (!TreeEnsemble.reaches(margin(z), target) && feas.integer(j)) {
                // Rounding landed on the boundary itself: one more whole step, if the range allows.
                double w = z[j] + Math.signum(g);
                if (w >= full.lo[j] && w <= full.hi[j]) {
                    z[j] = w;
                }
            }
        }
        return TreeEnsemble.reaches(margin(z), target) ? z : null;
    }
}
