package org.mlsec.model.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Every converted threshold answers exactly as the library's own test, on doubles next to the boundary. */
class ThresholdsTest {
    private static final SplittableRandom RANDOM = new SplittableRandom(7);

    @Test
    void float32LessOrEqualMatchesScikitLearnsTestOnEveryNearbyDouble() {
        for (int k = 0; k < 20_000; k++) {
            double t = randomThreshold();
            double d = Thresholds.float32LessOrEqual(t);
            for (double x : neighbours(d, t)) {
                assertEquals((float) x <= t, x <= d, () -> "t=" + t + " x=" + x + " d=" + d);
            }
        }
    }

    @Test
    void float32LessMatchesXgboostsTestOnEveryNearbyDouble() {
        for (int k = 0; k < 20_000; k++) {
            float t = (float) randomThreshold();
            double d = Thresholds.float32Less(t);
            for (double x : neighbours(d, t)) {
                assertEquals((float) x < t, x <= d, () -> "t=" + t + " x=" + x + " d=" + d);
            }
        }
    }

    @Test
    void doubleLessIsTheDoubleBelow() {
        for (int k = 0; k < 20_000; k++) {
            double t = randomThreshold();
            double d = Thresholds.doubleLess(t);
            for (double x : neighbours(d, t)) {
                assertEquals(x < t, x <= d);
            }
        }
    }

    @Test
    void extremesAreHandled() {
        double[] ts = {0.0, -0.0, Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, 1e39, -1e39,
            Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.5, 1.5, 16_777_217.0};
        for (double t : ts) {
            double d = Thresholds.float32LessOrEqual(t);
            for (double x : neighbours(d, t)) {
                assertEquals((float) x <= t, x <= d, () -> "t=" + t + " x=" + x);
            }
        }
    }

    private static double randomThreshold() {
        switch (RANDOM.nextInt(4)) {
            case 0:
                return RANDOM.nextInt(-1000, 1000) + 0.5; // typical split between integers
            case 1:
                return (RANDOM.nextDouble() - 0.5) * Math.pow(10, RANDOM.nextInt(-8, 9));
            case 2:
                return (float) ((RANDOM.nextDouble() - 0.5) * 1e6);
            default:
                double r = Double.longBitsToDouble(RANDOM.nextLong()) % 1e30;
                return Double.isNaN(r) ? 1.25 : r;
        }
    }

    /** Doubles at and next to the converted threshold, the original threshold and the float32 values around them. */
    private static double[] neighbours(double d, double t) {
        double[] out = new double[40];
        int i = 0;
        for (double c : new double[] {d, t, (float) t, Math.nextUp((float) t), Math.nextDown((float) t)}) {
            if (Double.isInfinite(c) || Double.isNaN(c)) {
                c = Math.copySign(Double.MAX_VALUE, c);
            }
            double lo = c;
            double hi = c;
            out[i++] = c;
            for (int s = 0; s < 3; s++) {
                lo = Math.nextDown(lo);
                hi = Math.nextUp(hi);
                out[i++] = lo;
                out[i++] = hi;
            }
            out[i++] = c + Math.ulp((float) c) / 2;
        }
        return java.util.Arrays.copyOf(out, i);
    }

    @Test
    void aStrictTestAgainstMinusInfinityIsRefused() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Thresholds.float32Less(Float.NEGATIVE_INFINITY));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Thresholds.doubleLess(Double.NEGATIVE_INFINITY));
        assertEquals(Double.POSITIVE_INFINITY, Thresholds.float32LessOrEqual(Double.POSITIVE_INFINITY));
    }
}
