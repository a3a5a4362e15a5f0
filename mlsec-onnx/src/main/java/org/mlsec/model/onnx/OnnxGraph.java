package org.mlsec.model.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A small builder for an ONNX graph ({@code onnx.proto3}: GraphProto, NodeProto, AttributeProto, TensorProto) over
 * the generated protobuf classes in {@code ai.onnx.proto.OnnxMl}. It exists because the exports need double
 * tensors and ai.onnx.ml tensor attributes ({@code nodes_values_as_tensor}), which Tribuo's float-oriented graph
 * helpers do not offer. Names are checked to be unique; the batch dimension is the symbolic {@code N}.
 */
final class OnnxGraph {
    static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
    static final int DOUBLE = TensorProto.DataType.DOUBLE_VALUE;
    static final int INT64 = TensorProto.DataType.INT64_VALUE;
    static final int STRING = TensorProto.DataType.STRING_VALUE;
    /** A dimension of this size in {@link #input} and {@link #output} is the batch dimension {@code N}. */
    static final long BATCH = -1;
    static final String ML = "ai.onnx.ml";

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final Set<String> names = new HashSet<>();
    private int nodes;

    OnnxGraph(String name, String doc) {
        graph.setName(name).setDocString(doc);
    }

    int nodes() {
        return nodes;
    }

    void input(String name, int type, String doc, long... dims) {
        graph.addInput(valueInfo(claim(name), type, doc, dims));
    }

    void output(String name, int type, String doc, long... dims) {
        graph.addOutput(valueInfo(name, type, doc, dims));
    }

    private static ValueInfoProto valueInfo(String name, int type, String doc, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(d == BATCH ? TensorShapeProto.Dimension.newBuilder().setDimParam("N")
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setDocString(doc)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(type)
                        .setShape(shape))).build();
    }

    /** A constant double tensor of the given shape. */
    String doubles(String name, double[] values, long... dims) {
        TensorProto.Builder t = tensor(name, DOUBLE, dims);
        for (double v : values) {
            t.addDoubleData(v);
        }
        return initializer(t);
    }

    String floats(String name, float[] values, long... dims) {
        TensorProto.Builder t = tensor(name, FLOAT, dims);
        for (float v : values) {
            t.addFloatData(v);
        }
        return initializer(t);
    }

    String longs(String name, long[] values, long... dims) {
        TensorProto.Builder t = tensor(name, INT64, dims);
        for (long v : values) {
            t.addInt64Data(v);
        }
        return initializer(t);
    }

    /** A tensor named {@code name} (claimed) of the given element type and shape, for its data to be added. */
    private TensorProto.Builder tensor(String name, int type, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(claim(name)).setDataType(type);
        for (long d : dims) {
            t.addDims(d);
        }
        return t;
    }

    private String initializer(TensorProto.Builder t) {
        graph.addInitializer(t);
        return t.getName();
    }

    String stringTensor(String name, List<String> values) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(claim(name)).setDataType(STRING)
                .addDims(values.size());
        for (String v : values) {
            t.addStringData(ByteString.copyFromUtf8(v));
        }
        graph.addInitializer(t);
        return name;
    }

    /** Adds a node of the default (ai.onnx) or another domain; its outputs get the given names. */
    void node(String domain, String op, List<String> inputs, List<String> outputs, AttributeProto... attributes) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(claim(op + "_" + nodes));
        if (domain != null) {
            n.setDomain(domain);
        }
        n.addAllInput(inputs);
        for (String o : outputs) {
            n.addOutput(claim(o));
        }
        for (AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        graph.addNode(n);
        nodes++;
    }

    void node(String op, List<String> inputs, String output, AttributeProto... attributes) {
        node(null, op, inputs, List.of(output), attributes);
    }

    GraphProto build() {
        return graph.build();
    }

    private String claim(String name) {
        if (!names.add(name)) {
            throw new IllegalStateException("duplicate ONNX name " + name);
        }
        return name;
    }

    static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    static AttributeProto integer(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    static AttributeProto string(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value)).build();
    }

    static AttributeProto strings(String name, List<String> values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name)
                .setType(AttributeProto.AttributeType.STRINGS);
        for (String v : values) {
            a.addStrings(ByteString.copyFromUtf8(v));
        }
        return a.build();
    }

    /** A one-dimensional double tensor attribute (ai.onnx.ml's {@code *_as_tensor} attributes). */
    static AttributeProto doubleTensor(String name, double[] values, int count) {
        TensorProto.Builder t = TensorProto.newBuilder().setDataType(DOUBLE).addDims(count);
        for (int i = 0; i < count; i++) {
            t.addDoubleData(values[i]);
        }
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.TENSOR).setT(t).build();
    }
}
