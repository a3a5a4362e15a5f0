package org.mlsec.model.formats.onnx;

import java.util.ArrayList;
import java.util.List;
import org.mlsec.InputException;
import org.mlsec.model.formats.NotWhiteBoxException;

/**
 * The {@code Scaler} operators (ai.onnx.ml) between the graph's input and its model, in order: each computes
 * {@code y = (x - offset) * scale} in float32, per feature or with one offset and scale for all (ONNX Runtime's
 * {@code ScalerOp}). Trees see the scaled value, so a split on it is translated back to the input by searching the
 * float32 input values ({@link #apply} repeats the float arithmetic exactly); linear models take the composed affine
 * map.
 */
final class InputTransform {
    private final int width;
    private final List<float[]> offsets = new ArrayList<>();
    private final List<float[]> scales = new ArrayList<>();

    InputTransform(int width) {
        this.width = width;
    }

    void addScaler(Attrs a) {
        float[] scale = a.floats("scale");
        float[] offset = a.floats("offset");
        if (scale.length == 0 || scale.length != offset.length || (scale.length != 1 && scale.length != width)) {
            throw new InputException(a.where() + ": Scaler has " + offset.length + " offsets and " + scale.length
                    + " scales for " + width + " features (expected both 1 or both " + width + ")");
        }
        for (int j = 0; j < scale.length; j++) {
            if (!Float.isFinite(scale[j]) || !Float.isFinite(offset[j])) {
                throw new InputException(a.where() + ": Scaler has a non-finite offset or scale at feature " + j);
            }
        }
        offsets.add(offset);
        scales.add(scale);
    }

    boolean identity() {
        return scales.isEmpty();
    }

    int scalers() {
        return scales.size();
    }

    /** The value the model sees for float32 input {@code x} of feature {@code j}, as ONNX Runtime computes it. */
    float apply(int j, float x) {
        for (int s = 0; s < scales.size(); s++) {
            float[] o = offsets.get(s);
            float[] c = scales.get(s);
            int k = c.length == 1 ? 0 : j;
            x = (x - o[k]) * c[k];
        }
        return x;
    }

    /** +1 when the scaled value rises with the input, -1 when it falls; a zero scale is refused for trees. */
    int direction(int j) {
        int dir = 1;
        for (float[] c : scales) {
            float s = c[c.length == 1 ? 0 : j];
            if (s == 0) {
                throw new NotWhiteBoxException("ONNX", "a Scaler multiplies feature " + j
                        + " by 0, so the trees see a constant (and NaN for infinite input); not translated");
            }
            dir = s < 0 ? -dir : dir;
        }
        return dir;
    }

    /** {@code {A, B}} with scaled value = A x + B in real arithmetic (for linear models). */
    double[] affine(int j) {
        double a = 1;
        double b = 0;
        for (int s = 0; s < scales.size(); s++) {
            int k = scales.get(s).length == 1 ? 0 : j;
            double c = scales.get(s)[k];
            double o = offsets.get(s)[k];
            a = a * c;
            b = (b - o) * c;
        }
        return new double[] {a, b};
    }
}
