package org.mlsec.model.formats.onnx;

import java.util.Arrays;
import org.mlsec.InputException;
import org.mlsec.model.formats.Thresholds;
import org.mlsec.model.formats.TreeArrays;
import org.mlsec.model.tree.Tree;

/**
 * Turns an {@link Ensemble}'s trees into mlsec {@link Tree}s whose {@code x <= d} tests send every double input
 * where ONNX Runtime sends its float32 rounding. ONNX Runtime compares the float32 feature (after any Scaler) with
 * the float32 threshold and takes the true branch when the comparison holds, or when the value is NaN and
 * {@code nodes_missing_value_tracks_true} is 1 ({@code BRANCH_NEQ} also holds for NaN). Here each node's set of
 * float32 inputs taking the true branch is found by binary search over the ordered float32 values (the tested
 * value is monotone in the input), then written as one mlsec test ({@code <=} keeps the children, {@code >} and
 * {@code >=} swap them) or, for {@code BRANCH_EQ}/{@code BRANCH_NEQ}, two tests with the other subtree copied.
 * Paths are walked with an explicit stack, so a cycle or a path deeper than {@link Tree#MAX_DEPTH} is an error,
 * never a stack overflow, and a node budget bounds what copying can produce.
 */
final class TreeTranslator {
    /** Values a leaf contributes, {@code width} per leaf. */
    interface LeafValues {
        void fill(int leaf, double[] out);
    }

    private static final byte EMPTY = 0;
    private static final byte ALL = 1;
    private static final byte DOWN = 2;
    private static final byte UP = 3;
    private static final byte IN = 4;
    private static final byte OUT = 5;
    private static final int K_LO = ord(Float.NEGATIVE_INFINITY);
    private static final int K_HI = ord(Float.POSITIVE_INFINITY);
    private static final int NONE = K_LO - 1;

    private final Ensemble e;
    private final InputTransform g;
    private final long budget;
    private long used;
    private final byte[] kind;
    private final double[] lo;
    private final double[] hi;
    private final int[] onPath;

    TreeTranslator(Ensemble e, InputTransform g, long budget) {
        this.e = e;
        this.g = g;
        this.budget = budget;
        int n = e.mode.length;
        kind = new byte[n];
        lo = new double[n];
        hi = new double[n];
        onPath = new int[n];
        Arrays.fill(kind, (byte) -1);
    }

    /** The tree rooted at {@code root}, with leaf values from {@code values}. */
    Tree translate(int root, int width, LeafValues values) {
        Builder b = new Builder(width);
        int cap = 64;
        int[] sRef = new int[cap];
        int[] sParent = new int[cap];
        int[] sSide = new int[cap];
        int[] sDepth = new int[cap];
        int[] path = new int[Tree.MAX_DEPTH + 2];
        int pathLen = 0;
        int sp = 0;
        sRef[0] = root;
        sParent[0] = -1;
        sp = 1;
        double[] leafValue = new double[width];
        try {
            while (sp > 0) {
                sp--;
                int ref = sRef[sp];
                int parent = sParent[sp];
                int side = sSide[sp];
                int depth = sDepth[sp];
                while (pathLen > depth) {
                    onPath[path[--pathLen]]--;
                }
                if (ref < 0) {
                    Arrays.fill(leafValue, 0);
                    values.fill(-ref - 1, leafValue);
                    b.link(parent, side, b.leaf(leafValue));
                    continue;
                }
                if (onPath[ref] > 0) {
                    throw new InputException("the trees have a cycle through interior node " + ref);
                }
                if (depth > Tree.MAX_DEPTH) {
                    throw new InputException("a tree is more than " + Tree.MAX_DEPTH + " levels deep");
                }
                path[pathLen++] = ref;
                onPath[ref]++;
                int t = e.trueRef[ref];
                int f = e.falseRef[ref];
                // Children to push, in order left (pushed last, so taken first) after right.
                int[] kids;
                int[] parents;
                int[] sides;
                if (t == f) {
                    kids = new int[] {t};
                    parents = new int[] {parent};
                    sides = new int[] {side};
                } else {
                    classify(ref);
                    boolean nanTrue = e.tracksTrue[ref] || e.mode[ref] == Ensemble.NEQ;
                    int feat = e.feature[ref];
                    switch (kind[ref]) {
                        case ALL:
                        case EMPTY: {
                            int always = kind[ref] == ALL ? t : f;
                            int other = kind[ref] == ALL ? f : t;
                            if (nanTrue == (kind[ref] == ALL)) {
                                kids = new int[] {always};
                                parents = new int[] {parent};
                                sides = new int[] {side};
                            } else {
                                // Only NaN goes the other way: every number is <= +inf.
                                int n = b.branch(feat, Double.POSITIVE_INFINITY, false);
                                b.link(parent, side, n);
                                kids = new int[] {always, other};
                                parents = new int[] {n, n};
                                sides = new int[] {0, 1};
                            }
                            break;
                        }
                        case DOWN: {
                            int n = b.branch(feat, lo[ref], nanTrue);
                            b.link(parent, side, n);
                            kids = new int[] {t, f};
                            parents = new int[] {n, n};
                            sides = new int[] {0, 1};
                            break;
                        }
                        case UP: {
                            int n = b.branch(feat, lo[ref], !nanTrue);
                            b.link(parent, side, n);
                            kids = new int[] {f, t};
                            parents = new int[] {n, n};
                            sides = new int[] {0, 1};
                            break;
                        }
                        default: {
                            // IN: lo < x <= hi is true; OUT: its complement.
                            boolean in = kind[ref] == IN;
                            int outside = in ? f : t;
                            int inside = in ? t : f;
                            int a = b.branch(feat, lo[ref], in ? !nanTrue : nanTrue);
                            b.link(parent, side, a);
                            int c = b.branch(feat, hi[ref], in ? nanTrue : !nanTrue);
                            b.link(a, 1, c);
                            kids = new int[] {outside, inside, outside};
                            parents = new int[] {a, c, c};
                            sides = new int[] {0, 0, 1};
                        }
                    }
                }
                for (int k = kids.length - 1; k >= 0; k--) {
                    if (sp == cap) {
                        cap *= 2;
                        sRef = Arrays.copyOf(sRef, cap);
                        sParent = Arrays.copyOf(sParent, cap);
                        sSide = Arrays.copyOf(sSide, cap);
                        sDepth = Arrays.copyOf(sDepth, cap);
                    }
                    sRef[sp] = kids[k];
                    sParent[sp] = parents[k];
                    sSide[sp] = sides[k];
                    sDepth[sp] = depth + 1;
                    sp++;
                }
            }
        } finally {
            while (pathLen > 0) {
                onPath[path[--pathLen]]--;
            }
        }
        return b.build();
    }

    /** Finds which float32 inputs take node {@code ref}'s true branch (cached per node). */
    private void classify(int ref) {
        if (kind[ref] >= 0) {
            return;
        }
        int j = e.feature[ref];
        float t = e.split[ref];
        int dir = g.direction(j);
        int m = e.mode[ref];
        int a;
        int b;
        byte k;
        if (dir > 0) {
            int le = lastTrue(j, t, true, false);   // y <= t
            int lt = lastTrue(j, t, false, false);  // y < t
            switch (m) {
                case Ensemble.LEQ: a = le; b = 0; k = DOWN; break;
                case Ensemble.LT: a = lt; b = 0; k = DOWN; break;
                case Ensemble.GT: a = le; b = 0; k = UP; break;
                case Ensemble.GTE: a = lt; b = 0; k = UP; break;
                case Ensemble.EQ: a = lt; b = le; k = IN; break;
                default: a = lt; b = le; k = OUT; break;
            }
        } else {
            int gt = lastTrue(j, t, false, true);   // y > t (true for small inputs)
            int ge = lastTrue(j, t, true, true);    // y >= t
            switch (m) {
                case Ensemble.LEQ: a = gt; b = 0; k = UP; break;
                case Ensemble.LT: a = ge; b = 0; k = UP; break;
                case Ensemble.GT: a = gt; b = 0; k = DOWN; break;
                case Ensemble.GTE: a = ge; b = 0; k = DOWN; break;
                case Ensemble.EQ: a = gt; b = ge; k = IN; break;
                default: a = gt; b = ge; k = OUT; break;
            }
        }
        // Normalise the empty and full sets.
        if (k == IN || k == OUT) {
            boolean in = k == IN;
            if (b == NONE || b <= a) {
                k = in ? EMPTY : ALL;
            } else if (a == NONE) {
                k = in ? DOWN : UP;
                a = b;
            } else if (b == K_HI) {
                k = in ? UP : DOWN;
            }
        }
        if (k == DOWN) {
            k = a == NONE ? EMPTY : a == K_HI ? ALL : DOWN;
        } else if (k == UP) {
            k = a == NONE ? ALL : a == K_HI ? EMPTY : UP;
        }
        kind[ref] = k;
        lo[ref] = k >= DOWN ? Thresholds.float32LessOrEqual(unord(a)) : 0;
        hi[ref] = k >= IN ? Thresholds.float32LessOrEqual(unord(b)) : 0;
    }

    /**
     * The last ordered float32 input whose scaled value satisfies the test, for tests true on a prefix of the
     * inputs: {@code y <= t} / {@code y < t} when rising, {@code y >= t} / {@code y > t} when falling. NONE when no
     * input does.
     */
    private int lastTrue(int j, float t, boolean orEqual, boolean falling) {
        if (!holds(j, K_LO, t, orEqual, falling)) {
            return NONE;
        }
        if (holds(j, K_HI, t, orEqual, falling)) {
            return K_HI;
        }
        int good = K_LO;
        int bad = K_HI;
        while ((long) bad - good > 1) {
            int mid = (int) (((long) good + bad) >> 1);
            if (holds(j, mid, t, orEqual, falling)) {
                good = mid;
            } else {
                bad = mid;
            }
        }
        return good;
    }

    private boolean holds(int j, int k, float t, boolean orEqual, boolean falling) {
        float y = g.apply(j, unord(k));
        if (falling) {
            return orEqual ? y >= t : y > t;
        }
        return orEqual ? y <= t : y < t;
    }

    static int ord(float f) {
        int bits = Float.floatToRawIntBits(f);
        return bits >= 0 ? bits : bits ^ 0x7fffffff;
    }

    static float unord(int k) {
        return Float.intBitsToFloat(k >= 0 ? k : k ^ 0x7fffffff);
    }

    /** The tree's node arrays, within the translator's node budget. */
    private final class Builder {
        private final TreeArrays nodes;

        Builder(int width) {
            this.nodes = new TreeArrays(width);
        }

        private int add() {
            if (++used > budget) {
                throw new InputException("the trees expand to more than " + budget + " nodes");
            }
            return nodes.add();
        }

        int branch(int f, double d, boolean nanLeft) {
            int i = add();
            nodes.branch(i, f, d, nanLeft);
            return i;
        }

        int leaf(double[] v) {
            int i = add();
            nodes.leaf(i, v);
            return i;
        }

        void link(int parent, int side, int child) {
            nodes.link(parent, side == 0, child);
        }

        Tree build() {
            return nodes.build(0);
        }
    }

}
