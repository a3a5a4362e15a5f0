package org.mlsec.model.formats.sklearn;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.mlsec.InputException;
import org.mlsec.data.Column;
import org.mlsec.data.Schema;
import org.mlsec.data.Values;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Provenance;
import org.mlsec.model.formats.NotWhiteBoxException;
import org.mlsec.model.linear.LogisticModel;
import org.mlsec.model.tree.BoostedModel;
import org.mlsec.model.tree.ForestModel;
import org.mlsec.model.tree.Tree;

/**
 * Maps the inert object graph of a scikit-learn estimator onto mlsec's white-box models, attribute by attribute as
 * scikit-learn stores them ({@code __getstate__} is the estimator's {@code __dict__} plus {@code _sklearn_version}):
 * <ul>
 *   <li>{@code RandomForestClassifier}, {@code ExtraTreesClassifier} ({@code estimators_}, {@code classes_}) and
 *       {@code DecisionTreeClassifier} into a {@link ForestModel};</li>
 *   <li>{@code GradientBoostingClassifier} into a {@link BoostedModel}: raw score = init + learning_rate x sum of
 *       the regression trees' leaf values ({@code _raw_predict}: {@code _raw_predict_init} then
 *       {@code predict_stages}); the init is {@code 'zero'} or a {@code DummyClassifier} whose class prior, clipped to
 *       [eps, 1 - eps] with eps float32's, gives log(p / (1 - p)) for two classes and log(p_k) for more
 *       (softmax is unchanged by the constant newer versions subtract); log-loss only;</li>
 *   <li>{@code LogisticRegression} into a {@link LogisticModel}: two classes; more classes when scikit-learn
 *       predicts one-vs-rest (normalised sigmoids, {@code multi_class='ovr'} or liblinear), refused when it
 *       predicts with a softmax (multinomial), which mlsec's model does not compute;</li>
 *   <li>a {@code Pipeline} whose last step is one of those after an optional {@code StandardScaler} or
 *       {@code ColumnTransformer} of {@code OneHotEncoder}, {@code StandardScaler}, passthrough and drop
 *       (see {@link Preprocessing} and {@link Prep}).</li>
 * </ul>
 */
final class SklearnModels {
    static final String LIBRARY = "scikit-learn";

    private final String where;
    private final List<String> notes = new ArrayList<>();
    private final Map<String, String> hyper = new TreeMap<>();
    private String version = "unknown";
    private int trainingRows = -1;

    private SklearnModels(String where) {
        this.where = where;
    }

    /** The model a scikit-learn object graph holds. */
    static LocalModel read(Object root, String where, Provenance.Imported imported) {
        SklearnModels m = new SklearnModels(where);
        return m.model(root, imported);
    }

    // ---- helpers on the graph

    static Py.Dict state(Object est, String what) {
        if (!(est instanceof Py.Obj)) {
            throw new InputException(what + " is a " + Py.typeName(est) + ", expected a scikit-learn estimator");
        }
        Py.Dict d = ((Py.Obj) est).stateDict();
        if (d == null) {
            throw new InputException(what + " (" + ((Py.Obj) est).type() + ") has no attribute dict");
        }
        return d;
    }

    static String simpleName(Object est) {
        return est instanceof Py.Obj ? ((Py.Obj) est).callable.name() : Py.typeName(est);
    }

    static Object need(Py.Dict st, String key, String what) {
        if (!st.containsKey(key)) {
            throw new InputException(what + " has no attribute " + key + " (not fitted?)");
        }
        return Numpy.scalar(st.get(key), what + "." + key);
    }

    static Object opt(Py.Dict st, String key, String what) {
        return Numpy.scalar(st.get(key), what + "." + key);
    }

    static long integer(Object v, String what) {
        if (v instanceof Long) {
            return (Long) v;
        }
        throw new InputException(what + " is a " + Py.typeName(v) + ", expected an integer");
    }

    static double real(Object v, String what) {
        if (v instanceof Double || v instanceof Long) {
            return ((Number) v).doubleValue();
        }
        throw new InputException(what + " is a " + Py.typeName(v) + ", expected a number");
    }

    /** A class label or category as mlsec writes it: numbers in canonical form, text as it is. */
    static String text(Object v, String what) {
        if (v instanceof String) {
            return (String) v;
        }
        if (v instanceof Long) {
            return Long.toString((Long) v);
        }
        if (v instanceof BigInteger) {
            return v.toString();
        }
        if (v instanceof Double) {
            double d = (Double) v;
            if (Double.isNaN(d)) {
                throw new InputException(what + " holds NaN");
            }
            return Values.format(d);
        }
        if (v instanceof Boolean) {
            return (Boolean) v ? "True" : "False";
        }
        if (v instanceof Py.Obj) {
            Object s = Numpy.scalar(v, what);
            if (s != v) {
                return text(s, what);
            }
        }
        throw new InputException(what + " holds a " + Py.typeName(v) + ", expected text or a number");
    }

    static List<String> texts(Object arr, String what) {
        List<String> out = new ArrayList<>();
        List<Object> items = Numpy.isArray(arr) ? Numpy.array(arr, what).elements() : Py.items(arr);
        if (items == null) {
            throw new InputException(what + " is a " + Py.typeName(arr) + ", expected an array");
        }
        for (Object o : items) {
            out.add(text(o, what));
        }
        return out;
    }

    // ---- entry

    private LocalModel model(Object root, Provenance.Imported imported) {
        if (!(root instanceof Py.Obj)) {
            throw new InputException(where + " holds a " + Py.typeName(root) + ", not a scikit-learn estimator");
        }
        Py.Obj est = (Py.Obj) root;
        readVersion(est);
        Prep prep = null;
        String kind = est.callable.name();
        if (kind.equals("Pipeline")) {
            Py.Dict st = state(est, "the Pipeline");
            List<Object> steps = Py.items(need(st, "steps", "the Pipeline"));
            if (steps == null || steps.isEmpty()) {
                throw new InputException(where + ": the Pipeline has no steps");
            }
            List<Object> pre = new ArrayList<>();
            Object last = null;
            for (int i = 0; i < steps.size(); i++) {
                List<Object> step = Py.items(steps.get(i));
                if (step == null || step.size() != 2) {
                    throw new InputException(where + ": Pipeline step " + i + " is not a (name, estimator) pair");
                }
                Object e = step.get(1);
                if (i == steps.size() - 1) {
                    last = e;
                } else if (e != null && !"passthrough".equals(e)) {
                    pre.add(e);
                }
            }
            if (pre.size() > 1) {
                throw new InputException(where + ": the Pipeline has " + pre.size() + " preprocessing steps; mlsec "
                        + "folds one StandardScaler or ColumnTransformer into the model");
            }
            if (!pre.isEmpty()) {
                prep = new Preprocessing(where, notes).step(pre.get(0));
            }
            hyper.put("sklearn.pipeline", pipelineText(steps));
            if (!(last instanceof Py.Obj)) {
                throw new InputException(where + ": the Pipeline's last step is a " + Py.typeName(last)
                        + ", not an estimator");
            }
            est = (Py.Obj) last;
            kind = est.callable.name();
        }
        Py.Dict st = state(est, kind);
        settings(st);
        hyper.put("sklearn.estimator", kind);
        if (prep == null) {
            prep = Prep.identity(new Preprocessing(where, notes).inputNames(st, kind));
        }
        List<String> classes = texts(need(st, "classes_", kind), kind + ".classes_");
        if (classes.size() < 2) {
            throw new InputException(where + ": " + kind + " has " + classes.size() + " class(es)");
        }
        Set<String> distinct = new HashSet<>(classes);
        if (distinct.size() < classes.size()) {
            notes.add("classes_ lists a class more than once (" + classes + "): the file may have been tampered "
                    + "with; predictions name the repeated class for several outputs, as scikit-learn does");
        }
        Object outputs = opt(st, "n_outputs_", kind);
        if (outputs instanceof Long && (Long) outputs != 1) {
            throw new InputException(where + ": " + kind + " has " + outputs + " outputs; mlsec reads "
                    + "single-output classifiers");
        }
        Schema schema = new Schema(prep.columns(), null, classes);
        notes.add("the label column's name is not recorded in scikit-learn files");
        switch (kind) {
            case "RandomForestClassifier":
            case "ExtraTreesClassifier":
                return forest(st, kind, prep, schema, imported);
            case "DecisionTreeClassifier":
            case "ExtraTreeClassifier":
                return single(est, kind, prep, schema, imported);
            case "GradientBoostingClassifier":
                return boosting(st, kind, prep, schema, imported);
            case "LogisticRegression":
                return logistic(st, kind, prep, schema, imported);
            default:
                throw new InputException(where + ": " + kind + " is not a classifier mlsec reads (random forest, "
                        + "extra trees, decision tree, gradient boosting, logistic regression, or a Pipeline of one)");
        }
    }

    private void readVersion(Py.Obj est) {
        Py.Dict st = est.stateDict();
        Object v = st == null ? null : st.get("_sklearn_version");
        if (v instanceof String) {
            version = (String) v;
        } else {
            notes.add("the file does not record its scikit-learn version (_sklearn_version)");
        }
    }

    /** Whether the version is at least major.minor.patch (unparsable versions count as old). */
    private boolean atLeast(int major, int minor, int patch) {
        String[] p = version.split("[^0-9]+");
        int[] v = new int[3];
        for (int i = 0; i < 3 && i < p.length; i++) {
            try {
                v[i] = p[i].isEmpty() ? 0 : Integer.parseInt(p[i]);
            } catch (NumberFormatException e) {
                return false;
            }
        }
        int[] w = {major, minor, patch};
        for (int i = 0; i < 3; i++) {
            if (v[i] != w[i]) {
                return v[i] > w[i];
            }
        }
        return true;
    }

    private static String pipelineText(List<Object> steps) {
        List<String> s = new ArrayList<>();
        for (Object o : steps) {
            List<Object> step = Py.items(o);
            s.add(simpleName(step.get(1)));
        }
        return String.join(" -> ", s);
    }

    /** Scalar constructor parameters and fitted counts as {@code sklearn.<name>} settings. */
    private void settings(Py.Dict st) {
        for (Map.Entry<Object, Object> e : st.entrySet()) {
            if (!(e.getKey() instanceof String)) {
                continue;
            }
            String k = (String) e.getKey();
            if (k.startsWith("_") || k.endsWith("_") && !k.equals("n_estimators_")) {
                continue;
            }
            Object v = Numpy.scalar(e.getValue(), k);
            String t = v == null ? "None" : v instanceof Boolean ? ((Boolean) v ? "True" : "False")
                    : v instanceof String ? (String) v : v instanceof Long || v instanceof Double
                    ? text(v, k) : null;
            if (t != null) {
                hyper.put("sklearn." + k, t);
            }
        }
    }

    // ---- estimators

    private void treeSettings(Py.Dict st, String kind, int width, boolean forest) {
        Object md = opt(st, "max_depth", kind);
        hyper.put("max_depth", md == null ? "none" : text(md, "max_depth"));
        Object ml = opt(st, "min_samples_leaf", kind);
        if (ml instanceof Long) {
            hyper.put("min_leaf", Long.toString((Long) ml));
        }
        Object mf = opt(st, "max_features", kind);
        String share = null;
        if ("sqrt".equals(mf) || ("auto".equals(mf) && forest)) {
            share = "sqrt";
        } else if (mf == null) {
            share = "1";
        } else if (mf instanceof Double && (Double) mf > 0 && (Double) mf <= 1) {
            share = text(mf, "max_features");
        } else if (mf instanceof Long && (Long) mf > 0 && width > 0) {
            share = Values.format(Math.min(1.0, (Long) mf / (double) width));
        }
        if (share != null) {
            hyper.put("max_features", share);
        }
        Object rs = opt(st, "random_state", kind);
        if (rs instanceof Long) {
            hyper.put("seed", Long.toString((Long) rs));
        }
    }

    private boolean fractions() {
        boolean f = atLeast(1, 4, 1);
        if (f) {
            notes.add("tree_.value holds weighted class fractions (scikit-learn 1.4.1 and later): multiplied by "
                    + "weighted_n_node_samples to weighted counts");
        }
        return f;
    }

    private void treeNotes(boolean missing) {
        notes.add("split thresholds converted exactly from scikit-learn's float32 test (float) x <= t");
        notes.add("node samples are n_node_samples; gains are weighted impurity decreases, so feature importances "
                + "are scikit-learn's feature_importances_");
        notes.add(missing ? "missing values (NaN) follow each split's missing_go_to_left"
                : "the trees record no missing-value direction (scikit-learn before 1.3 refuses NaN inputs); mlsec "
                + "sends NaN to the right child");
    }

    private LocalModel forest(Py.Dict st, String kind, Prep prep, Schema schema, Provenance.Imported imported) {
        List<Object> ests = SkTrees.estimators(need(st, "estimators_", kind), kind + ".estimators_");
        if (ests.isEmpty()) {
            throw new InputException(where + ": " + kind + " has no trees");
        }
        if (ests.size() > 100_000) {
            throw new InputException(where + ": " + kind + " has " + ests.size() + " trees (at most 100000 read)");
        }
        boolean fr = fractions();
        List<Tree> trees = new ArrayList<>();
        boolean missing = false;
        double root = -1;
        for (int i = 0; i < ests.size(); i++) {
            SkTrees.Read r = SkTrees.read(ests.get(i), kind + ".estimators_[" + i + "]", prep,
                    schema.classes().size(), 1, fr, false);
            trees.add(r.tree());
            missing |= r.hasMissing();
            if (i == 0) {
                root = r.rootWeight();
            }
        }
        treeSettings(st, kind, prep.width(), true);
        hyper.put("trees", Integer.toString(trees.size()));
        Object bs = st.get("bootstrap");
        if (bs instanceof Boolean) {
            hyper.put("bootstrap", bs.toString());
        }
        if (Boolean.TRUE.equals(bs) && st.get("max_samples") == null && root > 0 && root == Math.rint(root)) {
            trainingRows = (int) Math.min(Integer.MAX_VALUE, root);
            notes.add("training rows taken from the first tree's root weight (exact without sample weights)");
        } else if (Boolean.FALSE.equals(bs)) {
            trainingRows = trees.get(0).samples()[0];
        }
        if (kind.startsWith("ExtraTrees")) {
            notes.add("extremely randomised trees (random split thresholds); mlsec's reference forests choose the "
                    + "best split");
        }
        treeNotes(missing);
        return new ForestModel(ForestModel.RANDOM_FOREST, schema, provenance(ForestModel.RANDOM_FOREST, schema,
                imported), trees);
    }

    private LocalModel single(Py.Obj est, String kind, Prep prep, Schema schema, Provenance.Imported imported) {
        SkTrees.Read r = SkTrees.read(est, kind, prep, schema.classes().size(), 1, fractions(), false);
        treeSettings(state(est, kind), kind, prep.width(), false);
        trainingRows = r.tree().samples()[0];
        treeNotes(r.hasMissing());
        return new ForestModel(ForestModel.DECISION_TREE, schema, provenance(ForestModel.DECISION_TREE, schema,
                imported), List.of(r.tree()));
    }

    private LocalModel boosting(Py.Dict st, String kind, Prep prep, Schema schema, Provenance.Imported imported) {
        int k = schema.classes().size();
        int outputs = k == 2 ? 1 : k;
        Object loss = opt(st, "loss", kind);
        Object lossObj = st.containsKey("_loss") ? st.get("_loss") : st.get("loss_");
        String lossName = lossObj instanceof Py.Obj ? simpleName(lossObj) : "";
        if ("exponential".equals(loss) || lossName.contains("Exponential")) {
            throw new InputException(where + ": GradientBoostingClassifier with the exponential loss (AdaBoost's "
                    + "scores) is not read; mlsec's boosted model is log-loss");
        }
        double lr = real(need(st, "learning_rate", kind), kind + ".learning_rate");
        Numpy.Array ests = Numpy.array(need(st, "estimators_", kind), kind + ".estimators_");
        long[] shape = ests.shape();
        if (shape.length != 2 || shape[1] != outputs) {
            throw new InputException(where + ": " + kind + ".estimators_ has shape " + Numpy.shapeText(shape)
                    + ", expected (n_estimators, " + outputs + ")");
        }
        List<Object> items = ests.elements();
        Object used = opt(st, "n_estimators_", kind);
        long stages = used instanceof Long ? Math.min((Long) used, shape[0]) : shape[0];
        if (stages < 1) {
            throw new InputException(where + ": " + kind + " has no boosting stages");
        }
        boolean fr = false;
        List<Tree> trees = new ArrayList<>();
        for (int i = 0; i < stages * outputs; i++) {
            String what = kind + ".estimators_[" + i / outputs + ", " + i % outputs + "]";
            SkTrees.Read r = SkTrees.read(items.get(i), what, prep, 0, lr, fr, true);
            trees.add(r.tree());
            if (i == 0) {
                trainingRows = r.tree().samples()[0];
            }
        }
        double[] base = new double[outputs];
        Object init = need(st, "init_", kind);
        if ("zero".equals(init)) {
            notes.add("init='zero': the raw scores start at 0");
        } else {
            double[] prior = prior(init, k);
            double eps = Math.ulp(1.0f);
            if (outputs == 1) {
                double p = Math.min(Math.max(prior[1], eps), 1 - eps);
                base[0] = Math.log(p / (1 - p));
            } else {
                for (int c = 0; c < k; c++) {
                    base[c] = Math.log(Math.min(Math.max(prior[c], eps), 1 - eps));
                }
            }
            notes.add("init_ DummyClassifier folded into the base score (class prior clipped to float32's eps, "
                    + (outputs == 1 ? "log-odds)" : "log per class)"));
        }
        notes.add("leaf values multiplied by learning_rate " + Values.format(lr));
        if (stages < shape[0]) {
            notes.add("early stopping kept " + stages + " of " + shape[0] + " stages (n_estimators_)");
        }
        notes.add("split thresholds converted exactly from scikit-learn's float32 test (float) x <= t");
        notes.add("gains are weighted impurity decreases divided by each tree's root weight, so feature importances "
                + "are scikit-learn's feature_importances_");
        notes.add("the trees record no missing-value direction; mlsec sends NaN to the right child");
        treeSettings(st, kind, prep.width(), false);
        hyper.put("trees", Long.toString(stages));
        hyper.put("learning_rate", Values.format(lr));
        hyper.put("l2", "0");
        return new BoostedModel(schema, provenance(BoostedModel.KIND, schema, imported), trees, base);
    }

    /** The class probabilities a DummyClassifier init predicts for every row. */
    private double[] prior(Object init, int k) {
        if (!"DummyClassifier".equals(simpleName(init))) {
            throw new InputException(where + ": GradientBoostingClassifier's init_ is a " + Py.typeName(init)
                    + "; mlsec reads init='zero' and the default DummyClassifier");
        }
        Py.Dict d = state(init, "init_");
        Object strategy = d.containsKey("_strategy") ? d.get("_strategy") : d.get("strategy");
        double[] prior = Numpy.array(need(d, "class_prior_", "init_"), "init_.class_prior_")
                .doubles("init_.class_prior_");
        if (prior.length != k) {
            throw new InputException(where + ": init_.class_prior_ has " + prior.length + " classes, the model " + k);
        }
        if ("prior".equals(strategy)) {
            return prior;
        }
        if ("most_frequent".equals(strategy)) {
            int best = 0;
            for (int c = 1; c < k; c++) {
                if (prior[c] > prior[best]) {
                    best = c;
                }
            }
            double[] p = new double[k];
            p[best] = 1;
            return p;
        }
        if ("uniform".equals(strategy)) {
            double[] p = new double[k];
            java.util.Arrays.fill(p, 1.0 / k);
            return p;
        }
        throw new InputException(where + ": init_ DummyClassifier strategy " + Preprocessing.describe(strategy) + " is not read");
    }

    private LocalModel logistic(Py.Dict st, String kind, Prep prep, Schema schema, Provenance.Imported imported) {
        int k = schema.classes().size();
        Numpy.Array coef = Numpy.array(need(st, "coef_", kind), kind + ".coef_");
        double[] icpt = Numpy.array(need(st, "intercept_", kind), kind + ".intercept_").doubles(kind + ".intercept_");
        int outputs = k == 2 ? 1 : k;
        long[] s = coef.shape();
        if (s.length != 2 || s[0] != outputs || s[1] != prep.width() || icpt.length != outputs) {
            throw new InputException(where + ": " + kind + ".coef_ has shape " + Numpy.shapeText(s) + " and "
                    + icpt.length + " intercepts, expected (" + outputs + ", " + prep.width() + ")");
        }
        double[] c = coef.doubles(kind + ".coef_");
        Object mc = opt(st, "multi_class", kind);
        Object solver = opt(st, "solver", kind);
        boolean ovr = "ovr".equals(mc) || "warn".equals(mc)
                || (mc == null || "auto".equals(mc) || "deprecated".equals(mc)) && (k <= 2 || "liblinear".equals(solver));
        double factor = 1;
        if (!ovr) {
            if (k > 2) {
                throw new NotWhiteBoxException("scikit-learn pickle", where + ": LogisticRegression with " + k
                        + " classes predicts with a softmax (multinomial), and mlsec's LogisticModel computes "
                        + "normalised one-vs-rest sigmoids, which do not reproduce it; refit with multi_class='ovr' "
                        + "or use two classes");
            }
            factor = 2;
            notes.add("binary multinomial LogisticRegression: softmax over (-d, d) is sigmoid(2d), so weights and "
                    + "intercept are doubled");
        } else if (k > 2) {
            notes.add("one-vs-rest LogisticRegression: normalised sigmoids, as mlsec's LogisticModel computes");
        }
        double[][] w = new double[outputs][prep.width() + 1];
        for (int o = 0; o < outputs; o++) {
            w[o][0] = icpt[o] * factor;
            for (int j = 0; j < prep.width(); j++) {
                double x = c[o * prep.width() + j];
                if (!Double.isFinite(x) || !Double.isFinite(icpt[o])) {
                    throw new InputException(where + ": " + kind + ".coef_ holds a non-finite weight");
                }
                w[o][j + 1] = x * factor;
            }
        }
        Object cc = opt(st, "C", kind);
        if ("l2".equals(opt(st, "penalty", kind)) && cc instanceof Double && (Double) cc > 0) {
            hyper.put("l2", Values.format(1 / (Double) cc));
            notes.add("l2 = 1/C: scikit-learn minimises C x log-loss + |w|^2/2");
        }
        Object rs = opt(st, "random_state", kind);
        if (rs instanceof Long) {
            hyper.put("seed", Long.toString((Long) rs));
        }
        double[] mean = prep.mean().clone();
        double[] scale = prep.scale().clone();
        for (int j = 0; j < mean.length; j++) {
            if (!prep.centred()[j]) {
                mean[j] = 0;
            }
            if (!prep.scaled()[j]) {
                scale[j] = 1;
            }
        }
        return new LogisticModel(schema, provenance(LogisticModel.KIND, schema, imported), mean, scale, w);
    }

    private Provenance provenance(String algorithm, Schema schema, Provenance.Imported imported) {
        List<String> n = new ArrayList<>(notes);
        n.addAll(imported.notes());
        Provenance.Imported im = new Provenance.Imported(imported.format(), imported.file(), imported.sha256(),
                new ArrayList<>(new LinkedHashSet<>(n)));
        return Provenance.imported(LIBRARY, version, algorithm, hyper, schema.featureNames(), trainingRows, im);
    }
}
