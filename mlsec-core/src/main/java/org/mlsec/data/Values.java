package org.mlsec.data;

/** Canonical text forms of cell values, so that "2", "2.0" and " 2 " name the same category. */
public final class Values {
    private Values() {
    }

    /**
     * Whole numbers without a fraction, others in Java's shortest round-trip form.
     *
     * @param v the number
     * @return the text
     */
    public static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    /**
     * A number for people to read: whole numbers as integers, others to six significant digits without trailing zeros
     * ({@code 107.28999999999999} reads 107.29). Not for files that are read back: {@link #format} is exact.
     *
     * @param v a number
     * @return the text
     */
    public static String display(double v) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        java.math.BigDecimal d = new java.math.BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros();
        return Math.abs(v) >= 1e-4 && Math.abs(v) < 1e15 ? d.toPlainString() : d.toString();
    }

    /**
     * Parses a finite number, or returns NaN when the text is not one (including "NaN" and "Infinity").
     *
     * @param s the text, as it is (a leading space makes it no number)
     * @return the number, or NaN
     */
    public static double parse(String s) {
        int n = s.length();
        if (n == 0 || n > 64) {
            return Double.NaN;
        }
        char c0 = s.charAt(0);
        if (!(c0 >= '0' && c0 <= '9') && c0 != '-' && c0 != '+' && c0 != '.') {
            return Double.NaN;
        }
        char last = s.charAt(n - 1);
        if (!(last >= '0' && last <= '9') && last != '.') {
            return Double.NaN; // rejects Java's "1d", "1f" suffixes and "Infinity"
        }
        try {
            double v = Double.parseDouble(s);
            return Double.isFinite(v) ? v : Double.NaN;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /**
     * The canonical text of a cell: numbers in {@link #format} form, other text trimmed.
     *
     * @param s a cell's text
     * @return the canonical text
     */
    public static String canonical(String s) {
        double v = parse(s);
        return Double.isNaN(v) ? s : format(v);
    }
}
