package org.mlsec.attacks.evasion;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.mlsec.model.Classifier;

/**
 * Decision-based black-box attacks that see only the predicted label: HopSkipJump (Chen, Jordan and Wainwright
 * 2020) and the boundary attack (Brendel, Rauber and Bethge 2018). They work on the mutable numbers in cost units
 * (a step of 1 costs 1), and every point they query is first projected onto the feasible set, so the model only
 * ever sees valid inputs; categories keep the row's values. Repeated queries of the same projected input are
 * answered from memory, as a careful attacker would.
 */
final class DecisionSearch {
    private final Classifier model;
    private final Feasibility feas;
    private final List<double[]> seeds;
    private final int budget;
    private final int[] cols;

    private double[] x;
    private int target;
    private long queries;
    private final Map<List<Double>, Boolean> asked = new HashMap<>();
    private double[] best;
    private double bestCost;
    private String refused;

    /** @param seeds rows believed to be of the target class (labelled data), tried first as starting points */
    DecisionSearch(Classifier model, Feasibility feas, List<double[]> seeds, int budget) {
        this.model = model;
        this.feas = feas;
        this.seeds = seeds;
        this.budget = budget;
        this.cols = java.util.stream.IntStream.range(0, feas.width())
                .filter(j -> feas.mutable(j) && !feas.categorical(j)).toArray();
    }

    /** The cheapest adversarial input seen, its cost, the queries spent, and why the model stopped answering. */
    record Outcome(double[] point, double cost, long queries, String refused) {
    }

    Outcome hopSkipJump(double[] row, int targetClass, SplittableRandom rng) {
        begin(row, targetClass);
        double[] u = start(rng);
        if (u != null) {
            boolean linf = feas.norm() == Norm.LINF;
            u = toBoundary(u, linf);
            int d = Math.max(1, cols.length);
            double lastDist = Double.POSITIVE_INFINITY;
            int stalled = 0;
            for (int t = 1; queries < budget && stalled < 8; t++) {
                double dist = linf ? normInf(u) : norm2(u);
                if (dist == 0) {
                    break;
                }
                int samples = (int) Math.min(100, 20 * Math.sqrt(t));
                double delta = Math.max(dist / d, 1e-3 * dist);
                double[] grad = new double[d];
                int[] sign = new int[samples];
                double[][] dirs = new double[samples][];
                double mean = 0;
                // The whole sample goes to the model in one call: a remote API gets one batched request, not 100.
                List<double[]> probes = new ArrayList<>();
                for (int b = 0; b < Math.min(samples, budget - queries); b++) {
                    dirs[b] = gaussian(d, rng);
                    scale(dirs[b], 1 / norm2(dirs[b]));
                    probes.add(add(u, dirs[b], delta));
                }
                boolean[] adv = adversarial(probes);
                for (int b = 0; b < adv.length; b++) {
                    sign[b] = adv[b] ? 1 : -1;
                    mean += sign[b];
                }
                mean /= samples;
                for (int b = 0; b < samples; b++) {
                    if (dirs[b] == null) {
                        continue;
                    }
                    double w = Math.abs(mean) == 1 ? sign[b] : sign[b] - mean;
                    for (int k = 0; k < d; k++) {
                        grad[k] += w * dirs[b][k] / samples;
                    }
                }
                double gn = norm2(grad);
                if (gn == 0) {
                    break;
                }
                double[] step = grad.clone();
                if (linf) {
                    for (int k = 0; k < d; k++) {
                        step[k] = Math.signum(step[k]);
                    }
                }
                scale(step, 1 / norm2(step));
                double xi = dist / Math.sqrt(t);
                double[] next = null;
                while (xi > 1e-6 * dist && queries < budget) {
                    double[] cand = add(u, step, xi);
                    if (adversarial(cand)) {
                        next = cand;
                        break;
                    }
                    xi /= 2;
                }
                if (next == null) {
                    break;
                }
                u = toBoundary(next, linf);
                stalled = bestCost < lastDist * 0.995 ? 0 : stalled + 1;
                lastDist = Math.min(lastDist, bestCost);
            }
        }
        return new Outcome(best, bestCost, queries, refused);
    }

    Outcome boundary(double[] row, int targetClass, SplittableRandom rng) {
        begin(row, targetClass);
        double[] u = start(rng);
        if (u != null) {
            u = toBoundary(u, false);
            double spherical = 0.3;
            double source = 0.1;
            int tried = 0;
            int ok = 0;
            while (queries < budget && source > 1e-4) {
                double dist = norm2(u);
                if (dist == 0) {
                    break;
                }
                double[] eta = gaussian(cols.length, rng);
                scale(eta, spherical * dist / norm2(eta));
                double[] cand = add(u, eta, 1);
                scale(cand, dist / norm2(cand) * (1 - source));
                tried++;
                if (adversarial(cand)) {
                    u = cand;
                    ok++;
                }
                if (tried == 10) {
                    double rate = ok / 10.0;
                    double f = rate > 0.5 ? 1.5 : rate < 0.2 ? 1 / 1.5 : 1;
                    spherical = Math.min(1, spherical * f);
                    source = Math.min(0.5, source * f);
                    tried = 0;
                    ok = 0;
                }
            }
        }
        return new Outcome(best, bestCost, queries, refused);
    }

    private void begin(double[] row, int targetClass) {
        x = row;
        target = targetClass;
        queries = 0;
        asked.clear();
        best = null;
        bestCost = Double.POSITIVE_INFINITY;
        refused = null;
    }

    /** An adversarial starting point: the nearest labelled rows of the target class, then random feasible points. */
    private double[] start(SplittableRandom rng) {
        if (cols.length == 0) {
            return null;
        }
        List<double[]> tries = new ArrayList<>();
        double[][] projected = new double[seeds.size()][];
        Integer[] order = new Integer[seeds.size()];
        for (int i = 0; i < seeds.size(); i++) {
            projected[i] = feas.project(x, seeds.get(i));
            order[i] = i;
        }
        double[] cost = new double[seeds.size()];
        for (int i = 0; i < seeds.size(); i++) {
            cost[i] = feas.cost(x, projected[i]);
        }
        Arrays.sort(order, (a, b) -> Double.compare(cost[a], cost[b]));
        for (int k = 0; k < Math.min(20, order.length); k++) {
            tries.add(toUnits(projected[order[k]]));
        }
        Box full = new Box(feas, x, Double.POSITIVE_INFINITY);
        for (int k = 0; k < 50; k++) {
            double[] r = x.clone();
            for (int j : cols) {
                r[j] = full.lo[j] + rng.nextDouble() * (full.hi[j] - full.lo[j]);
            }
            tries.add(toUnits(r));
        }
        for (double[] u : tries) {
            if (queries >= budget) {
                return null;
            }
            if (adversarial(u)) {
                return u;
            }
        }
        return null;
    }

    /** Bisection from the original (not adversarial) towards an adversarial point: on the line, or in L-inf boxes. */
    private double[] toBoundary(double[] adv, boolean linf) {
        double lo = 0;
        double hi = 1;
        double[] out = adv;
        double size = linf ? normInf(adv) : norm2(adv);
        for (int s = 0; s < 25 && (hi - lo) * size > 1e-3 * Math.max(1e-9, size) && queries < budget; s++) {
            double a = (lo + hi) / 2;
            double[] p = linf ? clipInf(adv, a * size) : times(adv, a);
            if (adversarial(p)) {
                hi = a;
                out = p;
            } else {
                lo = a;
            }
        }
        return out;
    }

    /**
     * Asks the model in one call whether each point in cost units is adversarial (once per distinct feasible input,
     * within the query budget; points past it count as not adversarial, as one at a time would).
     */
    private boolean[] adversarial(List<double[]> us) {
        boolean[] out = new boolean[us.size()];
        double[][] rows = new double[us.size()][];
        List<List<Double>> keys = new ArrayList<>();
        java.util.Map<List<Double>, Integer> pending = new java.util.LinkedHashMap<>();
        for (int i = 0; i < us.size(); i++) {
            rows[i] = feas.project(x, fromUnits(us.get(i)));
            List<Double> key = null;
            if (feas.satisfiesRules(rows[i])) {
                key = new ArrayList<>(cols.length);
                for (int j : cols) {
                    key.add(rows[i][j]);
                }
                if (!asked.containsKey(key) && !pending.containsKey(key) && queries + pending.size() < budget
                        && refused == null) {
                    pending.put(key, i);
                }
            }
            keys.add(key);
        }
        if (!pending.isEmpty()) {
            double[][] ask = pending.values().stream().map(i -> rows[i]).toArray(double[][]::new);
            queries += ask.length;
            try {
                int[] p = model.predict(ask);
                int k = 0;
                for (List<Double> key : pending.keySet()) {
                    asked.put(key, p[k++] == target);
                }
            } catch (org.mlsec.MlsecException e) {
                refused = e.getMessage();
                queries = Math.max(queries, budget);
            }
        }
        for (int i = 0; i < out.length; i++) {
            Boolean known = keys.get(i) == null ? null : asked.get(keys.get(i));
            out[i] = known != null && known;
            if (out[i]) {
                double c = feas.cost(x, rows[i]);
                if (c < bestCost) {
                    bestCost = c;
                    best = rows[i];
                }
            }
        }
        return out;
    }

    /** Asks the model (once per distinct feasible input) whether a point in cost units is adversarial. */
    private boolean adversarial(double[] u) {
        double[] row = feas.project(x, fromUnits(u));
        if (!feas.satisfiesRules(row)) {
            return false;
        }
        List<Double> key = new ArrayList<>(cols.length);
        for (int j : cols) {
            key.add(row[j]);
        }
        Boolean known = asked.get(key);
        if (known == null) {
            if (queries >= budget || refused != null) {
                return false;
            }
            queries++;
            try {
                known = model.predict(new double[][] {row})[0] == target;
            } catch (org.mlsec.MlsecException e) {
                // A guarded API that blocks the attacker ends the attack on this row (the budget is gone).
                refused = e.getMessage();
                queries = Math.max(queries, budget);
                return false;
            }
            asked.put(key, known);
        }
        if (known) {
            double c = feas.cost(x, row);
            if (c < bestCost) {
                bestCost = c;
                best = row;
            }
        }
        return known;
    }

    private double[] toUnits(double[] row) {
        double[] u = new double[cols.length];
        for (int k = 0; k < cols.length; k++) {
            int j = cols[k];
            u[k] = (row[j] - x[j]) * feas.unitCost(j);
        }
        return u;
    }

    private double[] fromUnits(double[] u) {
        double[] row = x.clone();
        for (int k = 0; k < cols.length; k++) {
            int j = cols[k];
            row[j] = x[j] + u[k] / feas.unitCost(j);
        }
        return row;
    }

    private static double[] gaussian(int d, SplittableRandom rng) {
        double[] g = new double[d];
        for (int k = 0; k < d; k++) {
            g[k] = rng.nextGaussian();
        }
        return g;
    }

    private static double[] add(double[] a, double[] b, double k) {
        double[] o = a.clone();
        for (int i = 0; i < o.length; i++) {
            o[i] += k * b[i];
        }
        return o;
    }

    private static double[] times(double[] a, double k) {
        double[] o = a.clone();
        scale(o, k);
        return o;
    }

    private static void scale(double[] a, double k) {
        for (int i = 0; i < a.length; i++) {
            a[i] *= k;
        }
    }

    private static double[] clipInf(double[] a, double r) {
        double[] o = a.clone();
        for (int i = 0; i < o.length; i++) {
            o[i] = Math.max(-r, Math.min(r, o[i]));
        }
        return o;
    }

    private static double norm2(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v * v;
        }
        return Math.sqrt(s);
    }

    private static double normInf(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
