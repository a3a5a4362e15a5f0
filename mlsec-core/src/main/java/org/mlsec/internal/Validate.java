package org.mlsec.internal;

import org.mlsec.InputException;

/**
 * Parameter checks in one place; each failure is an {@link InputException} with a message for the user that names
 * the Java parameter ({@code what}) and lists it in {@link InputException#parameters()}.
 */
public final class Validate {
    private Validate() {
    }

    public static void isTrue(boolean condition, String message) {
        if (!condition) {
            throw new InputException(message);
        }
    }

    /** Fails with {@code message}, which mentions the named parameters, unless {@code condition} holds. */
    public static void isTrue(boolean condition, String message, String... parameters) {
        if (!condition) {
            throw InputException.about(message, parameters);
        }
    }

    public static <T> T notNull(T value, String what) {
        if (value == null) {
            throw InputException.about(what + " is required", what);
        }
        return value;
    }

    public static int positive(int value, String what) {
        isTrue(value > 0, what + " must be positive, got " + value, what);
        return value;
    }

    public static int atLeast(int value, int min, String what) {
        isTrue(value >= min, what + " must be at least " + min + ", got " + value, what);
        return value;
    }

    public static double fraction(double value, String what) {
        isTrue(value > 0 && value < 1, what + " must be between 0 and 1 (exclusive), got " + value, what);
        return value;
    }

    public static double inRange(double value, double min, double max, String what) {
        isTrue(Double.isFinite(value) && value >= min && value <= max,
                what + " must be in [" + min + ", " + max + "], got " + value, what);
        return value;
    }
}
