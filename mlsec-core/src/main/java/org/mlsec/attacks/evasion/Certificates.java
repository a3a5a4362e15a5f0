package org.mlsec.attacks.evasion;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlsec.internal.Validate;

/**
 * Robustness certificates from the white-box tree search. A row's certified radius is a cost below which no
 * feasible change (same feasibility and cost model as the attack: immutable columns, per-column budgets, the norm)
 * flips the model's answer:
 * <ul>
 * <li>the cost of the cheapest change when the exact leaf search completed ({@link Evasion.Example#exact()}): it is
 *     the minimal adversarial perturbation, so the certificate is tight (Kantchelian et al. 2016);</li>
 * <li>otherwise the verified lower bound when one was computed (Chen et al. 2019), which may be loose;</li>
 * <li>otherwise none (NaN): a row without a certificate is never counted as robust.</li>
 * </ul>
 * A row is certified at radius r when its certified radius exceeds r.
 */
public final class Certificates {
    private Certificates() {
    }

    /**
     * The certified radius of one attacked row, or NaN when the search certified nothing.
     *
     * @param e the row's search result
     * @return the exact search's cost or the verified lower bound, else NaN
     */
    public static double radius(Evasion.Example e) {
        if (e.exact()) {
            return e.cost();
        }
        return e.lowerBound();
    }

    /**
     * Rows with a certificate and the median of their radii.
     *
     * @param examples every attacked row
     * @return {@code certified_rows} and {@code median_certified_radius}
     */
    public static Map<String, Object> summary(List<Evasion.Example> examples) {
        List<Double> radii = new ArrayList<>();
        for (Evasion.Example e : examples) {
            double r = radius(e);
            if (!Double.isNaN(r)) {
                radii.add(r);
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("certified_rows", radii.size());
        m.put("median_certified_radius", Evasion.quantile(radii, 0.5));
        return m;
    }

    /**
     * The share of all attacked rows certified above {@code radius} (rows without a certificate count as not
     * certified).
     *
     * @param examples every attacked row
     * @param radius a finite cost, not negative
     * @return the share, 0 to 1, or NaN when no row was attacked
     */
    public static double shareAbove(List<Evasion.Example> examples, double radius) {
        Validate.isTrue(radius >= 0 && Double.isFinite(radius), "radius must be a finite number >= 0, got " + radius);
        if (examples.isEmpty()) {
            return Double.NaN;
        }
        long n = examples.stream().filter(e -> radius(e) > radius).count();
        return (double) n / examples.size();
    }
}
