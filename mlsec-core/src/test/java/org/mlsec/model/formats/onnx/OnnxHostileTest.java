package org.mlsec.model.formats.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.InputException;
import org.mlsec.model.Models;
import org.mlsec.model.formats.FixtureAssertions;
import org.mlsec.model.formats.NotWhiteBoxException;

/**
 * Hand-built graphs (their answers checked live against ONNX Runtime in mlsec-onnx's OnnxRuntimeAgreementTest),
 * and malformed or hostile files refused with a one-line {@link InputException} (or {@link NotWhiteBoxException} for valid graphs
 * that are not white-box).
 */
class OnnxHostileTest {
    @TempDir
    Path tmp;

    static AttributeProto ints(String n, long... v) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(n).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) {
            b.addInts(x);
        }
        return b.build();
    }

    static AttributeProto floats(String n, float... v) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(n).setType(AttributeProto.AttributeType.FLOATS);
        for (float x : v) {
            b.addFloats(x);
        }
        return b.build();
    }

    static AttributeProto strings(String n, String... v) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(n)
                .setType(AttributeProto.AttributeType.STRINGS);
        for (String x : v) {
            b.addStrings(ByteString.copyFromUtf8(x));
        }
        return b.build();
    }

    static AttributeProto string(String n, String v) {
        return AttributeProto.newBuilder().setName(n).setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(v)).build();
    }

    static ValueInfoProto tensor(String name, int elem, long... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : dims) {
            s.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("N").build()
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d).build());
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elem).setShape(s))).build();
    }

    static ModelProto model(int d, List<NodeProto> nodes, List<ValueInfoProto> outs, List<TensorProto> init,
                            long irVersion) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("g").addAllNode(nodes)
                .addInput(tensor("X", TensorProto.DataType.FLOAT_VALUE, -1, d)).addAllOutput(outs)
                .addAllInitializer(init);
        return ModelProto.newBuilder().setIrVersion(irVersion).setProducerName("test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("ai.onnx.ml").setVersion(3))
                .setGraph(g).build();
    }

    /** A two-class TreeEnsembleClassifier (class-1 share per leaf, NONE) over {@code d} features. */
    static ModelProto classifier(int d, Consumer<NodeProto.Builder> attrs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType("TreeEnsembleClassifier").setDomain("ai.onnx.ml")
                .addInput("X").addOutput("label").addOutput("probabilities")
                .addAttribute(ints("classlabels_int64s", 0, 1))
                .addAttribute(string("post_transform", "NONE"));
        attrs.accept(n);
        return model(d, List.of(n.build()), List.of(tensor("label", TensorProto.DataType.INT64_VALUE, -1),
                tensor("probabilities", TensorProto.DataType.FLOAT_VALUE, -1, 2)), List.of(), 8);
    }

    /**
     * One tree whose nodes 0..m-1 are splits (node i: mode[i], feature i % d, threshold t[i], true child
     * trueIds[i], false child falseIds[i]) and the rest leaves with class-1 share (leaf index) / leaves.
     */
    static Consumer<NodeProto.Builder> tree(String[] modes, float[] t, long[] trueIds, long[] falseIds, long[] tracks,
                                            int leaves, int d) {
        return n -> {
            int m = modes.length;
            int total = m + leaves;
            long[] ids = new long[total];
            long[] feats = new long[total];
            long[] tr = new long[total];
            long[] fa = new long[total];
            long[] mt = new long[total];
            float[] vals = new float[total];
            String[] allModes = new String[total];
            for (int i = 0; i < total; i++) {
                ids[i] = i;
                allModes[i] = i < m ? modes[i] : "LEAF";
                if (i < m) {
                    feats[i] = i % d;
                    vals[i] = t[i];
                    tr[i] = trueIds[i];
                    fa[i] = falseIds[i];
                    mt[i] = tracks == null ? 0 : tracks[i];
                }
            }
            long[] cn = new long[leaves];
            long[] zeros = new long[leaves];
            float[] w = new float[leaves];
            for (int l = 0; l < leaves; l++) {
                cn[l] = m + l;
                w[l] = (l + 0.5f) / leaves;
            }
            n.addAttribute(ints("nodes_treeids", new long[total])).addAttribute(ints("nodes_nodeids", ids))
                    .addAttribute(ints("nodes_featureids", feats)).addAttribute(strings("nodes_modes", allModes))
                    .addAttribute(floats("nodes_values", vals)).addAttribute(ints("nodes_truenodeids", tr))
                    .addAttribute(ints("nodes_falsenodeids", fa))
                    .addAttribute(ints("nodes_missing_value_tracks_true", mt))
                    .addAttribute(ints("class_treeids", zeros)).addAttribute(ints("class_nodeids", cn))
                    .addAttribute(ints("class_ids", zeros)).addAttribute(floats("class_weights", w));
        };
    }

    Path write(ModelProto m, String name) throws IOException {
        Path f = tmp.resolve(name);
        Files.write(f, m.toByteArray());
        return f;
    }

    static ModelProto small(Consumer<NodeProto.Builder> tweak) {
        Consumer<NodeProto.Builder> base = tree(new String[] {"BRANCH_LEQ"}, new float[] {1f}, new long[] {1},
                new long[] {2}, null, 2, 1);
        return classifier(1, base.andThen(tweak));
    }

    static NodeProto.Builder replace(NodeProto.Builder n, AttributeProto a) {
        for (int i = 0; i < n.getAttributeCount(); i++) {
            if (n.getAttribute(i).getName().equals(a.getName())) {
                n.setAttribute(i, a);
                return n;
            }
        }
        return n.addAttribute(a);
    }

    void refused(ModelProto m, String expected) throws IOException {
        InputException e = FixtureAssertions.refusedToLoad(write(m, "bad.onnx"), expected);
        assertTrue(!(e instanceof NotWhiteBoxException), e.getMessage());
    }

    /**
     * Found by fuzzing (ReaderFuzzTest#onnx): a 21 KB tree ensemble whose references make the translation copy
     * subtrees into 5,000,000 nodes (400 MB, OutOfMemoryError under -Xmx256m). Its budget follows its size.
     */
    @Test
    void aSmallFileWhoseTreesCopyIntoMillionsOfNodesIsRefusedByItsOwnBudget() throws Exception {
        byte[] bytes = Files.readAllBytes(Path.of(OnnxHostileTest.class.getResource(
                "/org/mlsec/ReaderFuzzTestInputs/onnx/tree-copies-expanding-21-kb-to-5-million-nodes").toURI()));
        InputException e = assertThrows(InputException.class, () -> new OnnxFormat().read(Path.of("m.onnx"), bytes));
        assertTrue(e.getMessage().contains("expand to more than 108032 nodes"), e.getMessage());
        assertEquals(5_000_000, OnnxFormat.treeNodeBudget(1_000_000));
        assertEquals(1 << 16, OnnxFormat.treeNodeBudget(10));
    }

    @Test
    void malformedGraphsAreRefusedClearly() throws IOException {
        assertEquals(1, Models.load(write(small(n -> { }), "ok.onnx")).schema().width());
        refused(small(n -> replace(n, floats("nodes_values", 1f, 0f))), "nodes_values has 2 entries, expected 3");
        refused(small(n -> replace(n, ints("nodes_truenodeids", 99, 0, 0))), "true child 99");
        refused(small(n -> replace(n, ints("nodes_falsenodeids", -1, 0, 0))), "false child -1");
        refused(small(n -> replace(n, floats("nodes_values", Float.NaN, 0f, 0f))), "NaN threshold");
        refused(small(n -> replace(n, ints("class_ids", 0, 7))), "class 7");
        refused(small(n -> replace(n, ints("class_nodeids", 1, 9))), "does not exist");
        refused(small(n -> replace(n, ints("nodes_featureids", 3, 0, 0))), "feature 3");
        refused(small(n -> replace(n, strings("nodes_modes", "BRANCH_LEQ", "LEAF", "BRANCH_SOMETIMES"))),
                "BRANCH_SOMETIMES");
        // Node 2 made a split pointing back at the root: a cycle.
        ModelProto cycle = classifier(1, tree(new String[] {"BRANCH_LEQ", "BRANCH_LEQ"}, new float[] {1f, 2f},
                new long[] {1, 0}, new long[] {2, 3}, null, 2, 1));
        refused(cycle, "cycle");
        // An unreachable node.
        refused(classifier(1, tree(new String[] {"BRANCH_LEQ"}, new float[] {1f}, new long[] {1}, new long[] {1},
                null, 2, 1)), "not reachable");
        refused(small(n -> replace(n, ints("classlabels_int64s", 0, 0))), "repeats a class label");
        ModelProto old = small(n -> { }).toBuilder().setIrVersion(99).build();
        refused(old, "IR version 99");
        long[] many = new long[20_000];
        refused(small(n -> replace(n, ints("classlabels_int64s", many))), "20000 class labels");
    }

    @Test
    void treesDeeperThanTheLimitAreRefused() throws IOException {
        int depth = 10_050;
        String[] modes = new String[depth];
        float[] t = new float[depth];
        long[] tr = new long[depth];
        long[] fa = new long[depth];
        for (int i = 0; i < depth; i++) {
            modes[i] = "BRANCH_LEQ";
            t[i] = i;
            tr[i] = i + 1;              // a chain down the true side, ending at leaf `depth`
            fa[i] = depth + 1 + i;      // each split's own false leaf
        }
        refused(classifier(1, tree(modes, t, tr, fa, null, depth + 1, 1)), "levels deep");
    }

    @Test
    void garbageTruncationAndBombsEndInInputException() throws IOException {
        byte[] good = small(n -> { }).toByteArray();
        for (int cut = 8; cut < good.length; cut += 17) {
            Path f = tmp.resolve("cut" + cut);
            Files.write(f, Arrays.copyOf(good, cut));
            assertThrows(InputException.class, () -> Models.load(f));
        }
        // A length prefix claiming 2 GB.
        byte[] lie = {0x08, 0x08, 0x3a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 1, 2, 3};
        Path f = tmp.resolve("lie");
        Files.write(f, lie);
        InputException e = assertThrows(InputException.class, () -> Models.load(f));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        // Nested far beyond protobuf's recursion limit (graph -> node -> attribute -> graph ...).
        GraphProto g = GraphProto.newBuilder().setName("leaf").build();
        for (int i = 0; i < 200; i++) {
            g = GraphProto.newBuilder().addNode(NodeProto.newBuilder().setOpType("If").addAttribute(
                    AttributeProto.newBuilder().setName("then_branch").setType(AttributeProto.AttributeType.GRAPH)
                            .setG(g))).build();
        }
        Path deep = tmp.resolve("deep");
        Files.write(deep, ModelProto.newBuilder().setIrVersion(8).setGraph(g).build().toByteArray());
        assertThrows(InputException.class, () -> Models.load(deep));
    }

    @Test
    void validGraphsBeyondTreesAreLeftToOnnxRuntime() throws IOException {
        // Multinomial logistic regression over three classes.
        NodeProto lc = NodeProto.newBuilder().setOpType("LinearClassifier").setDomain("ai.onnx.ml").addInput("X")
                .addOutput("label").addOutput("p").addAttribute(floats("coefficients", 1, 2, 3))
                .addAttribute(floats("intercepts", 0, 0, 0)).addAttribute(ints("classlabels_ints", 1, 2, 3))
                .addAttribute(string("post_transform", "SOFTMAX")).build();
        ModelProto m = model(1, List.of(lc), List.of(tensor("p", TensorProto.DataType.FLOAT_VALUE, -1, 3)),
                List.of(), 8);
        NotWhiteBoxException e = assertThrows(NotWhiteBoxException.class, () -> Models.load(write(m, "mn.onnx")));
        assertTrue(e.getMessage().contains("multinomial"), e.getMessage());
        // A custom domain.
        ModelProto custom = small(n -> n.setDomain("com.example"));
        assertInstanceOf(NotWhiteBoxException.class, assertThrows(InputException.class,
                () -> Models.load(write(custom, "custom.onnx"))));
        // Two inputs.
        ModelProto two = small(n -> { }).toBuilder().setGraph(small(n -> { }).getGraph().toBuilder()
                .addInput(tensor("Y", TensorProto.DataType.FLOAT_VALUE, -1, 1))).build();
        assertThrows(NotWhiteBoxException.class, () -> Models.load(write(two, "two.onnx")));
        // A double input.
        ModelProto dbl = small(n -> { }).toBuilder().setGraph(small(n -> { }).getGraph().toBuilder()
                .setInput(0, tensor("X", TensorProto.DataType.DOUBLE_VALUE, -1, 1))).build();
        assertThrows(NotWhiteBoxException.class, () -> Models.load(write(dbl, "double.onnx")));
        // LOGISTIC per-class sigmoids over three classes do not sum to 1.
        ModelProto logistic3 = classifier(1, tree(new String[] {"BRANCH_LEQ"}, new float[] {1f}, new long[] {1},
                new long[] {2}, null, 2, 1).andThen(n -> replace(replace(n, string("post_transform", "LOGISTIC")),
                ints("classlabels_int64s", 0, 1, 2))));
        assertThrows(NotWhiteBoxException.class, () -> Models.load(write(logistic3, "l3.onnx")));
    }
}
