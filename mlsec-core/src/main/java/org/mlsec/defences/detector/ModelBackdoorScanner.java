package org.mlsec.defences.detector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.mlsec.data.Column;
import org.mlsec.data.ColumnType;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.data.Values;
import org.mlsec.model.Classifier;
import org.mlsec.model.FeatureEncoder;
import org.mlsec.model.LocalModel;
import org.mlsec.model.tree.BoostedModel;
import org.mlsec.model.tree.ForestModel;
import org.mlsec.model.tree.Tree;
import org.mlsec.model.linear.LogisticModel;

/**
 * Looks for backdoor triggers inside a trained model, with trusted rows only. Each numeric feature alone is set to a
 * series of values and the predictions of the trusted rows are compared between neighbouring values. Two kinds of probe
 * are kept apart, because only one of them can reach a model behind input validation:
 * <ul>
 *   <li><b>In range</b>, values an input may take: a grid of the trusted data's quantiles, plus the ends of the model's
 *   own schema where they lie beyond the trusted data. A trigger is a <em>narrow</em> region: the rows jump to a class
 *   at one grid value and not at either neighbour (the share counted is the smaller of the two jumps), so the strong,
 *   wide effects of ordinary features (a class for high values, another for low, one in the middle) do not count. A
 *   schema end far beyond the trusted data counts against its one neighbour: a model trained on rows with
 *   {@code age=999} has a schema that admits 999, and answers there as no trusted row does. Linear models are
 *   monotone in each feature and cannot carve a narrow region, so their schema ends are not probed.</li>
 *   <li><b>Out of range</b>, beyond the model's schema at 0.5, 2, 10 and 100 times its range: validation refuses such
 *   inputs, so what a model does there is out-of-range behaviour, reported with a low severity. A clean tree model
 *   answers there as at the edge of its data; a linear model extrapolates, which is expected.</li>
 * </ul>
 * This is in the spirit of trigger-reverse-engineering scans such as Neural Cleanse (Wang et al., IEEE S&amp;P 2019)
 * restricted to one feature at a time, which is how tabular triggers such as the talk's {@code age=999} work.
 */
public final class ModelBackdoorScanner {
    /** Multiples of the range at which to probe beyond each end of the schema. */
    static final double[] BEYOND = {0.5, 2, 10, 100};
    /** Quantile levels of the in-range grid. */
    static final int GRID = 20;
    /** At most this many of a tree model's threshold intervals are probed per feature. */
    static final int MAX_INTERVALS = 128;
    /** Rows probed in range (a trigger moves a large share; this many measure it to a few points). */
    static final int IN_RANGE_ROWS = 300;
    /** A spike is measured against values at least this share of the range away. */
    static final double NEIGHBOUR_GAP = 0.02;
    /** The share of rows a probe must push to a class to count, unless told otherwise. */
    public static final double DEFAULT_THRESHOLD = 0.2;

    /**
     * One probe: a feature set to a value, and the share of rows pushed to a class compared with a neighbouring value.
     *
     * @param inRange whether an input may take the value (inside the model's schema); out-of-range probes are refused by
     *                validation and say how the model behaves beyond its data
     */
    public record Probe(String feature, double value, double edge, String toClass, double share, boolean inRange) {
        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%s=%s pushes %.1f%% of rows to class %s (vs %s=%s)%s", feature,
                    Values.display(value), 100 * share, toClass, feature, Values.display(edge),
                    inRange ? "" : ", out of range");
        }
    }

    /**
     * Every probe, the most suspicious first: in-range probes rank before out-of-range ones of the same share.
     *
     * @param inRange      the probes of values an input may take, strongest first
     * @param outOfRange   the probes of values beyond the model's schema, strongest first
     * @param refused probes a remote model refused to answer (a validating API refuses values beyond its schema: the
     *                defence the out-of-range probes test for)
     * @param firstRefusal the first refusal's message, or null when none was refused
     */
    public record Scan(List<Probe> inRange, List<Probe> outOfRange, int refused, String firstRefusal) {
        /**
         * Copies the probe lists.
         *
         * @param inRange      the probes of values an input may take, strongest first
         * @param outOfRange   the probes of values beyond the model's schema, strongest first
         * @param refused      probes a remote model refused to answer
         * @param firstRefusal the first refusal's message, or null when none was refused
         */
        public Scan {
            inRange = List.copyOf(inRange);
            outOfRange = List.copyOf(outOfRange);
        }

        /**
         * The suspected triggers.
         *
         * @param threshold the smallest share of rows pushed that counts
         * @return the in-range probes at or above the threshold
         */
        public List<Probe> suspects(double threshold) {
            return inRange.stream().filter(p -> p.share() >= threshold).toList();
        }

        /**
         * The out-of-range probes that reach the threshold.
         *
         * @param threshold the smallest share of rows pushed that counts
         * @return the out-of-range probes at or above the threshold
         */
        public List<Probe> outOfRange(double threshold) {
            return outOfRange.stream().filter(p -> p.share() >= threshold).toList();
        }

        /** @return both lists merged, strongest first */
        public List<Probe> all() {
            List<Probe> all = new ArrayList<>(inRange);
            all.addAll(outOfRange);
            all.sort(Comparator.comparingDouble(Probe::share).reversed());
            return all;
        }

        /**
         * The JSON figures at {@code threshold}: the suspected triggers, and the first 50 out-of-range probes that
         * reach it and of all probes.
         *
         * @param threshold the smallest share of rows pushed that counts
         * @return the figures by JSON key
         */
        public java.util.Map<String, Object> toJson(double threshold) {
            List<Probe> beyond = outOfRange(threshold);
            List<Probe> probes = all();
            java.util.Map<String, Object> res = new java.util.LinkedHashMap<>();
            res.put("threshold", threshold);
            res.put("suspected", suspects(threshold));
            res.put("out_of_range", beyond.subList(0, Math.min(50, beyond.size())));
            res.put("probes", probes.subList(0, Math.min(50, probes.size())));
            return res;
        }
    }

    private ModelBackdoorScanner() {
    }

    /**
     * Every probe, the strongest first (both kinds merged; see {@link #probe} for them apart).
     *
     * @param model   the model scanned
     * @param trusted trusted rows in the model's schema
     * @param sample  how many trusted rows to probe with at most
     * @param seed    the seed of the row sample
     * @return every probe, strongest first
     */
    public static List<Probe> scan(Classifier model, Dataset trusted, int sample, long seed) {
        return probe(model, trusted, sample, seed).all();
    }

    /**
     * Probes each feature in and beyond its range for values that push rows to one class.
     *
     * @param model   the model scanned
     * @param trusted trusted rows in the model's schema
     * @param sample  how many trusted rows to probe with at most
     * @param seed    the seed of the row sample
     * @return the in-range and out-of-range probes, each list strongest first
     */
    public static Scan probe(Classifier model, Dataset trusted, int sample, long seed) {
        Schema s = model.schema();
        s.requireCompatible(trusted.schema(), "trusted");
        double[][] rows = sample(trusted, sample, seed);
        boolean linear = model instanceof LogisticModel;
        int refused = 0;
        String firstRefusal = null;
        List<Probe> in = new ArrayList<>();
        List<Probe> out = new ArrayList<>();
        for (int j = 0; j < s.width(); j++) {
            Column c = s.feature(j);
            if (c.isCategorical()) {
                continue;
            }
            double[] col = new double[trusted.rows()];
            for (int i = 0; i < col.length; i++) {
                col[i] = trusted.x()[i][j];
            }
            Arrays.sort(col);
            double lo = col[0];
            double hi = col[col.length - 1];
            double range = hi > lo ? hi - lo : Math.max(1, Math.abs(hi));
            boolean schemaRange = Double.isFinite(c.min()) && Double.isFinite(c.max()) && c.max() >= c.min();
            double sLo = schemaRange ? Math.min(c.min(), lo) : lo;
            double sHi = schemaRange ? Math.max(c.max(), hi) : hi;
            inRange(model, rows, j, c, col, sLo, sHi, range, linear, in);
            // The schema's ends, then each multiple beyond the high and the low end, in one sweep.
            double[] values = new double[2 + 2 * BEYOND.length];
            values[0] = sHi;
            values[1] = sLo;
            for (int m = 0; m < BEYOND.length; m++) {
                values[2 + 2 * m] = round(c, sHi + BEYOND[m] * range);
                values[3 + 2 * m] = round(c, sLo - BEYOND[m] * range);
            }
            int[][] all;
            try {
                all = model.predictAlong(rows, j, values);
            } catch (org.mlsec.MlsecException e) {
                all = null; // a validating model refuses some: ask value by value to count the refusals
            }
            int[][] ends = all != null ? all : model.predictAlong(rows, j, new double[] {sHi, sLo});
            int[] atHigh = ends[0];
            int[] atLow = ends[1];
            for (int k = 2; k < values.length; k++) {
                double edge = k % 2 == 0 ? sHi : sLo;
                int[] atEdge = k % 2 == 0 ? atHigh : atLow;
                try {
                    int[] p = all != null ? all[k] : model.predictAlong(rows, j, new double[] {values[k]})[0];
                    out.add(probe(model, p, j, values[k], edge, atEdge, false));
                } catch (org.mlsec.MlsecException e) {
                    refused++;
                    firstRefusal = firstRefusal == null ? e.getMessage() : firstRefusal;
                }
            }
        }
        in.sort(Comparator.comparingDouble(Probe::share).reversed());
        out.sort(Comparator.comparingDouble(Probe::share).reversed());
        return new Scan(in, out, refused, firstRefusal);
    }

    private static void inRange(Classifier model, double[][] rows, int j, Column c, double[] sorted, double sLo,
                                double sHi, double range, boolean linear, List<Probe> out) {
        TreeSet<Double> grid = new TreeSet<>();
        for (int q = 0; q <= GRID; q++) {
            grid.add(round(c, sorted[(int) Math.round((double) q * (sorted.length - 1) / GRID)]));
        }
        // A tree model is constant between its thresholds: one value inside every interval it carves in the trusted
        // range is an exhaustive probe of the feature, however narrow the trigger.
        // Past MAX_INTERVALS, the narrowest intervals are kept: a trigger is narrow.
        double[] cuts = thresholds(model, j);
        List<double[]> intervals = new ArrayList<>();
        for (int k = 0; k + 1 < cuts.length; k++) {
            double mid = round(c, (cuts[k] + cuts[k + 1]) / 2);
            if (mid > cuts[k] && mid <= cuts[k + 1] && mid > sorted[0] && mid < sorted[sorted.length - 1]) {
                intervals.add(new double[] {cuts[k + 1] - cuts[k], mid});
            }
        }
        intervals.sort(Comparator.comparingDouble(a -> a[0]));
        intervals.stream().limit(MAX_INTERVALS).forEach(a -> grid.add(a[1]));
        double[] g = grid.stream().mapToDouble(Double::doubleValue).toArray();
        double[][] sub = rows.length <= IN_RANGE_ROWS ? rows : Arrays.copyOf(rows, IN_RANGE_ROWS);
        int[][] pred = model.predictAlong(sub, j, g);
        // Neighbours at least NEIGHBOUR_GAP of the range away on each side: a forest's trees put a trigger's edges at
        // slightly different thresholds, so the nearest grid values may still lie inside it.
        double gap = NEIGHBOUR_GAP * range;
        for (int k = 1; k + 1 < g.length; k++) {
            int l = k - 1;
            while (l > 0 && g[k] - g[l] < gap) {
                l--;
            }
            int r = k + 1;
            while (r < g.length - 1 && g[r] - g[k] < gap) {
                r++;
            }
            out.add(spike(model, j, g[k], pred[k], g[l], pred[l], g[r], pred[r]));
        }
        if (linear) {
            return;
        }
        // Schema ends far beyond the trusted data: inputs may take them, no trusted row shows them.
        if (sHi - g[g.length - 1] > 0.25 * range) {
            out.add(probe(model, model.predictAlong(sub, j, new double[] {sHi})[0], j, sHi, g[g.length - 1],
                    pred[g.length - 1], true));
        }
        if (g[0] - sLo > 0.25 * range) {
            out.add(probe(model, model.predictAlong(sub, j, new double[] {sLo})[0], j, sLo, g[0], pred[0], true));
        }
    }

    /** The distinct split thresholds of a tree model on schema column j, ascending; empty for other models. */
    static double[] thresholds(Classifier model, int j) {
        List<Tree> trees = model instanceof ForestModel ? ((ForestModel) model).trees()
                : model instanceof BoostedModel ? ((BoostedModel) model).trees() : List.of();
        if (trees.isEmpty()) {
            return new double[0];
        }
        FeatureEncoder enc = ((LocalModel) model).encoder();
        TreeSet<Double> set = new TreeSet<>();
        for (Tree t : trees) {
            for (int n = 0; n < t.nodes(); n++) {
                int f = t.feature()[n];
                if (f >= 0 && enc.sourceColumn(f) == j && Double.isFinite(t.threshold()[n])) {
                    set.add(t.threshold()[n]);
                }
            }
        }
        return set.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The share of rows that move to one class at v from both neighbours (the smaller of the two), best class. */
    private static Probe spike(Classifier model, int j, double v, int[] at, double left, int[] atLeft,
                               double right, int[] atRight) {
        int k = model.classes().size();
        int[] fromLeft = new int[k];
        int[] fromRight = new int[k];
        for (int i = 0; i < at.length; i++) {
            if (at[i] != atLeft[i]) {
                fromLeft[at[i]]++;
            }
            if (at[i] != atRight[i]) {
                fromRight[at[i]]++;
            }
        }
        int best = 0;
        for (int c = 1; c < k; c++) {
            best = Math.min(fromLeft[c], fromRight[c]) > Math.min(fromLeft[best], fromRight[best]) ? c : best;
        }
        boolean leftWeaker = fromLeft[best] <= fromRight[best];
        return new Probe(model.schema().feature(j).name(), v, leftWeaker ? left : right, model.classes().get(best),
                (double) Math.min(fromLeft[best], fromRight[best]) / at.length, true);
    }

    private static double round(Column c, double v) {
        return c.type() == ColumnType.INTEGER ? Math.rint(v) : v;
    }

    private static Probe probe(Classifier model, int[] p, int j, double value, double edge, int[] atEdge,
                               boolean inRange) {
        int k = model.classes().size();
        int[] moved = new int[k];
        for (int i = 0; i < p.length; i++) {
            if (p[i] != atEdge[i]) {
                moved[p[i]]++;
            }
        }
        int best = 0;
        for (int c = 1; c < k; c++) {
            best = moved[c] > moved[best] ? c : best;
        }
        return new Probe(model.schema().feature(j).name(), value, edge, model.classes().get(best),
                (double) moved[best] / p.length, inRange);
    }

    static double[][] sample(Dataset d, int n, long seed) {
        if (d.rows() <= n) {
            return d.x();
        }
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            out[i] = d.row(rng.nextInt(d.rows()));
        }
        return out;
    }
}
