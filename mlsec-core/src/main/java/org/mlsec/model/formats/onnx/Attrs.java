package org.mlsec.model.formats.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mlsec.InputException;
import org.mlsec.model.formats.NotWhiteBoxException;

/**
 * One node's attributes, read by name and checked against the type the operator's schema gives them (ONNX
 * Runtime refuses a node whose attribute has another type). Tensor attributes are read from their inline data
 * only: external data is refused. Every array is at most as long as the file that holds it, so no read here can
 * exceed the bound {@link OnnxFormat} puts on the file.
 */
final class Attrs {
    private final String where;
    private final Map<String, AttributeProto> byName = new HashMap<>();

    Attrs(NodeProto node, String where) {
        this.where = where;
        for (AttributeProto a : node.getAttributeList()) {
            if (byName.put(a.getName(), a) != null) {
                throw new InputException(where + " has two attributes named '" + a.getName() + "'");
            }
        }
    }

    String where() {
        return where;
    }

    boolean has(String name) {
        return byName.containsKey(name);
    }

    private AttributeProto get(String name, AttributeProto.AttributeType type) {
        AttributeProto a = byName.get(name);
        if (a != null && a.getType() != type) {
            throw new InputException(where + ": attribute " + name + " is of type " + a.getType() + ", not " + type);
        }
        return a;
    }

    long[] ints(String name) {
        AttributeProto a = get(name, AttributeProto.AttributeType.INTS);
        if (a == null) {
            return new long[0];
        }
        long[] out = new long[a.getIntsCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.getInts(i);
        }
        return out;
    }

    float[] floats(String name) {
        AttributeProto a = get(name, AttributeProto.AttributeType.FLOATS);
        if (a == null) {
            return new float[0];
        }
        float[] out = new float[a.getFloatsCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.getFloats(i);
        }
        return out;
    }

    List<String> strings(String name) {
        AttributeProto a = get(name, AttributeProto.AttributeType.STRINGS);
        List<String> out = new ArrayList<>();
        if (a != null) {
            for (ByteString s : a.getStringsList()) {
                out.add(s.toStringUtf8());
            }
        }
        return out;
    }

    String string(String name, String dflt) {
        AttributeProto a = get(name, AttributeProto.AttributeType.STRING);
        return a == null ? dflt : a.getS().toStringUtf8();
    }

    long integer(String name, long dflt) {
        AttributeProto a = get(name, AttributeProto.AttributeType.INT);
        return a == null ? dflt : a.getI();
    }

    /** A float tensor attribute's values, or null when absent. */
    float[] floatTensor(String name) {
        AttributeProto a = get(name, AttributeProto.AttributeType.TENSOR);
        if (a == null) {
            return null;
        }
        TensorProto t = a.getT();
        checkInline(t, name);
        if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
            throw new InputException(where + ": attribute " + name + " holds " + dataType(t.getDataType())
                    + " values, but the input is float32 (ONNX Runtime refuses this too)");
        }
        return floatsOf(t, where + ": attribute " + name);
    }

    /** A uint8 tensor attribute's values (TreeEnsemble's nodes_modes), or null when absent. */
    int[] byteTensor(String name) {
        AttributeProto a = get(name, AttributeProto.AttributeType.TENSOR);
        if (a == null) {
            return null;
        }
        TensorProto t = a.getT();
        checkInline(t, name);
        if (t.getDataType() != TensorProto.DataType.UINT8_VALUE) {
            throw new InputException(where + ": attribute " + name + " holds " + dataType(t.getDataType())
                    + " values, not uint8");
        }
        int[] out;
        if (!t.getRawData().isEmpty()) {
            byte[] raw = t.getRawData().toByteArray();
            out = new int[raw.length];
            for (int i = 0; i < raw.length; i++) {
                out[i] = raw[i] & 0xff;
            }
        } else {
            out = new int[t.getInt32DataCount()];
            for (int i = 0; i < out.length; i++) {
                out[i] = t.getInt32Data(i);
            }
        }
        checkDims(t, out.length, where + ": attribute " + name);
        return out;
    }

    private void checkInline(TensorProto t, String name) {
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
            // Not a black box either: ONNX Runtime would read whatever file the model names.
            throw new org.mlsec.InputException(where + ": attribute " + name + " keeps its data in an external file;"
                    + " mlsec opens no file a model names (ONNX Runtime would)");
        }
    }

    static float[] floatsOf(TensorProto t, String what) {
        float[] out;
        if (!t.getRawData().isEmpty()) {
            ByteString raw = t.getRawData();
            if (raw.size() % 4 != 0) {
                throw new InputException(what + ": raw float data of " + raw.size() + " bytes");
            }
            ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            out = new float[raw.size() / 4];
            b.asFloatBuffer().get(out);
        } else {
            out = new float[t.getFloatDataCount()];
            for (int i = 0; i < out.length; i++) {
                out[i] = t.getFloatData(i);
            }
        }
        checkDims(t, out.length, what);
        return out;
    }

    private static void checkDims(TensorProto t, int n, String what) {
        long count = 1;
        for (long dim : t.getDimsList()) {
            if (dim < 0 || dim > Integer.MAX_VALUE) {
                throw new InputException(what + ": tensor dimension " + dim);
            }
            count *= dim;
            if (count > Integer.MAX_VALUE) {
                throw new InputException(what + ": tensor of more than " + Integer.MAX_VALUE + " values");
            }
        }
        if (count != n) {
            throw new InputException(what + ": tensor of shape " + t.getDimsList() + " holds " + n + " values");
        }
    }

    static String dataType(int code) {
        TensorProto.DataType dt = TensorProto.DataType.forNumber(code);
        return dt == null ? "type " + code : dt.name().toLowerCase(java.util.Locale.ROOT);
    }
}
