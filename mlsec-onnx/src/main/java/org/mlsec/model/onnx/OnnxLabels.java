package org.mlsec.model.onnx;

import java.util.ArrayList;
import java.util.List;

/**
 * The values an exported graph answers in its {@code label} output: the class names as int64 when every name is an
 * integer written canonically (such as "0" and "1", as scikit-learn exports them), otherwise as strings.
 * {@link #slots(int)} adds names that are never answered, for the unused class slots of a tree ensemble.
 */
record OnnxLabels(List<String> names, boolean integer) {
    OnnxLabels {
        names = List.copyOf(names);
    }

    static OnnxLabels of(List<String> classes) {
        boolean integer = true;
        for (String c : classes) {
            integer &= canonicalLong(c);
        }
        return new OnnxLabels(classes, integer);
    }

    private static boolean canonicalLong(String s) {
        try {
            return Long.toString(Long.parseLong(s)).equals(s);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    int elementType() {
        return integer ? OnnxGraph.INT64 : OnnxGraph.STRING;
    }

    /** The class names followed by fresh names until there are {@code count}. */
    List<String> slots(int count) {
        List<String> out = new ArrayList<>(names);
        long next = 0;
        if (integer) {
            long max = Long.MIN_VALUE;
            for (String c : names) {
                max = Math.max(max, Long.parseLong(c));
            }
            next = max == Long.MAX_VALUE ? Long.MIN_VALUE : max + 1;
        }
        while (out.size() < count) {
            String candidate = integer ? Long.toString(next++) : "unused" + next++;
            if (!out.contains(candidate)) {
                out.add(candidate);
            }
        }
        return out;
    }

    long[] asLongs(List<String> slots) {
        long[] v = new long[slots.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = Long.parseLong(slots.get(i));
        }
        return v;
    }

    /** The {@code classlabels_int64s} or {@code classlabels_strings} attribute of an ai.onnx.ml classifier. */
    ai.onnx.proto.OnnxMl.AttributeProto attribute(List<String> slots) {
        return integer ? OnnxGraph.ints("classlabels_int64s", asLongs(slots))
                : OnnxGraph.strings("classlabels_strings", slots);
    }

    /** A constant tensor of the class names, for a Gather from class indices. */
    String constant(OnnxGraph g, String name) {
        return integer ? g.longs(name, asLongs(names), names.size()) : g.stringTensor(name, names);
    }

    /** The class index of a value from the label output (long or String), or -1. */
    int indexOf(Object value) {
        return names.indexOf(String.valueOf(value));
    }
}
