package org.mlsec.model.onnx;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mlsec.InputException;
import org.mlsec.MlsecException;
import org.mlsec.Version;
import org.mlsec.internal.Json;
import org.mlsec.model.LocalModel;
import org.mlsec.model.linear.LogisticModel;
import org.mlsec.model.tree.BoostedModel;
import org.mlsec.model.tree.ForestModel;

/**
 * Exports mlsec models to ONNX (IR version 8; opsets ai.onnx 15 and ai.onnx.ml 3), so that any ONNX runtime can
 * serve them: random forests and single trees, gradient-boosted trees (two or more classes) as one ai.onnx.ml
 * {@code TreeEnsembleClassifier} ({@link TreeEnsembleExport}), logistic regression (two classes, or one-vs-rest,
 * optionally with the input clipping of differentially private training) as plain operators
 * ({@link LinearExport}). Monotone-constrained trees are ordinary trees and export as such.
 *
 * <p>The graph reads mlsec's encoded feature vector ({@code FeatureEncoder}: numbers as they are, each categorical
 * column one-hot in its category order) as {@code features double[N, width]}: double, so that no input is rounded
 * and every split compares as mlsec's {@code x <= t}. It answers {@code label[N]} (the class names, int64 when all
 * are integers, else strings) and {@code probabilities float[N, classes]} in the schema's class order. The model's
 * metadata_props make it self-describing: mlsec's schema, the encoded feature names, the classes, the provenance.
 */
public final class OnnxExport {
    static final int IR_VERSION = 8;
    static final int OPSET = 15;
    static final int ML_OPSET = 3;
    /** The name of the graph's one input: the encoded features as doubles. */
    public static final String INPUT = "features";

    /**
     * An exported model.
     *
     * @param bytes      the ONNX file's content
     * @param operators  what the graph computes with, for people ("TreeEnsembleClassifier", "MatMul, Sigmoid")
     * @param graphNodes operator nodes in the graph
     * @param trees      trees in the ensemble (0 for logistic regression)
     * @param treeNodes  tree nodes in the ensemble (0 for logistic regression)
     * @param inputWidth encoded features the graph reads
     * @param labelType  element type of the label output: "int64" or "string"
     */
    public record Exported(byte[] bytes, String operators, int graphNodes, int trees, long treeNodes, int inputWidth,
                           String labelType) {
    }

    private OnnxExport() {
    }

    /**
     * Writes the model as an ONNX file (atomically: a temporary file then a rename).
     *
     * @param model the model exported
     * @param file  where the ONNX file goes
     * @return what was written
     * @throws InputException if the model cannot be exported
     */
    public static Exported export(LocalModel model, Path file) {
        Exported e = toOnnx(model);
        write(e, file);
        return e;
    }

    /**
     * Writes an exported model (atomically: a temporary file then a rename), creating the folder.
     *
     * @param e    the exported model
     * @param file where it goes
     */
    public static void write(Exported e, Path file) {
        org.mlsec.internal.AtomicFiles.write(file, out -> out.write(e.bytes()));
    }

    /**
     * The model as ONNX bytes.
     *
     * @param model the model exported
     * @return the ONNX file's content and what the graph holds
     * @throws InputException naming what cannot be exported
     */
    public static Exported toOnnx(LocalModel model) {
        int width = model.encoder().width();
        int k = model.classes().size();
        OnnxLabels labels = OnnxLabels.of(model.classes());
        OnnxGraph g = new OnnxGraph("mlsec_" + model.kind(), "mlsec " + model.kind().replace('_', ' ')
                + ": reads the encoded features (one-hot categoricals) as doubles, answers label and probabilities");
        g.input(INPUT, OnnxGraph.DOUBLE, "mlsec's encoded features in the order of metadata mlsec.features",
                OnnxGraph.BATCH, width);
        String operators;
        int trees = 0;
        long treeNodes = 0;
        if (model instanceof ForestModel || model instanceof BoostedModel) {
            TreeEnsembleExport te = model instanceof ForestModel ? TreeEnsembleExport.forest((ForestModel) model)
                    : TreeEnsembleExport.boosted((BoostedModel) model);
            treeNodes = te.build(g, INPUT, labels,
                    model instanceof BoostedModel ? ((BoostedModel) model).baseScore() : null);
            operators = "ai.onnx.ml TreeEnsembleClassifier";
            trees = te.trees();
        } else if (model instanceof LogisticModel) {
            LinearExport.build(g, INPUT, labels, (LogisticModel) model);
            operators = (((LogisticModel) model).clipped() ? "Max, Min, " : "") + "Sub, Div, MatMul, Add, Sigmoid"
                    + (k == 2 ? ", Concat" : ", ReduceSum") + ", ArgMax, Gather, Cast";
        } else {
            throw new InputException("ONNX export supports random forests, decision trees, gradient boosting and"
                    + " logistic regression; this model is a " + model.kind());
        }
        g.output("label", labels.elementType(), "the class, one of metadata mlsec.classes", OnnxGraph.BATCH);
        g.output("probabilities", OnnxGraph.FLOAT, "class probabilities, columns in metadata mlsec.classes order",
                OnnxGraph.BATCH, k);
        OnnxMl.ModelProto.Builder proto = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain(OnnxGraph.ML).setVersion(ML_OPSET))
                .setProducerName("mlsec")
                .setProducerVersion(Version.get())
                .setDomain("org.mlsec")
                .setModelVersion(1)
                .setDocString("Exported by mlsec from a " + model.kind().replace('_', ' ') + " with "
                        + String.join(", ", model.classes()) + " as classes; input: " + width
                        + " encoded features as double (not rounded to float32)")
                .setGraph(g.build());
        metadata(model).forEach((key, value) -> proto.addMetadataProps(
                OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value)));
        return new Exported(proto.build().toByteArray(), operators, g.nodes(), trees, treeNodes, width,
                labels.integer() ? "int64" : "string");
    }

    /** The metadata_props written: mlsec's schema, encoded feature names, classes and provenance, as JSON. */
    static Map<String, String> metadata(LocalModel model) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("mlsec.kind", model.kind());
        m.put("mlsec.input", INPUT + ": double[N, " + model.encoder().width()
                + "], mlsec's encoded features (numeric columns as they are, categorical columns one-hot in the"
                + " order of their categories; an unknown category sets none)");
        m.put("mlsec.label", model.schema().label() == null ? "" : model.schema().label());
        m.put("mlsec.classes", json(model.classes()));
        m.put("mlsec.features", json(model.encoder().names()));
        m.put("mlsec.schema", json(model.schema()));
        m.put("mlsec.provenance", json(model.provenance()));
        return m;
    }

    private static String json(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new MlsecException("cannot write ONNX metadata: " + e.getOriginalMessage(), e);
        }
    }
}
