package org.mlsec.spark.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.classification.DecisionTreeClassificationModel;
import org.apache.spark.ml.classification.GBTClassificationModel;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.classification.RandomForestClassificationModel;
import org.apache.spark.ml.tree.CategoricalSplit;
import org.apache.spark.ml.tree.ContinuousSplit;
import org.apache.spark.ml.tree.InternalNode;
import org.apache.spark.ml.tree.LeafNode;
import org.apache.spark.ml.tree.Node;
import org.apache.spark.sql.SparkSession;
import org.mlsec.InputException;
import org.mlsec.data.Column;
import org.mlsec.data.ColumnType;
import org.mlsec.data.Schema;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Provenance;
import org.mlsec.model.formats.TreeArrays;
import org.mlsec.model.linear.LogisticModel;
import org.mlsec.model.tree.BoostedModel;
import org.mlsec.model.tree.ForestModel;
import org.mlsec.model.tree.Tree;

/**
 * Saved Spark ML classifiers as white-box mlsec models. Spark's own reader loads the directory (JSON metadata and
 * Parquet node tables: data, never code), then the model is translated: a decision tree or random forest into a
 * {@link ForestModel} whose leaves hold Spark's class counts (Spark averages each tree's class shares, as mlsec
 * does), a GBT into a {@link BoostedModel} (Spark's log-loss margin is half the log-odds, so every leaf is scaled by
 * twice its tree's weight), a binary logistic regression into a {@link LogisticModel}. Every node keeps the
 * training count Spark stores with it. A bare model reads a vector column with no names, so its features are
 * {@code f0..f(n-1)}; classes are Spark's label indices {@code 0..k-1}.
 */
public final class SparkMlModels {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SparkMlModels() {
    }

    /**
     * Whether {@code dir} is a saved Spark ML model (its metadata names a Spark ML class).
     *
     * @param dir a folder
     * @return true for a saved Spark ML model
     */
    public static boolean recognises(Path dir) {
        try {
            return className(dir).startsWith("org.apache.spark.ml.");
        } catch (InputException e) {
            return false;
        }
    }

    /** The Spark class that saved the model, from {@code metadata/part-00000}. */
    static String className(Path dir) {
        Path meta = dir.resolve("metadata").resolve("part-00000");
        if (!Files.isRegularFile(meta)) {
            throw new InputException(dir + " is not a saved Spark ML model (no metadata/part-00000)");
        }
        try {
            if (Files.size(meta) > 1 << 20) {
                throw new InputException(meta + " is larger than 1 MiB: not Spark ML metadata");
            }
            String first = Files.readAllLines(meta).stream().findFirst().orElse("");
            return JSON.readTree(first).path("class").asText("");
        } catch (IOException e) {
            throw new InputException(meta + " is not Spark ML metadata: " + e.getMessage());
        }
    }

    /**
     * Reads the saved model in {@code dir} with the active Spark session, or with a local one-core session started
     * for the read and stopped after it (the result is an mlsec model; it needs no Spark).
     *
     * @param dir the saved model's folder
     * @return the model as mlsec's white-box model
     */
    public static LocalModel read(Path dir) {
        String cls = className(dir);
        boolean own = org.mlsec.spark.SparkReferenceEngine.running().isEmpty();
        SparkSession spark = own ? SparkSession.builder().master("local[1]").appName("mlsec-read")
                .config("spark.ui.enabled", "false").getOrCreate() : null;
        try {
            return read(dir, cls);
        } catch (InputException e) {
            throw e;
        } catch (Exception e) { // a damaged folder: Spark's reader throws SparkException, Jackson or IO errors
            throw new InputException(dir + ": Spark ML could not read the saved " + cls.substring(cls.lastIndexOf('.')
                    + 1) + ": " + org.mlsec.spark.SparkTables.firstLine(e));
        } finally {
            if (spark != null) {
                spark.stop();
            }
        }
    }

    static final String PIPELINE = "org.apache.spark.ml.PipelineModel";
    static final List<String> CLASSIFIERS = List.of(
            "org.apache.spark.ml.classification.RandomForestClassificationModel",
            "org.apache.spark.ml.classification.DecisionTreeClassificationModel",
            "org.apache.spark.ml.classification.GBTClassificationModel",
            "org.apache.spark.ml.classification.LogisticRegressionModel");

    private static LocalModel read(Path dir, String cls) {
        if (PIPELINE.equals(cls)) {
            return SparkMlPipelines.read(dir);
        }
        if (!CLASSIFIERS.contains(cls)) {
            throw new InputException(dir + " is a Spark ML " + cls + "; mlsec reads RandomForestClassificationModel,"
                    + " GBTClassificationModel, DecisionTreeClassificationModel, LogisticRegressionModel and a"
                    + " PipelineModel ending in one of them");
        }
        ProbabilisticClassificationModel<?, ?> m = loadClassifier(dir, cls);
        return classifier(m, Layout.bare(m.numFeatures(), m.numClasses()), dir);
    }

    /** Loads a classifier with its own class's reader (which checks the class its metadata names). */
    static ProbabilisticClassificationModel<?, ?> loadClassifier(Path dir, String cls) {
        String path = dir.toAbsolutePath().toString();
        return switch (cls) {
            case "org.apache.spark.ml.classification.RandomForestClassificationModel" ->
                    RandomForestClassificationModel.load(path);
            case "org.apache.spark.ml.classification.DecisionTreeClassificationModel" ->
                    DecisionTreeClassificationModel.load(path);
            case "org.apache.spark.ml.classification.GBTClassificationModel" -> GBTClassificationModel.load(path);
            case "org.apache.spark.ml.classification.LogisticRegressionModel" -> LogisticRegressionModel.load(path);
            default -> throw new IllegalArgumentException(cls);
        };
    }

    /** The classifier as an mlsec model whose inputs are laid out by {@code l}. */
    static LocalModel classifier(ProbabilisticClassificationModel<?, ?> m, Layout l, Path dir) {
        if (m instanceof RandomForestClassificationModel rf) {
            return forest(rf, l, dir);
        }
        if (m instanceof DecisionTreeClassificationModel dt) {
            return tree(dt, l, dir);
        }
        if (m instanceof GBTClassificationModel gbt) {
            return boosted(gbt, l, dir);
        }
        return logistic((LogisticRegressionModel) m, l, dir);
    }

    /**
     * How a classifier's input vector maps onto an mlsec schema: {@code slot[s]} is the encoded mlsec feature
     * (see {@link org.mlsec.model.FeatureEncoder}) that Spark's vector slot {@code s} holds.
     *
     * @param schema the mlsec schema (named columns, classes)
     * @param slot   per Spark vector slot, its encoded mlsec feature
     */
    record Layout(Schema schema, int[] slot) {
        /** A bare model: slot j is numeric feature fj; classes 0..k-1. */
        static Layout bare(int features, int classes) {
            int[] id = new int[features];
            for (int j = 0; j < features; j++) {
                id[j] = j;
            }
            return new Layout(SparkMlModels.schema(features, classes), id);
        }

        int encodedWidth() {
            return new org.mlsec.model.FeatureEncoder(schema).width();
        }
    }

    static ForestModel forest(RandomForestClassificationModel m, Layout l, Path dir) {
        List<Tree> trees = new ArrayList<>();
        for (DecisionTreeClassificationModel t : m.trees()) {
            trees.add(translate(t.rootNode(), m.numClasses(), 0, l.slot(), dir));
        }
        Map<String, String> h = new LinkedHashMap<>();
        h.put("trees", Integer.toString(m.getNumTrees()));
        h.put("max_depth", Integer.toString(m.getMaxDepth()));
        h.put("min_leaf", Integer.toString(m.getMinInstancesPerNode()));
        String share = maxFeatures(m.getFeatureSubsetStrategy(), m.numFeatures());
        if (share != null) {
            h.put("max_features", share);
        }
        h.put("spark.featureSubsetStrategy", m.getFeatureSubsetStrategy());
        h.put("spark.subsamplingRate", Double.toString(m.getSubsamplingRate()));
        h.put("spark.impurity", m.getImpurity());
        return new ForestModel(ForestModel.RANDOM_FOREST, l.schema(), provenance("random_forest", h, l, -1, dir), trees);
    }

    static ForestModel tree(DecisionTreeClassificationModel m, Layout l, Path dir) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("max_depth", Integer.toString(m.getMaxDepth()));
        h.put("min_leaf", Integer.toString(m.getMinInstancesPerNode()));
        h.put("spark.impurity", m.getImpurity());
        int rows = rows(m.rootNode().impurityStats().count());
        return new ForestModel(ForestModel.DECISION_TREE, l.schema(), provenance("decision_tree", h, l, rows, dir),
                List.of(translate(m.rootNode(), m.numClasses(), 0, l.slot(), dir)));
    }

    static BoostedModel boosted(GBTClassificationModel m, Layout l, Path dir) {
        if (!"logistic".equals(m.getLossType())) {
            throw new InputException(dir + ": a GBT with loss '" + m.getLossType() + "'; mlsec reads log loss");
        }
        List<Tree> trees = new ArrayList<>();
        double[] w = m.treeWeights();
        for (int t = 0; t < w.length; t++) {
            trees.add(translate(m.trees()[t].rootNode(), 1, 2 * w[t], l.slot(), dir));
        }
        Map<String, String> h = new LinkedHashMap<>();
        h.put("trees", Integer.toString(m.getNumTrees()));
        h.put("max_depth", Integer.toString(m.getMaxDepth()));
        h.put("min_leaf", Integer.toString(m.getMinInstancesPerNode()));
        h.put("learning_rate", Double.toString(m.getStepSize()));
        h.put("spark.subsamplingRate", Double.toString(m.getSubsamplingRate()));
        return new BoostedModel(l.schema(), provenance("gradient_boosting", h, l, -1, dir), trees, new double[] {0});
    }

    static LogisticModel logistic(LogisticRegressionModel m, Layout l, Path dir) {
        if (m.numClasses() != 2 || m.coefficientMatrix().numRows() != 1) {
            throw new InputException(dir + ": a multinomial logistic regression (" + m.numClasses()
                    + " classes); mlsec reads binary ones");
        }
        int d = l.encodedWidth();
        double[] mean = new double[d];
        double[] scale = new double[d];
        java.util.Arrays.fill(scale, 1);
        double[] weights = new double[d + 1];
        weights[0] = m.intercept();
        double[] c = m.coefficients().toArray();
        for (int s = 0; s < c.length; s++) {
            weights[l.slot()[s] + 1] = c[s]; // an encoded feature no slot holds (a dropped last category) weighs 0
        }
        Map<String, String> h = new LinkedHashMap<>();
        h.put("l2", Double.toString(m.getRegParam() * (1 - m.getElasticNetParam())));
        h.put("spark.regParam", Double.toString(m.getRegParam()));
        h.put("spark.elasticNetParam", Double.toString(m.getElasticNetParam()));
        return new LogisticModel(l.schema(), provenance("logistic_regression", h, l, -1, dir), mean, scale,
                new double[][] {weights});
    }

    /**
     * One Spark tree as an mlsec tree. Classification leaves hold Spark's class counts ({@code scale} 0); regression
     * leaves (GBT) hold {@code scale} times the prediction.
     */
    static Tree translate(Node root, int width, double scale, int[] slot, Path dir) {
        TreeArrays a = new TreeArrays(width);
        add(a, root, -1, false, width, scale, slot, dir);
        return a.build(0);
    }

    private static void add(TreeArrays a, Node node, int parent, boolean isLeft, int width, double scale, int[] slot,
                            Path dir) {
        int id = a.add();
        a.link(parent, isLeft, id);
        int count = node.impurityStats() == null ? 0 : rows(node.impurityStats().count());
        if (node instanceof LeafNode leaf) {
            if (scale != 0) {
                a.leaf(id, scale * leaf.prediction());
            } else {
                double[] stats = leaf.impurityStats().stats();
                if (stats.length != width) {
                    throw new InputException(dir + ": a leaf has " + stats.length + " class counts for " + width + " classes");
                }
                a.leaf(id, stats.clone());
            }
            a.stats(id, count, 0);
            return;
        }
        InternalNode in = (InternalNode) node;
        int f = in.split().featureIndex();
        if (f >= slot.length) {
            throw new InputException(dir + ": a split on feature " + f + " of " + slot.length);
        }
        double threshold;
        boolean swap = false;
        if (in.split() instanceof ContinuousSplit split) {
            threshold = split.threshold();
        } else {
            // A binary feature (a one-hot slot: Spark's trees take it as a category of 2) goes left on {0} or {1}:
            // x <= 0.5 to the {0} side.
            CategoricalSplit c = (CategoricalSplit) in.split();
            double[] leftCats = c.leftCategories();
            if (c.numCategories() != 2 || leftCats.length != 1) {
                throw new InputException(dir + ": a categorical split on feature " + f + " (" + c.numCategories()
                        + " categories); mlsec reads trees with threshold splits and binary one-hot slots (one-hot"
                        + " encode categories before training)");
            }
            threshold = 0.5;
            swap = leftCats[0] == 1;
        }
        a.branch(id, slot[f], threshold, false);
        a.stats(id, count, in.gain());
        add(a, swap ? in.rightChild() : in.leftChild(), id, true, width, scale, slot, dir);
        add(a, swap ? in.leftChild() : in.rightChild(), id, false, width, scale, slot, dir);
    }

    /** Spark's (weighted) training count of a node as a row count. */
    static int rows(double count) {
        return (int) Math.min(Integer.MAX_VALUE, Math.round(count));
    }

    static String maxFeatures(String strategy, int features) {
        switch (strategy) {
            case "sqrt":
                return "sqrt";
            case "all":
                return "1";
            case "onethird":
                return Double.toString(1.0 / 3);
            default:
                try {
                    double v = Double.parseDouble(strategy);
                    return v > 0 && v <= 1 ? strategy : v > 1 ? Double.toString(Math.min(1, v / features)) : null;
                } catch (NumberFormatException e) {
                    return null; // "auto", "log2": no mlsec counterpart
                }
        }
    }

    static Schema schema(int features, int classes) {
        List<Column> cols = new ArrayList<>();
        for (int j = 0; j < features; j++) {
            cols.add(Column.numeric("f" + j, ColumnType.NUMERIC, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY));
        }
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            names.add(Integer.toString(c));
        }
        return new Schema(cols, "label", names);
    }

    static Provenance provenance(String algorithm, Map<String, String> h, Layout l, int rows, Path dir) {
        List<String> names = l.schema().featureNames();
        return Provenance.imported("spark-ml", org.apache.spark.package$.MODULE$.SPARK_VERSION(), algorithm, h, names,
                rows, new Provenance.Imported("Spark ML", dir.toString(), sha256(dir),
                        List.of("sha256 over the folder's files, in path order: each relative path, then its bytes")));
    }

    /** A fingerprint of the saved folder: every regular file's relative path and bytes, in path order. */
    static String sha256(Path dir) {
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = dir.relativize(f).toString().replace('\\', '/');
                md.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                md.update((byte) 0);
                try (java.io.InputStream in = Files.newInputStream(f)) {
                    byte[] buf = new byte[1 << 16];
                    for (int r; (r = in.read(buf)) > 0; ) {
                        md.update(buf, 0, r);
                    }
                }
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            throw new InputException(dir + " could not be read: " + e.getMessage());
        }
    }
}
