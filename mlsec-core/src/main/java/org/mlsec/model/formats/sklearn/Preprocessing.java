package org.mlsec.model.formats.sklearn;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.mlsec.InputException;
import org.mlsec.data.Column;

/**
 * Folds a Pipeline's preprocessing step into a {@link Prep}: a {@code StandardScaler} ({@code mean_},
 * {@code scale_}, {@code with_mean}, {@code with_std}), or a {@code ColumnTransformer} whose fitted
 * {@code transformers_} (name, transformer, columns) are {@code OneHotEncoder}, {@code StandardScaler},
 * {@code 'passthrough'} or {@code 'drop'}, the remainder included. The output is the transformers' outputs in
 * order (scikit-learn's {@code ColumnTransformer._hstack}); a OneHotEncoder's output is, per input column, one
 * indicator per entry of {@code categories_}, which is what mlsec's FeatureEncoder writes for a categorical column
 * with those categories. Encoders that drop a category, group infrequent ones or weight transformers are refused.
 */
final class Preprocessing {
    private final String where;
    private final List<String> notes;

    Preprocessing(String where, List<String> notes) {
        this.where = where;
        this.notes = notes;
    }

    List<String> inputNames(Py.Dict st, String what) {
        Object names = st.get("feature_names_in_");
        if (names != null) {
            notes.add("feature names from feature_names_in_");
            return SklearnModels.texts(names, what + ".feature_names_in_");
        }
        Object n = SklearnModels.opt(st, "n_features_in_", what);
        if (n == null) {
            n = SklearnModels.opt(st, "n_features_", what);
        }
        if (n == null) {
            Object coef = st.get("coef_");
            if (coef != null) {
                long[] s = Numpy.array(coef, what + ".coef_").shape();
                n = s.length == 2 ? s[1] : null;
            }
        }
        if (n == null) {
            throw new InputException(where + ": " + what + " records neither feature_names_in_ nor n_features_in_");
        }
        long w = SklearnModels.integer(n, what + ".n_features_in_");
        if (w < 1 || w > 1_000_000) {
            throw new InputException(where + ": " + what + " has " + w + " features");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < w; i++) {
            out.add("x" + i);
        }
        notes.add("the file records no feature names (the model was fitted on an array): features are named x0..x"
                + (w - 1) + " in the order of the model's input columns");
        return out;
    }

    // ---- preprocessing

    /** The preprocessing of one Pipeline step: a StandardScaler or a ColumnTransformer. */
    Prep step(Object step) {
        String kind = SklearnModels.simpleName(step);
        Py.Dict st = SklearnModels.state(step, kind);
        if (kind.equals("StandardScaler")) {
            List<String> names = inputNames(st, kind);
            Prep p = Prep.identity(names);
            scaler(st, kind, p, 0, names.size());
            notes.add("StandardScaler folded into the model (" + (hasAny(p) ? "mean_ and scale_" : "no-op") + ")");
            return p;
        }
        if (kind.equals("ColumnTransformer")) {
            return columnTransformer(st);
        }
        throw new InputException(where + ": the Pipeline step " + kind + " is not one mlsec folds (StandardScaler, "
                + "ColumnTransformer of OneHotEncoder/StandardScaler/passthrough)");
    }

    private static boolean hasAny(Prep p) {
        for (int i = 0; i < p.width(); i++) {
            if (!p.identity(i)) {
                return true;
            }
        }
        return false;
    }

    /** Writes a fitted StandardScaler's affine map into encoded features [from, from + n). */
    private void scaler(Py.Dict st, String what, Prep p, int from, int n) {
        boolean withMean = !Boolean.FALSE.equals(st.get("with_mean"));
        boolean withStd = !Boolean.FALSE.equals(st.get("with_std"));
        Object mean = st.get("mean_");
        Object scale = st.get("scale_");
        double[] m = withMean && mean != null ? Numpy.array(mean, what + ".mean_").doubles(what + ".mean_") : null;
        double[] s = withStd && scale != null ? Numpy.array(scale, what + ".scale_").doubles(what + ".scale_") : null;
        if ((m != null && m.length != n) || (s != null && s.length != n)) {
            throw new InputException(where + ": " + what + " is fitted on " + (m != null ? m.length : s.length)
                    + " features, its input has " + n);
        }
        for (int j = 0; j < n; j++) {
            if (m != null) {
                if (!Double.isFinite(m[j])) {
                    throw new InputException(where + ": " + what + ".mean_[" + j + "] is " + m[j]);
                }
                p.mean()[from + j] = m[j];
                p.centred()[from + j] = true;
            }
            if (s != null) {
                if (!(s[j] > 0) || !Double.isFinite(s[j])) {
                    throw new InputException(where + ": " + what + ".scale_[" + j + "] is " + s[j]);
                }
                p.scale()[from + j] = s[j];
                p.scaled()[from + j] = true;
            }
        }
    }

    private Prep columnTransformer(Py.Dict st) {
        String what = "ColumnTransformer";
        List<String> input = inputNames(st, what);
        if (st.get("transformer_weights") != null) {
            throw new InputException(where + ": the ColumnTransformer has transformer_weights, which mlsec does not "
                    + "fold");
        }
        List<Object> ts = Py.items(SklearnModels.need(st, "transformers_", what));
        if (ts == null) {
            throw new InputException(where + ": ColumnTransformer.transformers_ is not a list");
        }
        List<Column> cols = new ArrayList<>();
        List<double[]> affine = new ArrayList<>(); // per encoded feature: {mean, scale, centred, scaled}
        Set<String> used = new HashSet<>();
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < ts.size(); i++) {
            List<Object> t = Py.items(ts.get(i));
            if (t == null || t.size() != 3) {
                throw new InputException(where + ": ColumnTransformer.transformers_[" + i + "] is not a (name, "
                        + "transformer, columns) triple");
            }
            Object tr = t.get(1);
            List<Integer> idx = columns(t.get(2), input, "ColumnTransformer.transformers_[" + i + "] columns");
            if ("drop".equals(tr) || idx.isEmpty()) {
                continue;
            }
            for (int c : idx) {
                if (!used.add(input.get(c))) {
                    throw new InputException(where + ": column " + input.get(c) + " goes through two transformers; "
                            + "mlsec's schema has each column once");
                }
            }
            String tk = "passthrough".equals(tr) ? "passthrough" : SklearnModels.simpleName(tr);
            if (tk.equals("FunctionTransformer")) { // with no function: the identity, as passthrough is fitted
                if (SklearnModels.state(tr, tk).get("func") != null) {
                    throw new InputException(where + ": the ColumnTransformer applies a FunctionTransformer with a "
                            + "function, which mlsec does not fold");
                }
                tk = "passthrough";
            }
            parts.add(tk + "(" + idx.size() + ")");
            switch (tk) {
                case "passthrough":
                    for (int c : idx) {
                        cols.add(Prep.numeric(input.get(c)));
                        affine.add(new double[] {0, 1, 0, 0});
                    }
                    break;
                case "StandardScaler": {
                    Py.Dict ss = SklearnModels.state(tr, tk);
                    Prep p = Prep.identity(idx.stream().map(input::get).toList());
                    scaler(ss, "ColumnTransformer's StandardScaler", p, 0, idx.size());
                    for (int j = 0; j < idx.size(); j++) {
                        cols.add(p.columns().get(j));
                        affine.add(new double[] {p.mean()[j], p.scale()[j], p.centred()[j] ? 1 : 0,
                                p.scaled()[j] ? 1 : 0});
                    }
                    break;
                }
                case "OneHotEncoder": {
                    List<Column> oh = oneHot(SklearnModels.state(tr, tk), idx, input);
                    for (Column c : oh) {
                        cols.add(c);
                        for (int k = 0; k < c.categories().size(); k++) {
                            affine.add(new double[] {0, 1, 0, 0});
                        }
                    }
                    break;
                }
                default:
                    throw new InputException(where + ": the ColumnTransformer uses " + tk + "; mlsec folds "
                            + "OneHotEncoder, StandardScaler, passthrough and drop");
            }
        }
        if (cols.isEmpty()) {
            throw new InputException(where + ": the ColumnTransformer outputs no columns");
        }
        int w = affine.size();
        double[] mean = new double[w];
        double[] scale = new double[w];
        boolean[] centred = new boolean[w];
        boolean[] scaled = new boolean[w];
        for (int j = 0; j < w; j++) {
            double[] a = affine.get(j);
            mean[j] = a[0];
            scale[j] = a[1];
            centred[j] = a[2] != 0;
            scaled[j] = a[3] != 0;
        }
        notes.add("ColumnTransformer " + String.join(", ", parts) + " folded: schema columns in its output order, "
                + "one-hot columns categorical in categories_ order, scaling folded into the model");
        if (input.size() > used.size()) {
            notes.add((input.size() - used.size()) + " input column(s) dropped by the ColumnTransformer are not in "
                    + "the schema");
        }
        return new Prep(cols, mean, scale, centred, scaled);
    }

    private List<Column> oneHot(Py.Dict st, List<Integer> idx, List<String> input) {
        String what = "OneHotEncoder";
        if (st.get("drop_idx_") != null || (st.get("drop") != null && !"None".equals(st.get("drop")))) {
            throw new InputException(where + ": the OneHotEncoder drops a category per column (drop="
                    + describe(st.get("drop")) + "); mlsec's one-hot encoding keeps every category");
        }
        if (Boolean.TRUE.equals(st.get("_infrequent_enabled"))) {
            throw new InputException(where + ": the OneHotEncoder groups infrequent categories (min_frequency or "
                    + "max_categories); mlsec's one-hot encoding has one indicator per category");
        }
        Object hu = st.get("handle_unknown");
        if (hu != null && !"error".equals(hu) && !"ignore".equals(hu) && !"infrequent_if_exist".equals(hu)) {
            throw new InputException(where + ": OneHotEncoder handle_unknown=" + describe(hu) + " is not mapped");
        }
        notes.add("OneHotEncoder handle_unknown=" + describe(hu) + ": mlsec encodes an unknown category as all "
                + "indicators 0" + ("error".equals(hu) || hu == null ? " where scikit-learn raises an error" : ", as "
                + "scikit-learn does"));
        List<Object> cats = Py.items(SklearnModels.need(st, "categories_", what));
        if (cats == null || cats.size() != idx.size()) {
            throw new InputException(where + ": OneHotEncoder.categories_ has " + (cats == null ? 0 : cats.size())
                    + " entries for " + idx.size() + " columns");
        }
        List<Column> out = new ArrayList<>();
        for (int j = 0; j < idx.size(); j++) {
            List<String> c = SklearnModels.texts(cats.get(j), what + ".categories_[" + j + "]");
            if (new HashSet<>(c).size() != c.size() || c.isEmpty()) {
                throw new InputException(where + ": OneHotEncoder.categories_[" + j + "] is empty or repeats a "
                        + "category");
            }
            out.add(Column.categorical(input.get(idx.get(j)), c));
        }
        return out;
    }

    static String describe(Object v) {
        return v == null ? "None" : v instanceof String ? "'" + PickleMachine.shorten((String) v) + "'"
                : Py.typeName(v);
    }

    /** The input column indices a ColumnTransformer column spec selects. */
    private List<Integer> columns(Object spec, List<String> input, String what) {
        List<Object> items;
        if (spec instanceof Py.Slice) {
            Py.Slice s = (Py.Slice) spec;
            if (s.step() != null && !Long.valueOf(1).equals(s.step())) {
                throw new InputException(where + ": " + what + " is a slice with a step");
            }
            int a = s.start() == null ? 0 : index(s.start(), input, what);
            int b = s.stop() == null ? input.size()
                    : s.stop() instanceof String ? index(s.stop(), input, what) + 1 // label slices include the end
                    : (int) Math.max(0, Math.min(input.size(), SklearnModels.integer(s.stop(), what)));
            List<Integer> out = new ArrayList<>();
            for (int i = a; i < b; i++) {
                out.add(i);
            }
            return out;
        }
        if (spec instanceof Py.Obj && ((Py.Obj) spec).callable.name().equals("_RemainderColsList")) {
            Py.Obj o = (Py.Obj) spec;
            Py.Dict d = o.stateDict();
            items = d != null && d.get("data") != null ? Py.items(d.get("data")) : o.listItems;
        } else if (Numpy.isArray(spec)) {
            items = Numpy.array(spec, what).elements();
        } else if (spec instanceof String || spec instanceof Long) {
            items = List.of(spec);
        } else {
            items = Py.items(spec);
        }
        if (items == null) {
            throw new InputException(where + ": " + what + " is a " + Py.typeName(spec)
                    + " (callables and other selectors are not read)");
        }
        List<Integer> out = new ArrayList<>();
        boolean mask = !items.isEmpty() && items.stream().allMatch(x -> x instanceof Boolean);
        if (mask) {
            if (items.size() != input.size()) {
                throw new InputException(where + ": " + what + " is a mask of " + items.size() + " for "
                        + input.size() + " columns");
            }
            for (int i = 0; i < items.size(); i++) {
                if ((Boolean) items.get(i)) {
                    out.add(i);
                }
            }
            return out;
        }
        for (Object o : items) {
            out.add(index(o, input, what));
        }
        return out;
    }

    private int index(Object o, List<String> input, String what) {
        o = Numpy.scalar(o, what);
        if (o instanceof String) {
            int i = input.indexOf(o);
            if (i < 0) {
                throw new InputException(where + ": " + what + " names column '" + PickleMachine.shorten((String) o)
                        + "', which is not an input column");
            }
            return i;
        }
        if (o instanceof Long) {
            long i = (Long) o;
            if (i < 0) {
                i += input.size();
            }
            if (i < 0 || i >= input.size()) {
                throw new InputException(where + ": " + what + " selects column " + o + " of " + input.size());
            }
            return (int) i;
        }
        throw new InputException(where + ": " + what + " holds a " + Py.typeName(o));
    }
}
