package org.mlsec.model.formats.xgboost;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mlsec.InputException;
import org.mlsec.model.tree.Tree;

/**
 * The trees of a {@code gbtree} or {@code dart} booster ({@code GBTreeModel::SaveModel} in XGBoost's
 * {@code src/gbm/gbtree_model.cc}, {@code Dart::SaveModel} in {@code gbtree.cc}), in the order
 * {@link org.mlsec.model.tree.BoostedModel} adds them.
 * <p>
 * Each tree's {@code id} is its place (XGBoost loads tree {@code id} into slot {@code id}) and {@code tree_info}
 * its output group. XGBoost adds every tree's leaf value to its group's margin, parallel trees included: a round
 * of random-forest mode ({@code num_parallel_tree} > 1) is a sum of trees whose leaf values already carry
 * eta / num_parallel_tree, and a round of a multi-class model is grouped by class (all of class 0's parallel trees,
 * then class 1's, ...). BoostedModel adds tree t to class t % k, so trees are taken class by class in turn (a class
 * with fewer trees is padded with single-leaf zero trees, which add nothing). dart multiplies each tree's output by
 * its {@code weight_drop} in float32 at prediction; the leaf values here carry that product.
 */
final class GbtreeReader {
    static final int MAX_TREES = 10_000_000;

    /** Trees in BoostedModel order and the base margin per output. */
    record Result(List<Tree> trees, double[] baseScore) {
    }

    private GbtreeReader() {
    }

    static Result read(JsonNode gb, boolean dart, int features, boolean[] categorical, int classes, int groups,
                       float margin, Settings settings, Map<String, String> hyper, List<String> notes) {
        String where = "learner.gradient_booster";
        JsonNode model;
        float[] drop = null;
        if (dart) {
            JsonNode inner = Fields.object(gb, "gbtree", where);
            model = Fields.object(inner, "model", where + ".gbtree");
            where += ".gbtree.model";
        } else {
            model = Fields.object(gb, "model", where);
            where += ".model";
        }
        JsonNode param = Fields.object(model, "gbtree_model_param", where);
        int n = Fields.intText(param, "num_trees", where + ".gbtree_model_param", 0, MAX_TREES);
        int parallel = Fields.intText(param, "num_parallel_tree", where + ".gbtree_model_param", 1, MAX_TREES);
        JsonNode trees = Fields.array(model, "trees", where, n);
        JsonNode info = Fields.array(model, "tree_info", where, n);
        if (dart) {
            JsonNode w = Fields.array(gb, "weight_drop", "learner.gradient_booster", n);
            drop = new float[n];
            for (int i = 0; i < n; i++) {
                drop[i] = Fields.float32(w.get(i), "learner.gradient_booster.weight_drop[" + i + "]");
                if (!Float.isFinite(drop[i])) {
                    throw new InputException("learner.gradient_booster.weight_drop[" + i + "] is " + drop[i]
                            + ", not finite");
                }
            }
            notes.add("dart: each tree's leaf values are multiplied by its weight_drop, as XGBoost predicts "
                    + "(no tree is dropped at prediction)");
        }
        JsonNode[] byId = new JsonNode[n];
        for (int i = 0; i < n; i++) {
            JsonNode t = trees.get(i);
            if (!t.isObject()) {
                throw new InputException(where + ".trees[" + i + "] is not an object");
            }
            int id = (int) Fields.integer(t.get("id"), where + ".trees[" + i + "].id", 0, n - 1);
            if (byId[id] != null) {
                throw new InputException(where + ".trees[" + i + "].id " + id + " is used twice");
            }
            byId[id] = t;
        }
        int outputs = classes == 2 ? 1 : classes;
        List<List<Tree>> perOutput = new ArrayList<>();
        for (int c = 0; c < outputs; c++) {
            perOutput.add(new ArrayList<>());
        }
        int depth = 0;
        int skipped = 0;
        double shrinkMin = Double.POSITIVE_INFINITY;
        double shrinkMax = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            int group = (int) Fields.integer(info.get(i), where + ".tree_info[" + i + "]", 0, groups - 1);
            boolean negate = groups == 2 && group == 0;
            TreeReader.Read r = TreeReader.read(byId[i], "tree " + i, features, categorical,
                    drop == null ? 1f : drop[i], negate);
            perOutput.get(outputs == 1 ? 0 : group).add(r.tree());
            depth = Math.max(depth, r.depth());
            skipped += r.skipped();
            if (!Double.isNaN(r.shrinkMin())) {
                shrinkMin = Math.min(shrinkMin, r.shrinkMin());
                shrinkMax = Math.max(shrinkMax, r.shrinkMax());
            }
        }
        List<Tree> ordered = interleave(perOutput, parallel, notes);
        long rounds = n / ((long) groups * parallel);
        if (rounds * groups * parallel != n) {
            notes.add(n + " trees are not whole rounds of " + groups + " group(s) x " + parallel + " parallel trees");
        }
        hyper.put("trees", Long.toString(rounds * parallel));
        hyper.put("xgboost.num_parallel_tree", Integer.toString(parallel));
        hyper.put("xgboost.rounds", Long.toString(rounds));
        if (parallel > 1) {
            notes.add("random-forest mode: " + parallel + " parallel trees per round and class, their leaf values "
                    + "summed as XGBoost does; trees counts them all (" + rounds + " rounds x " + parallel + ")");
        }
        settingsNotes(settings, depth, rounds, parallel, shrinkMin, shrinkMax, hyper, notes);
        if (skipped > 0) {
            notes.add(skipped + " nodes the roots do not reach (deleted by XGBoost's pruner) were left out");
        }
        notes.add("cover (sum_hessian) is a hessian sum, not a row count: node samples are 0 (unknown); "
                + "split gains (loss_changes) are kept for importances");
        notes.add("min_child_weight bounds a hessian sum, not a row count, so min_leaf is not set");
        notes.add("splits x < t on float32 read exactly as x <= t' on doubles; missing values (NaN) take each "
                + "node's default_left direction");
        double[] base = new double[outputs];
        java.util.Arrays.fill(base, groups == 2 ? 0.0 : margin); // two-class softmax: margin 1 - margin 0
        return new Result(ordered, base);
    }

    /** Class 0's next tree, class 1's, ...: the order BoostedModel adds them in (tree t to class t % k). */
    private static List<Tree> interleave(List<List<Tree>> perOutput, int parallel, List<String> notes) {
        if (perOutput.size() == 1) {
            return perOutput.get(0);
        }
        int most = 0;
        int fewest = Integer.MAX_VALUE;
        long real = 0;
        for (List<Tree> l : perOutput) {
            most = Math.max(most, l.size());
            fewest = Math.min(fewest, l.size());
            real += l.size();
        }
        if ((long) most * perOutput.size() > 2 * real + 1_000_000L) {
            throw new InputException("the classes have " + fewest + " to " + most + " trees each, too uneven to pad "
                    + "with zero trees (XGBoost gives every class one tree per round)");
        }
        if (most != fewest) {
            notes.add("classes have " + fewest + " to " + most + " trees; the shorter are padded with single-leaf "
                    + "zero trees");
        }
        if (parallel > 1) {
            notes.add("trees reordered from XGBoost's per-class groups of parallel trees to one tree per class in turn "
                    + "(the sums per class are unchanged)");
        }
        Tree zero = new Tree(new int[] {-1}, new double[1], new int[] {-1}, new int[] {-1}, new double[1], 1,
                new int[1], new double[1]);
        List<Tree> out = new ArrayList<>(most * perOutput.size());
        for (int r = 0; r < most; r++) {
            for (List<Tree> l : perOutput) {
                out.add(r < l.size() ? l.get(r) : zero);
            }
        }
        return out;
    }

    private static void settingsNotes(Settings settings, int depth, long rounds, int parallel, double shrinkMin,
                                      double shrinkMax, Map<String, String> hyper, List<String> notes) {
        if (!hyper.containsKey("max_depth")) {
            notes.add("max_depth not stored; the deepest tree has " + depth + " levels");
        }
        if (!hyper.containsKey("learning_rate") && shrinkMin <= shrinkMax
                && shrinkMax - shrinkMin <= 1e-4 * Math.abs(shrinkMax)) {
            float eta = (float) (shrinkMax * parallel);
            notes.add("learning rate not stored; every leaf value is its base weight x " + (float) shrinkMax
                    + (parallel > 1 ? " (eta / num_parallel_tree)" : "") + ", which suggests eta = "
                    + eta);
        }
        JsonNode n = settings.get("n_estimators");
        if (n != null && n.isIntegralNumber() && n.asLong() != rounds && parallel == 1) {
            notes.add("the wrapper's n_estimators is " + n.asLong() + " but the file holds " + rounds + " rounds");
        }
        if (settings.bestIteration() >= 0 && settings.bestIteration() + 1 < rounds) {
            notes.add("the file records best_iteration " + settings.bestIteration() + " (early stopping): XGBoost's "
                    + "scikit-learn wrapper predicts with the first " + (settings.bestIteration() + 1)
                    + " rounds only; mlsec reads all " + rounds + ", as Booster.predict does");
        }
    }
}
