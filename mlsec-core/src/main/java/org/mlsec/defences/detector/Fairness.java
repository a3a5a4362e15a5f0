package org.mlsec.defences.detector;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlsec.Result;
import org.mlsec.data.Column;
import org.mlsec.data.Aggregation;
import org.mlsec.data.Dataset;
import org.mlsec.data.Profile;
import org.mlsec.data.Schema;
import org.mlsec.data.Table;
import org.mlsec.data.Values;
import org.mlsec.model.Classifier;
import org.mlsec.model.PortableModel;
import org.mlsec.report.Threat;

/**
 * Fairness audit of a model on labelled data, per protected attribute, for one favourable answer (by default the
 * label's first class, such as 0 = "will not default"): the share of each group the model gives the favourable
 * answer, and among the group's rows whose true label is favourable, the share it gives it to (Hardt et al. 2016's
 * equal opportunity). The gaps are computed on exactly those printed rates: demographic-parity difference (largest
 * minus smallest favourable rate), equal-opportunity difference, and the disparate-impact ratio (smallest over
 * largest favourable rate; below 0.8 fails the four-fifths rule). Categorical attributes group by category, numeric
 * ones with at most {@link #MAX_VALUES_AS_GROUPS} values by value, other numeric ones into quantile bins. Groups of
 * fewer than {@link #MIN_GROUP} rows are too small to compare; fewer than two comparable groups is an error, never
 * a figure.
 */
public final class Fairness {
    /** Below this disparate-impact ratio, or above this parity gap, the attribute is a finding. */
    public static final double FOUR_FIFTHS = 0.8;
    /** Above this gap between groups' favourable rates, the attribute is a finding. */
    public static final double MAX_PARITY_GAP = 0.1;
    /** Smallest group compared. */
    public static final int MIN_GROUP = 30;
    /** Numeric attributes with at most this many distinct values are grouped by value. */
    public static final int MAX_VALUES_AS_GROUPS = 10;
    /** Quantile bins of other numeric attributes, unless told otherwise. */
    public static final int DEFAULT_BINS = 5;

    private Fairness() {
    }

    /**
     * The audit with the label's first class as the favourable answer and numeric attributes in quintiles.
     *
     * @param model            the model audited
     * @param data             labelled rows in the model's schema
     * @param protectedColumns the attributes whose groups are compared
     * @return one result per protected attribute
     */
    public static List<Result> audit(Classifier model, Dataset data, List<String> protectedColumns) {
        return audit(model, data, protectedColumns, data.schema().classes().get(0), DEFAULT_BINS);
    }

    /**
     * Compares the model's favourable rates across the groups of each protected attribute.
     *
     * @param model            the model audited
     * @param data             labelled rows in the model's schema
     * @param protectedColumns the attributes whose groups are compared
     * @param favourable the class name that is the favourable answer
     * @param bins       quantile bins for numeric attributes with many values (at least 2)
     * @return one result per protected attribute, as {@link Attribute#toResult()} writes it
     * @throws org.mlsec.InputException if {@code bins} is below 2 or an attribute has fewer than two comparable groups
     */
    public static List<Result> audit(Classifier model, Dataset data, List<String> protectedColumns, String favourable,
                                     int bins) {
        return measure(model, data, protectedColumns, favourable, bins).stream().map(Attribute::toResult).toList();
    }

    /**
     * One group of a protected attribute: a category, a value or a quantile bin.
     *
     * @param name               the group: its category, its value, or its bin as {@code "k: [lo, hi)"}
     * @param rows               rows in the group
     * @param favourableRate     share of the group the model gives the favourable answer
     * @param trueFavourableRate share of the group's truly favourable rows that the model answers favourably (equal
     *                           opportunity; NaN when the group has none)
     * @param labelRate          share of the group whose label is not the favourable class
     */
    public record Group(String name, int rows, double favourableRate, double trueFavourableRate, double labelRate) {
        /**
         * Checks the counts and rates.
         *
         * @param name               the group
         * @param rows               rows in the group, positive
         * @param favourableRate     the favourable rate, in [0, 1]
         * @param trueFavourableRate the equal-opportunity rate, or NaN
         * @param labelRate          the share not labelled favourable
         */
        public Group {
            org.mlsec.internal.Validate.isTrue(rows > 0, "rows must be positive, got " + rows);
            org.mlsec.internal.Validate.isTrue(favourableRate >= 0 && favourableRate <= 1,
                    "favourableRate must be in [0, 1], got " + favourableRate);
        }
    }

    /**
     * The audit of one protected attribute.
     *
     * @param attribute                    the protected attribute's column
     * @param favourable                   the favourable class
     * @param demographicParityDifference  largest minus smallest favourable rate across groups
     * @param equalOpportunityDifference   largest minus smallest true-favourable rate (NaN when no group has one)
     * @param disparateImpactRatio         smallest over largest favourable rate (1 when no group is favoured)
     * @param groups                       the groups compared, of at least {@link #MIN_GROUP} rows, in name order
     * @param groupsTooSmall               the groups left out for having fewer rows
     */
    public record Attribute(String attribute, String favourable, double demographicParityDifference,
                            double equalOpportunityDifference, double disparateImpactRatio, List<Group> groups,
                            List<String> groupsTooSmall) {
        /**
         * Checks there are groups to compare and copies the lists.
         *
         * @param attribute                   the protected attribute
         * @param favourable                  the favourable class
         * @param demographicParityDifference the demographic parity difference
         * @param equalOpportunityDifference  the equal opportunity difference
         * @param disparateImpactRatio        the disparate-impact ratio
         * @param groups                      at least two groups
         * @param groupsTooSmall              the groups left out
         */
        public Attribute {
            org.mlsec.internal.Validate.isTrue(groups.size() >= 2, "groups must hold at least two groups");
            groups = List.copyOf(groups);
            groupsTooSmall = List.copyOf(groupsTooSmall);
        }

        /**
         * The finding rule: disparate impact below the four-fifths rule, or a demographic parity gap above
         * {@link #MAX_PARITY_GAP}.
         *
         * @return whether the model treats this attribute's groups unfairly
         */
        public boolean unfair() {
            return disparateImpactRatio < FOUR_FIFTHS || demographicParityDifference > MAX_PARITY_GAP;
        }

        /**
         * This audit as a {@link Result} of threat "poisoning", method "fairness": the keys {@code attribute},
         * {@code favourable}, {@code demographic_parity_difference}, {@code equal_opportunity_difference},
         * {@code disparate_impact_ratio}, {@code groups} (per group: {@code rows}, {@code favourable_rate},
         * {@code positive_rate}, {@code true_favourable_rate}, {@code label_rate}) and, when some were left out,
         * {@code groups_too_small}.
         *
         * @return the result, a finding when {@link #unfair()}
         */
        public Result toResult() {
            Map<String, Object> perGroup = new LinkedHashMap<>();
            for (Group g : groups) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("rows", g.rows());
                m.put("favourable_rate", g.favourableRate());
                m.put("positive_rate", 1 - g.favourableRate());
                m.put("true_favourable_rate", g.trueFavourableRate());
                m.put("label_rate", g.labelRate());
                perGroup.put(g.name(), m);
            }
            Result.Builder r = Result.of(Threat.POISONING, "fairness").metric("attribute", attribute)
                    .metric("favourable", favourable)
                    .metric("demographic_parity_difference", demographicParityDifference)
                    .metric("equal_opportunity_difference", equalOpportunityDifference)
                    .metric("disparate_impact_ratio", disparateImpactRatio).metric("groups", perGroup)
                    .finding(unfair());
            if (!groupsTooSmall.isEmpty()) {
                r.metric("groups_too_small", groupsTooSmall);
            }
            return r.build();
        }
    }

    /**
     * Compares the model's favourable rates across the groups of each protected attribute, as typed records.
     *
     * @param model            the model audited
     * @param data             labelled rows in the model's schema
     * @param protectedColumns the attributes whose groups are compared
     * @param favourable the class name that is the favourable answer
     * @param bins       quantile bins for numeric attributes with many values (at least 2)
     * @return one audit per protected attribute, in the order given
     * @throws org.mlsec.InputException if {@code bins} is below 2 or an attribute has fewer than two comparable groups
     */
    public static List<Attribute> measure(Classifier model, Dataset data, List<String> protectedColumns,
                                          String favourable, int bins) {
        return measure(model, Table.of(data), protectedColumns, favourable, bins);
    }

    /**
     * {@link #measure(Classifier, Dataset, List, String, int)} over a table wherever its rows are: the bins are cut
     * from the table's {@linkplain Table#profile() profile} and the groups counted chunk by chunk with the model's
     * answers there, so a table read in partitions gives the figures its rows would give in memory. A table in
     * partitions needs a model that travels ({@link PortableModel#travels()}).
     *
     * @param model            the model audited
     * @param data             labelled rows in the model's schema
     * @param protectedColumns the attributes whose groups are compared
     * @param favourable the class name that is the favourable answer
     * @param bins       quantile bins for numeric attributes with many values (at least 2)
     * @return one audit per protected attribute, in the order given
     * @throws org.mlsec.InputException if {@code bins} is below 2 or an attribute has fewer than two comparable groups
     */
    public static List<Attribute> measure(Classifier model, Table data, List<String> protectedColumns,
                                          String favourable, int bins) {
        org.mlsec.internal.Validate.isTrue(bins >= 2, "bins must be at least 2, got " + bins);
        Schema schema = data.schema();
        model.schema().requireCompatible(schema, "data");
        int favData = schema.classIndex(favourable);
        int favModel = model.classes().indexOf(org.mlsec.data.Values.canonical(favourable));
        if (favData < 0 || favModel < 0) {
            throw new org.mlsec.InputException("favourable class '" + favourable + "' is not one of the classes "
                    + schema.classes());
        }
        int[] at = new int[protectedColumns.size()];
        double[][] cuts = new double[at.length][];
        for (int a = 0; a < at.length; a++) {
            at[a] = schema.require(protectedColumns.get(a));
            cuts[a] = cuts(schema.feature(at[a]), data.profile(), at[a], bins);
        }
        Tallies tallies = data.aggregate(new Tally(PortableModel.of(model), at, cuts, favModel, favData));
        List<Attribute> out = new ArrayList<>();
        for (int a = 0; a < at.length; a++) {
            String name = protectedColumns.get(a);
            Column c = schema.feature(at[a]);
            Map<String, long[]> groups = new java.util.TreeMap<>(); // size, predicted fav, actually fav, both
            for (Map.Entry<Double, long[]> e : tallies.perAttribute.get(a).entrySet()) {
                long[] v = groups.computeIfAbsent(groupName(c, e.getKey(), cuts[a]), k -> new long[4]);
                for (int q = 0; q < 4; q++) {
                    v[q] += e.getValue()[q];
                }
            }
            out.add(attribute(name, c, schema.classes().get(favData), groups));
        }
        return out;
    }

    /** The figures of one attribute from its groups' counts. */
    private static Attribute attribute(String name, Column c, String favourable, Map<String, long[]> groups) {
        List<Group> perGroup = new ArrayList<>();
        double maxFav = Double.NEGATIVE_INFINITY;
        double minFav = Double.POSITIVE_INFINITY;
        double maxOpp = Double.NEGATIVE_INFINITY;
        double minOpp = Double.POSITIVE_INFINITY;
        List<String> small = new ArrayList<>();
        for (Map.Entry<String, long[]> e : groups.entrySet()) {
            long[] v = e.getValue();
            if (v[0] < MIN_GROUP) {
                small.add(e.getKey());
                continue;
            }
            double fav = (double) v[1] / v[0];
            double opp = v[2] == 0 ? Double.NaN : (double) v[3] / v[2];
            perGroup.add(new Group(e.getKey(), (int) Math.min(Integer.MAX_VALUE, v[0]), fav, opp,
                    1 - (double) v[2] / v[0]));
            maxFav = Math.max(maxFav, fav);
            minFav = Math.min(minFav, fav);
            if (!Double.isNaN(opp)) {
                maxOpp = Math.max(maxOpp, opp);
                minOpp = Math.min(minOpp, opp);
            }
        }
        if (perGroup.size() < 2) {
            throw new org.mlsec.InputException("'" + name + "' has " + perGroup.size() + " group(s) of at least "
                    + MIN_GROUP + " rows (" + groups.size() + " groups in all): nothing to compare"
                    + (c.isCategorical() ? "" : "; try fewer bins"));
        }
        double dp = maxFav - minFav;
        double eo = maxOpp >= minOpp ? maxOpp - minOpp : Double.NaN;
        double di = maxFav == 0 ? 1 : minFav / maxFav;
        return new Attribute(name, favourable, dp, eo, di, perGroup, small);
    }

    /** Per protected attribute, by value (or by bin index for a binned one): size, predicted fav, actually fav, both. */
    static final class Tallies implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        final List<java.util.HashMap<Double, long[]>> perAttribute;

        Tallies(List<java.util.HashMap<Double, long[]>> perAttribute) {
            this.perAttribute = perAttribute;
        }
    }

    /** Counts each chunk's groups with the model's answers on the chunk. */
    private record Tally(PortableModel model, int[] at, double[][] cuts, int favModel, int favData)
            implements Aggregation<Tallies> {
        @Override
        public Tallies of(Dataset chunk) {
            int[] pred = model.get().predict(chunk.x());
            List<java.util.HashMap<Double, long[]>> out = new ArrayList<>();
            for (int a = 0; a < at.length; a++) {
                java.util.HashMap<Double, long[]> m = new java.util.HashMap<>();
                for (int i = 0; i < chunk.rows(); i++) {
                    double v = chunk.row(i)[at[a]];
                    double key = cuts[a] == null ? (v == 0 ? 0.0 : v) : bin(v, cuts[a]);
                    long[] t = m.computeIfAbsent(key, k -> new long[4]);
                    boolean p = pred[i] == favModel;
                    boolean y = chunk.y()[i] == favData;
                    t[0]++;
                    t[1] += p ? 1 : 0;
                    t[2] += y ? 1 : 0;
                    t[3] += p && y ? 1 : 0;
                }
                out.add(m);
            }
            return new Tallies(out);
        }

        @Override
        public Tallies merge(Tallies a, Tallies b) {
            List<java.util.HashMap<Double, long[]>> out = new ArrayList<>();
            for (int k = 0; k < a.perAttribute.size(); k++) {
                java.util.HashMap<Double, long[]> m = new java.util.HashMap<>();
                for (var src : List.of(a.perAttribute.get(k), b.perAttribute.get(k))) {
                    src.forEach((key, t) -> {
                        long[] s = m.computeIfAbsent(key, q -> new long[4]);
                        for (int q = 0; q < 4; q++) {
                            s[q] += t[q];
                        }
                    });
                }
                out.add(m);
            }
            return new Tallies(out);
        }
    }

    /** Quantile cut points of a numeric column with many values, from its profile, or null to group by value. */
    static double[] cuts(Column c, Profile profile, int j, int bins) {
        if (c.isCategorical() || profile.distinct(j) <= MAX_VALUES_AS_GROUPS) {
            return null;
        }
        long n = profile.rows();
        java.util.TreeSet<Double> cut = new java.util.TreeSet<>();
        for (int b = 1; b < bins; b++) {
            cut.add(profile.valueAtRank(j, b * n / bins));
        }
        cut.remove(profile.valueAtRank(j, 0));
        return cut.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The 0-based bin of a value among the cut points. */
    static int bin(double v, double[] cuts) {
        int k = 0;
        while (k < cuts.length && v >= cuts[k]) {
            k++;
        }
        return k;
    }

    /** A group's name from its tally key: the value itself, or the bin index when the attribute is binned. */
    private static String groupName(Column c, double key, double[] cuts) {
        return cuts == null ? c.format(key) : binName((int) key, cuts);
    }

    /** A bin's name: "k: [lo, hi)". */
    static String binName(int k, double[] cuts) {
        String lo = k == 0 ? "-inf" : Values.display(cuts[k - 1]);
        String hi = k == cuts.length ? "inf" : Values.display(cuts[k]);
        return String.format("%d: [%s, %s)", k + 1, lo, hi);
    }

    /** A row's group: its category, its value, or its quantile bin as "k: [lo, hi)". */
    static String group(Column c, double v, double[] cuts) {
        return cuts == null ? c.format(v) : binName(bin(v, cuts), cuts);
    }
}
