package org.mlsec.model.tree;

import java.util.Arrays;

/**
 * What an attacker may do to each encoded feature of a row, as robust tree growth ({@link TreeParams#robust()})
 * sees it: a row whose value is x can be moved anywhere in [max(lo, x - down), min(hi, x + up)] (never beyond x
 * itself when x lies outside [lo, hi]), rounded inwards to whole numbers for whole features. A feature with
 * {@code down == up == 0} is immutable. The reachable interval's ends never fall as x grows, which is what lets the
 * grower keep its presorted rows (see {@link TreeGrower}).
 */
public final class Perturbation {
    private final double[] down;
    private final double[] up;
    private final double[] lo;
    private final double[] hi;
    private final boolean[] whole;

    /**
     * Checks that the arrays have one entry per encoded feature, radii are finite and not negative, and lo &lt;= hi.
     *
     * @param down  per feature, how far below its value a row can be moved
     * @param up    per feature, how far above its value a row can be moved
     * @param lo    per feature, the smallest value the attacker may submit (may be -infinity)
     * @param hi    per feature, the largest value the attacker may submit (may be +infinity)
     * @param whole per feature, whether submitted values must be whole numbers
     */
    public Perturbation(double[] down, double[] up, double[] lo, double[] hi, boolean[] whole) {
        int w = down.length;
        if (up.length != w || lo.length != w || hi.length != w || whole.length != w) {
            throw new IllegalArgumentException("perturbation arrays of different lengths");
        }
        for (int f = 0; f < w; f++) {
            if (!(down[f] >= 0 && up[f] >= 0) || Double.isInfinite(down[f]) || Double.isInfinite(up[f])) {
                throw new IllegalArgumentException("perturbation radius of feature " + f + " must be finite and not"
                        + " negative, got " + down[f] + " down, " + up[f] + " up");
            }
            if (!(lo[f] <= hi[f])) {
                throw new IllegalArgumentException("perturbation range of feature " + f + " is empty: [" + lo[f]
                        + ", " + hi[f] + "]");
            }
        }
        this.down = down.clone();
        this.up = up.clone();
        this.lo = lo.clone();
        this.hi = hi.clone();
        this.whole = whole.clone();
    }

    /**
     * The number of encoded features.
     *
     * @return the arrays' length
     */
    public int width() {
        return down.length;
    }

    /**
     * Whether feature f can be moved at all.
     *
     * @param f the encoded feature
     * @return false when both radii are 0
     */
    public boolean movable(int f) {
        return down[f] > 0 || up[f] > 0;
    }

    /**
     * Whether any feature can be moved.
     *
     * @return false when every feature is immutable
     */
    public boolean any() {
        for (int f = 0; f < down.length; f++) {
            if (movable(f)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The lowest value the attacker can give feature f of a row whose value is x.
     *
     * @param f the encoded feature
     * @param x the row's value
     * @return the reachable interval's lower end, at most x
     */
    public double low(int f, double x) {
        double v = Math.min(x, Math.max(lo[f], x - down[f]));
        return whole[f] ? Math.min(x, Math.ceil(v)) : v;
    }

    /**
     * The highest value the attacker can give feature f of a row whose value is x.
     *
     * @param f the encoded feature
     * @param x the row's value
     * @return the reachable interval's upper end, at least x
     */
    public double high(int f, double x) {
        double v = Math.max(x, Math.min(hi[f], x + up[f]));
        return whole[f] ? Math.max(x, Math.floor(v)) : v;
    }

    /**
     * Whether feature f takes whole numbers only.
     *
     * @param f the encoded feature
     * @return whether submitted values are whole
     */
    public boolean whole(int f) {
        return whole[f];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Perturbation p && Arrays.equals(down, p.down) && Arrays.equals(up, p.up)
                && Arrays.equals(lo, p.lo) && Arrays.equals(hi, p.hi) && Arrays.equals(whole, p.whole);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(down) * 31 + Arrays.hashCode(up);
    }
}
