package org.mlsec.defences.detector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import org.mlsec.data.Column;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.data.Values;

/**
 * Subgroups of rows described by up to two conditions ({@code gender == 2 && age >= 30}), with thresholds searched
 * over each numeric column's values (all of them when there are at most 100, else 20 quantiles). Rows are bit sets,
 * so every pair of conditions is counted in one pass of word operations.
 */
public final class Subgroups {
    static final int MAX_EXACT_THRESHOLDS = 100;
    static final int QUANTILES = 20;

    /** One condition on one column; {@code negation()} describes the rows it leaves out. */
    record Cond(int column, String name, String op, double value, String text) {
        boolean test(double x) {
            switch (op) {
                case "==":
                    return x == value;
                case "!=":
                    return x != value;
                case ">=":
                    return x >= value;
                default:
                    return x < value;
            }
        }

        Cond negation() {
            String neg = "==".equals(op) ? "!=" : "!=".equals(op) ? "==" : ">=".equals(op) ? "<" : ">=";
            return new Cond(column, name, neg, value, text.replace(" " + op + " ", " " + neg + " "));
        }
    }

    /** A described subgroup and its figures. */
    public record Group(String description, int rows, double labelRate, int rowsBefore, double labelRateBefore,
                        double score) {
    }

    private Subgroups() {
    }

    static List<Cond> candidates(Dataset d) {
        Schema s = d.schema();
        List<Cond> out = new ArrayList<>();
        for (int j = 0; j < s.width(); j++) {
            Column c = s.feature(j);
            String name = c.name();
            if (c.isCategorical()) {
                for (int k = 0; k < c.categories().size(); k++) {
                    out.add(new Cond(j, name, "==", k, name + " == " + c.categories().get(k)));
                }
                continue;
            }
            TreeSet<Double> distinct = new TreeSet<>();
            for (double[] r : d.x()) {
                distinct.add(r[j]);
            }
            double[] values = distinct.stream().mapToDouble(Double::doubleValue).toArray();
            List<Double> thresholds = new ArrayList<>();
            if (values.length <= MAX_EXACT_THRESHOLDS) {
                for (int k = 1; k < values.length; k++) {
                    thresholds.add(values[k]);
                }
            } else {
                double[] col = new double[d.rows()];
                for (int i = 0; i < col.length; i++) {
                    col[i] = d.row(i)[j];
                }
                Arrays.sort(col);
                for (int q = 1; q < QUANTILES; q++) {
                    double t = col[(int) ((long) q * (col.length - 1) / QUANTILES)];
                    if (!thresholds.contains(t)) {
                        thresholds.add(t);
                    }
                }
            }
            for (double t : thresholds) {
                out.add(new Cond(j, name, ">=", t, name + " >= " + Values.display(t)));
                out.add(new Cond(j, name, "<", t, name + " < " + Values.display(t)));
            }
        }
        return out;
    }

    /** Equality conditions (categories) first, then thresholds: "gender == 2 && age >= 30". */
    static String describe(Cond a, Cond b) {
        boolean aEq = "==".equals(a.op()) || "!=".equals(a.op());
        boolean bEq = "==".equals(b.op()) || "!=".equals(b.op());
        return (bEq && !aEq) ? b.text() + " && " + a.text() : a.text() + " && " + b.text();
    }

    static BitSet mask(Dataset d, Cond c) {
        BitSet b = new BitSet(d.rows());
        for (int i = 0; i < d.rows(); i++) {
            if (c.test(d.row(i)[c.column()])) {
                b.set(i);
            }
        }
        return b;
    }

    static BitSet positives(Dataset d, int positiveClass) {
        BitSet b = new BitSet(d.rows());
        for (int i = 0; i < d.rows(); i++) {
            if (d.y()[i] == positiveClass) {
                b.set(i);
            }
        }
        return b;
    }

    static int and(BitSet a, BitSet b) {
        BitSet c = (BitSet) a.clone();
        c.and(b);
        return c.cardinality();
    }

    static int and(BitSet a, BitSet b, BitSet c) {
        BitSet x = (BitSet) a.clone();
        x.and(b);
        x.and(c);
        return x.cardinality();
    }

    /**
     * Subgroups whose positive-label rate changed most between a trusted snapshot and new data, scored by
     * |rate change| x sqrt(rows); the conditions are evaluated on each data set separately.
     *
     * @param before        the trusted snapshot
     * @param after         the new data, in the same schema
     * @param positiveClass the class index whose rate is compared
     * @param minRows       the fewest rows a subgroup needs in both
     * @param top           how many subgroups to return
     * @return the subgroups, largest score first
     */
    public static List<Group> changed(Dataset before, Dataset after, int positiveClass, int minRows, int top) {
        List<Cond> conds = candidates(before);
        BitSet[] mb = new BitSet[conds.size()];
        BitSet[] ma = new BitSet[conds.size()];
        for (int k = 0; k < conds.size(); k++) {
            mb[k] = mask(before, conds.get(k));
            ma[k] = mask(after, conds.get(k));
        }
        BitSet pb = positives(before, positiveClass);
        BitSet pa = positives(after, positiveClass);
        List<Group> out = new ArrayList<>();
        for (int a = 0; a < conds.size(); a++) {
            add(out, conds.get(a).text(), mb[a].cardinality(), and(mb[a], pb), ma[a].cardinality(), and(ma[a], pa), minRows);
            for (int b = a + 1; b < conds.size(); b++) {
                if (conds.get(a).column() == conds.get(b).column()) {
                    continue;
                }
                BitSet xb = (BitSet) mb[a].clone();
                xb.and(mb[b]);
                BitSet xa = (BitSet) ma[a].clone();
                xa.and(ma[b]);
                add(out, describe(conds.get(a), conds.get(b)), xb.cardinality(), and(xb, pb),
                        xa.cardinality(), and(xa, pa), minRows);
            }
        }
        out.sort(Comparator.comparingDouble(Group::score).reversed().thenComparing(Group::description));
        return out.subList(0, Math.min(top, out.size()));
    }

    private static void add(List<Group> out, String text, int nb, int posB, int na, int posA, int minRows) {
        if (nb < minRows || na < minRows) {
            return;
        }
        double rb = (double) posB / nb;
        double ra = (double) posA / na;
        out.add(new Group(text, na, ra, nb, rb, Math.abs(ra - rb) * Math.sqrt(Math.min(na, nb))));
    }

    /**
     * Implausible subgroups in one data set, with no snapshot: nearly all rows have the label {@code positiveClass},
     * and the rate jumps
     * across each of its conditions — the rows just outside either condition have a rate at least {@code jump} away.
     * Scored by the smaller jump x sqrt(rows).
     *
     * @param d             the data
     * @param positiveClass the class index the subgroup nearly always has
     * @param minRows       the fewest rows a subgroup needs
     * @param purity        the least share of its rows with {@code positiveClass}
     * @param jump          the least rate difference to the rows just outside each condition
     * @return the subgroups, largest score first
     */
    public static List<Group> implausible(Dataset d, int positiveClass, int minRows, double purity, double jump) {
        List<Cond> conds = candidates(d);
        BitSet[] m = new BitSet[conds.size()];
        BitSet[] neg = new BitSet[conds.size()];
        for (int k = 0; k < conds.size(); k++) {
            m[k] = mask(d, conds.get(k));
            neg[k] = mask(d, conds.get(k).negation());
        }
        BitSet pos = positives(d, positiveClass);
        List<Group> out = new ArrayList<>();
        for (int a = 0; a < conds.size(); a++) {
            for (int b = a + 1; b < conds.size(); b++) {
                if (conds.get(a).column() == conds.get(b).column()) {
                    continue;
                }
                BitSet g = (BitSet) m[a].clone();
                g.and(m[b]);
                int n = g.cardinality();
                if (n < minRows) {
                    continue;
                }
                double rate = (double) and(g, pos) / n;
                if (rate < purity) {
                    continue;
                }
                int n1 = and(m[a], neg[b]);
                int n2 = and(neg[a], m[b]);
                if (n1 < minRows / 4 || n2 < minRows / 4) {
                    continue;
                }
                double r1 = (double) and(m[a], neg[b], pos) / n1;
                double r2 = (double) and(neg[a], m[b], pos) / n2;
                double j = Math.min(Math.abs(rate - r1), Math.abs(rate - r2));
                if (j >= jump) {
                    out.add(new Group(describe(conds.get(a), conds.get(b)), n, rate, n1 + n2,
                            (double) (and(m[a], neg[b], pos) + and(neg[a], m[b], pos)) / (n1 + n2), j * Math.sqrt(n)));
                }
            }
        }
        out.sort(Comparator.comparingDouble(Group::score).reversed().thenComparing(Group::description));
        return out;
    }

    /**
     * The rows of a data set described by a group's conditions.
     *
     * @param d           the data
     * @param description the group's conditions, as {@link Group#description()} writes them
     * @return the matching rows' indices
     */
    public static BitSet rows(Dataset d, String description) {
        BitSet all = new BitSet(d.rows());
        all.set(0, d.rows());
        for (String part : description.split(" && ")) {
            for (Cond c : candidates(d)) {
                if (c.text().equals(part)) {
                    all.and(mask(d, c));
                }
            }
        }
        return all;
    }
}
