package org.mlsec.model.formats.lightgbm;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mlsec.InputException;

/**
 * The header of a LightGBM text model, the {@code key=value} lines before the first {@code Tree=} (LightGBM
 * {@code src/boosting/gbdt_model_text.cpp}, {@code SaveModelToString} and {@code LoadModelFromString}).
 *
 * @param version           the model format version: v2 (LightGBM 2.0.11 to 2.2), v3 (2.3 to 3.x), v4 (4.x); the
 *                          trees are written alike in all three
 * @param treesPerIteration trees per boosting round ({@code num_tree_per_iteration}): 1, or K for K classes
 * @param objective         the classification objective
 * @param averageOutput     random-forest mode: the raw score is the mean of the rounds, not their sum
 * @param features          {@code feature_names}, in LightGBM's column order
 * @param min               smallest training value per feature from {@code feature_infos} ({@code [min:max]}),
 *                          -infinity where unknown
 * @param max               largest, +infinity where unknown
 * @param categorical       features LightGBM treats as categorical (their feature_infos list category codes)
 * @param monotone          {@code monotone_constraints} per feature (-1, 0, +1), or null when absent
 * @param treeSizes         {@code tree_sizes}: bytes of each tree's text, or null when absent
 */
record Header(String version, int treesPerIteration, Objective objective, boolean averageOutput,
              List<String> features, double[] min, double[] max, boolean[] categorical, int[] monotone,
              long[] treeSizes) {
    /** Most features accepted. */
    static final int MAX_FEATURES = 1 << 20;
    /** Most classes accepted. */
    static final int MAX_CLASSES = 10_000;
    static final Set<String> VERSIONS = Set.of("v2", "v3", "v4");

    Header {
        features = List.copyOf(features);
    }

    int width() {
        return features.size();
    }

    /** Reads the header from its {@code key=value} lines. */
    static Header parse(Map<String, String> kv) {
        String version = require(kv, "version");
        if (!VERSIONS.contains(version)) {
            throw new InputException("model format version=" + clip(version) + " is not one mlsec reads (v2, v3 and"
                    + " v4: LightGBM 2.0.11 to 4.x)");
        }
        int numClass = Tokens.parseInt(require(kv, "num_class"), "num_class");
        if (numClass < 1 || numClass > MAX_CLASSES) {
            throw new InputException("num_class=" + numClass + " is outside 1.." + MAX_CLASSES);
        }
        int perIteration = kv.containsKey("num_tree_per_iteration")
                ? Tokens.parseInt(kv.get("num_tree_per_iteration"), "num_tree_per_iteration") : numClass;
        int maxIdx = Tokens.parseInt(require(kv, "max_feature_idx"), "max_feature_idx");
        if (maxIdx < 0 || maxIdx >= MAX_FEATURES) {
            throw new InputException("max_feature_idx=" + maxIdx + " is outside 0.." + (MAX_FEATURES - 1));
        }
        int width = maxIdx + 1;
        if (!kv.containsKey("objective")) {
            throw new InputException("the header has no objective= line (a model trained with a custom objective"
                    + " has no defined probabilities); mlsec reads objective binary or multiclass");
        }
        Objective objective = Objective.parse(kv.get("objective"), numClass, perIteration);
        List<String> names = Tokens.split(require(kv, "feature_names"), width,
                "feature_names (max_feature_idx=" + maxIdx + ")");
        Set<String> seen = new HashSet<>();
        for (String n : names) {
            if (!seen.add(n)) {
                throw new InputException("feature_names lists '" + clip(n) + "' twice");
            }
        }
        List<String> infos = Tokens.split(require(kv, "feature_infos"), width,
                "feature_infos (max_feature_idx=" + maxIdx + ")");
        double[] min = new double[width];
        double[] max = new double[width];
        boolean[] categorical = new boolean[width];
        for (int j = 0; j < width; j++) {
            featureInfo(infos.get(j), names.get(j), j, min, max, categorical);
        }
        int[] monotone = null;
        if (kv.containsKey("monotone_constraints")) {
            monotone = Tokens.ints(kv.get("monotone_constraints"), width, "monotone_constraints");
            for (int m : monotone) {
                if (m < -1 || m > 1) {
                    throw new InputException("monotone_constraints holds " + m + "; only -1, 0 and 1 are defined");
                }
            }
        }
        long[] sizes = null;
        if (kv.containsKey("tree_sizes")) {
            List<String> t = Tokens.split(kv.get("tree_sizes"));
            if (t.size() > ModelParser.MAX_TREES) {
                throw new InputException("tree_sizes lists " + t.size() + " trees; at most " + ModelParser.MAX_TREES
                        + " are read");
            }
            sizes = new long[t.size()];
            for (int i = 0; i < sizes.length; i++) {
                sizes[i] = Tokens.parseInt(t.get(i), "tree_sizes");
                if (sizes[i] < 0) {
                    throw new InputException("tree_sizes holds a negative size " + sizes[i]);
                }
            }
        }
        return new Header(version, perIteration, objective, kv.containsKey("average_output"), names, min, max,
                categorical, monotone, sizes);
    }

    /** {@code [min:max]} for a numeric feature, {@code none} for one LightGBM found no use for, else categories. */
    private static void featureInfo(String info, String name, int j, double[] min, double[] max,
                                    boolean[] categorical) {
        min[j] = Double.NEGATIVE_INFINITY;
        max[j] = Double.POSITIVE_INFINITY;
        String what = "feature_infos of '" + clip(name) + "'";
        if (info.equals("none")) {
            return;
        }
        if (info.startsWith("[") && info.endsWith("]")) {
            String[] ab = info.substring(1, info.length() - 1).split(":", -1);
            if (ab.length != 2) {
                throw new InputException(what + " is '" + clip(info) + "', not [min:max]");
            }
            double a = Tokens.parseDouble(ab[0], what);
            double b = Tokens.parseDouble(ab[1], what);
            if (Double.isNaN(a) || Double.isNaN(b) || a > b) {
                throw new InputException(what + " is '" + clip(info) + "', not a range [min:max] with min <= max");
            }
            min[j] = Double.isFinite(a) ? a : Double.NEGATIVE_INFINITY;
            max[j] = Double.isFinite(b) ? b : Double.POSITIVE_INFINITY;
            return;
        }
        for (String c : info.split(":", -1)) {
            Tokens.parseInt(c, what + " (category codes)");
        }
        categorical[j] = true;
    }

    private static String require(Map<String, String> kv, String key) {
        String v = kv.get(key);
        if (v == null) {
            throw new InputException("the header has no " + key + "= line");
        }
        return v;
    }

    static String clip(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
