package org.mlsec.attacks.evasion;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.mlsec.InputException;
import org.mlsec.Progress;
import org.mlsec.Result;
import org.mlsec.data.Dataset;
import org.mlsec.internal.Parallel;
import org.mlsec.internal.Validate;
import org.mlsec.model.Classifier;
import org.mlsec.model.linear.LogisticModel;
import org.mlsec.model.remote.HttpClassifier;
import org.mlsec.report.Threat;

/**
 * The evasion facade: for rows the model answers with one class, the cheapest feasible change it answers with
 * another. {@link #evade} attacks a sample of rows and measures success, cost and queries; {@link #counterfactual}
 * is the same search for one applicant ("what would have to change").
 */
public final class Evasion {
    private Evasion() {
    }

    /** How the change is searched for. */
    public enum Method {
        /** tree for tree ensembles, gradient for logistic regression, hsj for anything else. */
        AUTO,
        /** White-box leaf search: exact for single trees and small ensembles, coordinate search for large ones. */
        TREE,
        /** White-box projected gradient (logistic regression). */
        GRADIENT,
        /** HopSkipJump, labels only. */
        HSJ,
        /** The boundary attack, labels only. */
        BOUNDARY;

        /**
         * Reads a method as the CLI spells it.
         *
         * @param s the method's name, in any case
         * @return the method
         * @throws InputException when {@code s} names no method
         */
        public static Method parse(String s) {
            try {
                return valueOf(s.toUpperCase(java.util.Locale.ROOT));
            } catch (RuntimeException e) {
                throw new InputException("unknown evasion method '" + s + "' (expected auto, tree, gradient, hsj or boundary)");
            }
        }

        /**
         * The method as the CLI spells it.
         *
         * @return the name in lower case
         */
        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * @param method       search method
     * @param from         attack rows the model answers with this class (-1: any class but the target)
     * @param to           the class to reach
     * @param rows         most rows to attack (a seeded random sample of the eligible ones)
     * @param queryBudget  most model queries per row for the black-box methods
     * @param effort       search effort multiplier for the tree heuristic (10 = the 10x-longer search)
     * @param verifyRows   rows (the first ones) that also get a verified lower bound (tree ensembles)
     * @param exactBudget  tree nodes the exact leaf search may visit per row before it gives up certifying
     * @param seed         random seed
     * @param threads      rows attacked in parallel (0: all cores)
     */
    public record Config(Method method, int from, int to, int rows, int queryBudget, int effort, int verifyRows,
                         long exactBudget, long seed, int threads) {
        /**
         * Checks that rows, query budget, effort and exact budget are positive and verified rows not negative.
         *
         * @param method search method
         * @param from attack rows the model answers with this class (-1: any class but the target)
         * @param to the class to reach
         * @param rows most rows to attack (a seeded random sample of the eligible ones)
         * @param queryBudget most model queries per row for the black-box methods
         * @param effort search effort multiplier for the tree heuristic (10 = the 10x-longer search)
         * @param verifyRows rows (the first ones) that also get a verified lower bound (tree ensembles)
         * @param exactBudget tree nodes the exact leaf search may visit per row before it gives up certifying
         * @param seed random seed
         * @param threads rows attacked in parallel (0: all cores)
         */
        public Config {
            Validate.positive(rows, "rows");
            Validate.positive(queryBudget, "queryBudget");
            Validate.positive(effort, "effort");
            Validate.atLeast(verifyRows, 0, "verify");
            Validate.isTrue(exactBudget > 0, "the exact search budget must be positive");
        }

        /**
         * The defaults: AUTO, from any class, 100 rows, 1000 queries per row, effort 1, no verification, 2,000,000
         * exact-search nodes, seed 42, all cores.
         *
         * @param to the class to reach
         * @return the configuration
         */
        public static Config defaults(int to) {
            return new Config(Method.AUTO, -1, to, 100, 1000, 1, 0, 2_000_000, 42, 0);
        }

        /**
         * This configuration with another method.
         *
         * @param m the method
         * @return the new configuration
         */
        public Config withMethod(Method m) {
            return new Config(m, from, to, rows, queryBudget, effort, verifyRows, exactBudget, seed, threads);
        }

        /**
         * This configuration attacking other rows.
         *
         * @param f the class the attacked rows are answered with, or -1 for any but the target
         * @return the new configuration
         */
        public Config withFrom(int f) {
            return new Config(method, f, to, rows, queryBudget, effort, verifyRows, exactBudget, seed, threads);
        }

        /**
         * This configuration attacking another number of rows.
         *
         * @param n most rows to attack, positive
         * @return the new configuration
         */
        public Config withRows(int n) {
            return new Config(method, from, to, n, queryBudget, effort, verifyRows, exactBudget, seed, threads);
        }

        /**
         * This configuration with another query budget.
         *
         * @param q most queries per row, positive
         * @return the new configuration
         */
        public Config withQueryBudget(int q) {
            return new Config(method, from, to, rows, q, effort, verifyRows, exactBudget, seed, threads);
        }

        /**
         * This configuration with another search effort.
         *
         * @param e the multiplier, positive
         * @return the new configuration
         */
        public Config withEffort(int e) {
            return new Config(method, from, to, rows, queryBudget, e, verifyRows, exactBudget, seed, threads);
        }

        /**
         * This configuration verifying another number of rows.
         *
         * @param v rows that get a verified lower bound, not negative
         * @return the new configuration
         */
        public Config withVerify(int v) {
            return new Config(method, from, to, rows, queryBudget, effort, v, exactBudget, seed, threads);
        }

        /**
         * This configuration with another exact-search budget.
         *
         * @param b tree nodes per row, positive
         * @return the new configuration
         */
        public Config withExactBudget(long b) {
            return new Config(method, from, to, rows, queryBudget, effort, verifyRows, b, seed, threads);
        }

        /**
         * This configuration with another seed.
         *
         * @param s the seed
         * @return the new configuration
         */
        public Config withSeed(long s) {
            return new Config(method, from, to, rows, queryBudget, effort, verifyRows, exactBudget, s, threads);
        }

        /**
         * This configuration with another thread count.
         *
         * @param t rows attacked in parallel (0: all cores)
         * @return the new configuration
         */
        public Config withThreads(int t) {
            return new Config(method, from, to, rows, queryBudget, effort, verifyRows, exactBudget, seed, t);
        }
    }

    /**
     * One attacked row.
     *
     * @param row         index in the data
     * @param success     a feasible change was found and the model confirmed it
     * @param cost        its cost (NaN without success)
     * @param queries     model queries spent on this row (black-box searches; 1 confirmation for white-box ones)
     * @param exact       the change is certified to be the cheapest (complete leaf search)
     * @param lowerBound  verified: no feasible change with an L-infinity cost below this exists (NaN: not verified)
     * @param original    the row
     * @param adversarial the changed row (null without success)
     * @param changes     "FEATURE: before → after"
     * @param refused     why the model stopped answering (a guarded API blocked the attacker), or null
     */
    public record Example(int row, boolean success, double cost, long queries, boolean exact, double lowerBound,
                          double[] original, double[] adversarial, List<String> changes, String refused) {
        /**
         * The changed features as the JSON reports write them: feature, before, after (in that order).
         *
         * @param schema the model's schema, to write the values
         * @return one record per changed feature, empty without success
         */
        public List<Map<String, String>> changeRecords(org.mlsec.data.Schema schema) {
            List<Map<String, String>> out = new ArrayList<>();
            for (int j = 0; success && j < original.length; j++) {
                if (original[j] != adversarial[j]) {
                    var col = schema.feature(j);
                    Map<String, String> m = new LinkedHashMap<>();
                    m.put("feature", col.name());
                    m.put("before", col.format(original[j]));
                    m.put("after", col.format(adversarial[j]));
                    out.add(m);
                }
            }
            return out;
        }

        /**
         * The row as the JSON reports write it: row, success, cost, queries, exact, then refused, lower_bound and
         * certified_radius when known, and the changes.
         *
         * @param schema the model's schema, to write the values
         * @return the row's JSON object
         */
        public Map<String, Object> toJson(org.mlsec.data.Schema schema) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("row", row);
            m.put("success", success);
            m.put("cost", cost);
            m.put("queries", queries);
            m.put("exact", exact);
            if (refused != null) {
                m.put("refused", refused);
            }
            if (!Double.isNaN(lowerBound)) {
                m.put("lower_bound", lowerBound);
            }
            double radius = Certificates.radius(this);
            if (!Double.isNaN(radius)) {
                m.put("certified_radius", radius);
            }
            m.put("changes", changeRecords(schema));
            return m;
        }
    }

    /**
     * The aggregate result and every attacked row.
     *
     * @param result   the aggregate figures
     * @param examples every attacked row, in data order
     * @param schema   the schema of the attacked rows, to write them
     */
    public record Outcome(Result result, List<Example> examples, org.mlsec.data.Schema schema) {
        /**
         * Validates the outcome.
         *
         * @param result   the aggregate figures
         * @param examples every attacked row
         * @param schema   the schema of the rows
         */
        public Outcome {
            Validate.notNull(result, "result");
            examples = List.copyOf(examples);
            Validate.notNull(schema, "schema");
        }

        /**
         * What {@code mlsec attack evade --json} writes: the result's figures and every attacked row under
         * {@code examples}.
         *
         * @return the result's JSON with the rows added
         */
        public Map<String, Object> toJson() {
            Map<String, Object> m = result.toJson();
            m.put("examples", examples.stream().map(e -> e.toJson(schema)).toList());
            return m;
        }

        /**
         * The successful changed rows, with the original rows' labels (for adversarial training or validation).
         *
         * @param data the attacked data
         * @return the changed rows in {@code data}'s schema
         */
        public Dataset adversarialRows(Dataset data) {
            List<double[]> xs = new ArrayList<>();
            List<Integer> ys = new ArrayList<>();
            for (Example e : examples) {
                if (e.success()) {
                    xs.add(e.adversarial());
                    ys.add(data.labelled() ? data.y()[e.row()] : 0);
                }
            }
            return new Dataset(data.schema(), xs.toArray(new double[0][]),
                    data.labelled() ? ys.stream().mapToInt(Integer::intValue).toArray() : null);
        }
    }

    /**
     * Attacks up to {@code c.rows()} rows of the data that the model does not answer with the target class.
     *
     * @param model the target
     * @param data the rows, read in the model's schema
     * @param feas what may change and what a change costs
     * @param c the attack's settings
     * @param progress told the rows attacked
     * @return the aggregate result and every attacked row
     */
    public static Outcome evade(Classifier model, Dataset data, Feasibility feas, Config c, Progress progress) {
        model.schema().requireCompatible(data.schema(), "data");
        checkClasses(model, c);
        Method method = resolve(model, c.method());
        // Rows that are not valid inputs themselves (a server would refuse them) are no starting points.
        final Dataset d = data;
        List<Integer> valid = java.util.stream.IntStream.range(0, data.rows()).filter(i -> feas.valid(d.row(i))).boxed().toList();
        int invalid = data.rows() - valid.size();
        int[] asked = valid.stream().mapToInt(Integer::intValue).toArray();
        int limit = 2000 + 10 * c.rows();
        if (!(model instanceof org.mlsec.model.LocalModel) && asked.length > limit) {
            // Every row costs a query of a remote model: a seeded sample is enough to find rows to attack.
            asked = sample(valid, limit, c.seed());
        }
        long before = model.queries();
        int[] predicted = model.predict(data.subset(asked).x());
        long selectionQueries = model.queries() - before;
        List<Integer> eligible = new ArrayList<>();
        List<double[]> pool = new ArrayList<>();
        for (int k = 0; k < asked.length; k++) {
            if (predicted[k] == c.to()) {
                pool.add(data.row(asked[k]));
            } else if (c.from() < 0 || predicted[k] == c.from()) {
                eligible.add(asked[k]);
            }
        }
        if (eligible.isEmpty()) {
            throw new InputException("the model answers no row of the data with "
                    + (c.from() < 0 ? "a class other than " + model.classes().get(c.to()) : model.classes().get(c.from()))
                    + ": nothing to attack");
        }
        int[] rows = sample(eligible, c.rows(), c.seed());
        List<double[]> seeds = pool.size() > 2000 ? subsample(pool, 2000, c.seed()) : pool;
        Searcher searcher = new Searcher(model, feas, method, c, seeds);
        AtomicInteger done = new AtomicInteger();
        int threads = model instanceof HttpClassifier ? 1 : c.threads();
        List<Example> examples = Parallel.map(rows.length, threads, k -> {
            Example e = searcher.attack(rows[k], data.row(rows[k]), k < c.verifyRows(), new SplittableRandom(c.seed() + 31L * rows[k]));
            progress.update("evasion (" + method.key() + ")", done.incrementAndGet(), rows.length);
            return e;
        });
        return new Outcome(summarise(model, feas, method, c, examples, selectionQueries, invalid), examples,
                feas.schema());
    }

    /**
     * The cheapest feasible change of one row that the model answers with the target class.
     *
     * @param model the target
     * @param row the row, in the model's schema
     * @param feas what may change and what a change costs
     * @param c the search settings; {@code verifyRows > 0} verifies the result
     * @param seeds rows the model already answers with the target class, to start from (may be empty)
     * @return the search's result for the row
     */
    public static Example counterfactual(Classifier model, double[] row, Feasibility feas, Config c, List<double[]> seeds) {
        checkClasses(model, c);
        Method method = resolve(model, c.method());
        return new Searcher(model, feas, method, c, seeds).attack(0, row, c.verifyRows() > 0, new SplittableRandom(c.seed()));
    }

    private static void checkClasses(Classifier model, Config c) {
        int k = model.classes().size();
        Validate.isTrue(c.to() >= 0 && c.to() < k, "to must name one of the model's classes " + model.classes(), "to");
        Validate.isTrue(c.from() < k, "from must name one of the model's classes " + model.classes(), "from");
        Validate.isTrue(c.from() != c.to(), "from and to name the same class", "from", "to");
    }

    static Method resolve(Classifier model, Method m) {
        if (m != Method.AUTO) {
            if (m == Method.TREE && !TreeEnsemble.readable(model)) {
                throw InputException.about("method tree needs a tree model whose structure can be read (an mlsec"
                        + " rf, tree or gbt, or an imported tree ensemble); use hsj or boundary for a black-box model", "method");
            }
            return m;
        }
        if (TreeEnsemble.readable(model)) {
            return Method.TREE;
        }
        if (model.classes().size() == 2 && model instanceof LogisticModel) {
            return Method.GRADIENT;
        }
        return Method.HSJ;
    }

    /** Node budget of one exact ball search in the verified lower bound. */
    private static final long BALL_NODES = 2_000_000;

    /** Runs one method on one row; shared by every attacked row (the ensemble views are built once). */
    private static final class Searcher {
        final Classifier model;
        final Feasibility feas;
        final Method method;
        final Config c;
        final List<double[]> seeds;
        /** The ensemble views, one per rival class (one in all for two classes), built on first use. */
        final java.util.concurrent.ConcurrentHashMap<Integer, View> views = new java.util.concurrent.ConcurrentHashMap<>();
        final GradientSearch gradient;

        Searcher(Classifier model, Feasibility feas, Method method, Config c, List<double[]> seeds) {
            Validate.isTrue(model.schema().width() == feas.width(), "the constraints do not match the model's features");
            this.model = model;
            this.feas = feas;
            this.method = method;
            this.c = c;
            this.seeds = seeds;
            this.gradient = method == Method.GRADIENT ? new GradientSearch(model, feas) : null;
        }

        /**
         * The view of the ensemble that decides this row: for two classes the one ensemble; for more, the target
         * against the class the model now answers (the rival the change must beat first).
         */
        View view(double[] x) {
            int rival = model.classes().size() == 2 ? -1 : model.predict(new double[][] {x})[0];
            return view(rival);
        }

        View view(int rival) {
            return views.computeIfAbsent(rival, r -> new View(r < 0 ? TreeEnsemble.of(model)
                    : TreeEnsemble.of(model, c.to(), r), feas, c.to(), r));
        }

        Example attack(int index, double[] x, boolean verify, SplittableRandom rng) {
            double[] found = null;
            double cost = Double.NaN;
            long queries = 0;
            boolean exact = false;
            String refused = null;
            switch (method) {
                case TREE: {
                    View w = view(x);
                    LeafSearch.Found f = treeSearch(w, x, rng);
                    if (f.point() == null && w.ensemble.multiTarget >= 0) {
                        // Beating the first rival was not enough: another class won. Try each other rival.
                        for (int r = 0; r < model.classes().size() && f.point() == null; r++) {
                            if (r != c.to() && r != w.rival) {
                                View o = view(r);
                                LeafSearch.Found g = treeSearch(o, x, rng);
                                if (g.point() != null) {
                                    f = new LeafSearch.Found(g.point(), g.cost(), false, g.nodes());
                                    w = o;
                                }
                            }
                        }
                    }
                    View used = w;
                    found = tidy(x, f.point(), v -> used.ensemble.reached(v, used.ensemble.margin(v), used.target));
                    cost = f.cost();
                    exact = f.complete();
                    break;
                }
                case GRADIENT: {
                    LeafSearch.Found f = gradient.search(x, c.to());
                    found = tidy(x, f.point(), v -> TreeEnsemble.reaches(gradient.margin(v), c.to()));
                    cost = f.cost();
                    break;
                }
                default: {
                    DecisionSearch d = new DecisionSearch(model, feas, seeds, c.queryBudget());
                    DecisionSearch.Outcome o = method == Method.HSJ ? d.hopSkipJump(x, c.to(), rng) : d.boundary(x, c.to(), rng);
                    found = o.point();
                    cost = o.cost();
                    queries = o.queries();
                    refused = o.refused();
                }
            }
            if (found != null) {
                cost = feas.cost(x, found);
            }
            boolean success = found != null && feas.feasible(x, found) && confirmed(found, refused);
            if (method == Method.TREE || method == Method.GRADIENT) {
                queries = 1;
            }
            double bound = Double.NaN;
            if (verify && method == Method.TREE) {
                bound = lowerBound(view(x), x, success ? cost : Double.NaN);
            }
            return new Example(index, success, success ? cost : Double.NaN, queries, success && exact, bound, x.clone(),
                    success ? found : null, success ? feas.changes(x, found) : List.of(), refused);
        }

        /**
         * The model's own answer for the change. A black-box search only keeps inputs the model already answered
         * with the target, so when the API has since blocked the attacker that answer stands.
         */
        boolean confirmed(double[] found, String refused) {
            if (refused != null) {
                return true;
            }
            try {
                return model.predict(new double[][] {found})[0] == c.to();
            } catch (org.mlsec.MlsecException e) {
                return method == Method.HSJ || method == Method.BOUNDARY;
            }
        }

        /**
         * Puts back every changed feature the target class does not need (an L-infinity optimum may carry changes
         * that cost nothing extra but that nobody would make); the cost never grows.
         */
        double[] tidy(double[] x, double[] found, java.util.function.Predicate<double[]> reaches) {
            if (found == null) {
                return null;
            }
            double[] v = found.clone();
            double cost = feas.cost(x, v);
            for (int j = 0; j < v.length; j++) {
                if (v[j] == x[j]) {
                    continue;
                }
                double now = v[j];
                v[j] = x[j];
                if (!reaches.test(v) || !feas.satisfiesRules(v)
                        || feas.cost(x, v) > cost) {
                    v[j] = now;
                }
            }
            return v;
        }

        /** The exact leaf search where the ensemble is small enough, the coordinate search otherwise or after it. */
        LeafSearch.Found treeSearch(View w, double[] x, SplittableRandom rng) {
            LeafSearch.Found f;
            if (w.small) {
                f = w.leaves.cheapest(x, w.target, c.exactBudget(), Double.POSITIVE_INFINITY);
                if (!f.complete()) {
                    LeafSearch.Found h = heuristic(w, x, rng);
                    f = h.point() != null && h.cost() < f.cost() ? h : f;
                }
            } else {
                f = heuristic(w, x, rng);
            }
            return f;
        }

        LeafSearch.Found heuristic(View w, double[] x, SplittableRandom rng) {
            CoordinateSearch.Effort effort = CoordinateSearch.Effort.DEFAULT.times(c.effort());
            return new CoordinateSearch(w.ensemble, w.balls, feas, effort, seeds).search(x, w.target, rng);
        }

        /**
         * The largest L-infinity radius within which no feasible change reaches the target (bisection). With more
         * than two classes it is the radius within which nothing beats the row's current class, which every change
         * to the target must do: a valid lower bound.
         */
        double lowerBound(View w, double[] x, double upper) {
            double hi = Double.isNaN(upper) ? maxRadius(x) : upper;
            if (!certified(w, x, 0)) {
                return 0;
            }
            if (certified(w, x, hi)) {
                return hi;
            }
            double lo = 0;
            for (int s = 0; s < 24 && hi - lo > 1e-4 * hi; s++) {
                double r = (lo + hi) / 2;
                if (certified(w, x, r)) {
                    lo = r;
                } else {
                    hi = r;
                }
            }
            return lo;
        }

        /**
         * Whether no feasible change within the radius reaches the target: the exact ball search decides it when its
         * budget allows, otherwise Chen et al.'s bound (trees maximised exactly in groups of three, maxima added).
         */
        boolean certified(View w, double[] x, double r) {
            LeafSearch.Found f = w.balls.within(x, w.target, r, BALL_NODES);
            if (f.complete()) {
                return f.point() == null;
            }
            return w.leaves.certified(x, w.target, r, 3, 20_000);
        }

        double maxRadius(double[] x) {
            Box full = new Box(feas, x, Double.POSITIVE_INFINITY);
            double r = 0;
            for (int j = 0; j < x.length; j++) {
                if (feas.categorical(j)) {
                    r = Math.max(r, feas.unitCost(j));
                } else {
                    r = Math.max(r, Math.max(feas.partCost(j, x[j], full.lo[j]), feas.partCost(j, x[j], full.hi[j])));
                }
            }
            return r;
        }
    }

    /** One ensemble view with its searches: the target as the searches see it, and the rival it is against. */
    private static final class View {
        final TreeEnsemble ensemble;
        final LeafSearch leaves;
        final BallSearch balls;
        final boolean small;
        final int target;
        final int rival;

        View(TreeEnsemble ensemble, Feasibility feas, int to, int rival) {
            this.ensemble = ensemble;
            this.leaves = new LeafSearch(ensemble, feas);
            this.balls = new BallSearch(ensemble, feas);
            this.small = leafCombinations(ensemble) <= 1e8;
            this.target = ensemble.searchTarget(to);
            this.rival = rival;
        }
    }

    private static double leafCombinations(TreeEnsemble e) {
        double n = 1;
        for (var t : e.trees) {
            n *= t.leaves();
        }
        return n;
    }

    private static Result summarise(Classifier model, Feasibility feas, Method method, Config c, List<Example> examples,
                                    long selectionQueries, int invalidRows) {
        int ok = 0;
        int exact = 0;
        int refused = 0;
        List<Double> costs = new ArrayList<>();
        List<Double> queries = new ArrayList<>();
        List<Double> bounds = new ArrayList<>();
        for (Example e : examples) {
            queries.add((double) e.queries());
            if (e.success()) {
                ok++;
                costs.add(e.cost());
            }
            if (e.exact()) {
                exact++;
            }
            if (e.refused() != null) {
                refused++;
            }
            if (!Double.isNaN(e.lowerBound())) {
                bounds.add(e.lowerBound());
            }
        }
        double rate = (double) ok / examples.size();
        Result.Builder r = Result.of(Threat.EVASION, "evade:" + method.key())
                .finding(rate > 0)
                .metric("method", method.key())
                .metric("norm", feas.norm().key())
                .metric("from", c.from() < 0 ? "any" : model.classes().get(c.from()))
                .metric("to", model.classes().get(c.to()))
                .metric("rows", examples.size())
                .metric("success_rate", rate)
                .metric("median_cost", quantile(costs, 0.5))
                .metric("p90_cost", quantile(costs, 0.9))
                .metric("empirical_robustness", costs.isEmpty() ? Double.NaN : costs.stream().mapToDouble(d -> d).average().orElse(Double.NaN))
                .metric("median_queries", quantile(queries, 0.5))
                .metric("selection_queries", selectionQueries)
                .metric("exact_rows", exact)
                .metric("refused_rows", refused);
        if (!bounds.isEmpty()) {
            r.metric("verified_rows", bounds.size())
                    .metric("median_lower_bound", quantile(bounds, 0.5))
                    .metric("rows_with_positive_bound", bounds.stream().filter(b -> b > 0).count());
        }
        Certificates.summary(examples).forEach(r::metric);
        r.metric("invalid_rows_skipped", invalidRows);
        r.detail(String.format("%d of %d rows changed to %s (%.1f%%), median %s cost %.4g", ok, examples.size(),
                model.classes().get(c.to()), 100 * rate, feas.norm().key(), quantile(costs, 0.5)));
        return r.build();
    }

    static double quantile(List<Double> values, double q) {
        return org.mlsec.metrics.Metrics.quantile(values.stream().mapToDouble(Double::doubleValue).toArray(), q);
    }

    private static int[] sample(List<Integer> eligible, int n, long seed) {
        int[] all = eligible.stream().mapToInt(Integer::intValue).toArray();
        if (all.length <= n) {
            return all;
        }
        org.mlsec.data.Split.shuffle(all, new SplittableRandom(seed));
        int[] out = Arrays.copyOf(all, n);
        Arrays.sort(out);
        return out;
    }

    private static List<double[]> subsample(List<double[]> rows, int n, long seed) {
        List<double[]> copy = new ArrayList<>(rows);
        java.util.Collections.shuffle(copy, new java.util.Random(seed));
        return copy.subList(0, n);
    }
}
