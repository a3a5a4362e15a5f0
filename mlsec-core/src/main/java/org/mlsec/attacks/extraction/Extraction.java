package org.mlsec.attacks.extraction;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.mlsec.InputException;
import org.mlsec.Progress;
import org.mlsec.Result;
import org.mlsec.data.Column;
import org.mlsec.data.ColumnType;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.data.Values;
import org.mlsec.internal.Validate;
import org.mlsec.metrics.Evaluation;
import org.mlsec.model.Classifier;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Provenance;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;
import org.mlsec.model.linear.LogisticModel;
import org.mlsec.report.Threat;

/**
 * Model stealing through the prediction API (Tramèr et al. 2016). Every strategy only queries the target and
 * returns a surrogate mlsec model, so every other attack can then run on it white-box.
 * <ul>
 * <li>{@code learn}: queries drawn from the feature marginals of known data (or uniformly inside the schema's
 * ranges), half of them, optionally, near the surrogate's own decision boundary (active learning); a surrogate of a
 * chosen family is trained on the answers;</li>
 * <li>{@code equation}: for logistic regression with probability outputs, the logit is linear in the encoded
 * features, so as many queries as unknowns determine it exactly;</li>
 * <li>{@code sweep}: the talk's grid sweeps — some features varied over given values, the rest fixed;</li>
 * <li>{@code path}: label-only path-finding for decision trees and small forests ({@link PathFinding}): the split
 * thresholds that change the label are located by binary search, and the cells they draw are asked about.</li>
 * </ul>
 */
public final class Extraction {
    /**
     * The surrogate and the figures.
     *
     * @param surrogate the stolen model, an mlsec model every attack can open white-box
     * @param result the strategy's figures: queries spent and, when measured, fidelity and accuracy
     */
    public record Stolen(LocalModel surrogate, Result result) {
    }

    /** The extraction strategies; {@link #extract} runs any of them. */
    public enum Strategy {
        /** Trains a copy on the answers to queries drawn like the attacker's known rows (Tramèr et al. 2016). */
        LEARN("learn"),
        /** Like {@link #LEARN}, with half of the budget spent on rows near the copy's own decision boundary. */
        LEARN_ACTIVE("learn-active"),
        /** Queries a grid over some features, the others fixed. */
        SWEEP("sweep"),
        /** Finds a tree model's decision paths from labels alone; tree models only. */
        PATH("path"),
        /** Solves for a two-class logistic regression's weights from its probabilities. */
        EQUATION("equation");

        private final String key;

        Strategy(String key) {
            this.key = key;
        }

        /**
         * The name in tables and JSON, as {@code attack steal} reports it.
         *
         * @return the strategy's key, such as {@code learn-active}
         */
        public String key() {
            return key;
        }

        /**
         * This strategy with active learning when asked for: {@link #LEARN_ACTIVE} for {@link #LEARN}, itself
         * otherwise (the other strategies choose their own queries).
         *
         * @param active whether half of a learning budget goes to rows near the copy's decision boundary
         * @return the strategy to run
         */
        public Strategy active(boolean active) {
            return active && this == LEARN ? LEARN_ACTIVE : this;
        }

        /**
         * The strategy of a key.
         *
         * @param key a strategy's {@link #key()}
         * @return the strategy
         * @throws InputException naming every key if {@code key} is none of them
         */
        public static Strategy of(String key) {
            for (Strategy s : values()) {
                if (s.key.equals(key)) {
                    return s;
                }
            }
            throw InputException.about("unknown strategy '" + key + "' (expected "
                    + String.join(", ", java.util.Arrays.stream(values()).map(Strategy::key).toList()) + ")", "strategy");
        }
    }

    /**
     * What an extraction needs besides the target: the strategy and its settings. Settings a strategy does not use
     * are ignored ({@code vary} and {@code fix} are the sweep's; {@code surrogate} is the family trained by learning
     * and sweeping).
     *
     * @param strategy  the strategy
     * @param known     the attacker's rows (query marginals, cells, medians), or null
     * @param budget    queries allowed
     * @param surrogate the surrogate's family and hyperparameters (learn, sweep)
     * @param vary      sweep: feature name to the values it takes (see {@link #values})
     * @param fix       sweep: feature name to its fixed value
     * @param seed      of every random choice
     */
    public record Plan(Strategy strategy, Dataset known, int budget, TrainConfig surrogate,
                       Map<String, List<String>> vary, Map<String, String> fix, long seed) {
        /**
         * Validates the plan.
         *
         * @param strategy  the strategy
         * @param known     the attacker's rows, or null
         * @param budget    queries allowed, positive
         * @param surrogate the surrogate's family and hyperparameters
         * @param vary      sweep: the varied features (at least one for a sweep)
         * @param fix       sweep: the fixed features
         * @param seed      of every random choice
         * @throws InputException if the budget is not positive or a sweep varies nothing
         */
        public Plan {
            Validate.notNull(strategy, "strategy");
            Validate.positive(budget, "budget");
            Validate.notNull(surrogate, "surrogate");
            // Copies that keep the caller's order: the sweep's grid runs through the varied features in it.
            vary = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(vary == null ? Map.of() : vary));
            fix = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fix == null ? Map.of() : fix));
            Validate.isTrue(strategy != Strategy.SWEEP || !vary.isEmpty(),
                    "a sweep needs at least one varied feature", "vary");
        }

        /**
         * A plan for a strategy that needs no grid (any but {@link Strategy#SWEEP}, see {@link #sweep}): a
         * random-forest surrogate, nothing varied or fixed.
         *
         * @param strategy the strategy
         * @param known    the attacker's rows, or null
         * @param budget   queries allowed
         * @param seed     of every random choice
         * @return the plan
         */
        public static Plan of(Strategy strategy, Dataset known, int budget, long seed) {
            return new Plan(strategy, known, budget, TrainConfig.defaults(org.mlsec.model.Algorithm.RF).withSeed(seed),
                    Map.of(), Map.of(), seed);
        }

        /**
         * A plan for the grid sweep, with a random-forest surrogate.
         *
         * @param vary   feature name to the values it takes, in order (at least one feature)
         * @param fix    feature name to its fixed value; the others take {@code known}'s medians
         * @param known  the attacker's rows, or null
         * @param budget most rows asked
         * @param seed   of the surrogate
         * @return the plan
         */
        public static Plan sweep(Map<String, List<String>> vary, Map<String, String> fix, Dataset known, int budget,
                                 long seed) {
            return new Plan(Strategy.SWEEP, known, budget,
                    TrainConfig.defaults(org.mlsec.model.Algorithm.RF).withSeed(seed), vary, fix, seed);
        }

        /**
         * This plan with another surrogate family and hyperparameters.
         *
         * @param config the surrogate's configuration
         * @return the new plan
         */
        public Plan withSurrogate(TrainConfig config) {
            return new Plan(strategy, known, budget, config, vary, fix, seed);
        }

    }

    private Extraction() {
    }

    /**
     * Steals the target with the plan's strategy: the one verb for every extraction strategy.
     *
     * @param target   the model to steal, only queried (labels, or probabilities for equation solving)
     * @param plan     the strategy and its settings
     * @param progress told the queries spent (learning and path-finding)
     * @return the surrogate and the strategy's figures
     * @throws InputException if the strategy cannot run on this target or its answers teach nothing
     */
    public static Stolen extract(Classifier target, Plan plan, Progress progress) {
        switch (plan.strategy()) {
            case LEARN:
            case LEARN_ACTIVE:
                return learn(target, plan.known(), plan.budget(), plan.strategy() == Strategy.LEARN_ACTIVE,
                        plan.surrogate(), plan.seed(), progress);
            case SWEEP:
                return sweep(target, plan.vary(), plan.fix(), plan.known(), plan.budget(), plan.surrogate());
            case PATH:
                return path(target, plan.known(), plan.budget(), plan.seed(), progress);
            default:
                return equation(target, plan.budget(), plan.seed());
        }
    }

    /** Fidelity (agreement with the target on rows it never trained on) and, when labelled, the surrogate's accuracy. */
    static Result.Builder measure(String strategy, Classifier target, LocalModel surrogate, long queries, Dataset eval) {
        Result.Builder r = Result.of(Threat.MODEL_STEALING, strategy).metric("strategy", strategy).metric("queries", queries);
        if (eval != null) {
            String[] t = Evaluation.predictedNames(target, eval.x());
            String[] s = Evaluation.predictedNames(surrogate, eval.x());
            int same = 0;
            for (int i = 0; i < t.length; i++) {
                same += t[i].equals(s[i]) ? 1 : 0;
            }
            r.metric("fidelity", (double) same / t.length).metric("eval_rows", t.length);
            if (eval.labelled()) {
                r.metric("surrogate_accuracy", Evaluation.accuracy(s, eval));
                r.metric("target_accuracy", Evaluation.accuracy(t, eval));
            }
        }
        return r;
    }

    /**
     * Learning-based extraction with a query budget.
     *
     * @param target the model to steal, only queried
     * @param known rows whose feature marginals the queries are drawn from, or null to draw inside the schema's ranges
     * @param budget queries allowed, at least 10
     * @param active whether half of the budget goes to rows near the surrogate's own decision boundary
     * @param surrogateConfig the surrogate's family and hyperparameters
     * @param seed of the queries and the surrogate
     * @param progress told the queries spent
     * @return the surrogate and its figures (not yet measured on evaluation rows: see {@link #evaluate})
     */
    static Stolen learn(Classifier target, Dataset known, int budget, boolean active, TrainConfig surrogateConfig,
                               long seed, Progress progress) {
        Validate.isTrue(budget >= 10, "budget must be at least 10", "budget");
        Schema s = target.schema();
        if (known != null) {
            s.requireCompatible(known.schema(), "known");
        }
        SplittableRandom rng = new SplittableRandom(seed);
        long q0 = target.queries();
        int first = active ? budget / 2 : budget;
        List<double[]> xs = new ArrayList<>();
        for (int i = 0; i < first; i++) {
            xs.add(sample(s, known, rng));
        }
        List<Integer> ys = new ArrayList<>();
        label(target, xs, ys);
        // A surrogate needs both answers: keep sampling (within the budget) until the target has given two classes.
        while (ys.stream().distinct().count() < 2 && xs.size() < budget) {
            List<double[]> more = new ArrayList<>();
            for (int i = 0; i < Math.min(50, budget - xs.size()); i++) {
                more.add(sample(s, known, rng));
            }
            xs.addAll(more);
            label(target, more, ys);
        }
        if (ys.stream().distinct().count() < 2) {
            throw new InputException("all " + xs.size() + " answers were class " + target.classes().get(ys.get(0))
                    + ": give a larger budget");
        }
        progress.update("queries", xs.size(), budget);
        LocalModel surrogate = fit(s, target, xs, ys, surrogateConfig);
        if (active) {
            // Query the candidates the surrogate is least sure about: they sit near its decision boundary.
            int rounds = 4;
            for (int round = 0; round < rounds && xs.size() < budget; round++) {
                int want = (budget - xs.size()) / (rounds - round);
                if (want == 0) {
                    continue;
                }
                List<double[]> pool = new ArrayList<>();
                for (int i = 0; i < want * 20; i++) {
                    pool.add(sample(s, known, rng));
                }
                double[][] p = surrogate.predictProba(pool.toArray(new double[0][]));
                Integer[] idx = new Integer[pool.size()];
                for (int i = 0; i < idx.length; i++) {
                    idx[i] = i;
                }
                java.util.Arrays.sort(idx, (a, b) -> Double.compare(margin(p[a]), margin(p[b])));
                List<double[]> batch = new ArrayList<>();
                for (int i = 0; i < want; i++) {
                    batch.add(pool.get(idx[i]));
                }
                xs.addAll(batch);
                List<Integer> by = new ArrayList<>();
                label(target, batch, by);
                ys.addAll(by);
                surrogate = fit(s, target, xs, ys, surrogateConfig);
                progress.update("queries", xs.size(), budget);
            }
        }
        return new Stolen(surrogate, measure(active ? "learn-active" : "learn", target, surrogate, target.queries() - q0, null)
                .build());
    }

    private static double margin(double[] p) {
        double[] q = p.clone();
        java.util.Arrays.sort(q);
        return q[q.length - 1] - (q.length > 1 ? q[q.length - 2] : 0);
    }

    private static void label(Classifier target, List<double[]> xs, List<Integer> ys) {
        int[] p = target.predict(xs.toArray(new double[0][]));
        for (int v : p) {
            ys.add(v);
        }
    }

    private static LocalModel fit(Schema s, Classifier target, List<double[]> xs, List<Integer> ys, TrainConfig c) {
        Schema withClasses = new Schema(s.features(), s.label() == null ? "label" : s.label(), target.classes());
        int[] y = ys.stream().mapToInt(Integer::intValue).toArray();
        return Trainer.train(new Dataset(withClasses, xs.toArray(new double[0][]), y), c, "extraction", Progress.NONE);
    }

    /** A query: each feature drawn from its marginal in known data, or uniformly in its range. */
    static double[] sample(Schema s, Dataset known, SplittableRandom rng) {
        double[] x = new double[s.width()];
        for (int j = 0; j < s.width(); j++) {
            Column c = s.feature(j);
            if (known != null) {
                x[j] = known.row(rng.nextInt(known.rows()))[j];
            } else if (c.isCategorical()) {
                x[j] = rng.nextInt(c.categories().size());
            } else {
                double v = c.min() + rng.nextDouble() * (c.max() - c.min());
                x[j] = c.type() == ColumnType.INTEGER ? Math.rint(v) : v;
            }
        }
        return x;
    }

    /**
     * Equation solving for logistic regression with probability outputs: one unknown per encoded feature (a
     * categorical column's first category is the reference) plus the intercept; as many random queries as unknowns,
     * more only if they happen to be linearly dependent.
     *
     * @param target a logistic regression answering probabilities, only queried
     * @param seed of the query rows
     * @return the recovered logistic regression and the queries spent
     */
    static Stolen equation(Classifier target, long seed) {
        return equation(target, Integer.MAX_VALUE, seed);
    }

    /**
     * {@link #equation(Classifier, long)} within a query budget: it needs one query per unknown, and spends at most
     * {@code budget} however many retries linearly dependent queries would call for.
     *
     * @param target a logistic regression answering probabilities, only queried
     * @param budget queries allowed, positive
     * @param seed of the query rows
     * @return the recovered logistic regression and the queries spent
     * @throws InputException if the budget is below the number of unknowns, or the queries it allows never reach full
     *                        rank
     */
    static Stolen equation(Classifier target, int budget, long seed) {
        Validate.positive(budget, "budget");
        Validate.isTrue(target.hasProbabilities(), "equation solving needs probability outputs");
        Validate.isTrue(target.classes().size() == 2, "equation solving handles two classes");
        Schema s = target.schema();
        List<Integer> cols = new ArrayList<>();
        List<Integer> cats = new ArrayList<>();
        for (int j = 0; j < s.width(); j++) {
            Column c = s.feature(j);
            if (c.isCategorical()) {
                for (int k = 1; k < c.categories().size(); k++) {
                    cols.add(j);
                    cats.add(k);
                }
            } else {
                cols.add(j);
                cats.add(-1);
            }
        }
        int unknowns = cols.size() + 1;
        Validate.isTrue(unknowns <= budget, "equation solving needs at least " + unknowns + " queries (one per"
                + " unknown: " + cols.size() + " encoded features and the intercept); the budget is " + budget, "budget");
        SplittableRandom rng = new SplittableRandom(seed);
        long q0 = target.queries();
        List<double[]> design = new ArrayList<>();
        List<Double> logits = new ArrayList<>();
        double[] w = null;
        for (int attempt = 0; attempt < 5 && w == null && design.size() < budget; attempt++) {
            int need = Math.min(budget - design.size(), unknowns - design.size() + (attempt == 0 ? 0 : unknowns / 2));
            double[][] q = new double[need][];
            for (int i = 0; i < need; i++) {
                q[i] = sample(s, null, rng);
            }
            double[][] p = target.predictProba(q);
            for (int i = 0; i < need; i++) {
                double pi = Math.min(1 - 1e-15, Math.max(1e-15, p[i][1]));
                logits.add(Math.log(pi / (1 - pi)));
                design.add(row(q[i], cols, cats));
            }
            w = leastSquares(design, logits);
        }
        if (w == null) {
            throw new InputException("the " + design.size() + " queries" + (design.size() >= budget ? " the budget allows"
                    : "") + " never reached full rank: is the target really linear?");
        }
        LogisticModel surrogate = toModel(s, target, w, cols, cats);
        return new Stolen(surrogate, measure("equation", target, surrogate, target.queries() - q0, null).build());
    }

    private static double[] row(double[] x, List<Integer> cols, List<Integer> cats) {
        double[] r = new double[cols.size() + 1];
        r[0] = 1;
        for (int k = 0; k < cols.size(); k++) {
            r[k + 1] = cats.get(k) < 0 ? x[cols.get(k)] : (x[cols.get(k)] == cats.get(k) ? 1 : 0);
        }
        return r;
    }

    /** Solves the normal equations (QR would be gentler; the design is well conditioned after column scaling). */
    static double[] leastSquares(List<double[]> a, List<Double> b) {
        int n = a.get(0).length;
        if (a.size() < n) {
            return null;
        }
        double[] scale = new double[n];
        for (double[] r : a) {
            for (int j = 0; j < n; j++) {
                scale[j] = Math.max(scale[j], Math.abs(r[j]));
            }
        }
        for (int j = 0; j < n; j++) {
            scale[j] = scale[j] == 0 ? 1 : scale[j];
        }
        double[][] m = new double[n][n + 1];
        for (int i = 0; i < a.size(); i++) {
            double[] r = a.get(i);
            for (int p = 0; p < n; p++) {
                for (int q = 0; q < n; q++) {
                    m[p][q] += r[p] / scale[p] * r[q] / scale[q];
                }
                m[p][n] += r[p] / scale[p] * b.get(i);
            }
        }
        for (int c = 0; c < n; c++) {
            int piv = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(m[r][c]) > Math.abs(m[piv][c])) {
                    piv = r;
                }
            }
            if (Math.abs(m[piv][c]) < 1e-12) {
                return null;
            }
            double[] t = m[c];
            m[c] = m[piv];
            m[piv] = t;
            for (int r = 0; r < n; r++) {
                if (r != c) {
                    double f = m[r][c] / m[c][c];
                    for (int k = c; k <= n; k++) {
                        m[r][k] -= f * m[c][k];
                    }
                }
            }
        }
        double[] w = new double[n];
        for (int j = 0; j < n; j++) {
            w[j] = m[j][n] / m[j][j] / scale[j];
        }
        return w;
    }

    private static LogisticModel toModel(Schema s, Classifier target, double[] w, List<Integer> cols, List<Integer> cats) {
        Schema withClasses = new Schema(s.features(), s.label(), target.classes());
        org.mlsec.model.FeatureEncoder enc = new org.mlsec.model.FeatureEncoder(withClasses);
        double[] weights = new double[enc.width() + 1];
        weights[0] = w[0];
        int e = 0;
        int k = 0;
        for (int j = 0; j < s.width(); j++) {
            Column c = s.feature(j);
            if (c.isCategorical()) {
                e++; // the reference category keeps weight 0
                for (int q = 1; q < c.categories().size(); q++) {
                    weights[1 + e++] = w[1 + k++];
                }
            } else {
                weights[1 + e++] = w[1 + k++];
            }
        }
        double[] mean = new double[enc.width()];
        double[] scale = new double[enc.width()];
        java.util.Arrays.fill(scale, 1);
        Provenance p = Provenance.of("logistic_regression", Map.of("extracted_by", "equation"),
                new Dataset(withClasses, new double[0][], new int[0]), "extraction", Map.of());
        return new LogisticModel(withClasses, p, mean, scale, new double[][] {weights});
    }

    /**
     * The talk's grid sweep: every combination of the varied features' values (up to the budget), the other features
     * fixed (given, or the known data's medians); a surrogate is trained on the answers.
     *
     * @param target the model to steal, only queried
     * @param vary feature name to the values it takes (see {@link #values})
     * @param fix feature name to its fixed value; features in neither map take {@code known}'s medians
     * @param known rows for the medians of unnamed features
     * @param budget most rows asked; the grid is cut there
     * @param surrogateConfig the surrogate's family and hyperparameters
     * @return the surrogate and its figures
     */
    static Stolen sweep(Classifier target, Map<String, List<String>> vary, Map<String, String> fix, Dataset known,
                               int budget, TrainConfig surrogateConfig) {
        Schema s = target.schema();
        if (known != null) {
            s.requireCompatible(known.schema(), "known");
        }
        double[] base = new double[s.width()];
        for (int j = 0; j < s.width(); j++) {
            Column c = s.feature(j);
            if (known != null) {
                double[] col = new double[known.rows()];
                for (int i = 0; i < col.length; i++) {
                    col[i] = known.row(i)[j];
                }
                java.util.Arrays.sort(col);
                base[j] = col[col.length / 2];
            } else {
                base[j] = c.isCategorical() ? 0 : Math.rint((c.min() + c.max()) / 2);
            }
        }
        for (Map.Entry<String, String> f : fix.entrySet()) {
            int j = s.require(f.getKey());
            base[j] = s.feature(j).parse(f.getValue());
        }
        List<int[]> dims = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        for (Map.Entry<String, List<String>> v : vary.entrySet()) {
            int j = s.require(v.getKey());
            double[] vals = v.getValue().stream().mapToDouble(t -> s.feature(j).parse(t)).toArray();
            dims.add(new int[] {j});
            values.add(vals);
        }
        List<double[]> xs = new ArrayList<>();
        grid(base, dims, values, 0, xs, budget);
        long q0 = target.queries();
        List<Integer> ys = new ArrayList<>();
        label(target, xs, ys);
        LocalModel surrogate = fit(s, target, xs, ys, surrogateConfig);
        return new Stolen(surrogate, measure("sweep", target, surrogate, target.queries() - q0, null).build());
    }

    /**
     * A sweep grid like the talk's: the first two of {@code ranked} features varied, a categorical one over its
     * categories, a numeric one over {@code steps + 1} evenly spaced values from the known data's lowest to its highest
     * (rounded for integer columns, repeats dropped).
     *
     * @param s the target's schema
     * @param known rows whose range the numeric values span
     * @param ranked features, most important first
     * @param steps values per numeric feature, positive
     * @return feature name to its values, for a sweep plan's {@code vary} ({@link Plan#sweep})
     */
    public static Map<String, List<String>> sweepGrid(Schema s, Dataset known, List<String> ranked, int steps) {
        Validate.positive(steps, "steps");
        Map<String, List<String>> vary = new java.util.LinkedHashMap<>();
        for (String name : ranked) {
            int j = s.indexOf(name);
            Column c = s.feature(j);
            List<String> values = new ArrayList<>();
            if (c.isCategorical()) {
                values.addAll(c.categories());
            } else {
                double lo = Double.POSITIVE_INFINITY;
                double hi = Double.NEGATIVE_INFINITY;
                for (double[] r : known.x()) {
                    lo = Math.min(lo, r[j]);
                    hi = Math.max(hi, r[j]);
                }
                for (int k = 0; k <= steps; k++) {
                    double v = lo + k * (hi - lo) / steps;
                    values.add(Values.format(c.type() == ColumnType.INTEGER ? Math.rint(v) : v));
                }
            }
            vary.put(name, values.stream().distinct().toList());
            if (vary.size() == 2) {
                break;
            }
        }
        return vary;
    }

    private static void grid(double[] x, List<int[]> dims, List<double[]> values, int d, List<double[]> out, int budget) {
        if (out.size() >= budget) {
            return;
        }
        if (d == dims.size()) {
            out.add(x.clone());
            return;
        }
        for (double v : values.get(d)) {
            x[dims.get(d)[0]] = v;
            grid(x, dims, values, d + 1, out, budget);
        }
    }

    /**
     * "1..100" (integers), "1,2" or a single value.
     *
     * @param spec the values as the CLI takes them
     * @return the values as text; a range gives at most about 200, evenly stepped
     */
    public static List<String> values(String spec) {
        List<String> out = new ArrayList<>();
        int dots = spec.indexOf("..");
        if (dots > 0) {
            double a = Values.parse(spec.substring(0, dots));
            double b = Values.parse(spec.substring(dots + 2));
            Validate.isTrue(!Double.isNaN(a) && !Double.isNaN(b) && b >= a && b - a <= 1_000_000, "bad range " + spec);
            double step = Math.max(1, Math.ceil((b - a) / 200));
            for (double v = a; v <= b; v += step) {
                out.add(Values.format(v));
            }
            return out;
        }
        for (String p : spec.split(",")) {
            out.add(p.trim());
        }
        return out;
    }

    /**
     * Label-only path-finding (boundary search) for decision trees and small forests, within {@code budget} queries;
     * see {@link PathFinding}.
     *
     * @param target a decision tree or small forest, only asked for labels
     * @param known rows whose cells are asked about, or null
     * @param budget label queries allowed
     * @param seed of the query rows
     * @param progress told the queries spent
     * @return the surrogate tree and its figures
     */
    static Stolen path(Classifier target, Dataset known, int budget, long seed, Progress progress) {
        if (known != null) {
            target.schema().requireCompatible(known.schema(), "known");
        }
        return PathFinding.steal(target, known, budget, seed, progress);
    }

    /**
     * Measures a stolen surrogate on evaluation rows; the strategy's own figures are kept.
     *
     * @param s what a strategy stole
     * @param target the model it was stolen from
     * @param eval rows neither trained on; their labels, when present, give the accuracies
     * @return the strategy's figures with fidelity (and accuracies) added
     */
    public static Result evaluate(Stolen s, Classifier target, Dataset eval) {
        target.schema().requireCompatible(eval.schema(), "eval");
        long q = (long) s.result().metric("queries");
        Result fresh = measure(s.result().technique(), target, s.surrogate(), q, eval).build();
        Map<String, Object> metrics = new java.util.LinkedHashMap<>(fresh.metrics());
        s.result().metrics().forEach(metrics::putIfAbsent);
        return new Result(fresh.threat(), fresh.technique(), fresh.finding(), metrics, fresh.details());
    }
}
