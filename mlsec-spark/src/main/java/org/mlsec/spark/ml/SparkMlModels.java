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
import org.apache.spark.ml.classification.RandomForestClassificationModel;
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

    /** Whether {@code dir} is a saved Spark ML model (its metadata names a Spark ML class). */
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
     */
    public static LocalModel read(Path dir) {
        String cls = className(dir);
        boolean own = SparkSession.getActiveSession().isEmpty() && SparkSession.getDefaultSession().isEmpty();
        SparkSession spark = own ? SparkSession.builder().master("local[1]").appName("mlsec-read")
                .config("spark.ui.enabled", "false").getOrCreate() : null;
        try {
            return read(dir, cls);
        } finally {
            if (spark != null) {
                spark.stop();
            }
        }
    }

    private static LocalModel read(Path dir, String cls) {
        String path = dir.toAbsolutePath().toString();
        switch (cls) {
            case "org.apache.spark.ml.classification.RandomForestClassificationModel":
                return forest(RandomForestClassificationModel.load(path), dir);
            case "org.apache.spark.ml.classification.DecisionTreeClassificationModel":
                return tree(DecisionTreeClassificationModel.load(path), dir);
            case "org.apache.spark.ml.classification.GBTClassificationModel":
                return boosted(GBTClassificationModel.load(path), dir);
            case "org.apache.spark.ml.classification.LogisticRegressionModel":
                return logistic(LogisticRegressionModel.load(path), dir);
            default:
                throw new InputException(dir + " is a Spark ML " + cls + "; mlsec reads RandomForestClassificationModel,"
                        + " GBTClassificationModel, DecisionTreeClassificationModel and LogisticRegressionModel");
        }
    }

    static ForestModel forest(RandomForestClassificationModel m, Path dir) {
        List<Tree> trees = new ArrayList<>();
        for (DecisionTreeClassificationModel t : m.trees()) {
            trees.add(translate(t.rootNode(), m.numClasses(), 0, dir));
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
        return new ForestModel(ForestModel.RANDOM_FOREST, schema(m.numFeatures(), m.numClasses()),
                provenance("random_forest", h, m.numFeatures(), -1, dir), trees);
    }

    static ForestModel tree(DecisionTreeClassificationModel m, Path dir) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("max_depth", Integer.toString(m.getMaxDepth()));
        h.put("min_leaf", Integer.toString(m.getMinInstancesPerNode()));
        h.put("spark.impurity", m.getImpurity());
        int rows = rows(m.rootNode().impurityStats().count());
        return new ForestModel(ForestModel.DECISION_TREE, schema(m.numFeatures(), m.numClasses()),
                provenance("decision_tree", h, m.numFeatures(), rows, dir),
                List.of(translate(m.rootNode(), m.numClasses(), 0, dir)));
    }

    static BoostedModel boosted(GBTClassificationModel m, Path dir) {
        if (!"logistic".equals(m.getLossType())) {
            throw new InputException(dir + ": a GBT with loss '" + m.getLossType() + "'; mlsec reads log loss");
        }
        List<Tree> trees = new ArrayList<>();
        double[] w = m.treeWeights();
        for (int t = 0; t < w.length; t++) {
            trees.add(translate(m.trees()[t].rootNode(), 1, 2 * w[t], dir));
        }
        Map<String, String> h = new LinkedHashMap<>();
        h.put("trees", Integer.toString(m.getNumTrees()));
        h.put("max_depth", Integer.toString(m.getMaxDepth()));
        h.put("min_leaf", Integer.toString(m.getMinInstancesPerNode()));
        h.put("learning_rate", Double.toString(m.getStepSize()));
        h.put("spark.subsamplingRate", Double.toString(m.getSubsamplingRate()));
        return new BoostedModel(schema(m.numFeatures(), 2), provenance("gradient_boosting", h, m.numFeatures(), -1, dir),
                trees, new double[] {0});
    }

    static LogisticModel logistic(LogisticRegressionModel m, Path dir) {
        if (m.numClasses() != 2 || m.coefficientMatrix().numRows() != 1) {
            throw new InputException(dir + ": a multinomial logistic regression (" + m.numClasses()
                    + " classes); mlsec reads binary ones");
        }
        int d = m.numFeatures();
        double[] mean = new double[d];
        double[] scale = new double[d];
        double[] weights = new double[d + 1];
        weights[0] = m.intercept();
        double[] c = m.coefficients().toArray();
        for (int j = 0; j < d; j++) {
            scale[j] = 1;
            weights[j + 1] = c[j];
        }
        Map<String, String> h = new LinkedHashMap<>();
        h.put("l2", Double.toString(m.getRegParam() * (1 - m.getElasticNetParam())));
        h.put("spark.regParam", Double.toString(m.getRegParam()));
        h.put("spark.elasticNetParam", Double.toString(m.getElasticNetParam()));
        return new LogisticModel(schema(d, 2), provenance("logistic_regression", h, d, -1, dir), mean, scale,
                new double[][] {weights});
    }

    /**
     * One Spark tree as an mlsec tree. Classification leaves hold Spark's class counts ({@code scale} 0); regression
     * leaves (GBT) hold {@code scale} times the prediction.
     */
    static Tree translate(Node root, int width, double scale, Path dir) {
        TreeArrays a = new TreeArrays(width);
        add(a, root, -1, false, width, scale, dir);
        return a.build(0);
    }

    private static void add(TreeArrays a, Node node, int parent, boolean isLeft, int width, double scale, Path dir) {
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
        if (!(in.split() instanceof ContinuousSplit split)) {
            throw new InputException(dir + ": a categorical split on feature " + in.split().featureIndex()
                    + "; mlsec reads trees with threshold splits (one-hot encode categories before training)");
        }
        a.branch(id, split.featureIndex(), split.threshold(), false);
        a.stats(id, count, in.gain());
        add(a, in.leftChild(), id, true, width, scale, dir);
        add(a, in.rightChild(), id, false, width, scale, dir);
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

    static Provenance provenance(String algorithm, Map<String, String> h, int features, int rows, Path dir) {
        List<String> names = new ArrayList<>();
        for (int j = 0; j < features; j++) {
            names.add("f" + j);
        }
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
