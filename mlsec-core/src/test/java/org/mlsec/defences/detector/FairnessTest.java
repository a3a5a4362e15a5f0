package org.mlsec.defences.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mlsec.InputException;
import org.mlsec.Progress;
import org.mlsec.Result;
import org.mlsec.data.Column;
import org.mlsec.data.ColumnType;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

/** Fairness gaps are computed on the rates that are reported, for the favourable answer the user names. */
class FairnessTest {
    static final Schema SCHEMA = new Schema(List.of(Column.numeric("income", ColumnType.NUMERIC, 0, 1e5),
            Column.categorical("group", List.of("a", "b"))), "approved", List.of("no", "yes"));

    static Dataset data(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] x = new double[n][];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            double income = r.nextDouble() * 1e5;
            int g = r.nextInt(2);
            x[i] = new double[] {income, g};
            y[i] = income + (g == 1 ? 2e4 : 0) + r.nextGaussian() * 1e4 > 6e4 ? 1 : 0;
        }
        return new Dataset(SCHEMA, x, y);
    }

    @Test
    void numericAttributesAreBinnedAndEveryGapComesFromThePrintedRates() {
        Dataset d = data(3000, 1);
        LocalModel m = Trainer.train(d, TrainConfig.defaults(Algorithm.TREE).withMaxDepth(4), "t", Progress.NONE);
        for (String favourable : List.of("no", "yes")) {
            for (Result r : Fairness.audit(m, d, List.of("income", "group"), favourable, 4)) {
                Map<?, ?> groups = (Map<?, ?>) r.metrics().get("groups");
                assertEquals(r.metrics().get("attribute").equals("income") ? 4 : 2, groups.size(), r.toString());
                double lo = 1;
                double hi = 0;
                for (Object g : groups.values()) {
                    double f = (Double) ((Map<?, ?>) g).get("favourable_rate");
                    lo = Math.min(lo, f);
                    hi = Math.max(hi, f);
                }
                assertEquals(hi - lo, r.metric("demographic_parity_difference"), 1e-12);
                assertEquals(lo / hi, r.metric("disparate_impact_ratio"), 1e-12);
                assertEquals(favourable, r.metrics().get("favourable"));
            }
        }
        Result income = Fairness.audit(m, d, List.of("income"), "yes", 4).get(0);
        assertTrue(income.finding(), "approvals follow income: the lowest quartile is rarely approved");
    }

    @Test
    void fewerThanTwoComparableGroupsIsAnErrorNotAFigure() {
        Dataset d = data(50, 2);
        LocalModel m = Trainer.train(d, TrainConfig.defaults(Algorithm.TREE).withMaxDepth(2), "t", Progress.NONE);
        InputException e = assertThrows(InputException.class, () -> Fairness.audit(m, d, List.of("income"), "yes", 5));
        assertTrue(e.getMessage().contains("nothing to compare"), e.getMessage());
        assertThrows(InputException.class, () -> Fairness.audit(m, d, List.of("group"), "maybe", 5));
    }

    @Test
    void theTypedAuditAndItsResultSayTheSame() {
        Dataset d = data(3000, 3);
        LocalModel m = Trainer.train(d, TrainConfig.defaults(Algorithm.TREE).withMaxDepth(4), "t", Progress.NONE);
        List<Fairness.Attribute> typed = Fairness.measure(m, d, List.of("income", "group"), "yes", 4);
        List<Result> results = Fairness.audit(m, d, List.of("income", "group"), "yes", 4);
        for (int k = 0; k < typed.size(); k++) {
            Fairness.Attribute a = typed.get(k);
            Result r = results.get(k);
            assertEquals(a.attribute(), r.metrics().get("attribute"));
            assertEquals(a.unfair(), r.finding());
            assertEquals(a.unfair(), a.disparateImpactRatio() < Fairness.FOUR_FIFTHS
                    || a.demographicParityDifference() > Fairness.MAX_PARITY_GAP);
            Map<?, ?> groups = (Map<?, ?>) r.metrics().get("groups");
            assertEquals(a.groups().stream().map(Fairness.Group::name).toList(), List.copyOf(groups.keySet()));
            for (Fairness.Group g : a.groups()) {
                Map<?, ?> json = (Map<?, ?>) groups.get(g.name());
                assertEquals(g.rows(), json.get("rows"));
                assertEquals(g.favourableRate(), (Double) json.get("favourable_rate"), 0.0);
                assertEquals(1 - g.favourableRate(), (Double) json.get("positive_rate"), 0.0);
            }
        }
    }
}
