package org.mlsec.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mlsec.MlsecException;
import org.mlsec.data.Values;
import org.mlsec.model.linear.LogisticModel;
import org.mlsec.model.tree.BoostedModel;
import org.mlsec.model.tree.ForestModel;
import org.mlsec.model.tree.Tree;

/**
 * What an attacker learns from a model file alone (white-box): family, size, depth, leaf-size limits, what it was
 * trained on, feature importances overall and per tree, the split thresholds used most, and each tree as DOT.
 */
public final class Inspection {
    private Inspection() {
    }

    /**
     * The model's column importances by column name, largest first (equal ones in column order).
     *
     * @param m the model
     * @return column name to importance
     */
    public static Map<String, Double> columnImportances(LocalModel m) {
        double[] col = m.columnImportances();
        List<Integer> order = new ArrayList<>();
        for (int j = 0; j < col.length; j++) {
            order.add(j);
        }
        order.sort(Comparator.comparingDouble((Integer j) -> -col[j]));
        Map<String, Double> imp = new LinkedHashMap<>();
        for (int j : order) {
            imp.put(m.schema().feature(j).name(), col[j]);
        }
        return imp;
    }

    /**
     * What {@code mlsec inspect} shows: family, classes, features, hyperparameters, training data and figures (and
     * the import record of an imported model).
     *
     * @param m the model
     * @return the figures
     */
    public static Map<String, Object> inspect(LocalModel m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("family", m.kind());
        out.put("classes", m.classes());
        out.put("features", m.schema().featureNames());
        out.put("hyperparameters", m.provenance().hyperparameters());
        out.put("training_rows", m.provenance().data().rows());
        out.put("training_data", m.provenance().data().source());
        out.put("training_fingerprint", m.provenance().data().fingerprint());
        out.put("trained_at", m.provenance().createdAt());
        out.put("figures", m.provenance().metrics());
        Provenance.Imported imp0 = m.provenance().imported();
        if (imp0 != null) {
            out.put("format", imp0.format());
            out.put("library", m.provenance().tool());
            out.put("library_version", m.provenance().toolVersion());
            out.put("sha256", imp0.sha256());
            out.put("notes", imp0.notes());
        }
        boolean imported = imp0 != null;
        out.put("feature_importances", columnImportances(m));
        List<Tree> trees = trees(m);
        if (!trees.isEmpty()) {
            int maxDepth = 0;
            long leaves = 0;
            int minLeafRows = Integer.MAX_VALUE;
            List<Map<String, Object>> perTree = new ArrayList<>();
            Map<String, Integer> splits = new HashMap<>();
            List<String> names = m.encoder().names();
            for (Tree t : trees) {
                maxDepth = Math.max(maxDepth, t.depth());
                leaves += t.leaves();
                double[] ti = new double[names.size()];
                double total = 0;
                for (int n = 0; n < t.nodes(); n++) {
                    if (t.isLeaf(n)) {
                        minLeafRows = Math.min(minLeafRows, t.samples()[n]);
                    } else {
                        ti[t.feature()[n]] += t.gain()[n];
                        total += t.gain()[n];
                        splits.merge(names.get(t.feature()[n]) + " <= " + threshold(t.threshold()[n], imported), 1,
                                Integer::sum);
                    }
                }
                Map<String, Object> tree = new LinkedHashMap<>();
                tree.put("nodes", t.nodes());
                tree.put("depth", t.depth());
                tree.put("leaves", t.leaves());
                int best = 0;
                for (int f = 1; f < ti.length; f++) {
                    best = ti[f] > ti[best] ? f : best;
                }
                tree.put("top_feature", total > 0 ? names.get(best) : null);
                tree.put("top_feature_share", total > 0 ? ti[best] / total : 0);
                Map<String, Double> importances = new LinkedHashMap<>();
                for (int f = 0; f < ti.length; f++) {
                    if (ti[f] > 0) {
                        importances.put(names.get(f), ti[f] / total);
                    }
                }
                tree.put("importances", importances);
                perTree.add(tree);
            }
            out.put("trees", trees.size());
            out.put("max_depth", maxDepth);
            out.put("leaves", leaves);
            // An imported file without training counts (XGBoost, most ONNX) leaves samples at 0: unknown, not 0.
            out.put("smallest_leaf_rows", imported && minLeafRows == 0 && !hasCounts(trees) ? null : minLeafRows);
            List<Map.Entry<String, Integer>> top = new ArrayList<>(splits.entrySet());
            top.sort(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
            Map<String, Integer> topSplits = new LinkedHashMap<>();
            for (Map.Entry<String, Integer> e : top.subList(0, Math.min(15, top.size()))) {
                topSplits.put(e.getKey(), e.getValue());
            }
            out.put("top_splits", topSplits);
            out.put("per_tree", perTree);
        }
        if (m instanceof LogisticModel) {
            Map<String, Double> coef = new LinkedHashMap<>();
            double[] c = ((LogisticModel) m).rawCoefficients(0);
            coef.put("(intercept)", c[0]);
            for (int j = 0; j < m.encoder().width(); j++) {
                coef.put(m.encoder().names().get(j), c[j + 1]);
            }
            out.put("coefficients", coef);
        }
        return out;
    }

    /**
     * A threshold as a person reads it. An imported float32 threshold is held as the double that answers exactly
     * as the library's float32 test ({@code 0.50000003} for scikit-learn's {@code 0.5}); it is shown as the float
     * it stands for.
     */
    static String threshold(double t, boolean imported) {
        float f = (float) t;
        if (imported && Float.isFinite(f) && Math.abs(t - f) <= Math.ulp(f)) {
            return Values.format(Double.parseDouble(Float.toString(f)));
        }
        return Values.format(t);
    }

    private static boolean hasCounts(List<Tree> trees) {
        for (Tree t : trees) {
            for (int c : t.samples()) {
                if (c > 0) {
                    return true;
                }
            }
        }
        return false;
    }

    static List<Tree> trees(LocalModel m) {
        if (m instanceof ForestModel) {
            return ((ForestModel) m).trees();
        }
        if (m instanceof BoostedModel) {
            return ((BoostedModel) m).trees();
        }
        return List.of();
    }

    /**
     * Writes tree-NNN.dot files (Graphviz) into {@code dir}; returns how many.
     *
     * @param m a tree model
     * @param dir the folder to write into
     * @return the number of files written
     */
    public static int writeDot(LocalModel m, Path dir) {
        List<Tree> trees = trees(m);
        try {
            Files.createDirectories(dir);
            for (int k = 0; k < trees.size(); k++) {
                Files.writeString(dir.resolve(String.format(Locale.ROOT, "tree-%03d.dot", k)), dot(m, trees.get(k), k));
            }
        } catch (IOException e) {
            throw new MlsecException("cannot write DOT files to " + dir + ": " + e.getMessage(), e);
        }
        return trees.size();
    }

    static String dot(LocalModel m, Tree t, int index) {
        StringBuilder sb = new StringBuilder("digraph tree" + index + " {\n  node [shape=box, fontname=\"Helvetica\"];\n");
        List<String> names = m.encoder().names();
        int w = t.valueWidth();
        for (int n = 0; n < t.nodes(); n++) {
            StringBuilder values = new StringBuilder();
            for (int c = 0; c < w; c++) {
                values.append(c == 0 ? "" : ", ").append(Values.format(Math.round(t.value()[n * w + c] * 1e4) / 1e4));
            }
            String label = t.isLeaf(n)
                    ? String.format("rows = %d\\nvalue = [%s]", t.samples()[n], values)
                    : String.format("%s <= %s\\nrows = %d\\nvalue = [%s]", escape(names.get(t.feature()[n])),
                    threshold(t.threshold()[n], m.provenance().imported() != null), t.samples()[n], values);
            sb.append(String.format("  n%d [label=\"%s\"%s];%n", n, label, t.isLeaf(n) ? ", style=rounded" : ""));
            if (!t.isLeaf(n)) {
                sb.append(String.format("  n%d -> n%d [label=\"yes\"];%n  n%d -> n%d [label=\"no\"];%n", n, t.left()[n], n,
                        t.right()[n]));
            }
        }
        return sb.append("}\n").toString();
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
