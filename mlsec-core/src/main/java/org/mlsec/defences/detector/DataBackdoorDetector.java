package org.mlsec.defences.detector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mlsec.data.Column;
import org.mlsec.internal.Validate;
import org.mlsec.data.Dataset;
import org.mlsec.data.Profile;
import org.mlsec.data.Table;
import org.mlsec.data.Schema;
import org.mlsec.data.Values;

/**
 * Looks for backdoor triggers in training data, without a model. Every flagged row comes with its reasons:
 * <ul>
 * <li>an isolated repeated value: the same value many times, far from every other value of the column
 * ({@code age=999}); with a trusted reference, any value outside the reference's range;</li>
 * <li>a spike: a value, or a pair of values of two columns, far more frequent than its neighbours or than chance
 * would make it, carried almost only by one label ({@code payment=1234, bill=4321});</li>
 * <li>near-duplicates: rows equal to another row but for one column, where that column's value recurs across such
 * pairs (copies of real rows with the trigger written in).</li>
 * </ul>
 */
public final class DataBackdoorDetector {
    /** Smallest share of a suspicious value's rows that must carry the same label. */
    static final double PURITY = 0.9;
    /**
     * How surprising that label share must be given the label's base rate: n * KL(share || base) bounds the log
     * of the binomial tail probability; 30 means below e^-30, far beyond chance even over thousands of candidates.
     */
    static final double SURPRISE = 30;
    /** How much more frequent than chance a pair of values must be. */
    static final double LIFT = 20;
    /** Columns with fewer distinct values are codes, where repetition is normal. */
    static final int MIN_DISTINCT = 30;

    /**
     * A spike or pair whose rows share a label is a trigger only when nothing else explains that label: a model
     * trained without the suspect columns, on other rows, must fail to predict it for most of them.
     */
    static final double EXPLAINED = 0.5;

    /** A suspicious in-range pattern: the columns it involves, its rows, why. */
    record Candidate(List<String> columns, List<Integer> rows, String reason) {
    }

    /**
     * Flagged rows with their reasons, and the suspicious values found.
     *
     * @param flagged  the reasons of each flagged row, by row index
     * @param findings the suspicious values and patterns found, one sentence each
     */
    public record Report(Map<Integer, List<String>> flagged, List<String> findings) {
        /**
         * The JSON figures for data of {@code rows} rows: how many were flagged, the precision and recall of
         * {@link #score} ({@code score}, or null without a truth column), the findings, and the first 1,000
         * flagged rows by their line in the CSV file (header on line 1) with their reasons.
         *
         * @param rows  how many rows the data has
         * @param score the precision and recall against a truth column, or null without one
         * @return the figures by JSON key
         */
        public Map<String, Object> toJson(int rows, Score score) {
            Map<String, Object> res = new LinkedHashMap<>();
            res.put("rows", rows);
            res.put("flagged", flagged.size());
            if (score != null) {
                res.putAll(score.toJson());
            }
            res.put("findings", findings);
            List<Map<String, Object>> lines = new ArrayList<>();
            flagged.forEach((i, why) -> {
                if (lines.size() < 1000) {
                    lines.add(Map.of("line", i + 2, "reasons", why));
                }
            });
            res.put("flagged_rows", lines);
            return res;
        }
    }

    private DataBackdoorDetector() {
    }

    /**
     * Scans the data for the trigger patterns above and flags the rows that carry them.
     *
     * @param data      the training data to scan
     * @param reference trusted data whose ranges bound every column, or null without one
     * @return the flagged rows and the findings
     */
    public static Report detect(Dataset data, Dataset reference) {
        Map<Integer, List<String>> flagged = new TreeMap<>();
        List<String> findings = new ArrayList<>();
        Schema s = data.schema();
        int n = data.rows();
        int minCount = minCount(n);
        Profile profile = Profile.of(data);
        List<Integer> rich = new ArrayList<>();
        List<Candidate> candidates = new ArrayList<>();
        for (int j = 0; j < s.width(); j++) {
            Column c = s.feature(j);
            if (c.isCategorical()) {
                continue;
            }
            double[] col = data.column(j);
            Map<Double, Integer> counts = counts(col);
            if (counts.size() >= MIN_DISTINCT) {
                rich.add(j);
            }
            if (reference != null) {
                outOfReference(data, reference, j, flagged, findings);
            } else {
                isolated(col, counts, c, minCount, flagged, findings);
            }
            if (counts.size() >= MIN_DISTINCT) {
                spikes(col, c, minCount, candidates, profile, j);
            }
        }
        pairs(data, rich, minCount, candidates);
        for (Candidate cand : candidates) {
            double explained = explained(data, cand);
            if (explained < EXPLAINED) {
                String reason = cand.reason() + String.format(java.util.Locale.ROOT,
                        "; without %s the label of only %.0f%% of them is predictable", String.join(", ", cand.columns()),
                        100 * explained);
                findings.add(reason);
                cand.rows().forEach(i -> flag(flagged, i, reason));
            }
        }
        nearDuplicates(data, flagged, findings);
        return new Report(flagged, findings);
    }


    static Map<Double, Integer> counts(double[] col) {
        Map<Double, Integer> m = new HashMap<>();
        for (double v : col) {
            m.merge(v, 1, Integer::sum);
        }
        return m;
    }

    private static void flag(Map<Integer, List<String>> flagged, int row, String reason) {
        List<String> r = flagged.computeIfAbsent(row, k -> new ArrayList<>());
        if (!r.contains(reason)) {
            r.add(reason);
        }
    }

    /** A value repeated at least minCount times with a gap to the rest of the column wider than 5 IQRs. */
    static void isolated(double[] col, Map<Double, Integer> counts, Column c, int minCount,
                         Map<Integer, List<String>> flagged, List<String> findings) {
        double[] sorted = col.clone();
        Arrays.sort(sorted);
        double iqr = sorted[(int) (0.75 * (sorted.length - 1))] - sorted[(int) (0.25 * (sorted.length - 1))];
        double[] distinct = counts.keySet().stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (distinct.length < 2) {
            return;
        }
        double gapLimit = 5 * Math.max(iqr, 1e-9);
        for (int k = 0; k < distinct.length; k++) {
            double v = distinct[k];
            if (counts.get(v) < minCount) {
                continue;
            }
            double below = k > 0 ? v - distinct[k - 1] : Double.POSITIVE_INFINITY;
            double above = k + 1 < distinct.length ? distinct[k + 1] - v : Double.POSITIVE_INFINITY;
            boolean lowEnd = k == 0 && above > gapLimit;
            boolean highEnd = k == distinct.length - 1 && below > gapLimit;
            if (lowEnd || highEnd || (below > gapLimit && above > gapLimit)) {
                String reason = c.name() + "=" + Values.display(v) + " repeated " + counts.get(v)
                        + " times, isolated from the column's other values";
                findings.add(reason);
                for (int i = 0; i < col.length; i++) {
                    if (col[i] == v) {
                        flag(flagged, i, reason);
                    }
                }
            }
        }
    }

    static void outOfReference(Dataset data, Dataset ref, int j, Map<Integer, List<String>> flagged, List<String> findings) {
        String name = data.schema().feature(j).name();
        int rj = ref.schema().indexOf(name);
        if (rj < 0) {
            return;
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] r : ref.x()) {
            lo = Math.min(lo, r[rj]);
            hi = Math.max(hi, r[rj]);
        }
        double m = 0.1 * (hi - lo);
        int hits = 0;
        for (int i = 0; i < data.rows(); i++) {
            double v = data.row(i)[j];
            if (v < lo - m || v > hi + m) {
                flag(flagged, i, name + "=" + Values.display(v) + " outside the trusted range [" + Values.display(lo)
                        + ", " + Values.display(hi) + "]");
                hits++;
            }
        }
        if (hits > 0) {
            findings.add(name + ": " + hits + " values outside the trusted range [" + Values.display(lo) + ", "
                    + Values.display(hi) + "]");
        }
    }

    /** The column's {@linkplain #spikes(Table) value spikes} as candidates, with the rows that hold each value. */
    private static void spikes(double[] col, Column c, int minCount, List<Candidate> candidates, Profile profile,
                               int j) {
        for (Spike sp : spikes(profile, j, c, minCount)) {
            List<Integer> rows = new ArrayList<>();
            for (int i = 0; i < col.length; i++) {
                if (col[i] == sp.value()) {
                    rows.add(i);
                }
            }
            candidates.add(new Candidate(List.of(c.name()), rows, sp.reason()));
        }
    }

    /**
     * A value spike: a value of a column with many values that appears far more often than its neighbours, nearly
     * always with one label, more than the label's base rate explains.
     *
     * @param column  the column
     * @param value   the value
     * @param rows    how many rows hold it
     * @param typical the median count of its 20 nearest distinct values
     * @param purity  the share of its rows with its most frequent label
     * @param reason  one sentence saying so
     */
    public record Spike(String column, double value, long rows, long typical, double purity, String reason) {
    }

    /**
     * The value spikes of every numeric column with at least {@link #MIN_DISTINCT} values, counted over every row
     * of the table wherever it lives (from its {@linkplain Table#profile() profile}): the same spikes
     * {@link #detect} weighs as triggers before asking whether the other columns explain their label.
     *
     * @param data labelled rows
     * @return the spikes, by column then value
     */
    public static List<Spike> spikes(Table data) {
        Profile p = data.profile();
        int minCount = minCount(p.rows());
        List<Spike> out = new ArrayList<>();
        for (int j = 0; j < data.schema().width(); j++) {
            Column c = data.schema().feature(j);
            if (!c.isCategorical() && p.distinct(j) >= MIN_DISTINCT) {
                out.addAll(spikes(p, j, c, minCount));
            }
        }
        return out;
    }

    /** The fewest rows a suspicious value needs: 0.1% of the rows, at least 5. */
    static int minCount(long rows) {
        return (int) Math.max(5, Math.ceil(0.001 * rows));
    }

    private static List<Spike> spikes(Profile p, int j, Column c, int minCount) {
        List<Spike> out = new ArrayList<>();
        int distinct = p.distinct(j);
        for (int k = 0; k < distinct; k++) {
            long cnt = p.count(j, k);
            if (cnt < minCount) {
                continue;
            }
            int from = Math.max(0, k - 10);
            int to = Math.min(distinct, k + 11);
            long[] around = new long[to - from - 1];
            int a = 0;
            for (int q = from; q < to; q++) {
                if (q != k) {
                    around[a++] = p.count(j, q);
                }
            }
            Arrays.sort(around);
            long typical = around.length == 0 ? 1 : Math.max(1, around[around.length / 2]);
            if (cnt < 10 * typical) {
                continue;
            }
            int top = 0;
            for (int cls = 1; cls < p.classes(); cls++) {
                top = p.count(j, k, cls) > p.count(j, k, top) ? cls : top;
            }
            if (surprising(p.count(j, k, top), cnt, p.classCount(top), p.rows())) {
                double v = p.value(j, k);
                out.add(new Spike(c.name(), v, cnt, typical, (double) p.count(j, k, top) / cnt, c.name() + "="
                        + Values.display(v) + " appears " + cnt + " times (its neighbours about " + typical
                        + "), almost always with one label"));
            }
        }
        return out;
    }

    /** Pairs of values of two columns that occur together far more often than chance, nearly all with one label. */
    static void pairs(Dataset data, List<Integer> columns, int minCount, List<Candidate> candidates) {
        int n = data.rows();
        int[] y = data.y();
        for (int a = 0; a < columns.size(); a++) {
            int ja = columns.get(a);
            double[] ca = data.column(ja);
            Map<Double, Integer> countA = counts(ca);
            for (int b = a + 1; b < columns.size(); b++) {
                int jb = columns.get(b);
                double[] cb = data.column(jb);
                Map<Double, Integer> countB = counts(cb);
                Map<List<Double>, List<Integer>> joint = new HashMap<>();
                for (int i = 0; i < n; i++) {
                    if (countA.get(ca[i]) >= minCount && countB.get(cb[i]) >= minCount) {
                        joint.computeIfAbsent(List.of(ca[i], cb[i]), k -> new ArrayList<>()).add(i);
                    }
                }
                for (Map.Entry<List<Double>, List<Integer>> e : joint.entrySet()) {
                    List<Integer> rows = e.getValue();
                    if (rows.size() < minCount) {
                        continue;
                    }
                    double lift = (double) rows.size() * n / ((double) countA.get(e.getKey().get(0)) * countB.get(e.getKey().get(1)));
                    if (lift >= LIFT && surprising(rows, y)) {
                        String reason = data.schema().feature(ja).name() + "=" + Values.display(e.getKey().get(0)) + " with "
                                + data.schema().feature(jb).name() + "=" + Values.display(e.getKey().get(1)) + " together "
                                + rows.size() + " times (" + Math.round(lift) + "x chance), almost always with one label";
                        candidates.add(new Candidate(List.of(data.schema().feature(ja).name(),
                                data.schema().feature(jb).name()), rows, reason));
                    }
                }
            }
        }
    }

    /** Rows equal to another row except in one column, where the differing value recurs across such pairs. */
    static void nearDuplicates(Dataset data, Map<Integer, List<String>> flagged, List<String> findings) {
        Schema s = data.schema();
        int n = data.rows();
        for (int j = 0; j < s.width(); j++) {
            Map<Long, List<Integer>> groups = new HashMap<>();
            for (int i = 0; i < n; i++) {
                groups.computeIfAbsent(hashWithout(data.row(i), j, data.y()[i]), k -> new ArrayList<>()).add(i);
            }
            Map<Double, List<Integer>> byValue = new HashMap<>();
            int pairs = 0;
            for (List<Integer> g : groups.values()) {
                if (g.size() < 2) {
                    continue;
                }
                Map<Double, Integer> values = new HashMap<>();
                for (int i : g) {
                    values.merge(data.row(i)[j], 1, Integer::sum);
                }
                if (values.size() < 2) {
                    continue; // exact duplicates: nothing differs
                }
                pairs++;
                for (int i : g) {
                    byValue.computeIfAbsent(data.row(i)[j], k -> new ArrayList<>()).add(i);
                }
            }
            if (pairs < 3) {
                continue;
            }
            Map<Double, Integer> overall = counts(data.column(j));
            for (Map.Entry<Double, List<Integer>> e : byValue.entrySet()) {
                // The value recurs across the copies, and the copies are most of the rows that have it.
                int copies = e.getValue().size();
                if (copies >= 3 && copies >= 0.5 * pairs && copies >= 0.5 * overall.get(e.getKey())) {
                    String reason = "copy of another row with only " + s.feature(j).name() + " changed to "
                            + s.feature(j).format(e.getKey()) + " (" + e.getValue().size() + " such copies)";
                    findings.add(reason);
                    e.getValue().forEach(i -> flag(flagged, i, reason));
                }
            }
        }
    }

    /** Share of the candidate's rows whose (majority) label a forest without its columns, trained on other rows, predicts. */
    static double explained(Dataset data, Candidate c) {
        List<String> keep = new ArrayList<>(data.schema().featureNames());
        keep.removeAll(c.columns());
        if (keep.isEmpty()) {
            return 0;
        }
        java.util.Set<Integer> group = new java.util.HashSet<>(c.rows());
        java.util.SplittableRandom rng = new java.util.SplittableRandom(7);
        List<Integer> others = new ArrayList<>();
        for (int i = 0; i < data.rows(); i++) {
            if (!group.contains(i) && (data.rows() <= 12_000 || rng.nextInt(data.rows()) < 12_000)) {
                others.add(i);
            }
        }
        Dataset reduced = data.select(keep);
        org.mlsec.model.LocalModel m = org.mlsec.model.tree.ForestTrainer.train(
                reduced.subset(others.stream().mapToInt(Integer::intValue).toArray()),
                org.mlsec.model.TrainConfig.defaults(org.mlsec.model.Algorithm.RF).withTrees(30).withMinLeaf(5).withSeed(7),
                "detector", org.mlsec.Progress.NONE);
        int[] rows = c.rows().stream().mapToInt(Integer::intValue).toArray();
        Dataset g = reduced.subset(rows);
        int[] p = m.predict(g.x());
        Map<Integer, Integer> counts = new HashMap<>();
        for (int v : g.y()) {
            counts.merge(v, 1, Integer::sum);
        }
        int label = counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        int hit = 0;
        for (int v : p) {
            hit += v == label ? 1 : 0;
        }
        return (double) hit / p.length;
    }

    /** A 64-bit hash of a row and its label with one column left out (collisions are vanishingly rare). */
    static long hashWithout(double[] r, int skip, int label) {
        long h = 0xcbf29ce484222325L ^ label;
        for (int q = 0; q < r.length; q++) {
            if (q != skip) {
                long b = Double.doubleToLongBits(r[q]);
                h = (h ^ b) * 0x100000001b3L;
                h ^= h >>> 29;
            }
        }
        return h;
    }

    /** Nearly all rows share one label, far more than that label's base rate explains. */
    static boolean surprising(List<Integer> rows, int[] y) {
        Map<Integer, Integer> c = new HashMap<>();
        for (int i : rows) {
            c.merge(y[i], 1, Integer::sum);
        }
        Map.Entry<Integer, Integer> top = c.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
        int base = 0;
        for (int v : y) {
            base += v == top.getKey() ? 1 : 0;
        }
        return surprising(top.getValue(), rows.size(), base, y.length);
    }

    /**
     * {@code withLabel} of {@code rows} rows share a label that {@code base} of all {@code total} rows have: at
     * least {@link #PURITY} of them, and n * KL(share || base rate) at least {@link #SURPRISE}.
     */
    static boolean surprising(long withLabel, long rows, long base, long total) {
        double q = (double) withLabel / rows;
        if (q < PURITY) {
            return false;
        }
        double p = Math.min(1 - 1e-9, (double) base / total);
        double kl = q * Math.log(q / p) + (q < 1 ? (1 - q) * Math.log((1 - q) / (1 - p)) : 0);
        return rows * kl >= SURPRISE;
    }

    static double purity(List<Integer> rows, int[] y) {
        Map<Integer, Integer> c = new HashMap<>();
        for (int i : rows) {
            c.merge(y[i], 1, Integer::sum);
        }
        int max = c.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        return rows.isEmpty() ? 0 : (double) max / rows.size();
    }

    /**
     * How well the flagged rows match the rows truly poisoned.
     *
     * @param precision the share of flagged rows that are poisoned (NaN when none is flagged)
     * @param recall the share of poisoned rows that are flagged (NaN when none is poisoned)
     */
    public record Score(double precision, double recall) {
        /**
         * The figures under the key names of {@code mlsec detect backdoor --json}.
         *
         * @return precision, then recall
         */
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("precision", precision);
            m.put("recall", recall);
            return m;
        }
    }

    /**
     * Precision and recall of the flagged rows against a truth mask.
     *
     * @param r     the detector's report
     * @param truth which rows are truly poisoned, by row index
     * @return the precision and recall
     */
    public static Score score(Report r, boolean[] truth) {
        Validate.notNull(r, "r");
        Validate.notNull(truth, "truth");
        int tp = 0;
        int positives = 0;
        for (boolean t : truth) {
            positives += t ? 1 : 0;
        }
        for (int i : r.flagged().keySet()) {
            Validate.isTrue(i < truth.length, "the truth mask has " + truth.length + " rows, the report flags row " + i,
                    "truth");
            tp += truth[i] ? 1 : 0;
        }
        return new Score(r.flagged().isEmpty() ? Double.NaN : (double) tp / r.flagged().size(),
                positives == 0 ? Double.NaN : (double) tp / positives);
    }
}
