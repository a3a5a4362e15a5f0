package org.mlsec.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.mlsec.InputException;
import org.mlsec.data.Column;
import org.mlsec.data.Schema;
import org.mlsec.internal.Validate;
import org.mlsec.model.tree.Perturbation;

/**
 * The settings of robust tree training ({@link TrainConfig#withRobust(Robustness)}): the attacker's budget and,
 * per schema column, how far that budget moves a row in the column's own units. The reach is derived from the
 * evasion attacks' cost model (the attack package builds it, so training and attack share one feasibility model):
 * a column costing u per unit moves R / u under radius R, an immutable column not at all, a one-way column only in
 * its direction, never outside the column's feasible range, whole columns by whole steps, and a categorical column
 * to any category when one change costs at most R. The attacker's changes are treated as a box (each column moved
 * up to its own reach at once), which contains the cost ball of every norm: the trees are grown against an attacker
 * at least as strong as the one that attacks them.
 *
 * @param radius  the attacker's budget, in the evasion cost model's units
 * @param budgets per-column budgets that replace the radius for those columns (column name to cost); may be empty
 * @param reach   per schema column, how far a row can be moved; columns absent do not move
 */
public record Robustness(double radius, Map<String, Double> budgets, Map<String, Reach> reach) {
    /**
     * How far one column of a row can be moved.
     *
     * @param down  how far below its value
     * @param up    how far above it
     * @param lo    the smallest value that may be submitted
     * @param hi    the largest value that may be submitted
     * @param whole whether submitted values are whole numbers
     */
    public record Reach(double down, double up, double lo, double hi, boolean whole) {
        /**
         * Checks that the distances are finite and not negative and the range not empty.
         *
         * @param down how far below its value
         * @param up how far above it
         * @param lo the smallest value that may be submitted
         * @param hi the largest value that may be submitted
         * @param whole whether submitted values are whole numbers
         */
        public Reach {
            Validate.isTrue(down >= 0 && up >= 0 && Double.isFinite(down) && Double.isFinite(up),
                    "a robust reach must be finite and not negative, got " + down + " down, " + up + " up", "robust");
            Validate.isTrue(lo <= hi, "a robust reach's range is empty: [" + lo + ", " + hi + "]", "robust");
        }
    }

    /**
     * Checks the radius (finite, not negative) and the budgets, and copies the maps.
     *
     * @param radius the attacker's budget, in the evasion cost model's units
     * @param budgets per-column budgets that replace the radius for those columns; may be empty
     * @param reach per schema column, how far a row can be moved; columns absent do not move
     */
    public Robustness {
        Validate.isTrue(radius >= 0 && Double.isFinite(radius), "the robust radius must be a finite cost of at "
                + "least 0, got " + radius, "robust-radius");
        budgets = budgets == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(budgets));
        for (Map.Entry<String, Double> e : budgets.entrySet()) {
            Validate.isTrue(e.getValue() != null && e.getValue() >= 0 && Double.isFinite(e.getValue()),
                    "the robust budget of " + e.getKey() + " must be a finite cost of at least 0, got " + e.getValue(),
                    "robust-budget");
        }
        reach = reach == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(reach));
    }

    /**
     * The budget of one column: its own budget if given, else the radius.
     *
     * @param column the column's name
     * @return the cost the attacker may spend on it
     */
    public double budget(String column) {
        return budgets.getOrDefault(column, radius);
    }

    /**
     * The perturbation of each encoded feature of {@code schema}: a number moves by its reach, each one-hot
     * indicator of a movable categorical column anywhere in [0, 1].
     *
     * @param schema the training data's schema
     * @return the perturbation the tree grower splits against
     */
    public Perturbation perturbation(Schema schema) {
        for (String name : reach.keySet()) {
            if (schema.indexOf(name) < 0) {
                throw InputException.about("robust: no feature '" + name + "' to perturb; the features are "
                        + schema.featureNames(), "robust");
            }
        }
        for (String name : budgets.keySet()) {
            if (schema.indexOf(name) < 0) {
                throw InputException.about("robust budget: no feature '" + name + "'; the features are "
                        + schema.featureNames(), "robust-budget");
            }
        }
        if (schema.classes().size() != 2) {
            throw InputException.about("robust training needs a binary label; '" + schema.label() + "' has "
                    + schema.classes().size() + " classes " + schema.classes(), "robust");
        }
        FeatureEncoder enc = new FeatureEncoder(schema);
        int w = enc.width();
        double[] down = new double[w];
        double[] up = new double[w];
        double[] lo = new double[w];
        double[] hi = new double[w];
        boolean[] whole = new boolean[w];
        for (int f = 0; f < w; f++) {
            Column c = schema.feature(enc.sourceColumn(f));
            Reach r = reach.get(c.name());
            lo[f] = Double.NEGATIVE_INFINITY;
            hi[f] = Double.POSITIVE_INFINITY;
            if (r == null) {
                continue;
            }
            if (c.isCategorical()) {
                boolean moves = r.down() > 0 || r.up() > 0;
                down[f] = moves ? 1 : 0;
                up[f] = moves ? 1 : 0;
                lo[f] = 0;
                hi[f] = 1;
                whole[f] = true;
            } else {
                down[f] = r.down();
                up[f] = r.up();
                lo[f] = r.lo();
                hi[f] = r.hi();
                whole[f] = r.whole();
            }
        }
        return new Perturbation(down, up, lo, hi, whole);
    }
}
