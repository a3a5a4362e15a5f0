package org.mlsec.internal;

import org.mlsec.InputException;

/** Parameter checks in one place; each failure is an {@link InputException} with a message for the user. */
public final class Validate {
    private Validate() {
    }

    public static void isTrue(boolean condition, String message) {
        if (!condition) {
            throw new InputException(message);
        }
    }

    public static <T> T notNull(T value, String what) {
        if (value == null) {
            throw new InputException(what + " is required");
        }
        return value;
    }

    public static int positive(int value, String what) {
        isTrue(value > 0, what + " must be positive, got " + value);
        return value;
    }

    public static int atLeast(int value, int min, String what) {
        isTrue(value >= min, what + " must be at least " + min + ", got " + value);
        return value;
    }

    public static double fraction(double value, String what) {
        isTrue(value > 0 && value < 1, what + " must be between 0 and 1 (exclusive), got " + value);
        return value;
    }

    public static double inRange(double value, double min, double max, String what) {
        isTrue(Double.isFinite(value) && value >= min && value <= max,
                what + " must be in [" + min + ", " + max + "], got " + value);
        return value;
    }
}
