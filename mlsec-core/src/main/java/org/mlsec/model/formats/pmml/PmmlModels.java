package org.mlsec.model.formats.pmml;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mlsec.InputException;
import org.mlsec.data.Schema;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Provenance;
import org.mlsec.model.formats.ModelFormat;
import org.mlsec.model.formats.NotWhiteBoxException;
import org.mlsec.model.tree.BoostedModel;
import org.mlsec.model.tree.ForestModel;
import org.mlsec.model.tree.Tree;

/**
 * From a parsed PMML document to an mlsec model: checks the root and version (PMML 4.0 to 4.4), finds the one model
 * element, reads its fields ({@link Fields}) and dispatches: {@code TreeModel} to a single-tree
 * {@link ForestModel}, {@code MiningModel} to {@link Ensembles}, {@code RegressionModel} to {@link Regressions}.
 * Other PMML model types are recognised and refused as not white-box; unknown elements are refused.
 */
final class PmmlModels {
    /** Model elements of PMML 4.4. */
    static final Set<String> MODEL_ELEMENTS = Set.of("AnomalyDetectionModel", "AssociationModel",
            "BayesianNetworkModel", "BaselineModel", "ClusteringModel", "GaussianProcessModel",
            "GeneralRegressionModel", "MiningModel", "NaiveBayesModel", "NearestNeighborModel", "NeuralNetwork",
            "RegressionModel", "RuleSetModel", "SequenceModel", "Scorecard", "SupportVectorMachineModel", "TextModel",
            "TimeSeriesModel", "TreeModel");
    private static final Set<String> OTHER_TOP = Set.of("Header", "MiningBuildTask", "DataDictionary",
            "TransformationDictionary", "Extension");

    private PmmlModels() {
    }

    static LocalModel read(Element pmml, Path file, byte[] bytes) {
        if (!pmml.name().equals("PMML")) {
            throw new InputException("the root element is <" + pmml.name() + ">, not <PMML>");
        }
        String version = pmml.required("version").trim();
        if (!version.matches("4\\.[0-4](\\.[0-9]+)?")) {
            throw new InputException("PMML version " + PmmlNumbers.abbreviate(version) + " is not read (4.0 to 4.4"
                    + " are)");
        }
        Element model = null;
        for (Element c : pmml.children()) {
            if (MODEL_ELEMENTS.contains(c.name())) {
                if (model != null) {
                    throw new InputException(c.where() + ": a second model in the file; mlsec reads files with one");
                }
                model = c;
            } else if (!OTHER_TOP.contains(c.name())) {
                throw new InputException(c.where() + ": unknown element <" + PmmlNumbers.abbreviate(c.name())
                        + "> in <PMML>");
            }
        }
        if (model == null) {
            throw new InputException("the file holds no model element");
        }
        if (!"classification".equals(model.attr("functionName"))) {
            throw new NotWhiteBoxException("PMML", model.where() + ": functionName=\""
                    + PmmlNumbers.abbreviate(model.attr("functionName", "")) + "\"; mlsec reads classifiers");
        }
        Fields fields = new Fields(pmml, model);
        if (fields.target() == null) {
            throw new InputException(model.where() + ": its MiningSchema names no target field");
        }
        if (fields.schema().classes().isEmpty()) {
            fields.classes(classesInModel(model));
            fields.note("the target field declares no values: the classes are those the model names, in the order"
                    + " they first appear (RegressionTable targetCategory, ScoreDistribution value)");
        }
        if (fields.schema().classes().size() < 2) {
            throw new InputException(model.where() + ": target field '" + fields.target() + "' has "
                    + fields.schema().classes().size() + " classes (declared Values or, without them, labels the"
                    + " model names); a classifier needs 2 or more");
        }
        Map<String, String> hyper = new LinkedHashMap<>();
        hyper.put("pmml.version", version);
        if (model.attr("algorithmName") != null) {
            hyper.put("pmml.algorithmName", model.attr("algorithmName"));
        }
        LocalModel m;
        switch (model.name()) {
            case "TreeModel":
                m = new ForestModel(ForestModel.DECISION_TREE, fields.schema(), null,
                        List.of(TreeReader.read(model, fields, fields.schema().classes(), TreeReader.Leaves.COUNTS,
                                1)));
                hyper.put("trees", "1");
                break;
            case "MiningModel":
                m = Ensembles.read(model, fields, hyper);
                break;
            case "RegressionModel":
                hyper.put("pmml.normalizationMethod", model.attr("normalizationMethod", "none"));
                m = Regressions.read(model, fields);
                break;
            default:
                throw new NotWhiteBoxException("PMML", model.where() + ": a " + model.name() + " is not read"
                        + " white-box (TreeModel, MiningModel tree ensembles and RegressionModel are)");
        }
        return m.withProvenance(provenance(pmml, model, m, fields, hyper, file, bytes));
    }

    /** Class labels in order of first appearance in the model (iteratively: trees may be deep). */
    static List<String> classesInModel(Element model) {
        List<String> out = new ArrayList<>();
        java.util.ArrayDeque<Element> todo = new java.util.ArrayDeque<>();
        todo.push(model);
        while (!todo.isEmpty()) {
            Element e = todo.pop();
            String label = e.name().equals("RegressionTable") ? e.attr("targetCategory")
                    : e.name().equals("ScoreDistribution") ? e.attr("value") : null;
            if (label != null) {
                String c = org.mlsec.data.Values.canonical(label.trim());
                if (!out.contains(c)) {
                    if (out.size() >= 1000) {
                        throw new InputException(e.where() + ": more than 1000 classes");
                    }
                    out.add(c);
                }
            }
            List<Element> kids = e.children();
            for (int i = kids.size() - 1; i >= 0; i--) {
                todo.push(kids.get(i));
            }
        }
        return out;
    }

    /**
     * Checks a model's MiningSchema: every active field is an active input of the top model (or, in a model chain,
     * an earlier segment's output), and its settings are ones mlsec honours.
     */
    static void checkMiningSchema(Element model, Fields fields, Set<String> outputs) {
        Element ms = model.child("MiningSchema");
        if (ms == null) {
            throw new InputException(model.where() + " has no <MiningSchema>");
        }
        for (Element mf : ms.all("MiningField")) {
            String name = mf.required("name");
            String usage = mf.attr("usageType", "active");
            if (!usage.equals("active")) {
                continue;
            }
            Fields.Field f = fields.field(name);
            if (f == null && !outputs.contains(name)) {
                throw new InputException(mf.where() + ": field '" + PmmlNumbers.abbreviate(name) + "' is not an"
                        + " active field of the top model" + (outputs.isEmpty() ? "" : " nor an earlier output"));
            }
            fields.check(mf, f);
        }
    }

    private static Provenance provenance(Element pmml, Element model, LocalModel m, Fields fields,
                                         Map<String, String> hyper, Path file, byte[] bytes) {
        Element header = pmml.child("Header");
        Element app = header == null ? null : header.child("Application");
        String library = app == null ? "PMML" : app.attr("name", "PMML");
        String libVersion = app == null ? null : app.attr("version");
        List<Tree> trees = m instanceof ForestModel f ? f.trees() : m instanceof BoostedModel b ? b.trees() : List.of();
        int depth = 0;
        int rows = -1;
        for (Tree t : trees) {
            depth = Math.max(depth, t.depth());
        }
        if (!(m instanceof ForestModel f && f.kind().equals(ForestModel.RANDOM_FOREST))) {
            for (Tree t : trees) {
                rows = Math.max(rows, t.samples()[0] > 0 ? t.samples()[0] : -1); // bootstrap trees would understate it
            }
        }
        if (!trees.isEmpty()) {
            hyper.put("max_depth", Integer.toString(depth));
        }
        List<String> notes = new ArrayList<>(fields.notes());
        if (m instanceof BoostedModel) {
            notes.add("PMML records no split gains for regression trees: feature importances are 0");
        } else if (m instanceof ForestModel) {
            notes.add("split gains are the weighted Gini decrease computed from the file's class counts");
        }
        if (model.attr("x-mathContext") != null || model.attr("mathContext") != null) {
            notes.add("the file computes in float32 (mathContext float); mlsec computes in double, so"
                    + " probabilities may differ in the 7th digit");
        }
        Schema s = fields.schema();
        return Provenance.imported(library, libVersion, m.kind(), hyper, s.featureNames(), rows,
                new Provenance.Imported("PMML", file.toString(), ModelFormat.sha256(bytes), notes));
    }
}
