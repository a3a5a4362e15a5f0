package org.mlsec.model.formats.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mlsec.InputException;
import org.mlsec.data.Column;
import org.mlsec.data.ColumnType;
import org.mlsec.data.Schema;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Provenance;
import org.mlsec.model.formats.ModelFormat;
import org.mlsec.model.formats.NotWhiteBoxException;
import org.mlsec.model.linear.LogisticModel;
import org.mlsec.model.tree.BoostedModel;
import org.mlsec.model.tree.ForestModel;
import org.mlsec.model.tree.Tree;

/**
 * Decides which mlsec model reproduces ONNX Runtime's output for the graph {@link GraphWalk} found, and builds it.
 * Each accepted case was checked against ONNX Runtime 1.30 (aggregator rules in tree_ensemble_aggregator.h and
 * ml_common.h's write_scores, including its two-class special cases):
 * <ul>
 *   <li>{@code TreeEnsembleClassifier}, post_transform NONE, no base values, non-negative weights: a forest.
 *       Two classes with weights for class 0 only (skl2onnx's layout): ONNX Runtime returns {@code [1-s, s]};
 *       leaves hold the class-1 share {@code s * n_trees}. Otherwise every leaf's weights must sum to
 *       {@code 1/n_trees} (class shares averaged over trees).</li>
 *   <li>LOGISTIC with two classes and weights for one class (class 0), at most one base value: boosting,
 *       {@code p1 = sigmoid(base + sum)}. SOFTMAX with two classes and weights for both: boosting on
 *       {@code s1 - s0}. SOFTMAX with more classes: one score tree per class and tree, base values per class.</li>
 *   <li>{@code TreeEnsembleRegressor}/{@code TreeEnsemble} (SUM or AVERAGE, post_transform NONE) followed by
 *       constant {@code Add}s and {@code Sigmoid} (one target) or {@code Softmax} (several): boosting.</li>
 *   <li>{@code LinearClassifier}: two classes with one coefficient row and LOGISTIC, two exactly opposite rows and
 *       LOGISTIC, or two rows and SOFTMAX; more classes with LOGISTIC then {@code Normalizer} L1 (one-vs-rest,
 *       normalised, as mlsec's LogisticModel). Scalers fold into its mean and scale.</li>
 * </ul>
 * Everything else (LOGISTIC per-class sigmoids, SOFTMAX_ZERO, PROBIT, multinomial softmax for more than two classes,
 * MIN/MAX aggregation, two-class layouts whose ONNX Runtime output is not a probability) is refused as not
 * white-box, saying why.
 */
final class Mapper {
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(4)
                .maxStringLength(1 << 16).maxNumberLength(64).build());
    }

    private final GraphWalk w;
    private final Path file;
    private final byte[] bytes;
    private final NodeProto node;
    private final Attrs a;
    private final List<String> notes = new ArrayList<>();
    private final Map<String, String> hyper = new LinkedHashMap<>();
    private List<String> features;

    Mapper(GraphWalk w, Path file, byte[] bytes) {
        this.w = w;
        this.file = file;
        this.bytes = bytes;
        this.node = w.modelNode;
        this.a = new Attrs(node, GraphWalk.where(node));
    }

    LocalModel model() {
        features = featureNames();
        hyper.put("onnx.operator", node.getOpType());
        hyper.put("onnx.ir_version", Long.toString(w.model.getIrVersion()));
        hyper.put("onnx.opset.ai.onnx.ml", Long.toString(w.mlOpset));
        switch (node.getOpType()) {
            case "LinearClassifier":
                return linear();
            case "TreeEnsembleClassifier":
                return treeClassifier();
            default:
                return treeRegressor();
        }
    }

    private List<String> featureNames() {
        for (StringStringEntryProto kv : w.model.getMetadataPropsList()) {
            if (kv.getKey().equals("feature_names")) {
                List<String> names = new ArrayList<>();
                try {
                    JsonNode arr = JSON.readTree(kv.getValue());
                    if (arr != null && arr.isArray()) {
                        for (JsonNode n : arr) {
                            names.add(n.isTextual() ? n.asText() : null);
                        }
                    }
                } catch (java.io.IOException e) {
                    names.clear();
                }
                if (names.size() == w.width && !names.contains(null) && !names.contains("")
                        && new HashSet<>(names).size() == names.size()) {
                    notes.add("Feature names come from the model's metadata_props 'feature_names'.");
                    return names;
                }
                notes.add("metadata_props 'feature_names' is not a list of " + w.width
                        + " distinct names; features are named after the input.");
            }
        }
        List<String> names = new ArrayList<>();
        for (int j = 0; j < w.width; j++) {
            names.add(w.inputName + "_" + j);
        }
        notes.add("The file records no feature names; features are named " + w.inputName + "_0 .. "
                + w.inputName + "_" + (w.width - 1) + " after the input.");
        return names;
    }

    private List<String> labels(String stringsAttr, String intsAttr) {
        List<String> s = a.strings(stringsAttr);
        long[] ints = a.ints(intsAttr);
        if (s.isEmpty() == (ints.length == 0)) {
            throw new InputException(a.where() + " must have exactly one of " + stringsAttr + " and " + intsAttr);
        }
        List<String> out = new ArrayList<>(s);
        for (long v : ints) {
            out.add(Long.toString(v));
        }
        return checkLabels(out);
    }

    private List<String> checkLabels(List<String> out) {
        if (out.size() < 2 || out.size() > OnnxFormat.MAX_CLASSES) {
            throw new InputException(a.where() + " has " + out.size() + " class labels; expected 2 to "
                    + OnnxFormat.MAX_CLASSES);
        }
        if (new HashSet<>(out).size() != out.size()) {
            throw new InputException(a.where() + " repeats a class label: " + out);
        }
        if (w.zipMapLabels != null) {
            if (w.zipMapLabels.size() != out.size()) {
                throw new InputException("ZipMap names " + w.zipMapLabels.size() + " classes but the scores have "
                        + out.size());
            }
            return checkZip();
        }
        return out;
    }

    private List<String> checkZip() {
        if (new HashSet<>(w.zipMapLabels).size() != w.zipMapLabels.size()) {
            throw new InputException("ZipMap repeats a class label: " + w.zipMapLabels);
        }
        return w.zipMapLabels;
    }

    // ---- post-processing ------------------------------------------------------------------------------------

    private String postTransform() {
        String p = a.string("post_transform", "NONE");
        hyper.put("onnx.post_transform", p);
        return p;
    }

    /** Classifiers may only be followed by an L1 Normalizer (identity on probabilities; one-vs-rest otherwise). */
    private boolean normalizerOnly() {
        boolean l1 = false;
        for (NodeProto n : w.post) {
            if (!n.getOpType().equals("Normalizer")) {
                throw GraphWalk.refuse(n.getOpType() + " after " + node.getOpType());
            }
            l1 |= checkL1(n);
        }
        return l1;
    }

    private static boolean checkL1(NodeProto n) {
        String norm = new Attrs(n, GraphWalk.where(n)).string("norm", "MAX");
        if (!norm.equals("L1")) {
            throw GraphWalk.refuse("Normalizer with norm " + norm + " (only L1 keeps probabilities)");
        }
        return true;
    }

    // ---- linear -----------------------------------------------------------------------------------------------

    private LocalModel linear() {
        List<String> classes = labels("classlabels_strings", "classlabels_ints");
        float[] coef = a.floats("coefficients");
        float[] icpt = a.floats("intercepts");
        int rows = icpt.length;
        int d = w.width;
        if (rows < 1 || (long) rows * d != coef.length) {
            throw new InputException(a.where() + " has " + coef.length + " coefficients and " + rows
                    + " intercepts for " + d + " features");
        }
        for (float v : coef) {
            if (!Float.isFinite(v)) {
                throw new InputException(a.where() + " has a non-finite coefficient");
            }
        }
        for (float v : icpt) {
            if (!Float.isFinite(v)) {
                throw new InputException(a.where() + " has a non-finite intercept");
            }
        }
        String post = postTransform();
        boolean l1 = normalizerOnly();
        int k = classes.size();
        double[][] wts;
        if (k == 2 && rows == 1 && post.equals("LOGISTIC")) {
            wts = new double[][] {row(coef, icpt, 0, d)};
        } else if (k == 2 && rows == 2 && post.equals("LOGISTIC")) {
            for (int j = 0; j < d; j++) {
                if (coef[j] != -coef[d + j]) {
                    throw GraphWalk.refuse("two-class LinearClassifier with LOGISTIC whose rows are not opposite:"
                            + " ONNX Runtime's two sigmoids do not sum to 1");
                }
            }
            if (icpt[0] != -icpt[1]) {
                throw GraphWalk.refuse("two-class LinearClassifier with LOGISTIC whose intercepts are not opposite");
            }
            wts = new double[][] {row(coef, icpt, 1, d)};
        } else if (k == 2 && rows == 2 && post.equals("SOFTMAX")) {
            double[] r1 = row(coef, icpt, 1, d);
            double[] r0 = row(coef, icpt, 0, d);
            for (int j = 0; j <= d; j++) {
                r1[j] -= r0[j];
            }
            wts = new double[][] {r1};
            notes.add("A two-class softmax is a sigmoid of the difference of the two rows.");
        } else if (k > 2 && rows == k && post.equals("LOGISTIC") && l1) {
            wts = new double[k][];
            for (int c = 0; c < k; c++) {
                wts[c] = row(coef, icpt, c, d);
            }
            notes.add("One-vs-rest sigmoids normalised to sum 1 (LOGISTIC then Normalizer L1), as mlsec's model.");
        } else {
            throw GraphWalk.refuse("LinearClassifier with " + rows + " rows, " + k + " classes and post_transform "
                    + post + (l1 ? " then Normalizer L1" : "") + " is not a probability mlsec's one-vs-rest"
                    + " logistic model computes" + (post.equals("SOFTMAX") ? " (multinomial softmax)" : ""));
        }
        double[] mean = new double[d];
        double[] scale = new double[d];
        double[][] weights = new double[wts.length][d + 1];
        for (int j = 0; j < d; j++) {
            double[] ab = w.transform.affine(j);
            double aj = ab[0];
            double bj = ab[1];
            if (aj == 0) {
                scale[j] = 1;
                for (int o = 0; o < wts.length; o++) {
                    weights[o][0] += wts[o][j + 1] * bj;
                }
                continue;
            }
            scale[j] = 1 / Math.abs(aj);
            mean[j] = -bj / aj;
            if (!Double.isFinite(scale[j]) || !Double.isFinite(mean[j])) {
                throw new InputException("the Scalers' combined scale for feature " + j + " is " + aj);
            }
            for (int o = 0; o < wts.length; o++) {
                weights[o][j + 1] = aj > 0 ? wts[o][j + 1] : -wts[o][j + 1];
            }
        }
        for (int o = 0; o < wts.length; o++) {
            weights[o][0] += wts[o][0];
        }
        if (w.transform.scalers() > 0) {
            notes.add(w.transform.scalers() + " Scaler(s) folded into the model's mean and scale.");
        }
        notes.add("ONNX Runtime computes in float32; mlsec in double.");
        return new LogisticModel(schema(classes), provenance(LogisticModel.KIND), mean, scale, weights);
    }

    private static double[] row(float[] coef, float[] icpt, int r, int d) {
        double[] out = new double[d + 1];
        out[0] = icpt[r];
        for (int j = 0; j < d; j++) {
            out[j + 1] = coef[r * d + j];
        }
        return out;
    }

    // ---- trees -------------------------------------------------------------------------------------------------

    private LocalModel treeClassifier() {
        List<String> classes = labels("classlabels_strings", "classlabels_int64s");
        int k = classes.size();
        Ensemble e = Ensemble.fromV3(a, "class_", k, w.width);
        notes.addAll(e.notes);
        String post = postTransform();
        normalizerOnly();
        double[] base = base(k <= 2 ? 2 : k, true);
        Set<Integer> weighted = new HashSet<>();
        boolean negative = false;
        for (int i = 0; i < e.target.length; i++) {
            weighted.add(e.target[i]);
            negative |= e.weight[i] < 0;
        }
        TreeTranslator tr = translator(e);
        int trees = e.trees();
        hyper.put("trees", Integer.toString(trees));
        if (post.equals("NONE") && allZero(base) && !negative) {
            if (k == 2 && weighted.equals(Set.of(0))) {
                notes.add("Two classes with weights for one: ONNX Runtime returns [1 - s, s]; leaves hold s times"
                        + " the number of trees as the class-1 share.");
                return forest(classes, e, tr, (l, out) -> {
                    double s = sum(e, l, 0) * trees;
                    if (s < -1e-6 || s > 1 + 1e-6) {
                        throw GraphWalk.refuse("leaf weight " + s / trees + " times " + trees
                                + " trees is not a class share in [0, 1]");
                    }
                    s = Math.min(1, Math.max(0, s));
                    out[0] = 1 - s;
                    out[1] = s;
                });
            }
            if (k > 2 || (weighted.contains(1) && class1Always(e))) {
                return forest(classes, e, tr, (l, out) -> {
                    double total = 0;
                    for (int c = 0; c < k; c++) {
                        out[c] = sum(e, l, c);
                        total += out[c];
                    }
                    if (Math.abs(total * trees - 1) > 1e-5) {
                        throw GraphWalk.refuse("a leaf's weights sum to " + total + ", not 1/" + trees
                                + ": ONNX Runtime's sums are not averaged class shares");
                    }
                });
            }
        }
        if (k == 2 && post.equals("LOGISTIC") && weighted.equals(Set.of(0)) && base[1] == 0) {
            List<Tree> ts = new ArrayList<>();
            for (int t = 0; t < trees; t++) {
                ts.add(tr.translate(e.roots[t], 1, (l, out) -> out[0] = sum(e, l, 0)));
            }
            notes.add("Two classes, weights for one, LOGISTIC: p(class 1) = sigmoid(base + sum of leaves).");
            return boosted(classes, ts, new double[] {base[0]});
        }
        if (k == 2 && post.equals("SOFTMAX") && weighted.contains(1) && class1Always(e) && base[1] == 0) {
            List<Tree> ts = new ArrayList<>();
            for (int t = 0; t < trees; t++) {
                ts.add(tr.translate(e.roots[t], 1, (l, out) -> out[0] = sum(e, l, 1) - sum(e, l, 0)));
            }
            notes.add("A two-class softmax is a sigmoid of the class-1 score minus the class-0 score.");
            return boosted(classes, ts, new double[] {-base[0]});
        }
        if (k > 2 && post.equals("SOFTMAX")) {
            return softmax(classes, e, tr, base);
        }
        throw GraphWalk.refuse("TreeEnsembleClassifier with " + k + " classes, weights for classes " + weighted
                + ", post_transform " + post + ", " + nonZero(base) + " base values"
                + (negative ? " and negative weights" : "") + " does not give probabilities an mlsec forest or"
                + " boosted model computes");
    }

    private LocalModel treeRegressor() {
        Ensemble e;
        if (node.getOpType().equals("TreeEnsemble")) {
            if (w.mlOpset < 5) {
                throw new InputException("TreeEnsemble needs ai.onnx.ml opset 5; the model imports " + w.mlOpset);
            }
            e = Ensemble.fromV5(a, w.width);
            long agg = a.integer("aggregate_function", 1);
            long post = a.integer("post_transform", 0);
            if (post != 0) {
                throw GraphWalk.refuse("TreeEnsemble with post_transform " + post + " (only NONE, 0, is read)");
            }
            if (agg != 0 && agg != 1) {
                throw GraphWalk.refuse("TreeEnsemble aggregates with function " + agg + " (MIN or MAX)");
            }
            hyper.put("onnx.aggregate_function", agg == 0 ? "AVERAGE" : "SUM");
            return regressorModel(e, agg == 0, new double[e.targets]);
        }
        long n = a.integer("n_targets", 0);
        if (n < 1 || n > OnnxFormat.MAX_CLASSES) {
            throw new InputException(a.where() + ": n_targets is " + n);
        }
        e = Ensemble.fromV3(a, "target_", (int) n, w.width);
        String agg = a.string("aggregate_function", "SUM");
        if (!agg.equals("SUM") && !agg.equals("AVERAGE")) {
            throw GraphWalk.refuse("TreeEnsembleRegressor aggregates with " + agg);
        }
        hyper.put("onnx.aggregate_function", agg);
        String post = postTransform();
        if (!post.equals("NONE")) {
            throw GraphWalk.refuse("TreeEnsembleRegressor with post_transform " + post
                    + " (ONNX Runtime ignores it for one target; only NONE is read)");
        }
        return regressorModel(e, agg.equals("AVERAGE"), base((int) n, false));
    }

    private LocalModel regressorModel(Ensemble e, boolean average, double[] base) {
        notes.addAll(e.notes);
        int k = e.targets;
        String link = null;
        for (NodeProto p : w.post) {
            String op = p.getOpType();
            if (op.equals("Add") && link == null) {
                float[] c = constant(p);
                if (c.length != 1 && c.length != k) {
                    throw new InputException(GraphWalk.where(p) + " adds " + c.length + " values to " + k
                            + " scores");
                }
                for (int t = 0; t < k; t++) {
                    base[t] += c[c.length == 1 ? 0 : t];
                }
            } else if ((op.equals("Sigmoid") || op.equals("Softmax")) && link == null) {
                link = op;
                if (op.equals("Softmax")) {
                    long axis = new Attrs(p, GraphWalk.where(p)).integer("axis", -1);
                    if (axis != -1 && axis != 1) {
                        throw GraphWalk.refuse("Softmax over axis " + axis);
                    }
                }
            } else if (op.equals("Normalizer") && link != null) {
                checkL1(p);
            } else {
                throw GraphWalk.refuse(op + " after " + node.getOpType() + (link == null ? "" : " and " + link));
            }
        }
        int trees = e.trees();
        double scale = average ? 1.0 / trees : 1.0;
        TreeTranslator tr = translator(e);
        hyper.put("trees", Integer.toString(trees));
        List<String> classes = new ArrayList<>();
        if ("Sigmoid".equals(link) && k == 1) {
            classes = w.zipMapLabels != null ? checkLabelsCount(2) : List.of("0", "1");
            List<Tree> ts = new ArrayList<>();
            for (int t = 0; t < trees; t++) {
                ts.add(tr.translate(e.roots[t], 1, (l, out) -> out[0] = sum(e, l, 0) * scale));
            }
            notes.add("A regressor followed by Sigmoid: its output is the probability of the second class; the file"
                    + " names no classes, so they are '0' and '1'.");
            return boosted(classes, ts, new double[] {base[0]});
        }
        if ("Softmax".equals(link) && k >= 2) {
            for (int c = 0; c < k; c++) {
                classes.add(Integer.toString(c));
            }
            notes.add("A regressor followed by Softmax: one class per target; the file names no classes, so they are"
                    + " the target numbers.");
            if (k == 2) {
                List<Tree> ts = new ArrayList<>();
                for (int t = 0; t < trees; t++) {
                    ts.add(tr.translate(e.roots[t], 1, (l, out) -> out[0] = (sum(e, l, 1) - sum(e, l, 0)) * scale));
                }
                return boosted(classes, ts, new double[] {base[1] - base[0]});
            }
            if (average) {
                throw GraphWalk.refuse("averaged regressor trees under Softmax");
            }
            return softmax(classes, e, tr, base);
        }
        throw GraphWalk.refuse(node.getOpType() + " with " + k + " targets followed by "
                + (link == null ? "no Sigmoid or Softmax" : link) + " gives no class probabilities");
    }

    private List<String> checkLabelsCount(int k) {
        if (w.zipMapLabels.size() != k) {
            throw new InputException("ZipMap names " + w.zipMapLabels.size() + " classes for " + k + " columns");
        }
        return checkZip();
    }

    private float[] constant(NodeProto add) {
        String other = w.initializers.containsKey(add.getInput(1)) ? add.getInput(1) : add.getInput(0);
        var t = w.initializers.get(other);
        if (t.getDataType() != ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT_VALUE) {
            throw GraphWalk.refuse("Add of a " + Attrs.dataType(t.getDataType()) + " constant");
        }
        float[] v = Attrs.floatsOf(t, "initializer '" + other + "'");
        for (float f : v) {
            if (!Float.isFinite(f)) {
                throw new InputException("initializer '" + other + "' holds " + f);
            }
        }
        return v;
    }

    /** Softmax over k > 2 classes: one score tree per class present in each ONNX tree, padded to whole rounds. */
    private LocalModel softmax(List<String> classes, Ensemble e, TreeTranslator tr, double[] base) {
        int k = classes.size();
        List<List<Tree>> perClass = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            perClass.add(new ArrayList<>());
        }
        for (int t = 0; t < e.trees(); t++) {
            boolean[] present = classesIn(e, t, k);
            for (int c = 0; c < k; c++) {
                if (present[c]) {
                    int cc = c;
                    perClass.get(c).add(tr.translate(e.roots[t], 1, (l, out) -> out[0] = sum(e, l, cc)));
                }
            }
        }
        int rounds = 0;
        for (List<Tree> l : perClass) {
            rounds = Math.max(rounds, l.size());
        }
        List<Tree> ts = new ArrayList<>();
        int padded = 0;
        for (int r = 0; r < Math.max(rounds, 1); r++) {
            for (int c = 0; c < k; c++) {
                if (r < perClass.get(c).size()) {
                    ts.add(perClass.get(c).get(r));
                } else {
                    ts.add(new Tree(new int[] {-1}, new double[1], new int[1], new int[1], new double[1], 1,
                            new int[1], new double[1]));
                    padded++;
                }
            }
        }
        if (padded > 0) {
            notes.add(padded + " single-leaf zero trees pad the classes to whole rounds.");
        }
        notes.add("SOFTMAX over per-class sums of leaf weights plus base values: boosted trees, tree t adding to"
                + " class t mod " + k + ".");
        return boosted(classes, ts, base);
    }

    private static boolean[] classesIn(Ensemble e, int tree, int k) {
        boolean[] present = new boolean[k];
        everyLeaf(e, tree, l -> {
            for (int i = e.leafStart[l]; i < e.leafStart[l + 1]; i++) {
                present[e.target[i]] = true;
            }
            return true;
        });
        return present;
    }

    /** Whether some tree gives class 1 a weight at every leaf (so ONNX Runtime always has a class-1 score). */
    private static boolean class1Always(Ensemble e) {
        for (int t = 0; t < e.trees(); t++) {
            boolean all = everyLeaf(e, t, l -> {
                boolean has = false;
                for (int i = e.leafStart[l]; i < e.leafStart[l + 1]; i++) {
                    has |= e.target[i] == 1;
                }
                return has;
            });
            if (all) {
                return true;
            }
        }
        return false;
    }

    /**
     * Walks the leaves that tree {@code tree} reaches (each interior node once) while {@code test} holds for them;
     * whether it held for every leaf reached.
     */
    private static boolean everyLeaf(Ensemble e, int tree, java.util.function.IntPredicate test) {
        int[] stack = new int[64];
        int sp = 0;
        stack[sp++] = e.roots[tree];
        boolean[] seen = new boolean[e.mode.length];
        while (sp > 0) {
            int r = stack[--sp];
            if (r < 0) {
                if (!test.test(-r - 1)) {
                    return false;
                }
                continue;
            }
            if (seen[r]) {
                continue;
            }
            seen[r] = true;
            if (sp + 2 > stack.length) {
                stack = java.util.Arrays.copyOf(stack, stack.length * 2);
            }
            stack[sp++] = e.trueRef[r];
            stack[sp++] = e.falseRef[r];
        }
        return true;
    }

    private static double sum(Ensemble e, int leaf, int target) {
        double s = 0;
        for (int i = e.leafStart[leaf]; i < e.leafStart[leaf + 1]; i++) {
            if (e.target[i] == target) {
                s += e.weight[i];
            }
        }
        return s;
    }

    /** Base values, checked as ONNX Runtime checks them, padded with zeros to {@code n}. */
    private double[] base(int n, boolean classifier) {
        float[] b = a.floats("base_values");
        float[] bt = a.floatTensor("base_values_as_tensor");
        if (bt != null && b.length > 0) {
            throw new InputException(a.where() + " has both base_values and base_values_as_tensor");
        }
        float[] v = bt != null ? bt : b;
        boolean ok = classifier && n == 2 ? v.length <= 2 : v.length == 0 || v.length == n;
        if (!ok) {
            throw new InputException(a.where() + " has " + v.length + " base values for " + n
                    + (classifier ? " classes" : " targets"));
        }
        if (classifier && n == 2 && v.length == 2) {
            throw GraphWalk.refuse("two classes with two base values: ONNX Runtime then replaces the class-1 score"
                    + " by base_values[1] plus the class-0 score");
        }
        double[] out = new double[n];
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new InputException(a.where() + ": base value " + i + " is " + v[i]);
            }
            out[i] = v[i];
        }
        return out;
    }

    private static boolean allZero(double[] v) {
        for (double x : v) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static int nonZero(double[] v) {
        int c = 0;
        for (double x : v) {
            c += x != 0 ? 1 : 0;
        }
        return c;
    }

    private TreeTranslator translator(Ensemble e) {
        if (!w.transform.identity()) {
            notes.add(w.transform.scalers() + " Scaler(s) folded into the split thresholds, exactly for float32"
                    + " input.");
        }
        notes.add("Split tests translated exactly from ONNX Runtime's float32 comparisons; NaN follows"
                + " nodes_missing_value_tracks_true.");
        notes.add("ONNX records no training counts or impurity: samples and gains are 0, so importances are 0.");
        return new TreeTranslator(e, w.transform, OnnxFormat.treeNodeBudget((long) e.mode.length + e.leaves()));
    }

    private LocalModel forest(List<String> classes, Ensemble e, TreeTranslator tr, TreeTranslator.LeafValues v) {
        List<Tree> ts = new ArrayList<>();
        for (int t = 0; t < e.trees(); t++) {
            ts.add(tr.translate(e.roots[t], classes.size(), v));
        }
        String kind = ts.size() == 1 ? ForestModel.DECISION_TREE : ForestModel.RANDOM_FOREST;
        return new ForestModel(kind, schema(classes), provenance(kind), ts);
    }

    private LocalModel boosted(List<String> classes, List<Tree> ts, double[] base) {
        notes.add("ONNX Runtime sums leaf weights in float32; mlsec in double.");
        return new BoostedModel(schema(classes), provenance(BoostedModel.KIND), ts, base);
    }

    private Schema schema(List<String> classes) {
        List<Column> cols = new ArrayList<>();
        for (String f : features) {
            cols.add(Column.numeric(f, ColumnType.NUMERIC, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY));
        }
        return new Schema(cols, null, classes);
    }

    private Provenance provenance(String algorithm) {
        String producer = w.model.getProducerName().isEmpty() ? "ONNX" : w.model.getProducerName();
        return Provenance.imported(producer, w.model.getProducerVersion(), algorithm, hyper, features, -1,
                new Provenance.Imported("ONNX", file.toString(), ModelFormat.sha256(bytes), notes));
    }

    static NotWhiteBoxException refuse(String why) {
        return GraphWalk.refuse(why);
    }
}
