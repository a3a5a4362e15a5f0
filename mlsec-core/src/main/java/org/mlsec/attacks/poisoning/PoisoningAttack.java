package org.mlsec.attacks.poisoning;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import java.util.function.UnaryOperator;
import org.mlsec.Progress;
import org.mlsec.data.Condition;
import org.mlsec.data.Dataset;
import org.mlsec.internal.Validate;
import org.mlsec.model.TrainConfig;

/**
 * One way of poisoning training data, as a value that can be applied to any data set of the same columns: targeted
 * edits of the rows a condition selects, random label flips, or label flips chosen greedily against a victim model
 * within a budget, also by an attacker who knows the victim's filter or partition ensemble (see {@link Poisoning} for
 * each algorithm). {@link #apply} is the family's one verb. {@link PoisoningImpact} applies one to a training set
 * and measures what it does to the model.
 */
public sealed interface PoisoningAttack {
    /** The technique, named in results as {@link #key()}. */
    enum Technique {
        /** Edits of the rows a condition selects ({@link Targeted}). */
        TARGETED("targeted"),
        /** Label flips of a random share of the rows ({@link RandomFlip}). */
        RANDOM_FLIP("random-flip"),
        /** Label flips chosen greedily against a victim model ({@link BudgetFlip}). */
        BUDGET_FLIP("budget-flip"),
        /** Greedy label flips against a victim that filters its data first, the filter known ({@link FilterAwareFlip}). */
        FILTER_AWARE_FLIP("filter-aware-flip"),
        /** Label flips that turn whole parts of a partition ensemble, cheapest first ({@link PartitionFlip}). */
        PARTITION_FLIP("partition-flip");

        private final String key;

        Technique(String key) {
            this.key = key;
        }

        /**
         * The name results use.
         *
         * @return the technique's key, such as {@code random-flip}
         */
        public String key() {
            return key;
        }
    }

    /**
     * Which of the three techniques this is.
     *
     * @return the technique
     */
    Technique technique();

    /**
     * Poisons a copy of {@code data}; {@code data} is not changed.
     *
     * @param data     the clean data
     * @param progress receives the rounds of a budgeted flip
     * @return the poisoned copy and which rows changed
     */
    Poisoning.Poisoned apply(Dataset data, Progress progress);

    /**
     * The rows the poisoning aims at, or null when it aims at no group in particular (label flips).
     *
     * @return the condition selecting the targeted rows, or null
     */
    default Condition target() {
        return null;
    }

    /**
     * Sets columns (the label included) and scales numeric columns in every row {@code where} selects.
     *
     * @param where which rows to edit
     * @param set   COLUMN to VALUE, e.g. the label to 1
     * @param scale COLUMN to FACTOR, e.g. limit to 0.65
     */
    record Targeted(Condition where, Map<String, String> set, Map<String, Double> scale) implements PoisoningAttack {
        /**
         * Validates the attack and copies the maps, keeping their order.
         *
         * @param where which rows to edit, required
         * @param set   COLUMN to VALUE, required (may be empty)
         * @param scale COLUMN to FACTOR, required (may be empty)
         * @throws org.mlsec.InputException if a part is null
         */
        public Targeted {
            Validate.notNull(where, "where");
            set = Collections.unmodifiableMap(new LinkedHashMap<>(Validate.notNull(set, "set")));
            scale = Collections.unmodifiableMap(new LinkedHashMap<>(Validate.notNull(scale, "scale")));
        }

        @Override
        public Technique technique() {
            return Technique.TARGETED;
        }

        @Override
        public Poisoning.Poisoned apply(Dataset data, Progress progress) {
            return Poisoning.targeted(data, where, set, scale);
        }

        @Override
        public Condition target() {
            return where;
        }
    }

    /**
     * Flips the labels of a random share {@code rate} of the rows, drawn with {@code seed}.
     *
     * @param rate the probability that each row is flipped, in (0, 1)
     * @param seed seed of the choice of rows and of the new classes
     */
    record RandomFlip(double rate, long seed) implements PoisoningAttack {
        /**
         * Validates the rate.
         *
         * @param rate the probability that each row is flipped, in (0, 1)
         * @param seed seed of the choice of rows and of the new classes
         * @throws org.mlsec.InputException if the rate is outside (0, 1)
         */
        public RandomFlip {
            Validate.isTrue(rate > 0 && rate < 1, "rate must be in (0, 1), got " + rate);
        }

        @Override
        public Technique technique() {
            return Technique.RANDOM_FLIP;
        }

        @Override
        public Poisoning.Poisoned apply(Dataset data, Progress progress) {
            return Poisoning.flipRandom(data, rate, seed);
        }
    }

    /**
     * Flips {@code budget} labels chosen greedily against a model trained with {@code victim} on {@code features}
     * (null: every column); every column is kept in the poisoned data.
     *
     * @param budget   how many labels to flip
     * @param features the columns the victim's model sees, or null for every column
     * @param victim   how the victim trains its model
     * @param seed     seed of the victim's models
     */
    record BudgetFlip(int budget, List<String> features, TrainConfig victim, long seed) implements PoisoningAttack {
        /**
         * Validates the attack and copies the features.
         *
         * @param budget   how many labels to flip, positive
         * @param features the columns the victim's model sees, or null for every column
         * @param victim   how the victim trains its model, required
         * @param seed     seed of the victim's models
         * @throws org.mlsec.InputException if the budget is not positive or the victim is null
         */
        public BudgetFlip {
            Validate.positive(budget, "budget");
            features = features == null ? null : List.copyOf(features);
            Validate.notNull(victim, "victim");
        }

        @Override
        public Technique technique() {
            return Technique.BUDGET_FLIP;
        }

        @Override
        public Poisoning.Poisoned apply(Dataset data, Progress progress) {
            Dataset seen = features == null ? data : data.select(features);
            Poisoning.Poisoned p = Poisoning.flipBudget(seen, budget, victim.withSeed(seed), seed, progress);
            return new Poisoning.Poisoned(new Dataset(data.schema(), data.x(), p.data().y()), p.changed(), p.changedRows());
        }
    }

    /**
     * Flips {@code budget} labels greedily against a victim that trains with {@code victim} after running
     * {@code filter} over its data, the attacker knowing the filter: the flips the filter undoes are taken back and
     * spent on other rows, for {@code rounds} rounds.
     *
     * @param budget how many labels to flip
     * @param victim how the victim trains its model after filtering
     * @param filter the victim's filter: the data it is given with some labels changed (the same rows, in order)
     * @param rounds rounds of flipping and filtering
     * @param seed   seed of the victim's models; round r uses {@code seed + r}
     */
    record FilterAwareFlip(int budget, TrainConfig victim, UnaryOperator<Dataset> filter, int rounds, long seed)
            implements PoisoningAttack {
        /**
         * Validates the attack.
         *
         * @param budget how many labels to flip, positive
         * @param victim how the victim trains its model, required
         * @param filter the victim's filter, required
         * @param rounds rounds of flipping and filtering, at least 1
         * @param seed   seed of the victim's models
         * @throws org.mlsec.InputException if the budget or the rounds are not positive, or a part is null
         */
        public FilterAwareFlip {
            Validate.positive(budget, "budget");
            Validate.notNull(victim, "victim");
            Validate.notNull(filter, "filter");
            Validate.positive(rounds, "rounds");
        }

        @Override
        public Technique technique() {
            return Technique.FILTER_AWARE_FLIP;
        }

        @Override
        public Poisoning.Poisoned apply(Dataset data, Progress progress) {
            return Poisoning.flipPastFilter(data, budget, victim, filter, rounds, seed, progress);
        }
    }

    /**
     * Flips {@code budget} labels against a partition ensemble by an attacker who knows each row's part: whole parts
     * are turned to one class, cheapest first.
     *
     * @param budget      how many labels to flip
     * @param partitionOf the part of each row, from its feature values
     */
    record PartitionFlip(int budget, ToIntFunction<double[]> partitionOf) implements PoisoningAttack {
        /**
         * Validates the attack.
         *
         * @param budget      how many labels to flip, positive
         * @param partitionOf the part of each row, required
         * @throws org.mlsec.InputException if the budget is not positive or the partition is null
         */
        public PartitionFlip {
            Validate.positive(budget, "budget");
            Validate.notNull(partitionOf, "partitionOf");
        }

        @Override
        public Technique technique() {
            return Technique.PARTITION_FLIP;
        }

        @Override
        public Poisoning.Poisoned apply(Dataset data, Progress progress) {
            return Poisoning.flipPartitions(data, budget, partitionOf);
        }
    }
}
