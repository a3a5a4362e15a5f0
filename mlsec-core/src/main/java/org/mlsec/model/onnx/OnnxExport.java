package org.mlsec.model.onnx;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.mlsec.InputException;
import org.mlsec.MlsecException;
import org.mlsec.model.LocalModel;
import org.mlsec.model.linear.LogisticModel;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXInitializer;
import org.tribuo.util.onnx.ONNXNode;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXPlaceholder;

/**
 * Exports mlsec models to ONNX (built with Tribuo's ONNX graph helpers), so that they can be served by any ONNX
 * runtime. The graph reads the encoded feature vector (one-hot categoricals, see {@code FeatureEncoder}) as
 * {@code float[N, width]} and outputs {@code probabilities float[N, classes]}.
 */
public final class OnnxExport {
    static final int OPSET = 13;

    private OnnxExport() {
    }

    public static void export(LocalModel model, Path file) {
        byte[] bytes;
        if (model instanceof LogisticModel && model.classes().size() == 2) {
            bytes = logisticRegression((LogisticModel) model);
        } else {
            throw new InputException("ONNX export supports two-class logistic regression; this model is a "
                    + model.kind() + " with " + model.classes().size() + " classes");
        }
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new MlsecException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    static byte[] logisticRegression(LogisticModel m) {
        int d = m.encoder().width();
        double[] c = m.rawCoefficients(0);
        ONNXContext ctx = new ONNXContext();
        ctx.setName("mlsec-logistic-regression");
        ONNXPlaceholder input = ctx.floatInput("features", d);
        ONNXInitializer weights = ctx.floatTensor("weights", List.of(d, 1), fb -> {
            for (int j = 0; j < d; j++) {
                fb.put((float) c[j + 1]);
            }
        });
        ONNXInitializer bias = ctx.array("bias", new float[] {(float) c[0]});
        ONNXNode logit = ctx.operation(ONNXOperators.GEMM, List.of(input, weights, bias), "logit");
        ONNXNode p1 = logit.apply(ONNXOperators.SIGMOID);
        ONNXInitializer one = ctx.array("one", new float[] {1f});
        ONNXNode p0 = ctx.operation(ONNXOperators.SUB, List.of(one, p1), "p0");
        ONNXPlaceholder output = ctx.floatOutput("probabilities", 2);
        ONNXNode probs = ctx.operation(ONNXOperators.CONCAT, List.of(p0, p1), "concat", Map.of("axis", 1));
        probs.assignTo(output);
        OnnxMl.ModelProto proto = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(7)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName("mlsec")
                .setDomain("org.mlsec")
                .setGraph(ctx.buildGraph())
                .build();
        return proto.toByteArray();
    }
}
