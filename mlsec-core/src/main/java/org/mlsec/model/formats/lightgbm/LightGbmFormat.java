package org.mlsec.model.formats.lightgbm;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mlsec.InputException;
import org.mlsec.data.Column;
import org.mlsec.data.ColumnType;
import org.mlsec.data.Schema;
import org.mlsec.data.Values;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Provenance;
import org.mlsec.model.formats.ModelFormat;
import org.mlsec.model.formats.NotWhiteBoxException;
import org.mlsec.model.tree.BoostedModel;
import org.mlsec.model.tree.Tree;

/**
 * LightGBM's text model format ({@code booster.save_model("model.txt")}, {@code lgb.Booster.model_to_string}),
 * format versions v2 to v4 (LightGBM 2.0.11 to 4.x), read into a {@link BoostedModel} that predicts as
 * LightGBM's {@code GBDT::Predict} does ({@code src/boosting/gbdt_prediction.cpp}): the raw score of class k is the
 * sum of its trees' leaves (tree t belongs to class t mod K), divided by the number of rounds in random-forest mode
 * ({@code average_output}), then {@code binary sigmoid:S} gives p = 1 / (1 + exp(-S * raw)) and
 * {@code multiclass} a softmax. The factors S and 1/rounds are folded into the leaf values, so the base score is 0;
 * LightGBM has already folded its initial score ({@code boost_from_average}) into the first round's leaves. Splits
 * test {@code x <= threshold} on doubles exactly as LightGBM; missing values follow LightGBM's rules (see
 * {@link TreeConverter}). Objectives other than binary and multiclass, categorical (category-set) splits and linear
 * trees are refused with a {@link NotWhiteBoxException} naming the tree and node.
 * <p>
 * Safety: the file is text, read by a line parser that bounds every line, count and index and checks that each
 * tree is a tree; nothing in it is executed, loaded or resolved.
 */
public final class LightGbmFormat implements ModelFormat {
    /** The format's name in messages and reports. */
    public static final String NAME = "LightGBM text";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean recognises(byte[] head) {
        String s = new String(head, StandardCharsets.ISO_8859_1);
        String rest;
        if (s.startsWith("tree\n")) {
            rest = s.substring(4);
        } else if (s.startsWith("tree\r\n")) {
            rest = s.substring(5);
        } else {
            return false;
        }
        return rest.contains("\nversion=") || rest.contains("\nnum_class=");
    }

    @Override
    public LocalModel read(Path file, byte[] bytes) {
        try {
            TreeConverter.Budget budget = new TreeConverter.Budget();
            ModelParser.Parsed p = ModelParser.parse(bytes, (h, t) -> TreeConverter.convert(t, factor(h, t.index()),
                    h.width(), budget));
            return build(file, bytes, p, budget);
        } catch (NotWhiteBoxException e) {
            throw new NotWhiteBoxException(NAME, file + ": " + e.getMessage());
        } catch (InputException e) {
            throw new InputException(file + ": " + e.getMessage(), e);
        } catch (StackOverflowError e) {
            throw new InputException(file + ": the LightGBM model nests too deeply to read");
        } catch (RuntimeException e) { // a check the reader lacks: the cause says which
            throw new InputException(file + ": not a readable LightGBM text model (" + e + ")", e);
        }
    }

    /**
     * What tree {@code index}'s leaves are multiplied by: the sigmoid factor S, and -1 for class 0 of a two-class
     * softmax (whose probabilities are the sigmoid of the difference of the two scores). Random-forest mode's
     * 1/rounds follows once the trees are counted.
     */
    private static double factor(Header h, int index) {
        Objective o = h.objective();
        return o.classes() == 2 && h.treesPerIteration() == 2 && index % 2 == 0 ? -o.sigmoid() : o.sigmoid();
    }

    private static LocalModel build(Path file, byte[] bytes, ModelParser.Parsed p, TreeConverter.Budget budget) {
        Header h = p.header();
        Objective o = h.objective();
        int perRound = h.treesPerIteration();
        int n = p.trees().size();
        if (n % perRound != 0) {
            throw new InputException(n + " trees is not a whole number of rounds of " + perRound + " trees");
        }
        int rounds = n / perRound;
        List<Tree> trees = p.trees();
        if (h.averageOutput()) {
            double scale = 1.0 / rounds;
            for (Tree t : trees) {
                double[] v = t.value(); // the converter's own array, not shared
                for (int i = 0; i < v.length; i++) {
                    v[i] *= scale;
                }
            }
        }
        List<Column> columns = new ArrayList<>();
        for (int j = 0; j < h.width(); j++) {
            columns.add(Column.numeric(h.features().get(j), ColumnType.NUMERIC, h.min()[j], h.max()[j]));
        }
        List<String> classes = new ArrayList<>();
        for (int k = 0; k < o.classes(); k++) {
            classes.add(Integer.toString(k));
        }
        Schema schema = new Schema(columns, null, classes);
        Provenance prov = Provenance.imported("lightgbm", libraryVersion(h.version()),
                h.averageOutput() ? "random_forest" : "gradient_boosting",
                Hyperparameters.of(p.parameters(), h, rounds), h.features(), trainingRows(p),
                new Provenance.Imported(NAME, file.toString(), ModelFormat.sha256(bytes), notes(p, budget, rounds)));
        return new BoostedModel(schema, prov, trees, new double[o.classes() == 2 ? 1 : o.classes()]);
    }

    private static String libraryVersion(String v) {
        switch (v) {
            case "v2":
                return "2.0.11 to 2.2 (model format v2)";
            case "v3":
                return "2.3 to 3.x (model format v3)";
            default:
                return "4.x (model format v4)";
        }
    }

    /** Rows of the first tree's root when every tree saw every row (no bagging, no GOSS), else unknown (-1). */
    private static int trainingRows(ModelParser.Parsed p) {
        Map<String, String> q = p.parameters();
        boolean allRows = p.hasParameters() && !p.header().averageOutput()
                && "0".equals(q.getOrDefault("bagging_freq", "0"))
                && !"goss".equals(q.get("data_sample_strategy")) && !"goss".equals(q.get("boosting"));
        return allRows ? p.rootCount() : -1;
    }

    private static List<String> notes(ModelParser.Parsed p, TreeConverter.Budget b, int rounds) {
        Header h = p.header();
        List<String> notes = new ArrayList<>();
        notes.add("The schema's ranges are LightGBM's feature_infos: the smallest and largest value of each feature"
                + " in the training data (in its bin-construction sample when it had more rows than"
                + " bin_construct_sample_cnt), so they were learnt from the training data.");
        List<String> unknown = new ArrayList<>();
        List<String> categorical = new ArrayList<>();
        for (int j = 0; j < h.width(); j++) {
            if (h.categorical()[j]) {
                categorical.add(h.features().get(j));
            } else if (Double.isInfinite(h.min()[j]) || Double.isInfinite(h.max()[j])) {
                unknown.add(h.features().get(j));
            }
        }
        if (!unknown.isEmpty()) {
            notes.add("No range is recorded for " + unknown + " (feature_infos 'none': LightGBM found no split in"
                    + " them); their ranges come from the data the model is used with.");
        }
        if (!categorical.isEmpty()) {
            notes.add(categorical + " are categorical features in LightGBM, read as numbers: no tree splits on"
                    + " them.");
        }
        if (p.pandasCategorical()) {
            notes.add("The Python package recorded pandas categorical columns (pandas_categorical): LightGBM saw"
                    + " their category codes, and so must the rows given to this model.");
        }
        notes.add("The classes are LightGBM's label indices 0.." + (h.objective().classes() - 1) + "; the file records"
                + " neither the original class labels nor the label column's name.");
        notes.add("samples are LightGBM's leaf_count and internal_count (training rows reaching the node, in each"
                + " tree's bag when bagging); gain is LightGBM's split_gain.");
        notes.add("LightGBM folds its initial score (boost_from_average) into the first round's leaves, so the base"
                + " score is 0; an init_score given at training time is not in the file.");
        if (h.objective().sigmoid() != 1) {
            notes.add("objective binary sigmoid:" + Values.format(h.objective().sigmoid()) + ": p = sigmoid(S * raw),"
                    + " with S folded into the leaf values.");
        }
        if (h.averageOutput()) {
            notes.add("Random-forest mode (average_output): the raw score is the mean of the " + rounds
                    + " rounds; 1/" + rounds + " is folded into the leaf values.");
        }
        if (h.objective().classes() == 2 && h.treesPerIteration() == 2) {
            notes.add("multiclass with 2 classes: the softmax of the two scores is read as the sigmoid of their"
                    + " difference (class 0's leaf values negated).");
        }
        if (b.none > 0) {
            notes.add(b.none + " splits have missing type None: LightGBM reads NaN there as 0, and so does this"
                    + " model.");
        }
        if (b.zero > 0) {
            notes.add(b.zero + " splits have missing type Zero (zero_as_missing): values within +-1e-35 and NaN take"
                    + " the default direction" + (b.expanded == 0 ? "." : "; " + b.expanded + " of them needed three"
                    + " nodes and a copy of both subtrees (copies have gain 0 and the original nodes' samples)."));
        }
        if (!p.hasParameters()) {
            notes.add("The file has no parameters section, so the training settings are unknown.");
        }
        return notes;
    }
}
