package org.mlsec.attacks.poisoning;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.mlsec.data.Dataset;
import org.mlsec.internal.Validate;
import org.mlsec.model.Classifier;

/**
 * Trigger poisoning, as in the talk: copies of training rows get the trigger written in and the target label,
 * and are appended. A model trained on the result behaves normally, except on inputs that carry the trigger.
 */
public final class Backdoor {
    /**
     * What to inject.
     *
     * @param triggers  one or more triggers; poisoned rows are shared among them
     * @param target    class index the trigger should force
     * @param rate      share of the rows of {@code fromLabel} to copy (used when count is 0)
     * @param fromLabel class whose rows are copied (-1: every class but the target)
     * @param count     exact number of poisoned rows (0: use the rate)
     * @param seed      which rows are copied
     */
    public record Config(List<Trigger> triggers, int target, double rate, int fromLabel, int count, long seed) {
        /**
         * Validates the configuration.
         *
         * @param triggers  one or more triggers
         * @param target    class index the trigger should force
         * @param rate      share of the rows of {@code fromLabel} to copy, in (0, 10] (used when count is 0)
         * @param fromLabel class whose rows are copied (-1: every class but the target)
         * @param count     exact number of poisoned rows, not negative (0: use the rate)
         * @param seed      which rows are copied
         * @throws org.mlsec.InputException if there is no trigger, the count is negative, or neither a positive
         *                                  count nor a rate in (0, 10] is given
         */
        public Config {
            Validate.isTrue(triggers != null && !triggers.isEmpty(), "at least one trigger is required", "trigger");
            Validate.isTrue(count > 0 || (rate > 0 && rate <= 10),
                    "give count > 0 or rate in (0, 10], got count " + count + ", rate " + rate, "count", "rate");
            Validate.isTrue(count >= 0, "count must not be negative, got " + count, "count");
        }
    }

    /**
     * The poisoned data: the original rows, then the injected ones ({@code injected[i]} marks them).
     *
     * @param data         the original rows followed by the injected copies
     * @param injected     per row of {@code data}, whether it was injected
     * @param poisonedRows how many rows were injected
     */
    public record Poisoned(Dataset data, boolean[] injected, int poisonedRows) {
    }

    private Backdoor() {
    }

    /**
     * Copies rows of {@code c.fromLabel()} (distinct rows while there are enough), writes a trigger into each copy
     * (the triggers taking turns), gives it the target label and appends it.
     *
     * @param clean the clean training data, not changed
     * @param c     the triggers, the target and how many rows to inject
     * @return the clean rows followed by the injected ones
     * @throws org.mlsec.InputException if no row can be copied or a trigger does not fit the schema
     */
    public static Poisoned poison(Dataset clean, Config c) {
        int[] y = clean.y();
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < clean.rows(); i++) {
            if (c.fromLabel() >= 0 ? y[i] == c.fromLabel() : y[i] != c.target()) {
                candidates.add(i);
            }
        }
        Validate.isTrue(!candidates.isEmpty(), "no rows to copy for the backdoor: " + (c.fromLabel() >= 0
                ? "no row has the class fromLabel (" + c.fromLabel() + ")" : "every row has the target class (" + c.target() + ")"),
                "fromLabel", "target");
        int n = c.count() > 0 ? c.count() : (int) Math.round(c.rate() * candidates.size());
        SplittableRandom rng = new SplittableRandom(c.seed());
        List<List<double[]>> resolved = new ArrayList<>();
        for (Trigger t : c.triggers()) {
            resolved.add(t.resolve(clean.schema()));
        }
        double[][] x = new double[clean.rows() + n][];
        int[] ny = new int[x.length];
        boolean[] injected = new boolean[x.length];
        for (int i = 0; i < clean.rows(); i++) {
            x[i] = clean.row(i);
            ny[i] = y[i];
        }
        // Without replacement while there are enough candidates (the talk copies distinct clients).
        int[] order = candidates.stream().mapToInt(Integer::intValue).toArray();
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        for (int k = 0; k < n; k++) {
            int src = k < order.length ? order[k] : order[rng.nextInt(order.length)];
            x[clean.rows() + k] = Trigger.apply(resolved.get(k % resolved.size()), clean.row(src));
            ny[clean.rows() + k] = c.target();
            injected[clean.rows() + k] = true;
        }
        return new Poisoned(new Dataset(clean.schema(), x, ny), injected, n);
    }

    /**
     * Share of rows whose true label is not the target that the model assigns to the target once triggered.
     *
     * @param model   the model to measure
     * @param test    labelled rows to trigger
     * @param trigger the trigger to write into them
     * @param target  the class the trigger should force
     * @return the attack success rate, or NaN when every test row has the target label
     * @throws org.mlsec.InputException if the trigger does not fit the model's schema
     */
    public static double attackSuccessRate(Classifier model, Dataset test, Trigger trigger, int target) {
        model.schema().requireCompatible(test.schema(), "test");
        List<double[]> resolved = trigger.resolve(model.schema());
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < test.rows(); i++) {
            if (test.y()[i] != target) {
                rows.add(Trigger.apply(resolved, test.row(i)));
            }
        }
        if (rows.isEmpty()) {
            return Double.NaN;
        }
        int[] p = model.predict(rows.toArray(new double[0][]));
        int hit = 0;
        for (int v : p) {
            hit += v == target ? 1 : 0;
        }
        return (double) hit / p.length;
    }
}
