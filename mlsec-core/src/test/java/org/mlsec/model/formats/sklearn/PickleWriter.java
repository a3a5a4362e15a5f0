package org.mlsec.model.formats.sklearn;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes pickle opcodes by hand, for tests that need files scikit-learn would never write: hostile payloads,
 * malformed trees, huge declared sizes. Each method appends one opcode (and its argument).
 */
final class PickleWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    PickleWriter raw(int... bytes) {
        for (int b : bytes) {
            out.write(b);
        }
        return this;
    }

    PickleWriter raw(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    PickleWriter proto(int p) {
        return raw(0x80, p);
    }

    PickleWriter global(String module, String name) {
        out.write('c');
        out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
        return this;
    }

    PickleWriter stackGlobal(String module, String name) {
        return str(module).str(name).raw(0x93);
    }

    PickleWriter str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write('X');
        out.writeBytes(le(b.length, 4));
        out.writeBytes(b);
        return this;
    }

    PickleWriter integer(long v) {
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            out.write('J');
            out.writeBytes(le(v, 4));
        } else {
            out.write(0x8a);
            out.write(8);
            out.writeBytes(le(v, 8));
        }
        return this;
    }

    PickleWriter real(double d) {
        out.write('G');
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putDouble(d).array());
        return this;
    }

    PickleWriter bytes(byte[] b) {
        out.write('B');
        out.writeBytes(le(b.length, 4));
        out.writeBytes(b);
        return this;
    }

    PickleWriter none() {
        return raw('N');
    }

    PickleWriter bool(boolean b) {
        return raw(b ? 0x88 : 0x89);
    }

    PickleWriter mark() {
        return raw('(');
    }

    PickleWriter tuple() {
        return raw('t');
    }

    PickleWriter emptyTuple() {
        return raw(')');
    }

    PickleWriter emptyDict() {
        return raw('}');
    }

    PickleWriter setItems() {
        return raw('u');
    }

    PickleWriter reduce() {
        return raw('R');
    }

    PickleWriter newObj() {
        return raw(0x81);
    }

    PickleWriter build() {
        return raw('b');
    }

    PickleWriter stop() {
        return raw('.');
    }

    byte[] toBytes() {
        return out.toByteArray();
    }

    static byte[] le(long v, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (v >>> (8 * i));
        }
        return b;
    }

    // ---- numpy and scikit-learn pieces

    PickleWriter dtype(String typestr, String order) {
        global("numpy", "dtype").mark().str(typestr).bool(false).bool(true).tuple().reduce();
        return mark().integer(3).str(order).none().none().none().integer(-1).integer(-1).integer(0).tuple().build();
    }

    /** numpy.core.multiarray._reconstruct(ndarray, (0,), b'b') with BUILD (1, shape, dtype, False, raw). */
    PickleWriter array(long[] shape, Runnable dtype, byte[] raw) {
        global("numpy.core.multiarray", "_reconstruct").mark().global("numpy", "ndarray").mark().integer(0).tuple()
                .bytes(new byte[] {'b'}).tuple().reduce();
        mark().integer(1).mark();
        for (long s : shape) {
            integer(s);
        }
        tuple();
        dtype.run();
        return bool(false).bytes(raw).tuple().build();
    }

    PickleWriter longs(long... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) {
            b.putLong(x);
        }
        return array(new long[] {v.length}, () -> dtype("i8", "<"), b.array());
    }

    static final String[] NODE_FIELDS = {"left_child", "right_child", "feature", "threshold", "impurity",
            "n_node_samples", "weighted_n_node_samples"};

    /** scikit-learn 1.2's node dtype: 7 fields of 8 bytes. */
    PickleWriter nodeDtype() {
        global("numpy", "dtype").mark().str("V56").bool(false).bool(true).tuple().reduce();
        mark().integer(3).str("|").none().mark();
        for (String f : NODE_FIELDS) {
            str(f);
        }
        tuple().emptyDict().mark();
        for (int i = 0; i < NODE_FIELDS.length; i++) {
            String t = i < 3 || i == 5 ? "i8" : "f8";
            str(NODE_FIELDS[i]).mark().dtype(t, "<").integer(8L * i).tuple();
        }
        setItems();
        return integer(56).integer(8).integer(16).tuple().build();
    }

    /**
     * A whole DecisionTreeClassifier pickle on {@code features} features and two classes, with the node arrays
     * given (leaves: left = right = -1), as scikit-learn 1.2 lays it out.
     */
    static byte[] decisionTree(int features, long nodeCount, long[] left, long[] right, long[] feature,
                               double[] threshold, double[][] values) {
        int n = left.length;
        ByteBuffer nodes = ByteBuffer.allocate(56 * n).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer vals = ByteBuffer.allocate(16 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            nodes.putLong(left[i]).putLong(right[i]).putLong(feature[i]).putDouble(threshold[i]).putDouble(0.5)
                    .putLong(10).putDouble(10);
            vals.putDouble(values[i][0]).putDouble(values[i][1]);
        }
        PickleWriter w = new PickleWriter().proto(4);
        w.stackGlobal("sklearn.tree._classes", "DecisionTreeClassifier").emptyTuple().newObj();
        w.emptyDict().mark();
        w.str("n_features_in_").integer(features);
        w.str("n_outputs_").integer(1);
        w.str("classes_").longs(0, 1);
        w.str("max_depth").none();
        w.str("_sklearn_version").str("1.2.1");
        w.str("tree_").stackGlobal("sklearn.tree._tree", "Tree").mark().integer(features).longs(2).integer(1)
                .tuple().reduce();
        w.emptyDict().mark().str("max_depth").integer(n).str("node_count").integer(nodeCount);
        w.str("nodes").array(new long[] {n}, w::nodeDtype, nodes.array());
        w.str("values").array(new long[] {n, 1, 2}, () -> w.dtype("f8", "<"), vals.array());
        w.setItems().build();
        w.setItems().build().stop();
        return w.toBytes();
    }

    /** A one-split tree on feature 0 at 0.5. */
    static byte[] stump() {
        return decisionTree(1, 3, new long[] {1, -1, -1}, new long[] {2, -1, -1}, new long[] {0, -2, -2},
                new double[] {0.5, -2, -2}, new double[][] {{5, 5}, {4, 1}, {1, 4}});
    }
}
