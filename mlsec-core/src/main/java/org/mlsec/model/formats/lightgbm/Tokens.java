package org.mlsec.model.formats.lightgbm;

import java.util.ArrayList;
import java.util.List;
import org.mlsec.InputException;

/**
 * Numbers and space-separated arrays as LightGBM writes them: decimal integers, and doubles in C's {@code %.17g}
 * style ({@code inf}, {@code -inf} and {@code nan} included). The syntax is checked before Java parses a number, so
 * nothing beyond plain decimal notation is accepted (no hexadecimal, no {@code 1.5f}). Java's
 * {@code Double.parseDouble} rounds correctly, as LightGBM's own {@code fast_double_parser} does, so the doubles
 * read here are bit for bit the ones LightGBM wrote.
 */
final class Tokens {
    private Tokens() {
    }

    /** The space-separated tokens of {@code value} (runs of spaces count as one, as in LightGBM's Split). */
    static List<String> split(String value) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = value.length();
        while (i < n) {
            while (i < n && value.charAt(i) == ' ') {
                i++;
            }
            int s = i;
            while (i < n && value.charAt(i) != ' ') {
                i++;
            }
            if (i > s) {
                out.add(value.substring(s, i));
            }
        }
        return out;
    }

    /** Exactly {@code n} tokens, or an error naming {@code what}. */
    static List<String> split(String value, int n, String what) {
        int count = 0;
        boolean in = false;
        for (int i = 0; i < value.length(); i++) {
            boolean space = value.charAt(i) == ' ';
            count += !space && !in ? 1 : 0;
            in = !space;
        }
        // Counted before any token is made: a long line of the wrong length costs no memory.
        if (count != n) {
            throw new InputException(what + " has " + count + " values where " + n + " are expected");
        }
        return split(value);
    }

    static int parseInt(String s, String what) {
        int i = s.startsWith("-") ? 1 : 0;
        if (s.length() == i || s.length() > 11) {
            throw notA("an integer", s, what);
        }
        for (int k = i; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c < '0' || c > '9') {
                throw notA("an integer", s, what);
            }
        }
        long v = Long.parseLong(s);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw notA("a 32-bit integer", s, what);
        }
        return (int) v;
    }

    static double parseDouble(String s, String what) {
        String t = s.startsWith("-") || s.startsWith("+") ? s.substring(1) : s;
        String lower = t.toLowerCase(java.util.Locale.ROOT);
        if (lower.equals("inf") || lower.equals("infinity")) {
            return s.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (lower.equals("nan")) {
            return Double.NaN;
        }
        if (s.length() > 64 || !decimal(t)) {
            throw notA("a number", s, what);
        }
        return Double.parseDouble(s);
    }

    /** digits [. digits] [e [+-] digits], with at least one digit before the exponent. */
    private static boolean decimal(String t) {
        int i = 0;
        int n = t.length();
        int digits = 0;
        while (i < n && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
            i++;
            digits++;
        }
        if (i < n && t.charAt(i) == '.') {
            i++;
            while (i < n && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < n && (t.charAt(i) == 'e' || t.charAt(i) == 'E')) {
            i++;
            if (i < n && (t.charAt(i) == '+' || t.charAt(i) == '-')) {
                i++;
            }
            int e = 0;
            while (i < n && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
                i++;
                e++;
            }
            if (e == 0) {
                return false;
            }
        }
        return i == n;
    }

    static int[] ints(String value, int n, String what) {
        List<String> t = split(value, n, what);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = parseInt(t.get(i), what);
        }
        return out;
    }

    static double[] doubles(String value, int n, String what) {
        List<String> t = split(value, n, what);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = parseDouble(t.get(i), what);
        }
        return out;
    }

    private static InputException notA(String kind, String s, String what) {
        String shown = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return new InputException(what + ": '" + shown + "' is not " + kind);
    }
}
