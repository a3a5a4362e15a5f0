package org.mlsec.defences.detector;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlsec.Result;
import org.mlsec.data.Column;
import org.mlsec.data.Dataset;
import org.mlsec.data.Values;
import org.mlsec.model.Classifier;

/**
 * Fairness audit of a model on labelled data, per protected attribute: the share of each group predicted positive
 * (the label's last class, "will default"), the true-positive rate, and the three usual gaps — demographic-parity
 * difference, equal-opportunity difference and the disparate-impact ratio of the favourable outcome (not predicted
 * positive; below 0.8 fails the four-fifths rule). Numeric attributes are bucketed (ages by decade).
 */
public final class Fairness {
    /** Below this disparate-impact ratio, or above this parity gap, the attribute is a finding. */
    public static final double FOUR_FIFTHS = 0.8;
    public static final double MAX_PARITY_GAP = 0.1;

    private Fairness() {
    }

    public static List<Result> audit(Classifier model, Dataset data, List<String> protectedColumns) {
        int[] pred = model.predict(data.x());
        String positive = data.schema().classes().get(data.schema().classes().size() - 1);
        int posModel = model.classes().indexOf(positive);
        int posData = data.schema().classes().size() - 1;
        List<Result> out = new ArrayList<>();
        for (String name : protectedColumns) {
            int j = data.schema().require(name);
            Column c = data.schema().feature(j);
            Map<String, int[]> groups = new LinkedHashMap<>(); // size, predicted positive, actual positive, true positive
            for (int i = 0; i < data.rows(); i++) {
                String g = bucket(c, data.row(i)[j]);
                int[] v = groups.computeIfAbsent(g, k -> new int[4]);
                boolean p = pred[i] == posModel;
                boolean a = data.y()[i] == posData;
                v[0]++;
                v[1] += p ? 1 : 0;
                v[2] += a ? 1 : 0;
                v[3] += p && a ? 1 : 0;
            }
            Map<String, Object> perGroup = new LinkedHashMap<>();
            double maxRate = 0;
            double minRate = 1;
            double maxTpr = 0;
            double minTpr = 1;
            double maxFav = 0;
            double minFav = 1;
            for (Map.Entry<String, int[]> e : groups.entrySet()) {
                int[] v = e.getValue();
                if (v[0] < 30) {
                    continue; // too small to compare
                }
                double rate = (double) v[1] / v[0];
                double tpr = v[2] == 0 ? Double.NaN : (double) v[3] / v[2];
                Map<String, Object> g = new LinkedHashMap<>();
                g.put("rows", v[0]);
                g.put("positive_rate", rate);
                g.put("true_positive_rate", tpr);
                g.put("label_rate", (double) v[2] / v[0]);
                perGroup.put(e.getKey(), g);
                maxRate = Math.max(maxRate, rate);
                minRate = Math.min(minRate, rate);
                maxFav = Math.max(maxFav, 1 - rate);
                minFav = Math.min(minFav, 1 - rate);
                if (!Double.isNaN(tpr)) {
                    maxTpr = Math.max(maxTpr, tpr);
                    minTpr = Math.min(minTpr, tpr);
                }
            }
            double dp = maxRate - minRate;
            double eo = maxTpr - minTpr;
            double di = maxFav == 0 ? 1 : minFav / maxFav;
            out.add(Result.of("poisoning", "fairness").metric("attribute", name)
                    .metric("demographic_parity_difference", dp).metric("equal_opportunity_difference", eo)
                    .metric("disparate_impact_ratio", di).metric("groups", perGroup)
                    .finding(di < FOUR_FIFTHS || dp > MAX_PARITY_GAP).build());
        }
        return out;
    }

    /** Categories as they are; ages by decade; other numbers by their value when few, else as they are. */
    static String bucket(Column c, double v) {
        if (c.isCategorical()) {
            return c.format(v);
        }
        if (c.name().equalsIgnoreCase("AGE")) {
            int lo = (int) Math.floor(v / 10) * 10;
            return lo < 30 ? "<30" : lo >= 60 ? "60+" : lo + "-" + (lo + 9);
        }
        return Values.format(v);
    }
}
