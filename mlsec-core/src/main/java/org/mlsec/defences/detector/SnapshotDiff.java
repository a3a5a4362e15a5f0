package org.mlsec.defences.detector;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlsec.data.Dataset;
import org.mlsec.internal.Validate;

/**
 * New training data against a trusted snapshot, as a poisoning check: {@link DataDiff#features per-feature tests},
 * the rate of the positive label (the last class) in both, the subgroups whose label rate changed most
 * ({@link Subgroups#changed}, groups of at least 30 rows or 0.5% of the snapshot, the ten strongest) and, with an ID
 * column, the row-level edits. It is a finding when a feature is flagged or when the label rate of the strongest
 * subgroup moved by more than {@link #SUBGROUP_JUMP}.
 */
public final class SnapshotDiff {
    /** A subgroup whose label rate moved by more than this is a finding. */
    public static final double SUBGROUP_JUMP = 0.2;
    static final int TOP_GROUPS = 10;

    private SnapshotDiff() {
    }

    /**
     * The differences.
     *
     * @param features        every compared feature's test, the largest PSI first
     * @param positiveClass   the label whose rates are given
     * @param subgroups       the subgroups whose label rate changed most, strongest first
     * @param rows            row-level edits matched by ID ({@link DataDiff#rows}), or null without an ID column
     */
    public record Report(List<DataDiff.FeatureShift> features, String positiveClass, double labelRateBefore,
                         double labelRateAfter, List<Subgroups.Group> subgroups, Map<String, Object> rows) {
        /**
         * Checks the rates and copies the lists.
         *
         * @param features        every tested feature's shift, flagged or not
         * @param positiveClass   the class whose rate is compared
         * @param labelRateBefore its share in the snapshot
         * @param labelRateAfter  its share in the new data
         * @param subgroups       the subgroups whose label rate changed most, strongest first
         * @param rows            row-level edits matched by ID, or null without an ID column
         */
        public Report {
            features = List.copyOf(features);
            Validate.notNull(positiveClass, "positiveClass");
            Validate.isTrue(labelRateBefore >= 0 && labelRateBefore <= 1 && labelRateAfter >= 0 && labelRateAfter <= 1,
                    "label rates must be in [0, 1], got " + labelRateBefore + " and " + labelRateAfter);
            subgroups = List.copyOf(subgroups);
        }

        /**
         * The features whose distribution shifted.
         *
         * @return the flagged features, in column order
         */
        public List<DataDiff.FeatureShift> flagged() {
            return features.stream().filter(DataDiff.FeatureShift::flagged).toList();
        }

        /**
         * The diff's finding rule.
         *
         * @return true when a feature shifted, or the strongest subgroup's label rate moved by more than
         *         {@link #SUBGROUP_JUMP}
         */
        public boolean finding() {
            return !flagged().isEmpty() || (!subgroups.isEmpty()
                    && Math.abs(subgroups.get(0).labelRate() - subgroups.get(0).labelRateBefore()) > SUBGROUP_JUMP);
        }

        /**
         * The JSON figures.
         *
         * @return features, label rates, subgroups and (with an ID column) rows
         */
        public Map<String, Object> toJson() {
            Map<String, Object> res = new LinkedHashMap<>();
            List<Map<String, Object>> fs = new ArrayList<>();
            for (DataDiff.FeatureShift f : features) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", f.name());
                m.put("test", f.test());
                m.put("statistic", f.statistic());
                m.put("p_value", f.pValue());
                m.put("psi", f.psi());
                m.put("flagged", f.flagged());
                fs.add(m);
            }
            res.put("features", fs);
            res.put("label_rate_before", labelRateBefore);
            res.put("label_rate_after", labelRateAfter);
            List<Map<String, Object>> gs = new ArrayList<>();
            for (Subgroups.Group g : subgroups) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("description", g.description());
                m.put("rows", g.rows());
                m.put("label_rate_before", g.labelRateBefore());
                m.put("label_rate_after", g.labelRate());
                gs.add(m);
            }
            res.put("subgroups", gs);
            if (rows != null) {
                res.put("rows", rows);
            }
            return res;
        }
    }

    /**
     * Compares {@code after} (read in the schema of {@code before}) with the snapshot {@code before}.
     *
     * @param before   the trusted snapshot
     * @param after    the new data, read in the snapshot's schema
     * @param features the columns to test (an ID column, for one, is left out)
     * @param id       the column that identifies rows in both, or null
     * @return the shifts, label rates and changed subgroups
     */
    public static Report compare(Dataset before, Dataset after, List<String> features, String id) {
        Validate.isTrue(before.labelled() && after.labelled(), "both data sets must be labelled");
        Dataset b = before.select(features);
        Dataset a = after.select(features);
        int positive = before.schema().classes().size() - 1;
        int minRows = Math.max(30, before.rows() / 200);
        return new Report(DataDiff.features(b, a), before.schema().classes().get(positive),
                before.classShares()[positive], after.classShares()[positive],
                Subgroups.changed(b, a, positive, minRows, TOP_GROUPS), id == null ? null : DataDiff.rows(before, after, id));
    }
}
