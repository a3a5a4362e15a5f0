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
 * flips, or label flips chosen greedily to hurt a model most within a budget. The algorithms are reached through
 * {@link PoisoningAttack#apply}, the family's one verb; this class holds them and the {@link Poisoned} result.
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
    static Poisoned targeted(Dataset data, Condition where, Map<String, String> set, Map<String, Double> scale) {
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
    static Poisoned flipRandom(Dataset data, double rate, long seed) {
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
    static Poisoned flipBudget(Dataset data, int budget, TrainConfig victim, long seed, Progress progress) {
        Validate.isTrue(budget > 0 && budget < data.rows(), "budget must be between 1 and the number of rows ("
                + data.rows() + "), got " + budget, "budget");
        int[] y = data.y().clone();
        boolean[] changed = new boolean[y.length];
        int rounds = Math.min(10, budget);
        int done = 0;
        for (int round = 0; round < rounds; round++) {
            int step = (budget - done) / (rounds - round);
            int flipped = flipMostConfident(data, y, changed, changed, step, victim.withSeed(seed + round));
            done += flipped;
            progress.update("flipping rounds", round + 1, rounds);
        }
        return new Poisoned(new Dataset(data.schema(), data.x(), y), changed, done);
    }

    /**
     * Budgeted label flipping against a pipeline that filters its training data first (such as
     * {@link org.mlsec.defences.trainer.Sanitizer}): the attacker knows the filter and runs it. Each round trains the
     * victim on the labels flipped so far, flips the most confidently fit rows not tried before (as
     * {@link #flipBudget}), runs the filter over the poisoned data, and takes back the flips the filter relabels, to
     * spend that budget on other rows in the next round. After the last round the flips that the filter still undoes
     * stay in place (they cost the attacker nothing more), so the result always has {@code budget} labels flipped.
     *
     * @param data     the clean data, not changed
     * @param budget   how many labels to flip, between 1 and the number of rows minus one
     * @param victim   how the victim trains its model after filtering
     * @param filter   the victim's filter: the data it is given with some labels changed (the same rows, in order)
     * @param rounds   rounds of flipping and filtering, at least 1
     * @param seed     seed of the victim's models; round r uses {@code seed + r}
     * @param progress receives one update per round
     * @return the poisoned copy with {@code budget} labels flipped
     * @throws org.mlsec.InputException if the budget or the rounds are out of range, or the filter changes the rows
     */
    static Poisoned flipPastFilter(Dataset data, int budget, TrainConfig victim,
                                          java.util.function.UnaryOperator<Dataset> filter, int rounds, long seed,
                                          Progress progress) {
        Validate.isTrue(budget > 0 && budget < data.rows(), "budget must be between 1 and the number of rows minus one,"
                + " got " + budget, "budget");
        Validate.positive(rounds, "rounds");
        Validate.notNull(filter, "filter");
        int[] y = data.y().clone();
        boolean[] changed = new boolean[y.length];
        boolean[] tried = new boolean[y.length];
        int remaining = budget;
        for (int round = 0; round < rounds && remaining > 0; round++) {
            remaining -= flipMostConfident(data, y, changed, tried, remaining, victim.withSeed(seed + round));
            if (round == rounds - 1) {
                progress.update("filter-aware flipping rounds", round + 1, rounds);
                break;
            }
            Dataset filtered = filter.apply(new Dataset(data.schema(), data.x(), y));
            Validate.isTrue(filtered.rows() == y.length, "filter must keep every row, in order", "filter");
            for (int i = 0; i < y.length; i++) {
                if (changed[i] && filtered.y()[i] != y[i]) { // caught: take the flip back, spend it elsewhere
                    y[i] = data.y()[i];
                    changed[i] = false;
                    remaining++;
                }
            }
            progress.update("filter-aware flipping rounds", round + 1, rounds);
        }
        int count = 0;
        for (boolean c : changed) {
            count += c ? 1 : 0;
        }
        return new Poisoned(new Dataset(data.schema(), data.x(), y), changed, count);
    }

    /**
     * Budgeted label flipping against a partition ensemble ({@link org.mlsec.defences.trainer.PartitionAggregation})
     * by an attacker who knows how rows are assigned to parts: a part whose rows all have one class votes that class
     * for every row, so the budget is spent on turning whole parts, cheapest first. A part costs the rows of its most
     * common class, which are flipped to its second most common (with two classes: the other class); what is left
     * of the budget when no further part can be bought flips as many of the next part's rows.
     *
     * @param data        the clean data, not changed
     * @param budget      how many labels to flip, between 1 and the number of rows minus one
     * @param partitionOf the part of each row (from its feature values)
     * @return the poisoned copy with {@code budget} labels flipped
     * @throws org.mlsec.InputException if the budget is out of range
     */
    static Poisoned flipPartitions(Dataset data, int budget, java.util.function.ToIntFunction<double[]> partitionOf) {
        Validate.isTrue(budget > 0 && budget < data.rows(), "budget must be between 1 and the number of rows minus one,"
                + " got " + budget, "budget");
        Validate.notNull(partitionOf, "partitionOf");
        int k = data.schema().classes().size();
        java.util.Map<Integer, List<Integer>> parts = new java.util.TreeMap<>();
        for (int i = 0; i < data.rows(); i++) {
            parts.computeIfAbsent(partitionOf.applyAsInt(data.row(i)), p -> new ArrayList<>()).add(i);
        }
        record Part(List<Integer> rows, int major, int second, int cost) {
        }
        List<Part> plan = new ArrayList<>();
        for (List<Integer> rows : parts.values()) {
            int[] counts = new int[k];
            rows.forEach(i -> counts[data.y()[i]]++);
            int major = 0;
            for (int c = 1; c < k; c++) {
                major = counts[c] > counts[major] ? c : major;
            }
            int second = major == 0 ? 1 : 0;
            for (int c = 0; c < k; c++) {
                second = c != major && counts[c] > counts[second] ? c : second;
            }
            plan.add(new Part(rows, major, second, counts[major]));
        }
        plan.sort(java.util.Comparator.comparingInt(Part::cost)); // stable: equal costs stay in part order
        int[] y = data.y().clone();
        boolean[] changed = new boolean[y.length];
        int left = budget;
        for (Part p : plan) {
            if (left == 0) {
                break;
            }
            for (int i : p.rows()) {
                if (left > 0 && y[i] == p.major()) {
                    y[i] = p.second();
                    changed[i] = true;
                    left--;
                }
            }
        }
        return new Poisoned(new Dataset(data.schema(), data.x(), y), changed, budget - left);
    }

    /**
     * Trains the victim on the current labels {@code y} and flips up to {@code count} rows that are not
     * {@code blocked}, those it fits most confidently first; marks them changed and blocked.
     *
     * @return how many rows were flipped
     */
    private static int flipMostConfident(Dataset data, int[] y, boolean[] changed, boolean[] blocked, int count,
                                         TrainConfig victim) {
        LocalModel m = Trainer.train(new Dataset(data.schema(), data.x(), y), victim, "victim", Progress.NONE);
        double[][] p = m.predictProba(data.x());
        Integer[] idx = new Integer[y.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        // The model's confidence in each row's current label: flipping confident, correctly fit rows moves the
        // decision most, and rows of the minority class count double (they shape the positive predictions).
        double[] share = data.classShares();
        Arrays.sort(idx, (a, b) -> Double.compare(weight(p[b], y[b], share), weight(p[a], y[a], share)));
        int flipped = 0;
        for (int q = 0; q < idx.length && flipped < count; q++) {
            int i = idx[q];
            if (!blocked[i]) {
                y[i] = 1 - Math.min(1, y[i]);
                changed[i] = true;
                blocked[i] = true;
                flipped++;
            }
        }
        return flipped;
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
