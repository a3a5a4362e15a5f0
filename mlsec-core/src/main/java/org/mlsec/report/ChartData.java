package org.mlsec.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.mlsec.Result;
import org.mlsec.internal.Validate;
import org.mlsec.metrics.Roc;
import org.mlsec.model.LocalModel;

/**
 * What one chart of a report shows, as data: the audit says what to draw and the mlsec-report module draws it (with
 * XChart, as SVG), so that mlsec-core needs no charting library. Each kind is the figures its chart plots, nothing
 * about how it looks.
 */
public sealed interface ChartData {
    /**
     * Log-log ROC curves (the membership-inference convention), one per name, drawn with the chance line.
     *
     * @param title the chart's title
     * @param names each curve's name
     * @param rocs the curves, one per name
     */
    record RocCurves(String title, List<String> names, List<Roc> rocs) implements ChartData {
        /**
         * Validates the chart and copies its lists.
         *
         * @param title the chart's title
         * @param names each curve's name
         * @param rocs the curves, one per name
         */
        public RocCurves {
            Validate.notNull(title, "title");
            names = List.copyOf(names);
            rocs = List.copyOf(rocs);
            sameLength(names, "names", rocs, "ROC curves");
        }
    }

    /**
     * Before/after histograms of one feature's values (binned when drawn, on bins shared by both).
     *
     * @param feature the feature whose values are shown
     * @param before its values before
     * @param after its values after
     */
    record Histograms(String feature, double[] before, double[] after) implements ChartData {
        /**
         * Validates the chart and copies its values.
         *
         * @param feature the feature whose values are shown
         * @param before its values before
         * @param after its values after
         */
        public Histograms {
            Validate.notNull(feature, "feature");
            if (before.length == 0 || after.length == 0) {
                throw new IllegalArgumentException("histograms of " + feature + " need values before and after");
            }
            before = before.clone();
            after = after.clone();
        }

        /** @return a copy of the values before */
        @Override
        public double[] before() {
            return before.clone();
        }

        /** @return a copy of the values after */
        @Override
        public double[] after() {
            return after.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Histograms h && feature.equals(h.feature) && Arrays.equals(before, h.before)
                    && Arrays.equals(after, h.after);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * feature.hashCode() + Arrays.hashCode(before)) + Arrays.hashCode(after);
        }

        @Override
        public String toString() {
            return "Histograms[" + feature + ", " + before.length + " before, " + after.length + " after]";
        }
    }

    /**
     * The costs of the successful evasions (binned when drawn), measured in {@code norm}.
     *
     * @param costs the cost of each successful evasion
     * @param norm the norm the costs are measured in
     */
    record EvasionCosts(List<Double> costs, String norm) implements ChartData {
        /**
         * Validates the chart and copies its costs.
         *
         * @param costs the cost of each successful evasion
         * @param norm the norm the costs are measured in
         */
        public EvasionCosts {
            costs = List.copyOf(costs);
            Validate.notNull(norm, "norm");
        }
    }

    /**
     * Bars of column importance, largest first.
     *
     * @param title the chart's title
     * @param features the columns, largest importance first
     * @param importances each column's importance
     */
    record Importances(String title, List<String> features, List<Double> importances) implements ChartData {
        /**
         * Validates the chart and copies its lists.
         *
         * @param title the chart's title
         * @param features the columns, largest importance first
         * @param importances each column's importance
         */
        public Importances {
            Validate.notNull(title, "title");
            features = List.copyOf(features);
            importances = List.copyOf(importances);
            sameLength(features, "features", importances, "importances");
        }

        /**
         * The model's ten most important columns.
         *
         * @param title the chart's title
         * @param m     the model
         * @return the bars of its ten most important columns, largest first
         */
        public static Importances of(String title, LocalModel m) {
            double[] imp = m.columnImportances();
            Integer[] order = new Integer[imp.length];
            for (int j = 0; j < imp.length; j++) {
                order[j] = j;
            }
            Arrays.sort(order, (a, b) -> Double.compare(imp[b], imp[a]));
            List<String> names = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            for (int k = 0; k < Math.min(10, order.length); k++) {
                names.add(m.schema().feature(order[k]).name());
                values.add(imp[order[k]]);
            }
            return new Importances(title, names, values);
        }
    }

    /**
     * The predicted-positive rate per group, a group being "attribute=value".
     *
     * @param groups the groups, each "attribute=value"
     * @param rates each group's predicted-positive rate
     */
    record Fairness(List<String> groups, List<Double> rates) implements ChartData {
        /**
         * Validates the chart and copies its lists.
         *
         * @param groups the groups, each "attribute=value"
         * @param rates each group's predicted-positive rate
         */
        public Fairness {
            groups = List.copyOf(groups);
            rates = List.copyOf(rates);
            sameLength(groups, "groups", rates, "rates");
        }

        /**
         * The groups of every protected attribute in fairness audits' results; one "none" bar when there are none.
         *
         * @param audits the fairness audits, one per protected attribute
         * @return the chart of every group's predicted-positive rate
         */
        public static Fairness of(List<org.mlsec.defences.detector.Fairness.Attribute> audits) {
            List<String> groups = new ArrayList<>();
            List<Double> rates = new ArrayList<>();
            for (var a : audits) {
                for (var g : a.groups()) {
                    groups.add(a.attribute() + "=" + g.name());
                    rates.add(1 - g.favourableRate());
                }
            }
            if (groups.isEmpty()) {
                groups.add("none");
                rates.add(0.0);
            }
            return new Fairness(groups, rates);
        }
    }

    /**
     * The fidelity of stolen copies against the queries each cost.
     *
     * @param queries the queries each stolen copy cost
     * @param fidelity each copy's agreement with the model
     */
    record Fidelity(List<Double> queries, List<Double> fidelity) implements ChartData {
        /**
         * Validates the chart and copies its lists.
         *
         * @param queries the queries each stolen copy cost
         * @param fidelity each copy's agreement with the model
         */
        public Fidelity {
            queries = List.copyOf(queries);
            fidelity = List.copyOf(fidelity);
            sameLength(queries, "query counts", fidelity, "fidelities");
        }
    }

    /**
     * A defence study's trade-off: each defence's utility against the strength the adaptive attack keeps on it, one
     * point per defence (from {@link org.mlsec.defences.DefenceStudy#tradeOff()}).
     *
     * @param title     the chart's title, such as "Privacy against utility"
     * @param utility   what the x axis measures, such as "test accuracy"
     * @param attack    what the y axis measures, such as "membership-inference AUC (0.5 is chance)"
     * @param defences  each point's defence
     * @param utilities each defence's utility
     * @param attacks   the attack's strength against each defence
     */
    record TradeOff(String title, String utility, String attack, List<String> defences, List<Double> utilities,
                    List<Double> attacks) implements ChartData {
        /**
         * Validates the chart and copies its lists.
         *
         * @param title     the chart's title
         * @param utility   what the x axis measures
         * @param attack    what the y axis measures
         * @param defences  each point's defence
         * @param utilities each defence's utility
         * @param attacks   the attack's strength against each defence
         */
        public TradeOff {
            Validate.notNull(title, "title");
            Validate.notNull(utility, "utility");
            Validate.notNull(attack, "attack");
            defences = List.copyOf(defences);
            utilities = List.copyOf(utilities);
            attacks = List.copyOf(attacks);
            sameLength(defences, "defences", utilities, "utilities");
            sameLength(defences, "defences", attacks, "attack strengths");
            if (defences.isEmpty()) {
                throw new IllegalArgumentException("a trade-off of " + title + " needs at least one defence");
            }
            for (int k = 0; k < defences.size(); k++) {
                if (!Double.isFinite(utilities.get(k)) || !Double.isFinite(attacks.get(k))) {
                    throw new IllegalArgumentException("defence '" + defences.get(k) + "' has no finite figures");
                }
            }
        }
    }

    /** A chart's two series must pair up: "3 names for 2 ROC curves" otherwise. */
    private static void sameLength(List<?> a, String as, List<?> b, String bs) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException(a.size() + " " + as + " for " + b.size() + " " + bs);
        }
    }
}
