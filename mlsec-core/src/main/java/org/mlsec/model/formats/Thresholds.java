package org.mlsec.model.formats;

/**
 * Turns another library's split test into mlsec's, exactly. mlsec's trees send a row left when
 * {@code x <= threshold} on the double value; scikit-learn first rounds the input to float32 and tests
 * {@code (float) x <= t}, XGBoost and ONNX test {@code (float) x < t} on float32 thresholds, LightGBM tests doubles.
 * Each method returns the double {@code d} with {@code test(x) == (x <= d)} for every double {@code x} that is not
 * NaN, so an imported tree answers as the library does on every input, not only up to rounding (property-tested
 * against brute force in {@code ThresholdsTest}). NaN takes the tree's missing-value direction. A strict test
 * against negative infinity is never true and has no such threshold: it is refused (IllegalArgumentException).
 */
public final class Thresholds {
    private Thresholds() {
    }

    /**
     * The threshold for {@code (float) x <= t} (scikit-learn: double threshold, input rounded to float32).
     *
     * @param t the file's threshold
     * @return the double threshold for mlsec's {@code x <= threshold}
     */
    public static double float32LessOrEqual(double t) {
        if (Double.isNaN(t)) {
            throw new IllegalArgumentException("threshold is NaN");
        }
        float f = (float) t;
        if (f > t) {
            f = Math.nextDown(f);
        }
        // (float) x <= t  <=>  (float) x <= f, with f the largest float not above t.
        return lastDoubleRoundingToAtMost(f);
    }

    /**
     * The threshold for {@code (float) x < t} (XGBoost, ONNX {@code BRANCH_LT}: float32 threshold and input).
     *
     * @param t the file's threshold
     * @return the double threshold for mlsec's {@code x <= threshold}
     */
    public static double float32Less(float t) {
        if (Float.isNaN(t)) {
            throw new IllegalArgumentException("threshold is NaN");
        }
        if (t == Float.NEGATIVE_INFINITY) {
            throw new IllegalArgumentException("a split x < -infinity is never true: no threshold says it");
        }
        return lastDoubleRoundingToAtMost(Math.nextDown(t));
    }

    /**
     * The threshold for {@code x < t} on doubles.
     *
     * @param t the file's threshold
     * @return the double threshold for mlsec's {@code x <= threshold}
     */
    public static double doubleLess(double t) {
        if (Double.isNaN(t)) {
            throw new IllegalArgumentException("threshold is NaN");
        }
        if (t == Double.NEGATIVE_INFINITY) {
            throw new IllegalArgumentException("a split x < -infinity is never true: no threshold says it");
        }
        return Math.nextDown(t);
    }

    /** The largest double whose float32 rounding (to nearest, ties to even) is at most {@code f}. */
    static double lastDoubleRoundingToAtMost(float f) {
        if (f == Float.POSITIVE_INFINITY) {
            return Double.POSITIVE_INFINITY;
        }
        double lo = f == Float.NEGATIVE_INFINITY ? -(double) Float.MAX_VALUE : f;
        double hi;
        if (f == Float.NEGATIVE_INFINITY) {
            // Only doubles that round to -infinity: below -MAX_VALUE by half an ulp or more.
            double m = -(double) Float.MAX_VALUE - Math.ulp(Float.MAX_VALUE) / 2.0;
            return (float) m == Float.NEGATIVE_INFINITY ? m : Math.nextDown(m);
        }
        hi = f == Float.MAX_VALUE ? (double) Float.MAX_VALUE + Math.ulp(Float.MAX_VALUE) : Math.nextUp(f);
        double m = lo + (hi - lo) / 2.0; // exact: floats carry 24 bits, doubles 53
        return (float) m <= f ? m : Math.nextDown(m);
    }
}
