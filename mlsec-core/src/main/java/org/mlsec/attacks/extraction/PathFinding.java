package org.mlsec.attacks.extraction;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.stream.DoubleStream;
import java.util.stream.IntStream;
import org.mlsec.InputException;
import org.mlsec.Progress;
import org.mlsec.data.Column;
import org.mlsec.data.ColumnType;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.internal.Sorted;
import org.mlsec.internal.Validate;
import org.mlsec.model.Algorithm;
import org.mlsec.model.Classifier;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

/**
 * Label-only path-finding for decision trees and small forests, after Tramèr et al. 2016 ("Stealing machine
 * learning models via prediction APIs"). Their attack follows a tree's paths with leaf identities; with labels only,
 * it becomes a boundary search. Trees split on one feature at a time, so the target answers one label inside each cell
 * of the grid that its split thresholds draw; the attack recovers the thresholds that change the label, then the label
 * of every cell where rows fall:
 * <ol>
 * <li>rows of known data (or samples inside the schema's ranges) are grouped into the cells of the thresholds found so
 * far, and one row of each cell not yet asked about is queried, the most populous cells first;</li>
 * <li>two queried points of one cell with different labels prove that a threshold is missing. Switching the features
 * of one point to the other's, a binary search over how many are switched finds one feature whose change alone flips
 * the label, and a binary search along that feature finds the threshold: between two consecutive integers for integer
 * columns, so exactly; a categorical column that flips the label is split by category;</li>
 * <li>the rest of the budget looks for more such disagreements, taking turns between three ways: cells that no known
 * row falls in but that are one feature away from many known rows (where unseen rows will fall); lines through cells,
 * each feature moved alone to the lowest, middle and highest known value inside the cell (cells next to a cell of the
 * other label first, where the vote is close); and the known rows a forest trained on the answers is least sure about.
 * Every disagreement found is resolved as in 2;</li>
 * <li>the surrogate is a decision tree that splits only at discovered thresholds and gives every queried cell its
 * label ({@link CellTree}).</li>
 * </ol>
 * Thresholds that never change the label are not found, and need not be. A leaf so small that no known row and no
 * probe reaches it stays hidden: label-only answers cannot reveal what is never asked.
 */
public final class PathFinding {
    /** Lines probed per cell and feature, each from another known row of the cell. */
    private static final int LINES_PER_CELL = 3;
    /**
     * Searches that find nothing new before disagreements are no longer chased: a deterministic tree model never
     * causes one, so they mean answers that change from one query to the next.
     */
    private static final int MAX_FRUITLESS_SEARCHES = 20;

    private final Classifier target;
    private final Schema schema;
    private final int budget;
    private final long firstQuery;
    private final SplittableRandom rng;
    private final Progress progress;
    /** The rows whose cells are asked about: known data, or samples. */
    private final double[][] pool;
    private final Set<Point> poolPoints = new HashSet<>();
    /** Per column, the sorted pool values: typical values inside a cell, and distances in quantiles. */
    private final double[][] sortedPool;
    /** Every answer so far, by point, in the order asked. */
    private final Map<Point, Integer> answers = new LinkedHashMap<>();
    /** Per numeric column, the discovered thresholds in ascending order (a row goes left when {@code x <= t}). */
    private final double[][] cuts;
    /** Per categorical column, whether a change of category has been seen to flip the label. */
    private final boolean[] byCategory;
    /** Per continuous column, the width at which the binary search for a threshold stops. */
    private final double[] tolerance;
    /** Pairs whose search found nothing new (a target whose answers are not deterministic): not tried again. */
    private final Set<List<Point>> unresolved = new HashSet<>();
    /** Lines already probed: cell, column and pass. */
    private final Set<List<Object>> probed = new HashSet<>();
    private final Map<Point, double[]> quantiles = new HashMap<>();
    private int turn;

    private PathFinding(Classifier target, double[][] pool, int budget, long seed, Progress progress) {
        this.target = target;
        this.schema = target.schema();
        this.budget = budget;
        this.firstQuery = target.queries();
        this.rng = new SplittableRandom(seed);
        this.progress = progress;
        this.pool = pool;
        for (double[] r : pool) {
            poolPoints.add(new Point(r));
        }
        int d = schema.width();
        this.cuts = new double[d][0];
        this.byCategory = new boolean[d];
        this.sortedPool = new double[d][];
        this.tolerance = new double[d];
        for (int j = 0; j < d; j++) {
            double[] v = new double[pool.length];
            for (int i = 0; i < pool.length; i++) {
                v[i] = pool[i][j];
            }
            Arrays.sort(v);
            sortedPool[j] = v;
            tolerance[j] = Math.max(1e-9, (v[v.length - 1] - v[0]) * 1e-7);
        }
    }

    /**
     * Steals {@code target} with at most {@code budget} label queries. {@code known} supplies the rows whose cells
     * are asked about; without it, rows are drawn uniformly inside the schema's ranges.
     *
     * @param target a decision tree or small forest, only asked for labels
     * @param known rows whose cells are asked about, or null
     * @param budget label queries allowed
     * @param seed of the query rows
     * @param progress told the queries spent
     * @return the surrogate tree and its figures
     */
    public static Extraction.Stolen steal(Classifier target, Dataset known, int budget, long seed, Progress progress) {
        Validate.isTrue(budget >= 10, "budget must be at least 10, got " + budget, "budget");
        Schema s = target.schema();
        Validate.isTrue(s.classes().size() >= 2, "the target must have at least two classes, got " + s.classes());
        double[][] pool = known != null ? usableRows(s, known) : sampledRows(s, budget, seed);
        Validate.isTrue(pool.length >= 2, "path-finding needs at least two known rows without missing values or "
                + "unknown categories, got " + pool.length);
        return new PathFinding(target, pool, budget, seed, progress).run();
    }

    /** Known rows the target can be asked about: no missing value, no category the schema lacks. */
    private static double[][] usableRows(Schema s, Dataset known) {
        List<double[]> rows = new ArrayList<>();
        for (double[] r : known.x()) {
            boolean usable = r.length == s.width();
            for (int j = 0; usable && j < r.length; j++) {
                usable = Double.isFinite(r[j]) && (!s.feature(j).isCategorical() || r[j] >= 0);
            }
            if (usable) {
                rows.add(r);
            }
        }
        return rows.toArray(new double[0][]);
    }

    private static double[][] sampledRows(Schema s, int budget, long seed) {
        for (Column c : s.features()) {
            if (!c.isCategorical() && !(Double.isFinite(c.min()) && Double.isFinite(c.max()))) {
                throw new InputException("path-finding without known rows needs every feature's range, and "
                        + c.name() + " has none: give data, or an input schema with min and max");
            }
        }
        SplittableRandom rng = new SplittableRandom(seed ^ 0x5DEECE66DL);
        double[][] rows = new double[Math.max(1_000, 5 * budget)][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = Extraction.sample(s, null, rng);
        }
        return rows;
    }

    private Extraction.Stolen run() {
        List<BooleanSupplier> exploration = List.of(this::askCellsNextToKnownRows, this::probeLinesThroughCells,
                this::askRowsLeastSureAbout);
        try {
            List<double[]> first = new ArrayList<>();
            for (int i : shuffledPool()) {
                if (first.size() == Math.min(remaining(), Math.max(20, budget / 20))) {
                    break;
                }
                first.add(pool[i]);
            }
            ask(first);
            while (remaining() > 0) {
                if (splitDisagreeingCell() || askUnaskedCells()) {
                    continue;
                }
                // Take turns between the ways to look for disagreements; each falls back on the others.
                boolean asked = false;
                for (int k = 0; k < exploration.size() && !asked; k++) {
                    asked = exploration.get((turn + k) % exploration.size()).getAsBoolean();
                }
                turn++;
                if (!asked) {
                    break; // nothing left to ask
                }
            }
        } catch (OutOfBudget spent) {
            // The budget is spent: the surrogate is built from what has been learned.
        }
        progress.update("queries", spent(), budget);
        List<double[]> points = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        answers.forEach((p, y) -> {
            points.add(p.x());
            labels.add(y);
        });
        LocalModel surrogate = CellTree.build(target, cuts, byCategory, points, labels, rng);
        int found = 0;
        for (int j = 0; j < cuts.length; j++) {
            found += cuts[j].length + (byCategory[j] ? 1 : 0);
        }
        return new Extraction.Stolen(surrogate, Extraction.measure("path", target, surrogate, spent(), null)
                .metric("thresholds", found).metric("cells", cellsOf(points).size()).build());
    }

    private int[] shuffledPool() {
        int[] order = IntStream.range(0, pool.length).toArray();
        for (int i = order.length - 1; i > 0; i--) {
            int k = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[k];
            order[k] = t;
        }
        return order;
    }

    // ---- queries ----

    private long spent() {
        return target.queries() - firstQuery;
    }

    private long remaining() {
        return budget - spent();
    }

    /** Queries at a time in the exploration: small enough to act on what each batch reveals. */
    private int batch() {
        return (int) Math.min(remaining(), Math.max(10, budget / 40));
    }

    /** Labels of the rows, asking the target only about points it has not answered yet. */
    private int[] ask(List<double[]> rows) {
        List<double[]> fresh = new ArrayList<>();
        Set<Point> seen = new HashSet<>();
        for (double[] r : rows) {
            Point p = new Point(r);
            if (!answers.containsKey(p) && seen.add(p)) {
                fresh.add(r);
            }
        }
        if (fresh.size() > remaining()) {
            throw new OutOfBudget();
        }
        if (!fresh.isEmpty()) {
            int[] y = target.predict(fresh.toArray(new double[0][]));
            for (int i = 0; i < y.length; i++) {
                answers.put(new Point(fresh.get(i).clone()), y[i]);
            }
            progress.update("queries", spent(), budget);
        }
        int[] out = new int[rows.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = answers.get(new Point(rows.get(i)));
        }
        return out;
    }

    private int ask(double[] row) {
        return ask(List.of(row))[0];
    }

    private int answer(double[] point) {
        return answers.get(new Point(point));
    }

    // ---- cells ----

    /** The cell of a row: per numeric column, how many thresholds lie below it; per split categorical, the category. */
    private Cell cellOf(double[] x) {
        int[] c = new int[x.length];
        for (int j = 0; j < x.length; j++) {
            if (schema.feature(j).isCategorical()) {
                c[j] = byCategory[j] ? (int) x[j] : 0;
            } else {
                int k = Arrays.binarySearch(cuts[j], x[j]);
                c[j] = k >= 0 ? k : -k - 1;
            }
        }
        return new Cell(c);
    }

    private Map<Cell, List<double[]>> cellsOf(List<double[]> rows) {
        Map<Cell, List<double[]>> cells = new LinkedHashMap<>();
        for (double[] r : rows) {
            cells.computeIfAbsent(cellOf(r), k -> new ArrayList<>()).add(r);
        }
        return cells;
    }

    private Map<Cell, List<double[]>> answeredCells() {
        List<double[]> points = new ArrayList<>();
        answers.keySet().forEach(p -> points.add(p.x()));
        return cellsOf(points);
    }

    private Map<Cell, List<double[]>> poolCells() {
        return cellsOf(Arrays.asList(pool));
    }

    /** How many coordinate values column j has: intervals between thresholds, or categories once split. */
    private int coordinatesOf(int j) {
        Column c = schema.feature(j);
        if (c.isCategorical()) {
            return byCategory[j] ? c.categories().size() : 1;
        }
        return cuts[j].length + 1;
    }

    /** The index range in {@code sortedPool[j]} of the known values inside coordinate v (empty when from > to). */
    private int[] knownValuesIn(int j, int v) {
        double[] s = sortedPool[j];
        double lower = v == 0 ? Double.NEGATIVE_INFINITY : cuts[j][v - 1];
        double upper = v == cuts[j].length ? Double.POSITIVE_INFINITY : cuts[j][v];
        return new int[] {Sorted.lowerBound(s, Math.nextUp(lower)), Sorted.lowerBound(s, Math.nextUp(upper)) - 1};
    }

    /** The cells whose first answer differs from that of a cell one coordinate step away. */
    private boolean nextToOtherLabel(Cell c, Map<Cell, List<double[]>> asked) {
        int own = answer(asked.get(c).get(0));
        for (int j = 0; j < c.coordinates().length; j++) {
            for (int step : new int[] {-1, 1}) {
                int[] n = c.coordinates().clone();
                n[j] += step;
                List<double[]> other = asked.get(new Cell(n));
                if (other != null && answer(other.get(0)) != own) {
                    return true;
                }
            }
        }
        return false;
    }

    // ---- 1: ask about every cell where known rows fall ----

    /** Queries one row of each of the most populous cells nobody has asked about; false when there are none. */
    private boolean askUnaskedCells() {
        Map<Cell, List<double[]>> asked = answeredCells();
        List<List<double[]>> fresh = new ArrayList<>();
        for (Map.Entry<Cell, List<double[]>> e : poolCells().entrySet()) {
            if (!asked.containsKey(e.getKey())) {
                fresh.add(e.getValue());
            }
        }
        if (fresh.isEmpty()) {
            return false;
        }
        fresh.sort(Comparator.comparingInt((List<double[]> rows) -> rows.size()).reversed());
        List<double[]> queries = new ArrayList<>();
        for (List<double[]> rows : fresh.subList(0, Math.min(batch(), fresh.size()))) {
            queries.add(rows.get(rng.nextInt(rows.size())));
        }
        ask(queries);
        return true;
    }

    // ---- 2: a cell with two labels hides a threshold ----

    /** Finds a threshold inside the most populous cell whose queried points disagree; false when none disagree. */
    private boolean splitDisagreeingCell() {
        if (unresolved.size() >= MAX_FRUITLESS_SEARCHES) {
            return false;
        }
        Map<Cell, List<double[]>> asked = answeredCells();
        Map<Cell, List<double[]>> rows = poolCells();
        List<Cell> disagreeing = new ArrayList<>();
        for (Map.Entry<Cell, List<double[]>> e : asked.entrySet()) {
            if (e.getValue().stream().map(this::answer).distinct().count() > 1) {
                disagreeing.add(e.getKey());
            }
        }
        disagreeing.sort(Comparator.comparingInt((Cell c) -> rows.getOrDefault(c, List.of()).size()).reversed());
        for (Cell c : disagreeing) {
            double[][] pair = closestDisagreeing(asked.get(c));
            if (pair != null) {
                if (!locateThreshold(pair[0], pair[1])) {
                    unresolved.add(List.of(new Point(pair[0]), new Point(pair[1])));
                }
                return true;
            }
        }
        return false;
    }

    /** The closest two points with different answers (the shorter the walk, the fewer queries). */
    private double[][] closestDisagreeing(List<double[]> points) {
        double[][] best = null;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int a = 0; a < points.size(); a++) {
            for (int b = a + 1; b < points.size(); b++) {
                double[] p = points.get(a);
                double[] q = points.get(b);
                if (answer(p) == answer(q) || unresolved.contains(List.of(new Point(p), new Point(q)))) {
                    continue;
                }
                double dist = distance(p, q);
                if (dist < bestDistance) {
                    bestDistance = dist;
                    best = new double[][] {p, q};
                }
            }
        }
        return best;
    }

    /**
     * Walks from {@code p} to {@code q} (different labels, one cell) a feature at a time to one feature whose change
     * alone flips the label, then searches along it for the threshold. True when a threshold or category split is added.
     */
    private boolean locateThreshold(double[] p, double[] q) {
        int from = ask(p);
        List<Integer> differing = new ArrayList<>();
        for (int j = 0; j < p.length; j++) {
            if (p[j] != q[j]) {
                differing.add(j);
            }
        }
        // A random order: different pairs cross different features first, and so find different thresholds.
        for (int i = differing.size() - 1; i > 0; i--) {
            int k = rng.nextInt(i + 1);
            int t = differing.get(i);
            differing.set(i, differing.get(k));
            differing.set(k, t);
        }
        // hybrid(k) is p with its first k differing features taken from q: hybrid(lo) answers `from`, hybrid(hi) not.
        int lo = 0;
        int hi = differing.size();
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (ask(hybrid(p, q, differing, mid)) == from) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        int j = differing.get(lo);
        Column c = schema.feature(j);
        if (c.isCategorical()) {
            boolean added = !byCategory[j];
            byCategory[j] = true;
            return added;
        }
        double t = searchAlong(hybrid(p, q, differing, lo), j, q[j], from, c.type() == ColumnType.INTEGER);
        if (Arrays.binarySearch(cuts[j], t) >= 0) {
            return false;
        }
        double[] more = Arrays.copyOf(cuts[j], cuts[j].length + 1);
        more[more.length - 1] = t;
        Arrays.sort(more);
        cuts[j] = more;
        return true;
    }

    private static double[] hybrid(double[] p, double[] q, List<Integer> differing, int switched) {
        double[] h = p.clone();
        for (int k = 0; k < switched; k++) {
            h[differing.get(k)] = q[differing.get(k)];
        }
        return h;
    }

    /**
     * Binary search for where the label changes along feature {@code j}, from {@code base} (answering {@code from}) to
     * the value {@code to} (answering something else); integer columns stop at two consecutive integers, and the
     * threshold is put halfway between them, as CART puts it.
     */
    private double searchAlong(double[] base, int j, double to, int from, boolean integer) {
        double lo = base[j];
        double hi = to;
        double[] x = base.clone();
        while (integer ? Math.abs(hi - lo) > 1 : Math.abs(hi - lo) > tolerance[j]) {
            double mid = integer ? Math.floor((lo + hi) / 2) : (lo + hi) / 2;
            if (mid == lo || mid == hi) {
                break; // no representable point in between
            }
            x[j] = mid;
            if (ask(x) == from) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }

    // ---- 3a: cells next to the known rows ----

    /**
     * Queries cells that no known row falls in but that rows like the known ones would: one feature away from many
     * known rows. Unseen rows land in such cells, and then take their label from the target rather than from the tree's
     * guess. False when there are none left.
     */
    private boolean askCellsNextToKnownRows() {
        Map<Cell, List<double[]>> rows = poolCells();
        Map<Cell, List<double[]>> asked = answeredCells();
        int d = schema.width();
        // Per feature j: known rows counted by their cell with coordinate j left out.
        List<Map<Cell, Integer>> around = new ArrayList<>();
        for (int j = 0; j < d; j++) {
            Map<Cell, Integer> m = new HashMap<>();
            for (Map.Entry<Cell, List<double[]>> e : rows.entrySet()) {
                m.merge(e.getKey().without(j), e.getValue().size(), Integer::sum);
            }
            around.add(m);
        }
        Map<Cell, double[]> representative = new LinkedHashMap<>();
        Map<Cell, Integer> nearby = new HashMap<>();
        for (Map.Entry<Cell, List<double[]>> e : rows.entrySet()) {
            double[] r = e.getValue().get(0);
            for (int j = 0; j < d; j++) {
                for (int v = 0; v < coordinatesOf(j); v++) {
                    int[] c = e.getKey().coordinates().clone();
                    if (c[j] == v) {
                        continue;
                    }
                    c[j] = v;
                    Cell n = new Cell(c);
                    double value = typicalValue(j, v);
                    if (representative.containsKey(n) || rows.containsKey(n) || asked.containsKey(n)
                            || Double.isNaN(value)) {
                        continue;
                    }
                    double[] x = r.clone();
                    x[j] = value;
                    representative.put(n, x);
                    int count = 0;
                    for (int k = 0; k < d; k++) {
                        count += around.get(k).getOrDefault(n.without(k), 0);
                    }
                    nearby.put(n, count);
                }
            }
        }
        if (representative.isEmpty()) {
            return false;
        }
        List<Cell> candidates = new ArrayList<>(representative.keySet());
        candidates.sort(Comparator.comparingInt((Cell c) -> nearby.get(c)).reversed());
        List<double[]> queries = new ArrayList<>();
        for (Cell c : candidates.subList(0, Math.min(batch(), candidates.size()))) {
            queries.add(representative.get(c));
        }
        ask(queries);
        return true;
    }

    /**
     * The median known value of column j inside coordinate v: where the rows falling in the cell are (the value next
     * to the threshold is often a rare one); NaN when no known row has one.
     */
    private double typicalValue(int j, int v) {
        if (schema.feature(j).isCategorical()) {
            return v;
        }
        int[] range = knownValuesIn(j, v);
        return range[0] > range[1] ? Double.NaN : sortedPool[j][(range[0] + range[1]) >>> 1];
    }

    // ---- 3b: lines through cells ----

    /**
     * From a known row of a cell, moves one feature at a time to the lowest, middle and highest value inside the cell;
     * a different label proves a threshold inside the cell, which {@link #locateThreshold} then finds. Cells next to a
     * cell of another label go first, and each pass starts from another known row. False when every line is probed.
     */
    private boolean probeLinesThroughCells() {
        Map<Cell, List<double[]>> asked = answeredCells();
        Map<Cell, List<double[]>> rows = poolCells();
        List<Cell> order = new ArrayList<>(asked.keySet());
        order.sort(Comparator.comparing((Cell c) -> !nextToOtherLabel(c, asked))
                .thenComparing(Comparator.comparingInt((Cell c) -> rows.getOrDefault(c, List.of()).size()).reversed()));
        List<double[]> starts = new ArrayList<>();
        List<List<double[]>> lines = new ArrayList<>();
        int planned = 0;
        int want = batch();
        for (int pass = 0; pass < LINES_PER_CELL && planned < want; pass++) {
            for (Cell c : order) {
                if (planned >= want) {
                    break;
                }
                List<double[]> known = asked.get(c).stream().filter(x -> poolPoints.contains(new Point(x))).toList();
                if (known.isEmpty() && pass == 0) {
                    known = asked.get(c); // a cell reached only by searches: start from a searched point
                }
                if (known.size() <= pass) {
                    continue;
                }
                double[] b = known.get(pass);
                for (int j = 0; j < b.length; j++) {
                    double[] values = probeValues(j, c.coordinates()[j], b[j]);
                    if (values.length == 0 || planned + values.length > remaining() || !probed.add(List.of(c, j, pass))) {
                        continue;
                    }
                    List<double[]> line = new ArrayList<>();
                    for (double v : values) {
                        double[] x = b.clone();
                        x[j] = v;
                        line.add(x);
                    }
                    starts.add(b);
                    lines.add(line);
                    planned += line.size();
                }
            }
        }
        if (lines.isEmpty()) {
            return false;
        }
        List<double[]> all = new ArrayList<>();
        lines.forEach(all::addAll);
        ask(all);
        for (int i = 0; i < lines.size(); i++) {
            double[] b = starts.get(i);
            for (double[] x : lines.get(i)) {
                // Earlier finds may have split the cell since: only a disagreement inside one cell proves a threshold.
                if (answer(x) != answer(b) && cellOf(x).equals(cellOf(b))) {
                    locateThreshold(b, x);
                    break;
                }
            }
        }
        return true;
    }

    /**
     * Values to move column j to from {@code own}, inside coordinate v: the lowest, median and highest known value (the
     * schema's range ends when they reach further), or every other category of an unsplit categorical column.
     */
    private double[] probeValues(int j, int v, double own) {
        Column c = schema.feature(j);
        if (c.isCategorical()) {
            return byCategory[j] ? new double[0]
                    : IntStream.range(0, c.categories().size()).filter(k -> k != own).asDoubleStream().toArray();
        }
        int[] range = knownValuesIn(j, v);
        if (range[0] > range[1]) {
            return new double[0];
        }
        double[] s = sortedPool[j];
        double lower = v == 0 ? Double.NEGATIVE_INFINITY : cuts[j][v - 1];
        double upper = v == cuts[j].length ? Double.POSITIVE_INFINITY : cuts[j][v];
        double low = Double.isFinite(c.min()) && c.min() > lower && c.min() < s[range[0]] ? c.min() : s[range[0]];
        double high = Double.isFinite(c.max()) && c.max() <= upper && c.max() > s[range[1]] ? c.max() : s[range[1]];
        return DoubleStream.of(low, s[(range[0] + range[1]) >>> 1], high).filter(x -> x != own).distinct().toArray();
    }

    // ---- 3c: rows near the boundary ----

    /**
     * Queries the known rows that a forest trained on the answers is least sure about: rows near the decision boundary,
     * where a threshold not found yet is most likely to change the label. False when every known row has been asked.
     */
    private boolean askRowsLeastSureAbout() {
        List<double[]> open = new ArrayList<>();
        for (double[] r : pool) {
            if (!answers.containsKey(new Point(r))) {
                open.add(r);
            }
        }
        if (open.isEmpty()) {
            return false;
        }
        if (answers.values().stream().distinct().count() < 2) {
            // One answer so far: no boundary to be near yet, so any row is as telling as another.
            ask(open.subList(0, Math.min(batch(), open.size())));
            return true;
        }
        Schema withClasses = new Schema(schema.features(), schema.label() == null ? "label" : schema.label(),
                target.classes());
        double[][] x = new double[answers.size()][];
        int[] y = new int[answers.size()];
        int i = 0;
        for (Map.Entry<Point, Integer> e : answers.entrySet()) {
            x[i] = e.getKey().x();
            y[i++] = e.getValue();
        }
        LocalModel committee = Trainer.train(new Dataset(withClasses, x, y),
                TrainConfig.defaults(Algorithm.RF).withTrees(50).withSeed(rng.nextLong()), "path-finding", Progress.NONE);
        double[][] p = committee.predictProba(open.toArray(new double[0][]));
        double[] margin = new double[p.length];
        for (int r = 0; r < p.length; r++) {
            double[] sorted = p[r].clone();
            Arrays.sort(sorted);
            margin[r] = sorted[sorted.length - 1] - sorted[sorted.length - 2];
        }
        List<double[]> queries = IntStream.range(0, open.size()).boxed()
                .sorted(Comparator.comparingDouble(r -> margin[r])).limit(batch()).map(open::get).toList();
        ask(queries);
        return true;
    }

    // ---- distances ----

    /** L1 distance in quantiles of the known rows (a category change counts 1), so large amounts do not dominate. */
    private double distance(double[] a, double[] b) {
        double[] qa = quantiles(a);
        double[] qb = quantiles(b);
        double d = 0;
        for (int j = 0; j < qa.length; j++) {
            d += schema.feature(j).isCategorical() ? (qa[j] == qb[j] ? 0 : 1) : Math.abs(qa[j] - qb[j]);
        }
        return d;
    }

    private double[] quantiles(double[] x) {
        return quantiles.computeIfAbsent(new Point(x), p -> {
            double[] q = new double[x.length];
            for (int j = 0; j < x.length; j++) {
                double[] s = sortedPool[j];
                q[j] = schema.feature(j).isCategorical() ? x[j]
                        : (Sorted.lowerBound(s, x[j]) + Sorted.lowerBound(s, Math.nextUp(x[j]))) / 2.0 / s.length;
            }
            return q;
        });
    }

    /** A queried point, compared by value. */
    private record Point(double[] x) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Point p && Arrays.equals(x, p.x);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(x);
        }
    }

    /** A cell of the threshold grid, compared by its coordinates. */
    record Cell(int[] coordinates) {
        /** The same cell with coordinate j left out. */
        Cell without(int j) {
            int[] c = coordinates.clone();
            c[j] = Integer.MIN_VALUE;
            return new Cell(c);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Cell c && Arrays.equals(coordinates, c.coordinates);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(coordinates);
        }
    }

    /** Thrown when the next question would exceed the budget. */
    private static final class OutOfBudget extends RuntimeException {
        OutOfBudget() {
            super(null, null, false, false);
        }
    }
}
