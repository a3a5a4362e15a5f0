package org.mlsec.model.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mlsec.InputException;
import org.mlsec.Progress;
import org.mlsec.TestData;
import org.mlsec.data.Column;
import org.mlsec.data.ColumnType;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.defences.trainer.DpLogisticRegression;
import org.mlsec.internal.Json;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Provenance;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;
import org.mlsec.model.tree.BoostedModel;
import org.mlsec.model.tree.ForestModel;
import org.mlsec.model.tree.Tree;

/** ONNX export on Layman Brothers data and on hand-built trees: ONNX Runtime answers as mlsec does. */
class OnnxExportTest {
    static final double TOLERANCE = 1e-6;

    @TempDir
    static Path dir;
    static Dataset binary;
    static Dataset multi;

    @BeforeAll
    static void data() throws IOException {
        binary = TestData.layman(3_000, 9, dir);
        multi = CsvReader.read(dir.resolve("layman-3000-9.csv"), new CsvOptions(',', "MARRIAGE",
                Set.of("ID", "DEFAULT"), Set.of("SEX"), Set.of("EDUCATION")));
    }

    static TrainConfig small(Algorithm a) {
        return TrainConfig.defaults(a).withTrees(30);
    }

    /** ONNX Runtime against mlsec on the training rows and on 5,000 sampled rows (half on split thresholds). */
    static void assertAgrees(LocalModel m, Dataset d) {
        byte[] onnx = OnnxExport.toOnnx(m).bytes();
        for (double[][] rows : List.of(d.x(), ExportCheck.sample(m, 5_000, 7))) {
            ExportCheck.Result r = ExportCheck.compare(m, onnx, rows);
            assertEquals(rows.length, r.rows());
            assertTrue(r.maxAbsDifference() <= TOLERANCE, m.kind() + ": " + r);
            assertEquals(0, r.labelsDiffering(), m.kind() + ": " + r);
        }
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void twoClassModelsAgreeOnEveryRow(Algorithm a) {
        assertAgrees(Trainer.train(binary, small(a), "layman", Progress.NONE), binary);
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void multiClassModelsAgreeOnEveryRow(Algorithm a) {
        assertEquals(List.of("0", "1", "2", "3"), multi.schema().classes());
        assertAgrees(Trainer.train(multi, small(a), "layman", Progress.NONE), multi);
    }

    @ParameterizedTest
    @EnumSource(value = Algorithm.class, names = {"RF", "GBT", "TREE"})
    void monotoneConstrainedTreesExport(Algorithm a) {
        TrainConfig c = small(a).withMonotone(Map.of("PAY_0", 1, "LIMIT_BAL", -1));
        LocalModel m = Trainer.train(binary, c, "layman", Progress.NONE);
        assertTrue(m.provenance().hyperparameters().containsKey(TrainConfig.MONOTONE_KEY));
        assertAgrees(m, binary);
    }

    @Test
    void differentiallyPrivateLogisticRegressionClipsInTheGraph() throws IOException {
        var m = DpLogisticRegression.train(binary, 1.0, 0.01, 5);
        assertTrue(m.clipped());
        assertAgrees(m, binary);
        OnnxMl.ModelProto proto = OnnxMl.ModelProto.parseFrom(OnnxExport.toOnnx(m).bytes());
        List<String> ops = proto.getGraph().getNodeList().stream().map(OnnxMl.NodeProto::getOpType).toList();
        assertEquals(List.of("Max", "Min", "Sub", "Div"), ops.subList(0, 4));
        // Rows far outside the clipping bounds: the clipped model saturates there, as the graph must.
        double[][] far = ExportCheck.sample(m, 500, 3);
        for (double[] r : far) {
            for (int j = 0; j < r.length; j++) {
                if (!m.schema().feature(j).isCategorical()) {
                    r[j] = r[j] * 1e3;
                }
            }
        }
        ExportCheck.Result res = ExportCheck.compare(m, OnnxExport.toOnnx(m).bytes(), far);
        assertTrue(res.maxAbsDifference() <= TOLERANCE && res.labelsAgree(), res.toString());
    }

    @Test
    void exportedFileRunsThroughOnnxClassifier() throws IOException {
        LocalModel rf = Trainer.train(binary, small(Algorithm.RF), "layman", Progress.NONE);
        Path f = dir.resolve("rf.onnx");
        OnnxExport.Exported e = OnnxExport.export(rf, f);
        assertArrayEquals(e.bytes(), Files.readAllBytes(f));
        assertEquals(30, e.trees());
        double[][] rows = Arrays.copyOf(binary.x(), 1_000);
        try (OnnxClassifier onnx = new OnnxClassifier(f, rf.schema())) {
            double[][] p = onnx.predictProba(rows);
            double[][] q = rf.predictProba(rows);
            for (int i = 0; i < rows.length; i++) {
                assertArrayEquals(q[i], p[i], TOLERANCE, "row " + i);
            }
            assertArrayEquals(rf.predict(rows), onnx.predict(rows));
        }
    }

    /** Two features: a numeric one and a two-category one (two one-hot indicators). */
    static Schema schema(List<String> classes) {
        return new Schema(List.of(Column.numeric("x", ColumnType.NUMERIC, -1e300, 1e300),
                Column.categorical("colour", List.of("red", "blue"))), "y", classes);
    }

    static Provenance provenance() {
        return Provenance.imported("test", "1", "random_forest", Map.of(), List.of("x", "colour"), -1, null);
    }

    /** A stump on x at t whose leaves hold the given class counts. */
    static Tree stump(double t, double[] leftCounts, double[] rightCounts, boolean nanLeft) {
        int k = leftCounts.length;
        double[] value = new double[3 * k];
        for (int c = 0; c < k; c++) {
            value[c] = leftCounts[c] + rightCounts[c];
            value[k + c] = leftCounts[c];
            value[2 * k + c] = rightCounts[c];
        }
        return new Tree(new int[] {0, -1, -1}, new double[] {t, 0, 0}, new int[] {1, -1, -1},
                new int[] {2, -1, -1}, value, k, new int[3], new double[3], nanLeft ? new boolean[] {true, false, false}
                : null);
    }

    /** Thresholds of every magnitude, most of them not float32 numbers, with a float32 neighbour in between. */
    static double[] awkwardThresholds(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] t = new double[n];
        double[] fixed = {0.1, -0.1, 1e6 + 0.1, 123456.789, 1e-300, -0.0, 0.0, 16777217.0, 0.5, 3.4028235677973366e38};
        for (int i = 0; i < n; i++) {
            t[i] = i < fixed.length ? fixed[i] : (rng.nextDouble() - 0.5) * Math.pow(10, rng.nextInt(-8, 12));
        }
        return t;
    }

    /** Each threshold, the doubles either side of it and its float32 rounding (a float32 input would merge them). */
    static double[][] rowsAround(double[] thresholds) {
        List<double[]> rows = new ArrayList<>();
        for (double t : thresholds) {
            for (double x : new double[] {t, Math.nextDown(t), Math.nextUp(t), (double) (float) t}) {
                rows.add(new double[] {x, rows.size() % 2});
            }
        }
        return rows.toArray(new double[0][]);
    }

    @Test
    void everySplitComparesInDoubleAsMlsecDoes() {
        double[] thresholds = awkwardThresholds(60, 11);
        Schema s = schema(List.of("0", "1"));
        List<Tree> forest = new ArrayList<>();
        List<Tree> boosted = new ArrayList<>();
        for (int i = 0; i < thresholds.length; i++) {
            forest.add(stump(thresholds[i], new double[] {i + 1, 1}, new double[] {1, 2 * i + 1}, false));
            boosted.add(new Tree(new int[] {0, -1, -1}, new double[] {thresholds[i], 0, 0}, new int[] {1, -1, -1},
                    new int[] {2, -1, -1}, new double[] {0, -0.3 - i * 0.01, 0.25 + i * 0.02}, 1, new int[3],
                    new double[3]));
        }
        ForestModel rf = new ForestModel(ForestModel.RANDOM_FOREST, s, provenance(), forest);
        BoostedModel gbt = new BoostedModel(s, provenance(), boosted, new double[] {0.125});
        double[][] rows = rowsAround(thresholds);
        for (LocalModel m : List.of(rf, gbt)) {
            ExportCheck.Result r = ExportCheck.compare(m, OnnxExport.toOnnx(m).bytes(), rows);
            assertTrue(r.maxAbsDifference() <= TOLERANCE && r.labelsAgree(), m.kind() + ": " + r);
        }
        // Not vacuous: rounded to float32, many of these rows would fall on the other side of their threshold.
        long flips = 0;
        for (int i = 0; i < rows.length; i++) {
            double t = thresholds[i / 4];
            double x = rows[i][0];
            flips += ((float) x <= (float) t) != (x <= t) ? 1 : 0;
        }
        assertTrue(flips >= 20, flips + " rows would change branch in float32");
        // A single tree: a wrong branch would change the probabilities by a half.
        ForestModel one = new ForestModel(ForestModel.DECISION_TREE, s, provenance(),
                List.of(stump(0.1, new double[] {3, 1}, new double[] {1, 3}, false)));
        ExportCheck.Result r = ExportCheck.compare(one, OnnxExport.toOnnx(one).bytes(),
                new double[][] {{0.1, 0}, {(double) (float) 0.1, 0}, {Math.nextUp(0.1), 0}});
        assertTrue(r.maxAbsDifference() == 0 && r.labelsAgree(), r.toString());
        assertArrayEquals(new int[] {0, 1, 1}, one.predict(new double[][] {{0.1, 0}, {(double) (float) 0.1, 0},
                {Math.nextUp(0.1), 0}}));
    }

    @Test
    void missingValuesGoWhereTheTreeSendsThem() {
        Schema s = schema(List.of("0", "1"));
        ForestModel m = new ForestModel(ForestModel.RANDOM_FOREST, s, provenance(), List.of(
                stump(0.5, new double[] {4, 1}, new double[] {1, 4}, true),
                stump(2.5, new double[] {5, 1}, new double[] {1, 2}, false)));
        double[][] rows = {{Double.NaN, 0}, {0.2, 1}, {3, 0}, {Double.NaN, 1}};
        ExportCheck.Result r = ExportCheck.compare(m, OnnxExport.toOnnx(m).bytes(), rows);
        assertTrue(r.maxAbsDifference() <= TOLERANCE && r.labelsAgree(), r.toString());
    }

    @Test
    void tiesGoToTheFirstClassAsInMlsec() {
        // Pure leaves: shares 0 and 1, sums exact; 2 trees of 4 vote each way for some rows.
        Schema s = schema(List.of("0", "1"));
        List<Tree> trees = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            trees.add(stump(i, new double[] {1, 0}, new double[] {0, 1}, false));
        }
        ForestModel m = new ForestModel(ForestModel.RANDOM_FOREST, s, provenance(), trees);
        double[][] rows = {{1.5, 0}, {-1, 0}, {5, 0}, {0.5, 1}, {2.5, 0}};
        assertArrayEquals(new int[] {0, 0, 1, 0, 1}, m.predict(rows));
        ExportCheck.Result r = ExportCheck.compare(m, OnnxExport.toOnnx(m).bytes(), rows);
        assertTrue(r.maxAbsDifference() <= TOLERANCE && r.labelsAgree(), r.toString());
        // Boosting with a score of exactly 0: mlsec answers the first class, and so does the graph.
        BoostedModel zero = new BoostedModel(s, provenance(), List.of(new Tree(new int[] {0, -1, -1},
                new double[] {0, 0, 0}, new int[] {1, -1, -1}, new int[] {2, -1, -1}, new double[] {0, 0.5, -0.5},
                1, new int[3], new double[3])), new double[] {0.5});
        rows = new double[][] {{1, 0}, {-1, 0}};
        assertArrayEquals(new int[] {0, 1}, zero.predict(rows));
        r = ExportCheck.compare(zero, OnnxExport.toOnnx(zero).bytes(), rows);
        assertTrue(r.maxAbsDifference() <= TOLERANCE && r.labelsAgree(), r.toString());
    }

    /** A tree that goes right {@code depth} times, with a leaf on the left at each level. */
    static Tree chain(int depth) {
        int n = 2 * depth + 1;
        int[] feature = new int[n];
        double[] threshold = new double[n];
        int[] left = new int[n];
        int[] right = new int[n];
        double[] value = new double[2 * n];
        Arrays.fill(feature, -1);
        Arrays.fill(left, -1);
        Arrays.fill(right, -1);
        for (int d = 0; d < depth; d++) {
            int node = 2 * d;
            feature[node] = 0;
            threshold[node] = d;
            left[node] = node + 1;
            right[node] = node + 2;
            value[2 * (node + 1)] = d % 3 + 1;
            value[2 * (node + 1) + 1] = 1;
        }
        value[2 * (n - 1) + 1] = 5;
        return new Tree(feature, threshold, left, right, value, 2, new int[n], new double[n]);
    }

    @Test
    void leafOnlyTreesDeepTreesAndTextClassesExport() throws IOException {
        Schema s = schema(List.of("no", "yes"));
        int depth = TreeEnsembleExport.MAX_DEPTH;
        int n = 2 * depth + 1;
        Tree chain = chain(depth);
        Tree leaf = new Tree(new int[] {-1}, new double[1], new int[] {-1}, new int[] {-1}, new double[] {1, 3}, 2,
                new int[1], new double[1]);
        ForestModel m = new ForestModel(ForestModel.RANDOM_FOREST, s, provenance(), List.of(chain, leaf));
        assertEquals(depth, chain.depth());
        double[][] rows = new double[500][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = new double[] {i * 2.5 - 10, i % 2};
        }
        OnnxExport.Exported e = OnnxExport.toOnnx(m);
        assertEquals(n + 1, e.treeNodes());
        ExportCheck.Result r = ExportCheck.compare(m, e.bytes(), rows);
        assertTrue(r.maxAbsDifference() <= TOLERANCE && r.labelsAgree(), r.toString());
        OnnxMl.ModelProto proto = OnnxMl.ModelProto.parseFrom(e.bytes());
        OnnxMl.ValueInfoProto label = proto.getGraph().getOutput(0);
        assertEquals("label", label.getName());
        assertEquals(OnnxMl.TensorProto.DataType.STRING_VALUE, label.getType().getTensorType().getElemType());
    }

    @Test
    void treesTooDeepForOnnxRuntimeAreRefused() {
        ForestModel deep = new ForestModel(ForestModel.DECISION_TREE, schema(List.of("0", "1")), provenance(),
                List.of(chain(TreeEnsembleExport.MAX_DEPTH + 1)));
        InputException e = assertThrows(InputException.class, () -> OnnxExport.toOnnx(deep));
        assertTrue(e.getMessage().contains("tree 0 is 1001 levels deep") && e.getMessage().contains("maxDepth") && e.parameters().contains("maxDepth"),
                e.getMessage());
    }

    @Test
    void theFileDescribesItself() throws IOException {
        LocalModel gbt = Trainer.train(multi, small(Algorithm.GBT), "layman", Progress.NONE);
        OnnxMl.ModelProto proto = OnnxMl.ModelProto.parseFrom(OnnxExport.toOnnx(gbt).bytes());
        assertEquals("mlsec", proto.getProducerName());
        assertEquals(Map.of("", 15L, "ai.onnx.ml", 3L), proto.getOpsetImportList().stream().collect(
                Collectors.toMap(OnnxMl.OperatorSetIdProto::getDomain, OnnxMl.OperatorSetIdProto::getVersion)));
        OnnxMl.ValueInfoProto in = proto.getGraph().getInput(0);
        assertEquals(OnnxExport.INPUT, in.getName());
        assertEquals(OnnxMl.TensorProto.DataType.DOUBLE_VALUE, in.getType().getTensorType().getElemType());
        assertEquals(gbt.encoder().width(), in.getType().getTensorType().getShape().getDim(1).getDimValue());
        OnnxMl.NodeProto te = proto.getGraph().getNode(0);
        assertEquals("TreeEnsembleClassifier", te.getOpType());
        assertEquals("ai.onnx.ml", te.getDomain());
        Map<String, String> meta = new LinkedHashMap<>();
        proto.getMetadataPropsList().forEach(p -> meta.put(p.getKey(), p.getValue()));
        assertEquals(Set.of("mlsec.kind", "mlsec.input", "mlsec.label", "mlsec.classes", "mlsec.features",
                "mlsec.schema", "mlsec.provenance"), meta.keySet());
        assertEquals(gbt.schema(), Json.MAPPER.readValue(meta.get("mlsec.schema"), Schema.class));
        assertEquals(gbt.provenance(), Json.MAPPER.readValue(meta.get("mlsec.provenance"), Provenance.class));
        assertEquals(gbt.encoder().names(), List.of(Json.MAPPER.readValue(meta.get("mlsec.features"), String[].class)));
        assertTrue(gbt.encoder().names().stream().anyMatch(f -> f.startsWith("SEX=")), "one-hot names");
        assertEquals("[\"0\",\"1\",\"2\",\"3\"]", meta.get("mlsec.classes"));
        assertEquals("MARRIAGE", meta.get("mlsec.label"));
    }

    @Test
    void theCheckNoticesAGraphThatAnswersOtherwise() {
        LocalModel deep = Trainer.train(binary, small(Algorithm.TREE), "layman", Progress.NONE);
        LocalModel stump = Trainer.train(binary, small(Algorithm.TREE).withMaxDepth(1), "layman", Progress.NONE);
        ExportCheck.Result r = ExportCheck.compare(deep, OnnxExport.toOnnx(stump).bytes(), binary.x());
        assertTrue(r.labelsDiffering() > 0 && r.firstDiffering() >= 0 && r.maxAbsDifference() > 0.01, r.toString());
        assertEquals(r.firstDiffering(), java.util.stream.IntStream.range(0, binary.rows())
                .filter(i -> deep.predict(new double[][] {binary.row(i)})[0]
                        != stump.predict(new double[][] {binary.row(i)})[0]).findFirst().orElse(-1));
    }

    @Test
    void samplesStayInTheSchemaAndSitOnThresholds() {
        LocalModel rf = Trainer.train(binary, small(Algorithm.RF), "layman", Progress.NONE);
        double[][] rows = ExportCheck.sample(rf, 2_000, 3);
        assertTrue(Arrays.deepEquals(rows, ExportCheck.sample(rf, 2_000, 3)), "seeded");
        double[][] thresholds = ExportCheck.thresholdsPerColumn(rf);
        int onThreshold = 0;
        for (double[] r : rows) {
            for (int j = 0; j < r.length; j++) {
                Column c = rf.schema().feature(j);
                assertTrue(r[j] >= c.min() && r[j] <= c.max(), c.name() + "=" + r[j]);
                if (c.isCategorical()) {
                    assertEquals(Math.rint(r[j]), r[j]);
                } else if (Arrays.binarySearch(thresholds[j], r[j]) >= 0) {
                    onThreshold++;
                }
            }
        }
        assertTrue(onThreshold > rows.length, onThreshold + " values on thresholds");
        assertThrows(InputException.class, () -> ExportCheck.sample(rf, 0, 1));
    }

    @Test
    void otherModelsAreRefusedClearly() {
        LocalModel other = new LocalModel(schema(List.of("0", "1")), provenance()) {
            @Override
            public String kind() {
                return "svm";
            }

            @Override
            public JsonNode toJson() {
                return null;
            }

            @Override
            protected double[][] probaEncoded(double[][] encoded) {
                return new double[encoded.length][2];
            }

            @Override
            public double[] featureImportances() {
                return new double[3];
            }

            @Override
            public LocalModel withProvenance(Provenance p) {
                return this;
            }

            @Override
            public LocalModel withSchema(Schema other) {
                return this;
            }
        };
        InputException e = assertThrows(InputException.class, () -> OnnxExport.toOnnx(other));
        assertTrue(e.getMessage().contains("this model is a svm"), e.getMessage());
    }
}
