package org.mlsec.attacks.evasion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mlsec.InputException;
import org.mlsec.Progress;
import org.mlsec.data.Dataset;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

/** A certified radius is never beaten: not by any attack mlsec runs, nor by any input of the grid. */
class CertificatesTest {
    static void neverBeaten(TrainConfig config, String... immutable) {
        Dataset d = EvasionTest.grid(3);
        LocalModel m = Trainer.train(d, config, "grid", Progress.NONE);
        Feasibility f = EvasionTest.feas(d, Norm.LINF, immutable);
        Evasion.Config c = Evasion.Config.defaults(0).withFrom(1).withRows(20).withVerify(20);
        List<Evasion.Example> certified = Evasion.evade(m, d, f, c.withMethod(Evasion.Method.TREE), Progress.NONE).examples();
        int withCertificate = 0;
        for (Evasion.Method attack : new Evasion.Method[] {Evasion.Method.HSJ, Evasion.Method.BOUNDARY}) {
            List<Evasion.Example> other = Evasion.evade(m, d, f, c.withMethod(attack).withQueryBudget(300), Progress.NONE).examples();
            for (int i = 0; i < certified.size(); i++) {
                double r = Certificates.radius(certified.get(i));
                Evasion.Example o = other.get(i);
                assertEquals(certified.get(i).row(), o.row(), "the same rows are attacked");
                if (!Double.isNaN(r) && o.success()) {
                    assertTrue(o.cost() >= r - 1e-9, attack + " beat the certificate " + r + " of row " + o.row() + " with " + o.cost());
                }
            }
        }
        for (Evasion.Example e : certified) {
            double r = Certificates.radius(e);
            if (!Double.isNaN(r)) {
                withCertificate++;
                double truth = EvasionTest.bruteForce(m, f, e.original(), 0);
                assertTrue(truth >= r - 1e-9, "row " + e.row() + ": an input of cost " + truth + " beats the certificate " + r);
            }
        }
        assertTrue(withCertificate >= 10, "most rows certified: " + withCertificate);
    }

    @Test
    void singleTreeCertificatesAreNeverBeaten() {
        neverBeaten(TrainConfig.defaults(Algorithm.TREE).withMaxDepth(8));
    }

    @Test
    void smallForestCertificatesAreNeverBeatenWithAnImmutableColumn() {
        neverBeaten(TrainConfig.defaults(Algorithm.RF).withTrees(5).withMaxDepth(5), "C");
    }

    @Test
    void shareAboveARadiusCountsUncertifiedRowsAsNotRobust() {
        Dataset d = EvasionTest.grid(3);
        LocalModel m = Trainer.train(d, TrainConfig.defaults(Algorithm.TREE).withMaxDepth(6), "grid", Progress.NONE);
        Feasibility f = EvasionTest.feas(d, Norm.LINF);
        Evasion.Outcome o = Evasion.evade(m, d, f, Evasion.Config.defaults(0).withFrom(1).withRows(20), Progress.NONE);
        long above = o.examples().stream().filter(e -> Certificates.radius(e) > 0.2).count();
        assertEquals((double) above / o.examples().size(), Certificates.shareAbove(o.examples(), 0.2), 1e-12);
        assertEquals(0, Certificates.shareAbove(o.examples(), 1e9), 0);
        assertTrue(((Number) o.result().metrics().get("certified_rows")).intValue() > 0);
        assertThrows(InputException.class, () -> Certificates.shareAbove(o.examples(), -1));
    }
}
