package org.mlsec.attacks.evasion;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.mlsec.model.tree.Tree;

/**
 * Decides exactly whether some feasible change of a row inside an L-infinity ball reaches the target class, for any
 * tree ensemble. Inside a small ball most trees have a single reachable leaf (constants) and the others split on a
 * few features at a few thresholds, so the ball falls apart into cells per feature. A branch and bound fixes one
 * feature's cell at a time, the feature most trees split on first; every tree's best leaf still reachable bounds
 * the margin, and fixing one feature tightens all trees that use it at once (a search tree by tree cannot see that).
 * Cells are tried best bound first, so a change, when there is one, is usually found at the first leaf.
 */
final class BallSearch {
    private final TreeEnsemble e;
    private final Feasibility feas;

    BallSearch(TreeEnsemble e, Feasibility feas) {
        this.e = e;
        this.feas = feas;
    }

    /**
     * @return the change found (complete); no change and complete when none exists in the ball; incomplete when the
     *     node budget ran out, or when a change was turned down by a multi-column rule (the search is not exhaustive
     *     over those)
     */
    LeafSearch.Found within(double[] x, int target, double radius, long budget) {
        Run run = new Run(x, target, radius, budget);
        run.search();
        boolean complete = run.found != null || (run.nodes <= budget && !run.rejected);
        return new LeafSearch.Found(run.found, run.found == null ? Double.POSITIVE_INFINITY : feas.cost(x, run.found),
                complete, run.nodes);
    }

    private final class Run {
        final Box box;
        final int target;
        final int sign;
        final long budget;
        long nodes;
        double base;
        int[] active;
        /** Per active tree, its best signed leaf still reachable in the box. */
        double[] best;
        double sum;
        int[] columns;
        /** Per searched column, the active trees (indexes into active) that split on it inside the ball. */
        int[][] using;
        /** Per searched column, its cells: {lo, hi} for numbers, {category} for categories. */
        double[][][] cells;
        double[] found;
        boolean rejected;

        Run(double[] x, int target, double radius, long budget) {
            this.box = new Box(feas, x, radius);
            this.target = target;
            this.sign = target == 1 ? 1 : -1;
            this.budget = budget;
        }

        void search() {
            base = sign * e.bias;
            int w = box.x.length;
            List<TreeSet<Double>> cuts = new ArrayList<>();
            List<List<Integer>> users = new ArrayList<>();
            for (int j = 0; j < w; j++) {
                cuts.add(new TreeSet<>());
                users.add(new ArrayList<>());
            }
            List<Integer> moving = new ArrayList<>();
            List<Double> maxima = new ArrayList<>();
            for (int t = 0; t < e.size(); t++) {
                double[] range = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
                boolean[] splits = new boolean[w];
                walk(t, 0, range, cuts, splits);
                if (nodes > budget) {
                    return;
                }
                if (range[0] == range[1]) {
                    base += range[0];
                    continue;
                }
                for (int j = 0; j < w; j++) {
                    if (splits[j]) {
                        users.get(j).add(moving.size());
                    }
                }
                moving.add(t);
                maxima.add(range[1]);
            }
            active = moving.stream().mapToInt(Integer::intValue).toArray();
            best = maxima.stream().mapToDouble(Double::doubleValue).toArray();
            sum = Arrays.stream(best).sum();
            // The feature most trees split on is fixed first: it tightens the bound the most.
            Integer[] order = java.util.stream.IntStream.range(0, w).filter(j -> !users.get(j).isEmpty())
                    .boxed().toArray(Integer[]::new);
            Arrays.sort(order, (a, b) -> Integer.compare(users.get(b).size(), users.get(a).size()));
            columns = new int[order.length];
            using = new int[order.length][];
            cells = new double[order.length][][];
            for (int k = 0; k < order.length; k++) {
                int j = order[k];
                columns[k] = j;
                using[k] = users.get(j).stream().mapToInt(Integer::intValue).toArray();
                cells[k] = cellsOf(j, cuts.get(j));
            }
            if (nodes <= budget && hopeful(sum)) {
                fix(0);
            }
        }

        /**
         * Walks tree t inside the ball: the range of its reachable signed leaves, the thresholds that split the
         * reachable part (per column), and which columns it splits on there.
         */
        void walk(int t, int n, double[] range, List<TreeSet<Double>> cuts, boolean[] splits) {
            if (++nodes > budget) {
                return;
            }
            Tree tree = e.trees.get(t);
            if (tree.isLeaf(n)) {
                double v = sign * e.value[t][n];
                range[0] = Math.min(range[0], v);
                range[1] = Math.max(range[1], v);
                return;
            }
            boolean left = box.reachable(e, tree, n, true);
            boolean right = box.reachable(e, tree, n, false);
            int f = tree.feature()[n];
            int j = e.column[f];
            if (left && right) {
                splits[j] = true;
                if (e.category[f] < 0) {
                    cuts.get(j).add(tree.threshold()[n]);
                }
            }
            for (int k = 0; k < 2; k++) {
                boolean goLeft = k == 0;
                if (goLeft ? left : right) {
                    double[] saved = box.narrow(e, tree, n, goLeft);
                    walk(t, goLeft ? tree.left()[n] : tree.right()[n], range, cuts, splits);
                    box.restore(j, saved);
                }
            }
        }

        /** The cells of column j inside the ball: between consecutive thresholds, or one per allowed category. */
        double[][] cellsOf(int j, TreeSet<Double> cut) {
            List<double[]> out = new ArrayList<>();
            if (feas.categorical(j)) {
                for (int c = 0; c < 63; c++) {
                    if ((box.mask[j] & (1L << c)) != 0) {
                        out.add(new double[] {c});
                    }
                }
                return out.toArray(double[][]::new);
            }
            double from = box.lo[j];
            for (double t : cut) {
                double to = Math.min(box.hi[j], box.below(j, t));
                if (from <= to) {
                    out.add(new double[] {from, to});
                }
                from = Math.max(from, box.above(j, t));
            }
            if (from <= box.hi[j]) {
                out.add(new double[] {from, box.hi[j]});
            }
            return out.toArray(double[][]::new);
        }

        void fix(int k) {
            if (found != null || nodes > budget) {
                return;
            }
            if (k == columns.length) {
                leaf();
                return;
            }
            int j = columns[k];
            double[][] cs = cells[k];
            double[] bound = new double[cs.length];
            double[] saved = box.save(j);
            for (int c = 0; c < cs.length; c++) {
                narrow(j, cs[c]);
                bound[c] = sum;
                for (int i : using[k]) {
                    bound[c] += reach(active[i], 0) - best[i];
                }
                box.restore(j, saved);
                if (nodes > budget) {
                    return;
                }
            }
            Integer[] order = new Integer[cs.length];
            for (int c = 0; c < cs.length; c++) {
                order[c] = c;
            }
            Arrays.sort(order, (a, b) -> Double.compare(bound[b], bound[a]));
            double[] before = new double[using[k].length];
            for (int c : order) {
                if (!hopeful(bound[c]) || found != null || nodes > budget) {
                    break;
                }
                narrow(j, cs[c]);
                double oldSum = sum;
                for (int u = 0; u < using[k].length; u++) {
                    int i = using[k][u];
                    before[u] = best[i];
                    best[i] = reach(active[i], 0);
                }
                sum = bound[c];
                fix(k + 1);
                for (int u = 0; u < using[k].length; u++) {
                    best[using[k][u]] = before[u];
                }
                sum = oldSum;
                box.restore(j, saved);
            }
        }

        /** Every searched column fixed: each tree has one leaf, and the sum is the margin of the box's points. */
        void leaf() {
            double margin = sign * (base + sum);
            if (!TreeEnsemble.mayReach(margin, target)) {
                return;
            }
            double[] p = box.nearest();
            // Summed in another order a tie may fall either way: there the model's own arithmetic decides.
            if (!e.reached(p, margin, target)) {
                return;
            }
            if (feas.satisfiesRules(p)) {
                found = p;
            } else {
                rejected = true;
            }
        }

        /** The best signed leaf of tree t reachable in the box. */
        double reach(int t, int n) {
            nodes++;
            Tree tree = e.trees.get(t);
            if (tree.isLeaf(n)) {
                return sign * e.value[t][n];
            }
            double m = Double.NEGATIVE_INFINITY;
            if (box.reachable(e, tree, n, true)) {
                m = reach(t, tree.left()[n]);
            }
            if (box.reachable(e, tree, n, false)) {
                m = Math.max(m, reach(t, tree.right()[n]));
            }
            return m;
        }

        void narrow(int j, double[] cell) {
            if (feas.categorical(j)) {
                box.mask[j] = 1L << (int) cell[0];
            } else {
                box.lo[j] = cell[0];
                box.hi[j] = cell[1];
            }
        }

        /** Whether a best-case signed margin could still give the target (with slack for rounding). */
        boolean hopeful(double signedSum) {
            return base + signedSum >= -TreeEnsemble.TIE;
        }
    }
}
