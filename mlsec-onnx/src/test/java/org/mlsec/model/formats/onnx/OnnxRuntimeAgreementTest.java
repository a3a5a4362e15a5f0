package org.mlsec.model.formats.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mlsec.model.formats.onnx.OnnxFormatTest.rows;
import static org.mlsec.model.formats.onnx.OnnxFormatTest.withNaN;
import static org.mlsec.model.formats.onnx.OnnxHostileTest.classifier;
import static org.mlsec.model.formats.onnx.OnnxHostileTest.floats;
import static org.mlsec.model.formats.onnx.OnnxHostileTest.tree;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mlsec.TestData;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Models;
import org.mlsec.model.formats.FixtureAssertions;
import org.mlsec.model.onnx.OnnxClassifier;

/**
 * mlsec-core's white-box ONNX reader answers as ONNX Runtime itself does, run live: on the real-data fixtures of
 * {@link OnnxFormatTest} (read from mlsec-core's test resources) and on {@link OnnxHostileTest}'s hand-built graphs
 * with every split mode, missing-value rule and scaler. These tests live here because mlsec-core has no ONNX Runtime.
 */
class OnnxRuntimeAgreementTest {
    static final Path FIXTURES = Path.of("../mlsec-core/src/test/resources/fixtures/onnx");

    @TempDir
    Path tmp;

    Path write(ModelProto m, String name) throws IOException {
        Path f = tmp.resolve(name);
        Files.write(f, m.toByteArray());
        return f;
    }

    @ParameterizedTest
    @CsvSource({"rf_binary", "rf_gt_mixed", "gb_binary", "xgb_binary", "xgb_gte", "xgb_marriage3", "lr_scaler",
        "lr_ovr_marriage3"})
    void javaOnnxRuntimeAgreesLive(String name) throws IOException {
        Assumptions.assumeTrue(TestData.realAvailable());
        LocalModel m = FixtureAssertions.loadAs(FIXTURES.resolve(name + ".onnx"), tmp, name + ".json");
        double[][] x = rows(m);
        double[][] some = new double[4000][];
        double[][] nan = withNaN(x);
        for (int i = 0; i < 2000; i++) {
            some[i] = x[i * 13];
            some[2000 + i] = nan[i];
        }
        double[][] p = m.predictProba(some);
        try (OnnxClassifier ort = new OnnxClassifier(FIXTURES.resolve(name + ".onnx"), m.schema())) {
            double[][] q = ort.predictProba(some);
            for (int i = 0; i < some.length; i++) {
                for (int c = 0; c < p[i].length; c++) {
                    assertEquals(q[i][c], p[i][c], 1e-5, name + " row " + i);
                }
            }
        }
    }

    @Test
    void everySplitModeAndMissingRuleAnswersAsOnnxRuntime() throws IOException {
        float[] probe = {-0f, 0f, 1f, Math.nextUp(1f), Math.nextDown(1f), 2.5f, -3f, 1e30f, -1e30f};
        String[] modes = {"BRANCH_LEQ", "BRANCH_LT", "BRANCH_GTE", "BRANCH_GT", "BRANCH_EQ", "BRANCH_NEQ"};
        for (String mode : modes) {
            for (long track : new long[] {0, 1}) {
                for (float t : new float[] {1f, 0f, -0f, 2.5f}) {
                    // Root on feature 0, then a second split of the same mode on feature 1 under each branch.
                    ModelProto m = classifier(2, tree(new String[] {mode, mode, mode}, new float[] {t, t, 1f},
                            new long[] {1, 3, 5}, new long[] {2, 4, 6}, new long[] {track, 1 - track, track}, 4, 2));
                    Path f = write(m, "modes.onnx");
                    LocalModel model = Models.load(f);
                    List<double[]> rows = new ArrayList<>();
                    for (float a : probe) {
                        for (float b : probe) {
                            rows.add(new double[] {a, b});
                        }
                        rows.add(new double[] {a, Double.NaN});
                        rows.add(new double[] {Double.NaN, a});
                        // A double between two floats: mlsec must answer as ONNX Runtime does on its rounding.
                        rows.add(new double[] {a + Math.ulp(a) / 4, (double) a - Math.ulp(a) / 3});
                    }
                    double[][] x = rows.toArray(new double[0][]);
                    double[][] p = model.predictProba(x);
                    try (OnnxClassifier ort = new OnnxClassifier(f, model.schema())) {
                        double[][] q = ort.predictProba(x);
                        for (int i = 0; i < x.length; i++) {
                            assertEquals(q[i][1], p[i][1], 1e-6, mode + " track " + track + " t " + t + " row "
                                    + Arrays.toString(x[i]));
                        }
                    }
                }
            }
        }
    }

    @Test
    void scalersBeforeTreesFoldIntoExactThresholds() throws IOException {
        float[] probe = {-0f, 0f, 1f, Math.nextUp(1f), Math.nextDown(1f), 0.3f, 2.5f, -3f, 1e30f, -1e38f, 3e38f};
        for (float scale : new float[] {-1.7f, 0.37f, 3e-39f}) {
            for (String mode : new String[] {"BRANCH_LEQ", "BRANCH_GT", "BRANCH_EQ", "BRANCH_NEQ", "BRANCH_LT"}) {
                ModelProto m = classifier(2, tree(new String[] {mode, mode, mode}, new float[] {0.5f, -0.2f, 1f},
                        new long[] {1, 3, 5}, new long[] {2, 4, 6}, new long[] {1, 0, 1}, 4, 2));
                GraphProto.Builder g = m.getGraph().toBuilder();
                NodeProto tec = g.getNode(0).toBuilder().setInput(0, "S").build();
                g.clearNode().addNode(NodeProto.newBuilder().setOpType("Scaler").setDomain("ai.onnx.ml")
                        .addInput("X").addOutput("S").addAttribute(floats("offset", 0.3f, -1f))
                        .addAttribute(floats("scale", scale, 2f))).addNode(tec);
                Path f = write(m.toBuilder().setGraph(g).build(), "scaled.onnx");
                LocalModel model = Models.load(f);
                List<double[]> rows = new ArrayList<>();
                for (float a : probe) {
                    for (float b : probe) {
                        rows.add(new double[] {a, b});
                        rows.add(new double[] {Math.nextUp(a / scale + 0.3f), b / 2 - 1});
                    }
                    rows.add(new double[] {Double.NaN, a});
                }
                double[][] x = rows.toArray(new double[0][]);
                double[][] p = model.predictProba(x);
                try (OnnxClassifier ort = new OnnxClassifier(f, model.schema())) {
                    double[][] q = ort.predictProba(x);
                    for (int i = 0; i < x.length; i++) {
                        assertEquals(q[i][1], p[i][1], 1e-6, mode + " scale " + scale + " row " + Arrays.toString(x[i]));
                    }
                }
            }
        }
    }
}
