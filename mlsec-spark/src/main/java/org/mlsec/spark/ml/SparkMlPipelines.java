package org.mlsec.spark.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.feature.OneHotEncoderModel;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.mlsec.InputException;
import org.mlsec.data.Column;
import org.mlsec.data.ColumnType;
import org.mlsec.data.Schema;
import org.mlsec.data.Values;
import org.mlsec.model.FeatureEncoder;
import org.mlsec.model.LocalModel;

/**
 * A saved Spark ML {@code PipelineModel} as one white-box mlsec model over the pipeline's named input columns.
 * The pipeline's metadata is parsed first and every stage's class is checked against the stages mlsec understands
 * ({@code StringIndexerModel}, {@code OneHotEncoderModel}, {@code VectorAssembler}, then one of the classifiers of
 * {@link SparkMlModels}, last); any other stage ({@code SQLTransformer}, a scaler, a custom class) is refused by
 * name before anything is loaded, so no class a file names is ever instantiated. Each stage is then read with its
 * own class's reader (JSON parameters and Parquet data), and the stages are composed, not run:
 * <ul>
 * <li>a column assembled as it is becomes a numeric mlsec feature;</li>
 * <li>a text column indexed by a {@code StringIndexer} and one-hot encoded by a {@code OneHotEncoder} becomes a
 *     categorical mlsec feature whose categories are the indexer's labels in index order; mlsec encodes a category
 *     as one indicator per label, Spark's vector holds the first {@code k-1} of them (drop-last) or all {@code k},
 *     so each vector slot is one mlsec indicator and a dropped last label is the indicator no split or weight
 *     uses;</li>
 * <li>a {@code StringIndexer} whose output is the classifier's label column names the label column and its
 *     classes (in index order).</li>
 * </ul>
 * Trees are translated with each split moved to its mlsec feature, a logistic regression with each weight moved
 * there (Spark's tree splits on a one-hot slot, {@code slot <= t}, are the same test on mlsec's indicator). An
 * index used directly as a number, a one-hot encoding of a column no indexer produced, or {@code handleInvalid =
 * keep} (an extra "unseen" slot mlsec has no counterpart for) are refused with a message naming the stage.
 */
final class SparkMlPipelines {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String INDEXER = "org.apache.spark.ml.feature.StringIndexerModel";
    static final String ONE_HOT = "org.apache.spark.ml.feature.OneHotEncoderModel";
    static final String ASSEMBLER = "org.apache.spark.ml.feature.VectorAssembler";

    private SparkMlPipelines() {
    }

    /** One stage folder and the class its metadata names. */
    private record Stage(Path dir, String cls) {
    }

    /** A column made by a StringIndexer: its input column and labels. */
    private record Indexed(String input, List<String> labels, String stage) {
    }

    /** A vector made by a OneHotEncoder from an indexed column: its slots. */
    private record OneHot(Indexed of, int slots) {
    }

    static LocalModel read(Path dir) {
        List<Stage> stages = stages(dir);
        for (int i = 0; i < stages.size(); i++) {
            Stage s = stages.get(i);
            boolean last = i == stages.size() - 1;
            boolean known = last ? SparkMlModels.CLASSIFIERS.contains(s.cls())
                    : List.of(INDEXER, ONE_HOT, ASSEMBLER).contains(s.cls());
            if (!known) {
                throw new InputException(dir + ": pipeline stage " + i + " (" + s.dir().getFileName() + ") is a "
                        + s.cls() + "; mlsec reads pipelines of StringIndexer, OneHotEncoder and VectorAssembler"
                        + " stages ending in a RandomForest, DecisionTree, GBT or LogisticRegression classifier");
            }
        }
        Map<String, Indexed> indexed = new HashMap<>();
        Map<String, OneHot> oneHot = new HashMap<>();
        Map<String, List<String>> assembled = new HashMap<>();
        for (Stage s : stages.subList(0, stages.size() - 1)) {
            String path = s.dir().toAbsolutePath().toString();
            String name = s.dir().getFileName().toString();
            switch (s.cls()) {
                case INDEXER -> {
                    StringIndexerModel m = StringIndexerModel.load(path);
                    if ("keep".equals(m.getHandleInvalid())) {
                        throw new InputException(dir + ": StringIndexer " + name + " keeps unseen labels as an extra"
                                + " index (handleInvalid=keep); mlsec reads indexers that refuse or skip them");
                    }
                    String[] in = columns(m, "inputCol", "inputCols");
                    String[] out = columns(m, "outputCol", "outputCols");
                    String[][] labels = m.labelsArray();
                    for (int j = 0; j < in.length; j++) {
                        List<String> ls = new ArrayList<>();
                        for (String l : labels[j]) {
                            ls.add(Values.canonical(l.trim()));
                        }
                        if (new HashSet<>(ls).size() != ls.size()) {
                            throw new InputException(dir + ": StringIndexer " + name + " has labels of '" + in[j]
                                    + "' that are one value as mlsec reads cells: " + ls);
                        }
                        indexed.put(out[j], new Indexed(in[j], ls, name));
                    }
                }
                case ONE_HOT -> {
                    OneHotEncoderModel m = OneHotEncoderModel.load(path);
                    if ("keep".equals(m.getHandleInvalid())) {
                        throw new InputException(dir + ": OneHotEncoder " + name + " keeps an extra slot for invalid"
                                + " values (handleInvalid=keep); mlsec reads encoders that refuse them");
                    }
                    String[] in = columns(m, "inputCol", "inputCols");
                    String[] out = columns(m, "outputCol", "outputCols");
                    int[] sizes = m.categorySizes();
                    for (int j = 0; j < in.length; j++) {
                        Indexed ix = indexed.get(in[j]);
                        if (ix == null) {
                            throw new InputException(dir + ": OneHotEncoder " + name + " encodes '" + in[j]
                                    + "', which no StringIndexer of the pipeline makes; mlsec reads one-hot encoded"
                                    + " text columns");
                        }
                        int slots = sizes[j] - (m.getDropLast() ? 1 : 0);
                        if (sizes[j] > ix.labels().size() || slots < 0) {
                            throw new InputException(dir + ": OneHotEncoder " + name + " has " + sizes[j]
                                    + " categories for the " + ix.labels().size() + " labels of '" + ix.input() + "'");
                        }
                        oneHot.put(out[j], new OneHot(ix, slots));
                    }
                }
                default -> {
                    VectorAssembler m = VectorAssembler.load(path);
                    assembled.put(m.getOutputCol(), List.of(m.getInputCols()));
                }
            }
        }
        Stage last = stages.get(stages.size() - 1);
        ProbabilisticClassificationModel<?, ?> clf = SparkMlModels.loadClassifier(last.dir(), last.cls());
        List<String> inputs = assembled.get(clf.getFeaturesCol());
        if (inputs == null) {
            throw new InputException(dir + ": the classifier reads '" + clf.getFeaturesCol() + "', which no"
                    + " VectorAssembler of the pipeline makes");
        }
        List<Column> cols = new ArrayList<>();
        List<OneHot> enc = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (String in : inputs) {
            OneHot oh = oneHot.get(in);
            Indexed ix = indexed.get(in);
            if (ix != null) {
                throw new InputException(dir + ": the VectorAssembler takes '" + in + "', an index made by"
                        + " StringIndexer " + ix.stage() + ", as a number; mlsec reads indexed columns one-hot encoded"
                        + " (add a OneHotEncoder)");
            }
            if (assembled.containsKey(in)) {
                throw new InputException(dir + ": the VectorAssembler takes '" + in + "', another assembled vector;"
                        + " mlsec reads one assembler of columns");
            }
            String name = oh == null ? in : oh.of().input();
            if (!seen.add(name)) {
                throw new InputException(dir + ": the VectorAssembler takes column '" + name + "' twice");
            }
            cols.add(oh == null ? Column.numeric(name, ColumnType.NUMERIC, Double.NEGATIVE_INFINITY,
                    Double.POSITIVE_INFINITY) : Column.categorical(name, oh.of().labels()));
            enc.add(oh);
        }
        Indexed label = indexed.get(clf.getLabelCol());
        List<String> classes = new ArrayList<>();
        if (label != null) {
            classes.addAll(label.labels());
        } else {
            for (int c = 0; c < clf.numClasses(); c++) {
                classes.add(Integer.toString(c));
            }
        }
        if (classes.size() != clf.numClasses()) {
            throw new InputException(dir + ": the label indexer has " + classes.size() + " labels for a "
                    + clf.numClasses() + "-class classifier");
        }
        Schema schema = new Schema(cols, label != null ? label.input() : clf.getLabelCol(), classes);
        FeatureEncoder fe = new FeatureEncoder(schema);
        int[] slot = new int[clf.numFeatures()];
        int s = 0;
        int encoded = 0;
        for (int j = 0; j < cols.size(); j++) {
            int n = enc.get(j) == null ? 1 : enc.get(j).slots();
            for (int k = 0; k < n; k++) {
                if (s >= slot.length) {
                    throw new InputException(dir + ": the assembled vector is wider than the classifier's "
                            + slot.length + " features");
                }
                slot[s++] = encoded + k;
            }
            encoded += cols.get(j).isCategorical() ? cols.get(j).categories().size() : 1;
        }
        if (s != slot.length || encoded != fe.width()) {
            throw new InputException(dir + ": the assembled vector has " + s + " slots for the classifier's "
                    + slot.length + " features");
        }
        return SparkMlModels.classifier(clf, new SparkMlModels.Layout(schema, slot), dir);
    }

    /** A stage's columns: its multi-column parameter when set, else its one column. */
    @SuppressWarnings("unchecked")
    private static String[] columns(org.apache.spark.ml.param.Params m, String one, String many) {
        var multi = (org.apache.spark.ml.param.Param<String[]>) (Object) m.getParam(many);
        if (m.isSet(multi)) {
            return m.getOrDefault(multi);
        }
        return new String[] {(String) m.getOrDefault(m.getParam(one))};
    }

    /** The stage folders in pipeline order, from the pipeline's metadata (stageUids) and {@code stages/}. */
    private static List<Stage> stages(Path dir) {
        Path meta = dir.resolve("metadata").resolve("part-00000");
        JsonNode uids;
        try {
            uids = JSON.readTree(Files.readAllLines(meta).stream().findFirst().orElse("{}"))
                    .path("paramMap").path("stageUids");
        } catch (IOException e) {
            throw new InputException(meta + " is not Spark ML metadata: " + e.getMessage());
        }
        if (!uids.isArray() || uids.isEmpty()) {
            throw new InputException(dir + ": a PipelineModel whose metadata lists no stages (paramMap.stageUids)");
        }
        int digits = Integer.toString(uids.size()).length();
        List<Stage> out = new ArrayList<>();
        for (int i = 0; i < uids.size(); i++) {
            String uid = uids.get(i).asText("");
            if (!uid.matches("[A-Za-z0-9_.-]+")) {
                throw new InputException(dir + ": pipeline stage " + i + " has the uid '" + uid
                        + "', not a folder name");
            }
            Path stage = dir.resolve("stages").resolve(String.format("%0" + digits + "d_%s", i, uid));
            if (!Files.isDirectory(stage)) {
                throw new InputException(dir + ": pipeline stage " + i + " has no folder stages/"
                        + stage.getFileName());
            }
            out.add(new Stage(stage, SparkMlModels.className(stage)));
        }
        return out;
    }
}
