package org.mlsec.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mlsec.InputException;
import org.mlsec.Progress;
import org.mlsec.attacks.evasion.Costs;
import org.mlsec.attacks.evasion.Evasion;
import org.mlsec.attacks.evasion.Feasibility;
import org.mlsec.attacks.evasion.Norm;
import org.mlsec.data.Dataset;
import org.mlsec.data.Split;
import org.mlsec.defences.preprocessor.DomainRules;
import org.mlsec.defences.preprocessor.InputSchema;
import org.mlsec.demo.LaymanBrothers;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

/** {@code audit --certify-radius}: the share of evasion rows certified beyond a radius, and no attack beats it. */
class AuditCertifyTest {
    static final long SEED = 9;

    static Dataset data() {
        Dataset d = LaymanBrothers.generate(1_200, 5);
        return d.select(List.of("LIMIT_BAL", "AGE", "PAY_0", "PAY_2", "BILL_AMT1", "PAY_AMT1"));
    }

    static Finding evasion(Dataset d, LocalModel m, Double radius) {
        Audit.Request q = Audit.Request.of(d).model(m).only(List.of("evasion")).budget(Audit.Budget.QUICK).seed(SEED);
        List<Finding> f = (radius == null ? q : q.certifyRadius(radius)).run().findings();
        assertEquals(1, f.size(), f.toString());
        return f.get(0);
    }

    @SuppressWarnings("unchecked")
    @Test
    void certifiedShareAtZeroHugeAndNeverBeatenByTheLabelOnlyAttacks() {
        Dataset d = data();
        LocalModel tree = Trainer.train(d, TrainConfig.defaults(Algorithm.TREE).withMaxDepth(5).withSeed(1), "t",
                Progress.NONE);
        Finding zero = evasion(d, tree, 0.0);
        Map<String, Object> m = zero.metrics();
        List<Map<String, Object>> certs = (List<Map<String, Object>>) m.get("certificates");
        long positive = certs.stream().filter(c -> ((Number) c.get("certified_radius")).doubleValue() > 0).count();
        double rows = ((Number) m.get("rows")).doubleValue();
        assertTrue(positive > 0, m.toString());
        assertEquals(0.0, ((Number) m.get("certify_radius")).doubleValue());
        assertEquals(positive / rows, ((Number) m.get("certified_share")).doubleValue(), 1e-12);
        // A single tree's search is exact: every attacked row has a positive certificate, so radius 0 counts them all.
        assertEquals(((Number) m.get("certified_rows")).doubleValue() / rows,
                ((Number) m.get("certified_share")).doubleValue(), 1e-12);
        assertTrue(zero.meaning().contains("certified robust beyond a change of 0"), zero.meaning());

        Finding huge = evasion(d, tree, 1e9);
        assertEquals(0.0, ((Number) huge.metrics().get("certified_share")).doubleValue());
        // The keys that were there before are unchanged, and absent without the option.
        Finding plain = evasion(d, tree, null);
        assertFalse(plain.metrics().containsKey("certified_share"));
        assertFalse(plain.metrics().containsKey("certify_radius"));
        for (String k : plain.metrics().keySet()) {
            assertTrue(m.containsKey(k), k);
        }

        // The certified radius is never beaten: the label-only attacks, on the same rows with the same feasibility
        // and costs as the audit's check, never flip a row for less.
        Map<Integer, Double> radius = new HashMap<>();
        certs.forEach(c -> radius.put(((Number) c.get("row")).intValue(), ((Number) c.get("certified_radius")).doubleValue()));
        Split halves = Split.random(d, 0.5, SEED);
        Feasibility feas = Feasibility.of(tree.schema(), InputSchema.infer(halves.train()).withRules(DomainRules.none()),
                halves.train(), Costs.defaults(Norm.LINF));
        int compared = 0;
        for (Evasion.Method method : List.of(Evasion.Method.HSJ, Evasion.Method.BOUNDARY)) {
            Evasion.Config c = Evasion.Config.defaults(0).withFrom(1).withRows(20).withSeed(SEED).withMethod(method)
                    .withQueryBudget(400);
            for (Evasion.Example e : Evasion.evade(tree, halves.test(), feas, c, Progress.NONE).examples()) {
                Double r = radius.get(e.row());
                if (e.success() && r != null) {
                    assertTrue(e.cost() >= r - 1e-9, method + " row " + e.row() + ": cost " + e.cost()
                            + " below the certified radius " + r);
                    compared++;
                }
            }
        }
        assertTrue(compared > 0, "some rows were attacked by both");
        assertThrows(InputException.class, () -> Audit.Request.of(d).certifyRadius(-1));
    }
}
