package org.mlsec.model.formats.xgboost;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.mlsec.InputException;
import org.mlsec.data.Column;
import org.mlsec.data.ColumnType;
import org.mlsec.data.Schema;
import org.mlsec.data.Values;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Provenance;
import org.mlsec.model.linear.LogisticModel;

/**
 * The learner of an XGBoost model document (JSON schema {@code doc/model.schema} of XGBoost; written by
 * {@code LearnerIO::SaveModel} in {@code src/learner.cc}): {@code version}, and under {@code learner} the
 * {@code objective}, {@code learner_model_param} (base_score, num_class, num_feature as strings),
 * {@code feature_names}/{@code feature_types}, {@code attributes} and the {@code gradient_booster}.
 * <p>
 * Objectives read: {@code binary:logistic} and {@code reg:logistic} (p = sigmoid(margin), base margin =
 * logit(base_score), which XGBoost 1.x stores as a probability and turns into a margin with
 * {@code ProbToMargin}), {@code binary:logitraw} (base_score is a margin as is; p = sigmoid(margin)), and
 * {@code multi:softprob}/{@code multi:softmax} (softmax over num_class margins, base_score added to each). Others
 * (regression, ranking, survival, count models) are refused naming the objective. Files of XGBoost 1.0 to 2.x are
 * read; the rules were checked on 1.7.4.
 */
final class LearnerReader {
    static final int MAX_FEATURES = 1_000_000;
    static final int MAX_CLASSES = 10_000;
    static final List<String> OBJECTIVES = List.of("binary:logistic", "binary:logitraw", "reg:logistic",
            "multi:softprob", "multi:softmax");
    private static final Pattern FLOAT_TEXT = Pattern.compile("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?");

    private LearnerReader() {
    }

    static LocalModel read(JsonNode root, String format, String file, String sha256) {
        if (root == null || !root.isObject()) {
            throw new InputException("the document is not an object");
        }
        String version = version(root);
        List<String> notes = new ArrayList<>();
        if (!version.startsWith("1.7.")) {
            notes.add("written by XGBoost " + version + "; read by the rules of XGBoost 1.7 (its fixtures' version)");
        }
        JsonNode learner = Fields.object(root, "learner", "the document");
        JsonNode mp = Fields.object(learner, "learner_model_param", "learner");
        String mpWhere = "learner.learner_model_param";
        int numFeature = Fields.intText(mp, "num_feature", mpWhere, 1, MAX_FEATURES);
        int numClass = Fields.intText(mp, "num_class", mpWhere, 0, MAX_CLASSES);
        if (mp.has("num_target") && Fields.intText(mp, "num_target", mpWhere, 0, Integer.MAX_VALUE) > 1) {
            throw new InputException("num_target " + mp.get("num_target").asText()
                    + ": multi-output models are not read (mlsec reads classifiers with one label)");
        }
        String baseText = Fields.text(mp, "base_score", mpWhere);
        float baseScore = FLOAT_TEXT.matcher(baseText).matches() ? Float.parseFloat(baseText) : Float.NaN;
        if (!Float.isFinite(baseScore)) {
            throw new InputException(mpWhere + ".base_score '" + Fields.abbreviate(baseText)
                    + "' is not a finite number");
        }
        String objective = Fields.text(Fields.object(learner, "objective", "learner"), "name", "learner.objective");
        if (!OBJECTIVES.contains(objective)) {
            throw new InputException("objective '" + Fields.abbreviate(objective) + "' is not a classifier mlsec reads "
                    + "(it reads " + String.join(", ", OBJECTIVES) + ")");
        }
        boolean multi = objective.startsWith("multi:");
        if (multi && numClass < 2) {
            throw new InputException(objective + " with num_class " + numClass + "; at least 2 classes expected");
        }
        if (!multi && numClass > 1) {
            throw new InputException(objective + " with num_class " + numClass + "; a binary objective has one output");
        }
        int classes = multi ? numClass : 2;
        float margin = baseMargin(objective, baseScore, baseText, notes);
        objectiveNotes(objective, classes, notes);

        Settings settings = Settings.read(learner, notes);
        List<String> classNames = settings.classes(classes);
        if (classNames == null) {
            classNames = new ArrayList<>();
            for (int c = 0; c < classes; c++) {
                classNames.add(Integer.toString(c));
            }
            notes.add("class labels not stored: classes named 0 to " + (classes - 1) + " in XGBoost's label order");
        }
        Set<Integer> categorical = new HashSet<>();
        List<Column> columns = columns(learner, numFeature, categorical, notes);
        Schema schema = new Schema(columns, null, classNames);
        Double marker = settings.missingMarker();
        if (marker != null) {
            notes.add("the scikit-learn wrapper treated " + Values.format(marker)
                    + " as missing: give mlsec NaN there");
        }

        JsonNode gb = Fields.object(learner, "gradient_booster", "learner");
        String booster = Fields.text(gb, "name", "learner.gradient_booster");
        Map<String, String> hyper = new TreeMap<>(settings.hyperparameters());
        hyper.put("xgboost.objective", objective);
        hyper.put("xgboost.base_score", baseText);
        hyper.put("xgboost.booster", booster);
        if (settings.fromWrapper()) {
            notes.add("training settings from the scikit-learn wrapper's scikit_learn attribute (null ones were "
                    + "XGBoost's defaults); XGBoost's model JSON itself stores no training parameters");
        } else {
            notes.add("the file stores no training settings (no scikit_learn attribute): learning rate, max_depth, "
                    + "lambda, subsampling and the seed are unknown");
        }
        String algorithm;
        LocalModel model;
        switch (booster) {
            case "gbtree":
            case "dart": {
                boolean[] cat = new boolean[numFeature];
                for (int j : categorical) {
                    cat[j] = true;
                }
                GbtreeReader.Result r = GbtreeReader.read(gb, booster.equals("dart"), numFeature, cat, classes,
                        multi ? numClass : 1, margin, settings, hyper, notes);
                algorithm = org.mlsec.model.tree.BoostedModel.KIND;
                Provenance p = provenance(version, algorithm, hyper, schema, format, file, sha256, notes);
                model = new org.mlsec.model.tree.BoostedModel(schema, p, r.trees(), r.baseScore());
                break;
            }
            case "gblinear": {
                if (classes != 2) {
                    throw new InputException("gblinear with " + classes + " classes is not read: XGBoost takes a "
                            + "softmax of the linear scores, mlsec's logistic model normalises one-vs-rest sigmoids");
                }
                double[] w = linear(gb, numFeature, margin);
                notes.add("gblinear read as a logistic regression on unscaled features: p(1) = sigmoid(bias + base "
                        + "margin + sum of weight x value); XGBoost skips missing values (they add 0), so give mlsec 0 "
                        + "where a value is missing");
                algorithm = LogisticModel.KIND;
                Provenance p = provenance(version, algorithm, hyper, schema, format, file, sha256, notes);
                model = new LogisticModel(schema, p, new double[numFeature], ones(numFeature), new double[][] {w});
                break;
            }
            default:
                throw new InputException("booster '" + Fields.abbreviate(booster)
                        + "' is not read (mlsec reads gbtree, dart and gblinear)");
        }
        return model;
    }

    private static Provenance provenance(String version, String algorithm, Map<String, String> hyper, Schema schema,
                                         String format, String file, String sha256, List<String> notes) {
        return Provenance.imported("xgboost", version, algorithm, hyper, schema.featureNames(), -1,
                new Provenance.Imported(format, file, sha256, notes));
    }

    /** The {@code version} array, major.minor.patch; XGBoost 1.0 (the first with JSON models) to 2.x. */
    static String version(JsonNode root) {
        JsonNode v = Fields.array(root, "version", "the document");
        if (v.size() != 3) {
            throw new InputException("version has " + v.size() + " elements, expected [major, minor, patch]");
        }
        long[] x = new long[3];
        for (int i = 0; i < 3; i++) {
            x[i] = Fields.integer(v.get(i), "version[" + i + "]", 0, 1_000_000);
        }
        String s = x[0] + "." + x[1] + "." + x[2];
        if (x[0] < 1 || x[0] > 2) {
            throw new InputException("XGBoost version " + s + " is not read (mlsec reads model files of XGBoost 1.0 "
                    + "to 2.x)");
        }
        return s;
    }

    /** The margin XGBoost starts every row from: {@code ObjFunction::ProbToMargin(base_score)}, in float32. */
    private static float baseMargin(String objective, float b, String text, List<String> notes) {
        if (objective.equals("binary:logistic") || objective.equals("reg:logistic")) {
            if (!(b > 0 && b < 1)) {
                throw new InputException("base_score " + text + " must be a probability in (0, 1) for " + objective);
            }
            float m = (float) -Math.log(1.0f / b - 1.0f) + 0.0f; // + 0: no -0.0
            notes.add("base_score " + text + " is a probability: base margin = logit(" + b + ") = " + m);
            return m;
        }
        notes.add("base_score " + text + " is added to the margin as it is");
        return b;
    }

    private static void objectiveNotes(String objective, int classes, List<String> notes) {
        switch (objective) {
            case "binary:logitraw":
                notes.add("binary:logitraw: XGBoost outputs the margin; mlsec reports sigmoid(margin) as p(1)");
                break;
            case "reg:logistic":
                notes.add("reg:logistic is a regression on [0, 1], read as a binary classifier with "
                        + "p(1) = sigmoid(margin) and classes 0 and 1");
                break;
            case "multi:softmax":
                notes.add("multi:softmax: XGBoost predicts the arg-max class; mlsec reports the softmax probabilities "
                        + "(same arg-max), as multi:softprob would");
                break;
            default:
                break;
        }
        if (objective.startsWith("multi:") && classes == 2) {
            notes.add("a two-class softmax read as p(1) = sigmoid(margin 1 - margin 0): class 0's trees change sign");
        }
    }

    /** Feature columns from feature_names and feature_types, or f0..f{n-1} when the file names none. */
    private static List<Column> columns(JsonNode learner, int n, Set<Integer> categorical, List<String> notes) {
        List<String> names = strings(learner, "feature_names", n);
        List<String> types = strings(learner, "feature_types", n);
        if (names == null) {
            names = new ArrayList<>();
            for (int j = 0; j < n; j++) {
                names.add("f" + j);
            }
            notes.add("feature names not stored: named f0 to f" + (n - 1) + " in column order");
        }
        Set<String> seen = new HashSet<>();
        List<Column> cols = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            String name = names.get(j);
            if (name.isEmpty() || !seen.add(name)) {
                throw new InputException("learner.feature_names[" + j + "] '" + Fields.abbreviate(name) + "' is "
                        + (name.isEmpty() ? "empty" : "a duplicate"));
            }
            String t = types == null ? "float" : types.get(j);
            ColumnType ct;
            switch (t) {
                case "float":
                case "q":
                    ct = ColumnType.NUMERIC;
                    break;
                case "int":
                case "i":
                    ct = ColumnType.INTEGER;
                    break;
                case "c":
                    ct = ColumnType.NUMERIC;
                    categorical.add(j);
                    notes.add("feature " + name + " is categorical in XGBoost but no split uses it; read as numeric");
                    break;
                default:
                    throw new InputException("learner.feature_types[" + j + "] '" + Fields.abbreviate(t)
                            + "' is not an XGBoost feature type (float, q, int, i, c)");
            }
            cols.add(Column.numeric(name, ct, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY));
        }
        return cols;
    }

    /** An optional array of n strings; null when absent or empty. */
    private static List<String> strings(JsonNode learner, String key, int n) {
        JsonNode a = learner.get(key);
        if (a == null || (a.isArray() && a.isEmpty())) {
            return null;
        }
        a = Fields.array(learner, key, "learner", n);
        List<String> out = new ArrayList<>(n);
        for (int j = 0; j < n; j++) {
            JsonNode v = a.get(j);
            if (!v.isTextual()) {
                throw new InputException("learner." + key + "[" + j + "] is " + Fields.describe(v) + ", not a string");
            }
            out.add(v.textValue());
        }
        return out;
    }

    /**
     * gblinear's {@code weights}: (num_feature + 1) x groups, feature-major, the bias last
     * ({@code GBLinearModel} in {@code src/gbm/gblinear_model.h}); returns intercept then weights.
     */
    private static double[] linear(JsonNode gb, int n, float margin) {
        JsonNode model = Fields.object(gb, "model", "learner.gradient_booster");
        JsonNode w = Fields.array(model, "weights", "learner.gradient_booster.model", n + 1);
        double[] out = new double[n + 1];
        for (int j = 0; j <= n; j++) {
            float v = Fields.float32(w.get(j), "learner.gradient_booster.model.weights[" + j + "]");
            if (!Float.isFinite(v)) {
                throw new InputException("learner.gradient_booster.model.weights[" + j + "] is " + v + ", not finite");
            }
            out[j == n ? 0 : j + 1] = v;
        }
        out[0] = (float) out[0] + margin; // XGBoost: psum = bias + base margin, in float32
        return out;
    }

    private static double[] ones(int n) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, 1.0);
        return a;
    }
}
