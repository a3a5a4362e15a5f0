package org.mlsec.attacks.evasion;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The fast heuristic for large tree ensembles, in the spirit of the leaf-tuple attack of Zhang et al. (2020): moves
 * one feature at a time across tree thresholds (each move reaches a neighbouring combination of leaves), first to
 * reach the target class at all, then to pull every feature back towards the original while the answer holds; for
 * the L-infinity norm a bisection on the radius then searches smaller balls, each decided by the exact
 * {@link BallSearch} when its budget allows (small balls usually are) and by coordinate ascent from several starts
 * otherwise. Only the trees that split on the moved feature are re-evaluated.
 */
final class CoordinateSearch {
    /**
     * How hard to search: random starts per radius, bisection steps, candidate values per feature and side, nearby
     * rows of the target class used as starts, and the node budget of one exact ball search.
     */
    record Effort(int restarts, int steps, int candidates, int starts, long exactNodes) {
        static final Effort DEFAULT = new Effort(2, 8, 24, 4, 2_000_000);

        /** About k times the work: k times the starts, starting rows and exact budget, finer bisection. */
        Effort times(int k) {
            if (k == 1) {
                return this;
            }
            return new Effort(restarts * k, steps + 2, candidates * 2, starts * k, exactNodes * k);
        }
    }

    private static final int MAX_SWEEPS = 40;

    private final TreeEnsemble e;
    private final Feasibility feas;
    private final Effort effort;
    private final List<double[]> pool;
    private final int[] mutable;
    private final BallSearch exactBall;

    /** @param pool rows the model answers with the target class (starting points), may be empty */
    CoordinateSearch(TreeEnsemble e, BallSearch ball, Feasibility feas, Effort effort, List<double[]> pool) {
        this.e = e;
        this.exactBall = ball;
        this.feas = feas;
        this.effort = effort;
        this.pool = pool;
        this.mutable = java.util.stream.IntStream.range(0, feas.width()).filter(feas::mutable).toArray();
    }

    /**
     * A row with its per-tree contributions, so that a one-feature move re-evaluates only the trees it affects: those
     * that split on the feature somewhere on the row's current path (a tree whose path never asks about the feature
     * keeps its leaf whatever the feature's value).
     */
    private final class Point {
        final double[] row;
        final double[] contrib;
        /** Per tree, the schema columns its current path tests, as bits (when the schema has at most 64 columns). */
        final long[] tested;
        double margin;

        Point(double[] row) {
            this.row = row.clone();
            this.contrib = new double[e.size()];
            this.tested = new long[e.size()];
            margin = e.bias;
            for (int t = 0; t < e.size(); t++) {
                contrib[t] = walk(t);
                margin += contrib[t];
            }
        }

        /** The contribution of tree t for the current row; records the columns its path tests. */
        private double walk(int t) {
            int n = e.leaf(t, row);
            if (row.length <= 64) {
                tested[t] = e.pathColumns(t, n);
            }
            return e.value[t][n];
        }

        private boolean affected(int t, int j) {
            return row.length > 64 || (tested[t] & (1L << j)) != 0;
        }

        double marginWith(int j, double v) {
            double old = row[j];
            row[j] = v;
            double m = margin;
            for (int t : e.treesUsing[j]) {
                if (affected(t, j)) {
                    m += e.contribution(t, row) - contrib[t];
                }
            }
            row[j] = old;
            return m;
        }

        boolean reached(int target) {
            return e.reached(row, margin, target);
        }

        void set(int j, double v) {
            row[j] = v;
            for (int t : e.treesUsing[j]) {
                if (affected(t, j)) {
                    double c = walk(t);
                    margin += c - contrib[t];
                    contrib[t] = c;
                }
            }
        }
    }

    LeafSearch.Found search(double[] x, int target, SplittableRandom rng) {
        Box full = new Box(feas, x, Double.POSITIVE_INFINITY);
        double[] best = null;
        double bestCost = Double.POSITIVE_INFINITY;
        for (double[] start : starts(x)) {
            Point p = new Point(start);
            if (ascend(p, full, target, rng) && feas.satisfiesRules(p.row)) {
                pullBack(p, x, target, full);
                double c = feas.cost(x, p.row);
                if (c < bestCost) {
                    best = p.row.clone();
                    bestCost = c;
                }
            }
        }
        if (best == null) {
            return new LeafSearch.Found(null, Double.POSITIVE_INFINITY, false, 0);
        }
        if (feas.norm() == Norm.L1) {
            for (int r = 0; r < effort.restarts() * 4; r++) {
                Point p = new Point(x);
                if (greedyPerCost(p, x, target, full, rng, r > 0) && feas.satisfiesRules(p.row)) {
                    pullBack(p, x, target, full);
                    double c = feas.cost(x, p.row);
                    if (c < bestCost) {
                        best = p.row.clone();
                        bestCost = c;
                    }
                }
            }
            return new LeafSearch.Found(best, bestCost, false, 0);
        }
        Shrink shrink = new Shrink(x, full, target, best, bestCost, rng);
        shrink.run();
        return new LeafSearch.Found(shrink.best, shrink.bestCost, shrink.minimal(), 0);
    }

    /** What a search inside one radius concluded. */
    private enum Outcome { FOUND, NONE, UNKNOWN }

    /**
     * The L-infinity phase: a bisection on the radius. Each radius is tried by coordinate ascent from the best change
     * clipped into the ball, from the row and from random points; when these fail, the exact search over all trees
     * decides it, which small balls allow. A radius the exact search cannot decide within its budget is searched
     * below first (smaller balls are easier to decide), then the heuristic alone tries the radii above it.
     */
    private final class Shrink {
        final double[] x;
        final int target;
        final SplittableRandom rng;
        final Box full;
        double[] best;
        double bestCost;
        /** The largest radius the exact search showed to hold no change (0 when none was shown). */
        double certified;

        Shrink(double[] x, Box full, int target, double[] best, double bestCost, SplittableRandom rng) {
            this.x = x;
            this.full = full;
            this.target = target;
            this.best = best;
            this.bestCost = bestCost;
            this.rng = rng;
        }

        void run() {
            double lo = 0;
            double hi = bestCost;
            double undecided = Double.NaN;
            // While the exact search decides, the bracket is narrowed to 0.1%; the step limit holds otherwise.
            for (int s = 0; s < 3 * effort.steps() && hi - lo > 1e-3 * hi
                    && (s < effort.steps() || Double.isNaN(undecided)); s++) {
                double r = (lo + hi) / 2;
                Outcome o = attempt(r, true);
                if (o == Outcome.FOUND) {
                    hi = Math.min(r, bestCost);
                } else if (o == Outcome.NONE) {
                    lo = r;
                    certified = r;
                } else {
                    undecided = r;
                    hi = r;
                }
            }
            if (Double.isNaN(undecided) || !(bestCost > undecided)) {
                return;
            }
            // Nothing found below the undecided radius: the heuristic alone between it and the best change.
            lo = Math.max(lo, undecided);
            hi = bestCost;
            for (int t = 0; t < effort.steps() && hi - lo > 1e-3 * hi; t++) {
                double r = (lo + hi) / 2;
                if (attempt(r, false) == Outcome.FOUND) {
                    hi = Math.min(r, bestCost);
                } else {
                    lo = r;
                }
            }
        }

        /** Whether no feasible change is cheaper than the best one by more than 0.1%. */
        boolean minimal() {
            return bestCost - certified <= 1e-3 * bestCost;
        }

        /**
         * One radius: a quick exact search (most small balls are decided at once), then coordinate ascent from the
         * best change clipped into the ball, from the row and from random points, then the exact search with its
         * whole budget.
         */
        Outcome attempt(double r, boolean exactly) {
            boolean exactOn = exactly && effort.exactNodes() > 0;
            if (exactOn) {
                Outcome quick = exact(r, effort.exactNodes() / 20);
                if (quick != Outcome.UNKNOWN) {
                    return quick;
                }
            }
            Box ball = new Box(feas, x, r);
            List<double[]> tries = new ArrayList<>();
            tries.add(clip(best, ball));
            tries.add(x);
            for (int k = 0; k < effort.restarts(); k++) {
                tries.add(random(ball, rng));
            }
            for (double[] start : tries) {
                Point p = new Point(start);
                if (ascend(p, ball, target, rng) && feas.satisfiesRules(p.row)) {
                    keep(p);
                    return Outcome.FOUND;
                }
            }
            return exactOn ? exact(r, effort.exactNodes()) : Outcome.UNKNOWN;
        }

        Outcome exact(double r, long budget) {
            LeafSearch.Found exact = exactBall.within(x, target, r, budget);
            if (exact.point() != null) {
                Point p = new Point(exact.point());
                if (p.reached(target)) {
                    keep(p);
                    return Outcome.FOUND;
                }
            }
            return exact.complete() && exact.point() == null ? Outcome.NONE : Outcome.UNKNOWN;
        }

        void keep(Point p) {
            pullBack(p, x, target, full);
            double c = feas.cost(x, p.row);
            if (c < bestCost) {
                best = p.row.clone();
                bestCost = c;
            }
        }
    }

    /** The row itself and the nearest rows of the target class (with the row's immutable features). */
    private List<double[]> starts(double[] x) {
        List<double[]> out = new ArrayList<>();
        out.add(x);
        if (pool.isEmpty() || effort.starts() == 0) {
            return out;
        }
        double[][] projected = new double[pool.size()][];
        Integer[] order = new Integer[pool.size()];
        double[] cost = new double[pool.size()];
        for (int i = 0; i < pool.size(); i++) {
            projected[i] = feas.project(x, pool.get(i));
            cost[i] = feas.cost(x, projected[i]);
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(cost[a], cost[b]));
        for (int k = 0; k < Math.min(effort.starts(), order.length); k++) {
            out.add(projected[order[k]]);
        }
        return out;
    }

    /** Coordinate ascent of the margin towards the target inside a box; true once the target class is reached. */
    private boolean ascend(Point p, Box box, int target, SplittableRandom rng) {
        int sign = target == 1 ? 1 : -1;
        int[] cols = mutable.clone();
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            if (p.reached(target)) {
                return true;
            }
            org.mlsec.data.Split.shuffle(cols, rng);
            boolean improved = false;
            for (int j : cols) {
                double bestV = p.row[j];
                double bestM = sign * p.margin;
                for (double v : candidates(j, box, p.row[j])) {
                    if (v == p.row[j]) {
                        continue;
                    }
                    double m = sign * p.marginWith(j, v);
                    if (m > bestM + 1e-15) {
                        bestM = m;
                        bestV = v;
                    }
                }
                if (bestV != p.row[j]) {
                    p.set(j, bestV);
                    improved = true;
                    if (p.reached(target)) {
                        return true;
                    }
                }
            }
            if (!improved) {
                break;
            }
        }
        return p.reached(target);
    }

    /** For sums of costs: from the row, take the move with the most margin per unit of cost until the target. */
    private boolean greedyPerCost(Point p, double[] x, int target, Box full, SplittableRandom rng, boolean noisy) {
        int sign = target == 1 ? 1 : -1;
        for (int step = 0; step < 4 * x.length && !p.reached(target); step++) {
            int bestJ = -1;
            double bestV = 0;
            double bestRate = 0;
            for (int j : mutable) {
                double before = feas.partCost(j, x[j], p.row[j]);
                for (double v : candidates(j, full, x[j])) {
                    double gain = sign * (p.marginWith(j, v) - p.margin);
                    if (gain <= 0) {
                        continue;
                    }
                    double extra = Math.max(1e-12, feas.partCost(j, x[j], v) - before);
                    double rate = gain / extra * (noisy ? 0.5 + rng.nextDouble() : 1);
                    if (rate > bestRate) {
                        bestRate = rate;
                        bestJ = j;
                        bestV = v;
                    }
                }
            }
            if (bestJ < 0) {
                return false;
            }
            p.set(bestJ, bestV);
        }
        return p.reached(target);
    }

    /** Moves each changed feature as close to its original value as the target class allows, costliest first. */
    private void pullBack(Point p, double[] x, int target, Box full) {
        for (int pass = 0; pass < 3; pass++) {
            boolean changed = false;
            Integer[] cols = new Integer[x.length];
            for (int j = 0; j < cols.length; j++) {
                cols[j] = j;
            }
            Arrays.sort(cols, (a, b) -> Double.compare(feas.partCost(b, x[b], p.row[b]), feas.partCost(a, x[a], p.row[a])));
            for (int j : cols) {
                if (p.row[j] == x[j]) {
                    continue;
                }
                double now = p.row[j];
                for (double v : between(j, full, x[j], now)) {
                    if (TreeEnsemble.mayReach(p.marginWith(j, v), target)) {
                        p.set(j, v);
                        if (p.reached(target) && feas.satisfiesRules(p.row)) {
                            changed = true;
                            break;
                        }
                        p.set(j, now);
                    }
                }
            }
            if (!changed) {
                break;
            }
        }
    }

    /** Values of feature j from x's value towards now (excluded), nearest to x first, one per threshold cell. */
    private List<Double> between(int j, Box box, double xj, double now) {
        List<Double> out = new ArrayList<>();
        if (feas.categorical(j)) {
            out.add(xj);
            return out;
        }
        out.add(xj);
        double[] thr = e.thresholds[j];
        if (now > xj) {
            int k = firstAtLeast(thr, xj);
            for (; k < thr.length; k++) {
                double v = box.above(j, thr[k]);
                if (v >= now) {
                    break;
                }
                if (v > out.get(out.size() - 1)) {
                    out.add(v);
                }
            }
        } else {
            int k = firstAtLeast(thr, xj) - 1;
            for (; k >= 0; k--) {
                double v = box.below(j, thr[k]);
                if (v <= now) {
                    break;
                }
                if (v < out.get(out.size() - 1)) {
                    out.add(v);
                }
            }
        }
        return out;
    }

    /**
     * Candidate values of feature j inside a box: for each threshold cell the point nearest the original value,
     * at most {@code candidates} per side (the nearest half, then evenly spread over the rest).
     */
    private double[] candidates(int j, Box box, double current) {
        if (feas.categorical(j)) {
            long m = box.mask[j];
            double[] out = new double[Long.bitCount(m)];
            int k = 0;
            for (int c = 0; c < 63; c++) {
                if ((m & (1L << c)) != 0) {
                    out[k++] = c;
                }
            }
            return out;
        }
        double lo = box.lo[j];
        double hi = box.hi[j];
        if (lo > hi) {
            return new double[0];
        }
        double x0 = Math.min(hi, Math.max(lo, box.x[j]));
        double[] thr = e.thresholds[j];
        List<Double> up = new ArrayList<>();
        List<Double> down = new ArrayList<>();
        int first = firstAtLeast(thr, x0);
        double last = x0;
        for (int k = first; k < thr.length; k++) {
            double v = box.above(j, thr[k]);
            if (v > hi) {
                break;
            }
            if (v > last) {
                up.add(v);
                last = v;
            }
        }
        last = x0;
        for (int k = first - 1; k >= 0; k--) {
            double v = box.below(j, thr[k]);
            if (v < lo) {
                break;
            }
            if (v < last) {
                down.add(v);
                last = v;
            }
        }
        List<Double> all = new ArrayList<>();
        all.add(x0);
        all.addAll(thin(up));
        all.addAll(thin(down));
        double[] out = new double[all.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = all.get(k);
        }
        return out;
    }

    private List<Double> thin(List<Double> side) {
        int cap = effort.candidates();
        if (side.size() <= cap) {
            return side;
        }
        List<Double> out = new ArrayList<>(side.subList(0, cap / 2));
        int rest = cap - cap / 2;
        int from = cap / 2;
        int n = side.size() - from;
        for (int i = 0; i < rest; i++) {
            out.add(side.get(from + (int) ((long) i * (n - 1) / Math.max(1, rest - 1))));
        }
        return out;
    }

    /** Index of the first threshold at or above v (the cell v lies in, thresholds being the cells' upper ends). */
    private static int firstAtLeast(double[] thr, double v) {
        int k = Arrays.binarySearch(thr, v);
        return k >= 0 ? k : -k - 1;
    }

    private double[] clip(double[] v, Box box) {
        double[] out = v.clone();
        for (int j = 0; j < out.length; j++) {
            if (feas.categorical(j)) {
                if ((box.mask[j] & (1L << (int) out[j])) == 0) {
                    out[j] = box.x[j];
                }
            } else {
                out[j] = Math.min(box.hi[j], Math.max(box.lo[j], out[j]));
            }
        }
        return out;
    }

    private double[] random(Box box, SplittableRandom rng) {
        double[] out = box.x.clone();
        for (int j = 0; j < out.length; j++) {
            if (!feas.mutable(j)) {
                continue;
            }
            if (feas.categorical(j)) {
                long m = box.mask[j];
                int pick = rng.nextInt(Long.bitCount(m));
                for (int c = 0; c < 63; c++) {
                    if ((m & (1L << c)) != 0 && pick-- == 0) {
                        out[j] = c;
                        break;
                    }
                }
            } else if (box.hi[j] > box.lo[j]) {
                double v = box.lo[j] + rng.nextDouble() * (box.hi[j] - box.lo[j]);
                out[j] = feas.integer(j) ? Math.min(box.hi[j], Math.max(box.lo[j], Math.rint(v))) : v;
            }
        }
        return out;
    }
}
