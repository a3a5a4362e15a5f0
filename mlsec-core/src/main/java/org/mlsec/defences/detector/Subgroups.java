package org.mlsec.defences.detector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import org.mlsec.data.Aggregation;
import org.mlsec.data.Column;
import org.mlsec.data.Dataset;
import org.mlsec.data.Profile;
import org.mlsec.data.Schema;
import org.mlsec.data.Table;
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
    record Cond(int column, String name, String op, double value, String text) implements java.io.Serializable {
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
        return candidates(d.schema(), Profile.of(d));
    }

    /** The conditions on every column, the numeric thresholds read off the column's profile. */
    static List<Cond> candidates(Schema s, Profile p) {
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
            List<Double> thresholds = new ArrayList<>();
            if (p.distinct(j) <= MAX_EXACT_THRESHOLDS) {
                for (int k = 1; k < p.distinct(j); k++) {
                    thresholds.add(p.value(j, k));
                }
            } else {
                for (int q = 1; q < QUANTILES; q++) {
                    double t = p.valueAtRank(j, q * (p.rows() - 1) / QUANTILES);
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
        return changed(Table.of(before), Table.of(after), positiveClass, minRows, top);
    }

    /**
     * {@link #changed(Dataset, Dataset, int, int, int)} over tables wherever their rows are: the thresholds come
     * from the snapshot's {@linkplain Table#profile() profile} and every condition and pair of conditions is counted
     * chunk by chunk, so a table read in partitions gives the subgroups its rows would give in memory.
     *
     * @param before        the trusted snapshot
     * @param after         the new data, in the same schema
     * @param positiveClass the class index whose rate is compared
     * @param minRows       the fewest rows a subgroup needs in both
     * @param top           how many subgroups to return
     * @return the subgroups, largest score first
     */
    public static List<Group> changed(Table before, Table after, int positiveClass, int minRows, int top) {
        List<Cond> conds = candidates(before.schema(), before.profile());
        Counts cb = before.aggregate(new Counting(conds, positiveClass));
        Counts ca = after.aggregate(new Counting(conds, positiveClass));
        List<Group> out = new ArrayList<>();
        int pair = 0;
        for (int a = 0; a < conds.size(); a++) {
            add(out, conds.get(a).text(), cb.single[2 * a], cb.single[2 * a + 1], ca.single[2 * a],
                    ca.single[2 * a + 1], minRows);
            for (int b = a + 1; b < conds.size(); b++, pair++) {
                if (conds.get(a).column() != conds.get(b).column()) {
                    add(out, describe(conds.get(a), conds.get(b)), cb.pairs[2 * pair], cb.pairs[2 * pair + 1],
                            ca.pairs[2 * pair], ca.pairs[2 * pair + 1], minRows);
                }
            }
        }
        out.sort(Comparator.comparingDouble(Group::score).reversed().thenComparing(Group::description));
        return out.subList(0, Math.min(top, out.size()));
    }

    /** Rows and positives per condition, and per pair of conditions ({@code a < b}, in order; same-column pairs stay 0). */
    static final class Counts implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        final long[] single;
        final long[] pairs;

        Counts(long[] single, long[] pairs) {
            this.single = single;
            this.pairs = pairs;
        }
    }

    /** Counts a chunk's conditions and pairs of conditions with bit sets, one word operation per 64 rows. */
    private record Counting(List<Cond> conds, int positiveClass) implements Aggregation<Counts> {
        @Override
        public Counts of(Dataset chunk) {
            int c = conds.size();
            BitSet[] m = new BitSet[c];
            for (int k = 0; k < c; k++) {
                m[k] = mask(chunk, conds.get(k));
            }
            BitSet pos = positives(chunk, positiveClass);
            long[] single = new long[2 * c];
            if (c * (c - 1L) > Integer.MAX_VALUE - 8) {
                throw new org.mlsec.InputException(c + " conditions on the columns are too many pairs to count;"
                        + " leave out the columns with the most categories");
            }
            long[] pairs = new long[c * (c - 1)];
            int pair = 0;
            BitSet x = new BitSet(chunk.rows());
            for (int a = 0; a < c; a++) {
                single[2 * a] = m[a].cardinality();
                single[2 * a + 1] = and(m[a], pos);
                for (int b = a + 1; b < c; b++, pair++) {
                    if (conds.get(a).column() == conds.get(b).column()) {
                        continue;
                    }
                    x.clear();
                    x.or(m[a]);
                    x.and(m[b]);
                    pairs[2 * pair] = x.cardinality();
                    pairs[2 * pair + 1] = and(x, pos);
                }
            }
            return new Counts(single, pairs);
        }

        @Override
        public Counts merge(Counts a, Counts b) {
            long[] s = a.single.clone();
            long[] p = a.pairs.clone();
            for (int k = 0; k < s.length; k++) {
                s[k] += b.single[k];
            }
            for (int k = 0; k < p.length; k++) {
                p[k] += b.pairs[k];
            }
            return new Counts(s, p);
        }
    }

    private static void add(List<Group> out, String text, long nb, long posB, long na, long posA, int minRows) {
        if (nb < minRows || na < minRows) {
            return;
        }
        double rb = (double) posB / nb;
        double ra = (double) posA / na;
        out.add(new Group(text, (int) Math.min(Integer.MAX_VALUE, na), ra, (int) Math.min(Integer.MAX_VALUE, nb), rb,
                Math.abs(ra - rb) * Math.sqrt(Math.min(na, nb))));
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
