package org.mlsec.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.mlsec.data.Column;
import org.mlsec.data.ColumnType;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.data.Values;
import org.mlsec.model.Algorithm;
import org.mlsec.model.TrainConfig;

/**
 * What the demo does on a given data set: the talk's choices on the credit data (its features, the AGE=999 trigger,
 * SEX as the sensitive attribute), and choices derived from the data's own columns and size anywhere else. A chapter
 * whose ingredients the data lacks is skipped with the reason.
 *
 * @param talk       the data has the talk's credit-card columns
 * @param entities   what a row is, in the plural ("clients" on the credit data)
 * @param positive   the class the attacks push towards (the talk's "will default"; elsewhere the rarest class)
 * @param sensitive  a categorical column with a few values, for inversion, poisoning and fairness; null if none
 * @param trigger    the backdoor trigger column, a numeric one; null if none
 * @param triggerValue a value far beyond the trigger column's range, like the talk's AGE=999
 * @param minLeaf    the talk's leaf size scaled to the data (100 clients of 27,000)
 * @param immutable  columns an applicant cannot change, for evasion
 */
record DemoPlan(boolean talk, String entities, int positive, String sensitive, String trigger, double triggerValue,
                int minLeaf, List<String> immutable) {
    static final List<String> TALK_FEATURES = List.of("LIMIT_BAL", "AGE", "PAY_0", "PAY_2", "PAY_3", "BILL_AMT1",
            "BILL_AMT2", "PAY_AMT1", "SEX");

    static DemoPlan of(Dataset all, boolean talk, String entities) {
        Schema s = all.schema();
        if (talk) {
            return new DemoPlan(true, entities == null ? "clients" : entities, s.classIndex("1"), "SEX", "AGE", 999, 100,
                    List.of("SEX", "AGE", "EDUCATION", "MARRIAGE"));
        }
        int[] counts = new int[s.classes().size()];
        for (int y : all.y()) {
            counts[y]++;
        }
        int positive = 0;
        for (int c = 1; c < counts.length; c++) {
            positive = counts[c] < counts[positive] ? c : positive;
        }
        String sensitive = null;
        String trigger = null;
        for (Column c : s.features()) {
            if (sensitive == null && c.isCategorical() && c.categories().size() >= 2 && c.categories().size() <= 6) {
                sensitive = c.name();
            }
            if (trigger == null && !c.isCategorical()) {
                trigger = c.name();
            }
        }
        double value = Double.NaN;
        if (trigger != null) {
            double hi = max(all, s.indexOf(trigger));
            // The talk's 999 for ages up to 79: the next all-nines number at least ten times the largest value.
            double nines = Math.pow(10, Math.ceil(Math.log10(Math.max(10 * Math.abs(hi), 10)))) - 1;
            value = nines;
        }
        int trainRows = (int) (all.rows() * 0.9);
        int minLeaf = Math.max(1, (int) Math.round(100.0 * trainRows / 27_000));
        return new DemoPlan(false, entities == null ? "rows" : entities, positive, sensitive, trigger, value, minLeaf,
                sensitive == null ? List.of() : List.of(sensitive));
    }

    /** The talk's model: a small random forest, its leaf size scaled to the data. */
    TrainConfig talkModel(long seed) {
        return TrainConfig.defaults(Algorithm.RF).withTrees(5).withMaxDepth(3).withMinLeaf(minLeaf).withSeed(seed);
    }

    /** Rows the membership-inference chapter's references train on need at least this many rows per half. */
    boolean largeEnoughForReferences(Dataset all) {
        return all.rows() >= 100;
    }

    /** The two most important numeric features of a model, for the talk's sweep; the values to try for each. */
    static Map<String, List<String>> sweep(Schema s, Dataset known, Map<String, Double> importances) {
        List<String> ranked = new ArrayList<>(importances.keySet());
        ranked.sort(Comparator.comparing(importances::get).reversed());
        return org.mlsec.attacks.extraction.Extraction.sweepGrid(s, known, ranked, 10);
    }

    String entity() {
        return entities.endsWith("ies") ? entities.substring(0, entities.length() - 3) + "y"
                : entities.endsWith("s") ? entities.substring(0, entities.length() - 1) : entities;
    }

    private static double max(Dataset d, int j) {
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] r : d.x()) {
            hi = Math.max(hi, r[j]);
        }
        return hi;
    }
}
