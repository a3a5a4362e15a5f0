package org.mlsec.model.formats.pmml;

/** Numbers as PMML writes them (XML Schema {@code xs:double} lexical forms), parsed without surprises. */
final class PmmlNumbers {
    private PmmlNumbers() {
    }

    /**
     * A finite number in decimal or scientific notation, or NaN for anything else: "NaN", "INF", Java's
     * hexadecimal and {@code d}/{@code f} suffixes, and texts over 64 characters are not numbers here.
     */
    static double parse(String s) {
        String t = s.trim();
        int n = t.length();
        if (n == 0 || n > 64) {
            return Double.NaN;
        }
        for (int i = 0; i < n; i++) {
            char c = t.charAt(i);
            if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
                return Double.NaN;
            }
        }
        try {
            double v = Double.parseDouble(t);
            return Double.isFinite(v) ? v : Double.NaN;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** A text cut to at most 40 characters, for messages. */
    static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
