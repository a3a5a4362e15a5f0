package org.mlsec.attacks.poisoning;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.mlsec.Progress;
import org.mlsec.data.Condition;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.internal.Validate;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

/**
 * Data poisoning by someone with write access to the training data: targeted edits of the rows a condition selects
 * (rows where {@code gender == 2 && age >= 30} get label 1 and 65% of their credit limit, as in the talk), random label
 * flips, or label flips chosen greedily to hurt a model most within a budget.
 */
public final class Poisoning {
    /**
     * The poisoned rows and which ones were changed.
     *
     * @param data        the poisoned copy of the data
     * @param changed     per row, whether its features or label changed
     * @param changedRows how many rows changed
     */
    public record Poisoned(Dataset data, boolean[] changed, int changedRows) {
    }

    /** The column {@link #withTruth} adds: 1 for a poisoned row, 0 for a clean one. */
    public static final String TRUTH_COLUMN = "POISONED";

    private Poisoning() {
    }

    /**
     * Applies {@code set} (COLUMN=VALUE, the label column included) and {@code scale} (COLUMN=FACTOR) to every row
     * the condition selects.
     *
     * @param data  the clean data, not changed
     * @param where which rows to edit
     * @param set   values to set by column name, the label column included
     * @param scale factors to multiply numeric columns by, by column name (whole-number columns are rounded)
     * @return the poisoned copy; rows the edits leave as they were do not count as changed
     * @throws org.mlsec.InputException if a column is unknown, a label is not a class, a scaled column is
     *                                  categorical or a factor is not finite
     */
    public static Poisoned targeted(Dataset data, Condition where, Map<String, String> set, Map<String, Double> scale) {
        Schema s = data.schema();
        double[][] x = data.copyX();
        int[] y = data.y().clone();
        boolean[] changed = new boolean[x.length];
        int newLabel = -1;
        List<double[]> assignments = new ArrayList<>();
        for (Map.Entry<String, String> e : set.entrySet()) {
            if (e.getKey().equals(s.label())) {
                newLabel = s.classIndex(e.getValue());
                Validate.isTrue(newLabel >= 0, "set " + e.getKey() + "=" + e.getValue() + ": not one of the classes " + s.classes(), "set");
            } else {
                assignments.addAll(new Trigger(Map.of(e.getKey(), e.getValue())).resolve(s));
            }
        }
        List<double[]> factors = new ArrayList<>();
        for (Map.Entry<String, Double> e : scale.entrySet()) {
            int j = s.require(e.getKey());
            Validate.isTrue(!s.feature(j).isCategorical(), "scale " + e.getKey() + ": the column is categorical", "scale");
            Validate.isTrue(Double.isFinite(e.getValue()), "scale " + e.getKey() + ": not a finite factor", "scale");
            factors.add(new double[] {j, e.getValue()});
        }
        int count = 0;
        for (int i = 0; i < x.length; i++) {
            if (!where.test(s, x[i])) {
                continue;
            }
            double[] before = x[i].clone();
            int yBefore = y[i];
            x[i] = Trigger.apply(assignments, x[i]);
            for (double[] f : factors) {
                int j = (int) f[0];
                double v = x[i][j] * f[1];
                x[i][j] = s.feature(j).type() == org.mlsec.data.ColumnType.INTEGER ? Math.rint(v) : v;
            }
            if (newLabel >= 0) {
                y[i] = newLabel;
            }
            changed[i] = !Arrays.equals(before, x[i]) || yBefore != y[i];
            count += changed[i] ? 1 : 0;
        }
        return new Poisoned(new Dataset(s, x, y), changed, count);
    }

    /**
     * Flips the labels of a random share of rows (two classes: to the other; more: to a random other class).
     *
     * @param data the clean data, not changed
     * @param rate the probability that each row is flipped, in (0, 1)
     * @param seed seed of the choice of rows and of the new classes
     * @return the poisoned copy
     * @throws org.mlsec.InputException if the rate is outside (0, 1)
     */
    public static Poisoned flipRandom(Dataset data, double rate, long seed) {
        Validate.isTrue(rate > 0 && rate < 1, "flipRate must be in (0, 1), got " + rate, "flipRate");
        SplittableRandom rng = new SplittableRandom(seed);
        int k = data.schema().classes().size();
        int[] y = data.y().clone();
        boolean[] changed = new boolean[y.length];
        int count = 0;
        for (int i = 0; i < y.length; i++) {
            if (rng.nextDouble() < rate) {
                y[i] = (y[i] + 1 + rng.nextInt(k - 1)) % k;
                changed[i] = true;
                count++;
            }
        }
        return new Poisoned(new Dataset(data.schema(), data.x(), y), changed, count);
    }

    /**
     * Budgeted label flipping, greedy in ten rounds: each round trains the victim's model on the labels flipped so
     * far and flips the not-yet-flipped rows it fits most confidently (confidence divided by the class's share, so
     * rows of the rarer class come first): the flips that move its decisions most.
     *
     * @param data     the clean data, not changed
     * @param budget   how many labels to flip, between 1 and the number of rows minus one
     * @param victim   how the victim trains its model
     * @param seed     seed of the victim's models; round r uses {@code seed + r}
     * @param progress receives one update per round
     * @return the poisoned copy with {@code budget} labels flipped
     * @throws org.mlsec.InputException if the budget is out of range
     */
    public static Poisoned flipBudget(Dataset data, int budget, TrainConfig victim, long seed, Progress progress) {
        Validate.isTrue(budget > 0 && budget < data.rows(), "flipBudget must be between 1 and the number of rows", "flipBudget");
        int[] y = data.y().clone();
        boolean[] changed = new boolean[y.length];
        int rounds = Math.min(10, budget);
        int done = 0;
        for (int round = 0; round < rounds; round++) {
            int step = (budget - done) / (rounds - round);
            LocalModel m = Trainer.train(new Dataset(data.schema(), data.x(), y), victim.withSeed(seed + round), "victim",
                    Progress.NONE);
            double[][] p = m.predictProba(data.x());
            Integer[] idx = new Integer[y.length];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = i;
            }
            // The model's confidence in each row's current label: flipping confident, correctly fit rows moves the
            // decision most, and rows of the minority class count double (they shape the positive predictions).
            int[] yy = y;
            double[] share = data.classShares();
            Arrays.sort(idx, (a, b) -> Double.compare(weight(p[b], yy[b], share), weight(p[a], yy[a], share)));
            int flipped = 0;
            for (int q = 0; q < idx.length && flipped < step; q++) {
                int i = idx[q];
                if (!changed[i]) {
                    y[i] = 1 - Math.min(1, y[i]);
                    changed[i] = true;
                    flipped++;
                }
            }
            done += flipped;
            progress.update("flipping rounds", round + 1, rounds);
        }
        return new Poisoned(new Dataset(data.schema(), data.x(), y), changed, done);
    }

    private static double weight(double[] p, int label, double[] share) {
        return p[label] / Math.max(share[label], 1e-9);
    }

    /**
     * {@code data} with a last, whole-number column {@link #TRUTH_COLUMN} marking the {@code poisoned} rows: the ground
     * truth that detectors are scored against.
     *
     * @param data     the data to mark, not changed
     * @param poisoned per row, whether it was poisoned
     * @return a copy of {@code data} with the truth column added
     * @throws org.mlsec.InputException if {@code poisoned} does not have one entry per row
     */
    public static Dataset withTruth(Dataset data, boolean[] poisoned) {
        Validate.isTrue(poisoned.length == data.rows(), "poisoned must mark each of the " + data.rows() + " rows, got "
                + poisoned.length);
        Schema s = data.schema();
        List<org.mlsec.data.Column> cols = new ArrayList<>(s.features());
        cols.add(org.mlsec.data.Column.numeric(TRUTH_COLUMN, org.mlsec.data.ColumnType.INTEGER, 0, 1));
        double[][] x = new double[data.rows()][];
        for (int i = 0; i < x.length; i++) {
            x[i] = Arrays.copyOf(data.row(i), s.width() + 1);
            x[i][s.width()] = poisoned[i] ? 1 : 0;
        }
        return new Dataset(new Schema(cols, s.label(), s.classes()), x, data.y());
    }
}
