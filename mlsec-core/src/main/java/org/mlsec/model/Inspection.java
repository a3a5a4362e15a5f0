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
     * What a model file tells whoever holds it, as {@code mlsec inspect} shows it.
     *
     * @param family the model family, such as {@code random_forest}
     * @param classes the class names it predicts
     * @param features its input columns
     * @param hyperparameters every setting recorded in the file
     * @param trainingRows how many rows it was trained on (-1 when an imported file does not say)
     * @param trainingData where the training data came from
     * @param trainingFingerprint the training data's fingerprint
     * @param trainedAt when it was trained (ISO-8601)
     * @param figures figures measured at training time
     * @param imported for a model read from another library's file: what was read; null for models mlsec trained
     * @param library the library that made the file (for an imported model)
     * @param libraryVersion that library's version as the file records it, or null
     * @param featureImportances column importances by name, largest first
     * @param trees the trees' sizes and splits, or null for a model without trees
     * @param coefficients a logistic regression's intercept and coefficients by encoded column, or null for others
     */
    public record Report(String family, List<String> classes, List<String> features, Map<String, String> hyperparameters,
                         int trainingRows, String trainingData, String trainingFingerprint, String trainedAt,
                         Map<String, Double> figures, Provenance.Imported imported, String library,
                         String libraryVersion, Map<String, Double> featureImportances, Trees trees,
                         Map<String, Double> coefficients) {
        /**
         * Checks the required parts.
         *
         * @param family the model family
         * @param classes the class names
         * @param features the input columns
         * @param hyperparameters the recorded settings
         * @param trainingRows the training rows, -1 when unknown
         * @param trainingData where the training data came from
         * @param trainingFingerprint the training data's fingerprint
         * @param trainedAt when it was trained
         * @param figures figures measured at training time
         * @param imported the import record, or null
         * @param library the library that made the file
         * @param libraryVersion its version, or null
         * @param featureImportances column importances by name
         * @param trees the trees, or null
         * @param coefficients the coefficients, or null
         */
        public Report {
            org.mlsec.internal.Validate.notNull(family, "family");
            org.mlsec.internal.Validate.notNull(featureImportances, "featureImportances");
        }

        /**
         * Whether the file holds trees.
         *
         * @return true for a forest or boosted model
         */
        public boolean hasTrees() {
            return trees != null;
        }

        /**
         * The figures under the key names of {@code mlsec inspect --json}.
         *
         * @return family, classes, features, hyperparameters, training data, figures, the import record's fields,
         *     feature importances, the trees' figures and the coefficients, in that order
         */
        public Map<String, Object> toJson() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("family", family);
            out.put("classes", classes);
            out.put("features", features);
            out.put("hyperparameters", hyperparameters);
            out.put("training_rows", trainingRows);
            out.put("training_data", trainingData);
            out.put("training_fingerprint", trainingFingerprint);
            out.put("trained_at", trainedAt);
            out.put("figures", figures);
            if (imported != null) {
                out.put("format", imported.format());
                out.put("library", library);
                out.put("library_version", libraryVersion);
                out.put("sha256", imported.sha256());
                out.put("notes", imported.notes());
            }
            out.put("feature_importances", featureImportances);
            if (trees != null) {
                out.put("trees", trees.count());
                out.put("max_depth", trees.maxDepth());
                out.put("leaves", trees.leaves());
                out.put("smallest_leaf_rows", trees.smallestLeafRows());
                out.put("top_splits", trees.topSplits());
                List<Map<String, Object>> perTree = new ArrayList<>();
                for (TreeSummary t : trees.perTree()) {
                    Map<String, Object> tree = new LinkedHashMap<>();
                    tree.put("nodes", t.nodes());
                    tree.put("depth", t.depth());
                    tree.put("leaves", t.leaves());
                    tree.put("top_feature", t.topFeature());
                    tree.put("top_feature_share", t.topFeatureShare());
                    tree.put("importances", t.importances());
                    perTree.add(tree);
                }
                out.put("per_tree", perTree);
            }
            if (coefficients != null) {
                out.put("coefficients", coefficients);
            }
            return out;
        }
    }

    /**
     * What the trees of a file show.
     *
     * @param count how many trees
     * @param maxDepth the deepest tree's depth
     * @param leaves leaves over all trees
     * @param smallestLeafRows the fewest training rows behind a leaf, or null when the file records no training counts
     * @param topSplits the (at most 15) split thresholds used most, with how often, most used first
     * @param perTree each tree's size and importances, in order
     */
    public record Trees(int count, int maxDepth, long leaves, Integer smallestLeafRows, Map<String, Integer> topSplits,
                        List<TreeSummary> perTree) {
        /**
         * Copies the splits (keeping their order) and the trees.
         *
         * @param count how many trees
         * @param maxDepth the deepest tree's depth
         * @param leaves leaves over all trees
         * @param smallestLeafRows the fewest training rows behind a leaf, or null when unknown
         * @param topSplits the split thresholds used most
         * @param perTree each tree's summary
         */
        public Trees {
            topSplits = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(topSplits));
            perTree = List.copyOf(perTree);
        }

        /**
         * The threshold used most, such as {@code age <= 30.5}.
         *
         * @return the split, or empty when no tree splits
         */
        public java.util.Optional<String> topSplit() {
            return topSplits.keySet().stream().findFirst();
        }

        /**
         * Nodes over all trees.
         *
         * @return the number of nodes
         */
        public long nodes() {
            return perTree.stream().mapToLong(TreeSummary::nodes).sum();
        }
    }

    /**
     * One tree's size and where its split gain goes.
     *
     * @param nodes its nodes
     * @param depth its depth
     * @param leaves its leaves
     * @param topFeature the encoded column with most split gain, or null for a tree without gain
     * @param topFeatureShare that column's share of the gain (0 without gain)
     * @param importances each encoded column's share of the gain, columns without gain left out
     */
    public record TreeSummary(int nodes, int depth, int leaves, String topFeature, double topFeatureShare,
                              Map<String, Double> importances) {
    }

    /**
     * What {@code mlsec inspect} shows: family, classes, features, hyperparameters, training data and figures (and
     * the import record of an imported model), the trees' sizes and splits or the coefficients.
     *
     * @param m the model
     * @return the report
     */
    public static Report inspect(LocalModel m) {
        Provenance.Imported imported = m.provenance().imported();
        Trees trees = null;
        List<Tree> all = trees(m);
        if (!all.isEmpty()) {
            trees = trees(all, m.encoder().names(), imported != null);
        }
        Map<String, Double> coef = null;
        if (m instanceof LogisticModel) {
            coef = new LinkedHashMap<>();
            double[] c = ((LogisticModel) m).rawCoefficients(0);
            coef.put("(intercept)", c[0]);
            for (int j = 0; j < m.encoder().width(); j++) {
                coef.put(m.encoder().names().get(j), c[j + 1]);
            }
        }
        Provenance p = m.provenance();
        return new Report(m.kind(), m.classes(), m.schema().featureNames(), p.hyperparameters(), p.data().rows(),
                p.data().source(), p.data().fingerprint(), p.createdAt(), p.metrics(), imported,
                imported == null ? null : p.tool(), imported == null ? null : p.toolVersion(), columnImportances(m),
                trees, coef);
    }

    private static Trees trees(List<Tree> trees, List<String> names, boolean imported) {
        int maxDepth = 0;
        long leaves = 0;
        int minLeafRows = Integer.MAX_VALUE;
        List<TreeSummary> perTree = new ArrayList<>();
        Map<String, Integer> splits = new HashMap<>();
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
            int best = 0;
            for (int f = 1; f < ti.length; f++) {
                best = ti[f] > ti[best] ? f : best;
            }
            Map<String, Double> importances = new LinkedHashMap<>();
            for (int f = 0; f < ti.length; f++) {
                if (ti[f] > 0) {
                    importances.put(names.get(f), ti[f] / total);
                }
            }
            perTree.add(new TreeSummary(t.nodes(), t.depth(), t.leaves(), total > 0 ? names.get(best) : null,
                    total > 0 ? ti[best] / total : 0, importances));
        }
        List<Map.Entry<String, Integer>> top = new ArrayList<>(splits.entrySet());
        top.sort(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        Map<String, Integer> topSplits = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : top.subList(0, Math.min(15, top.size()))) {
            topSplits.put(e.getKey(), e.getValue());
        }
        // An imported file without training counts (XGBoost, most ONNX) leaves samples at 0: unknown, not 0.
        Integer smallest = imported && minLeafRows == 0 && !hasCounts(trees) ? null : minLeafRows;
        return new Trees(trees.size(), maxDepth, leaves, smallest, topSplits, perTree);
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
