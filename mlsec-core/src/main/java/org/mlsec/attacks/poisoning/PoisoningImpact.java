package org.mlsec.attacks.poisoning;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlsec.Progress;
import org.mlsec.Result;
import org.mlsec.data.Condition;
import org.mlsec.data.Dataset;
import org.mlsec.data.Split;
import org.mlsec.internal.Validate;
import org.mlsec.metrics.Evaluation;
import org.mlsec.model.Inspection;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;
import org.mlsec.report.Threat;

/**
 * What a poisoning does to the model trained on the poisoned data. The data is split (stratified, seeded); the
 * training part is poisoned; a clean and a poisoned model are trained the same way on the same columns, and both are
 * measured on the clean held-out rows: accuracy, the rate at which each answers the last class (the positive answer,
 * such as "will default") in the targeted group, among everyone else and over all rows, and the column importances,
 * which show a poisoning that looks like model decay. The whole data set is poisoned as well: what an attacker would
 * write back in place of the file.
 */
public final class PoisoningImpact {
    private PoisoningImpact() {
    }

    /**
     * How the models are trained and tested.
     *
     * @param training     the configuration of both models
     * @param features     the columns they are trained on (null: every column)
     * @param testFraction share of each class held out, in (0, 1)
     * @param seed         seed of the split
     */
    public record Config(TrainConfig training, List<String> features, double testFraction, long seed) {
        /**
         * Validates the configuration and copies the features.
         *
         * @param training     the configuration of both models, required
         * @param features     the columns they are trained on (null: every column)
         * @param testFraction share of each class held out, in (0, 1)
         * @param seed         seed of the split
         * @throws org.mlsec.InputException if {@code training} is null or the fraction is outside (0, 1)
         */
        public Config {
            Validate.notNull(training, "training");
            features = features == null ? null : List.copyOf(features);
            Validate.fraction(testFraction, "testFraction");
        }

        /**
         * A tenth of the rows held out.
         *
         * @param training the configuration of both models
         * @param features the columns they are trained on (null: every column)
         * @param seed     seed of the split
         * @return the configuration
         */
        public static Config of(TrainConfig training, List<String> features, long seed) {
            return new Config(training, features, 0.1, seed);
        }
    }

    /** The group the poisoning targets, in {@link GroupRate#group()}. */
    public static final String TARGET_PREFIX = "target group: ";
    /** The rows outside the targeted group. */
    public static final String EVERYONE_ELSE = "everyone else";
    /** Every held-out row. */
    public static final String ALL = "all";

    /**
     * How often the clean and the poisoned model give the positive answer to one group of held-out rows.
     *
     * @param group  the group's name: {@link #TARGET_PREFIX} and the condition, {@link #EVERYONE_ELSE} or {@link #ALL}
     * @param rows   held-out rows in the group
     * @param before the clean model's rate, NaN for an empty group
     * @param after  the poisoned model's rate, NaN for an empty group
     */
    public record GroupRate(String group, int rows, double before, double after) {
        /**
         * Validates the rates.
         *
         * @param group  the group's name, required
         * @param rows   held-out rows in the group, not negative
         * @param before the clean model's rate, in [0, 1] unless the group is empty
         * @param after  the poisoned model's rate, in [0, 1] unless the group is empty
         * @throws org.mlsec.InputException if the name is null, rows is negative or a rate of a non-empty group is
         *                                  outside [0, 1]
         */
        public GroupRate {
            Validate.notNull(group, "group");
            Validate.isTrue(rows >= 0, "rows must not be negative, got " + rows);
            Validate.isTrue(rows == 0 || before >= 0 && before <= 1 && after >= 0 && after <= 1,
                    "before and after must be rates in [0, 1], got " + before + " and " + after);
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rows", rows);
            m.put("before", before);
            m.put("after", after);
            return m;
        }
    }

    /**
     * The measured effect.
     *
     * @param technique         the poisoning technique measured
     * @param file              the whole data set poisoned
     * @param train             the training part poisoned (what the poisoned model learnt from)
     * @param split             the clean training part and the held-out rows
     * @param clean             the model trained on the clean training part
     * @param poisoned          the model trained on the poisoned training part
     * @param positiveClass     the answer whose rates {@code groupRates} give
     * @param accuracyBefore    the clean model's accuracy on the held-out rows
     * @param accuracyAfter     the poisoned model's
     * @param groupRates        the targeted group and everyone else (for a targeted poisoning), then all rows
     * @param importancesBefore the clean model's column importances, largest first
     * @param importancesAfter  the poisoned model's
     */
    public record Impact(PoisoningAttack.Technique technique, Poisoning.Poisoned file, Poisoning.Poisoned train, Split split,
                         LocalModel clean, LocalModel poisoned, String positiveClass, double accuracyBefore,
                         double accuracyAfter, List<GroupRate> groupRates, Map<String, Double> importancesBefore,
                         Map<String, Double> importancesAfter) {
        /**
         * Validates the figures and copies the rates.
         *
         * @param technique         the poisoning technique measured, required
         * @param file              the whole data set poisoned, required
         * @param train             the training part poisoned, required
         * @param split             the clean training part and the held-out rows, required
         * @param clean             the model trained on the clean training part, required
         * @param poisoned          the model trained on the poisoned training part, required
         * @param positiveClass     the answer whose rates {@code groupRates} give, required
         * @param accuracyBefore    the clean model's accuracy on the held-out rows, in [0, 1]
         * @param accuracyAfter     the poisoned model's, in [0, 1]
         * @param groupRates        the targeted group and everyone else (for a targeted poisoning), then all rows
         * @param importancesBefore the clean model's column importances, largest first
         * @param importancesAfter  the poisoned model's
         * @throws org.mlsec.InputException if a part is null or an accuracy is outside [0, 1]
         */
        public Impact {
            Validate.notNull(technique, "technique");
            Validate.notNull(file, "file");
            Validate.notNull(train, "train");
            Validate.notNull(split, "split");
            Validate.notNull(clean, "clean");
            Validate.notNull(poisoned, "poisoned");
            Validate.notNull(positiveClass, "positiveClass");
            Validate.isTrue(accuracyBefore >= 0 && accuracyBefore <= 1, "accuracyBefore must be in [0, 1], got " + accuracyBefore);
            Validate.isTrue(accuracyAfter >= 0 && accuracyAfter <= 1, "accuracyAfter must be in [0, 1], got " + accuracyAfter);
            groupRates = List.copyOf(groupRates);
            importancesBefore = Collections.unmodifiableMap(new LinkedHashMap<>(importancesBefore));
            importancesAfter = Collections.unmodifiableMap(new LinkedHashMap<>(importancesAfter));
        }

        /**
         * The rates of the group named {@code group}; an unknown name is refused.
         *
         * @param group the group's name, as in {@link GroupRate#group()}
         * @return the group's rates
         * @throws org.mlsec.InputException if no group has that name
         */
        public GroupRate rate(String group) {
            return groupRates.stream().filter(g -> g.group().equals(group)).findFirst().orElseThrow(
                    () -> new org.mlsec.InputException("no group '" + group + "'; the groups are "
                            + groupRates.stream().map(GroupRate::group).toList()));
        }

        /**
         * The figures under their JSON keys; always a finding: the data was poisoned; the figures say how much it
         * matters.
         *
         * @return the result of the measurement
         */
        public Result toResult() {
            Map<String, Object> rates = new LinkedHashMap<>();
            groupRates.forEach(g -> rates.put(g.group(), g.toJson()));
            return Result.of(Threat.POISONING, technique.key())
                    .metric("clean_accuracy_before", accuracyBefore).metric("clean_accuracy_after", accuracyAfter)
                    .metric("poisoned_rows", train.changedRows()).metric("poisoned_rows_in_file", file.changedRows())
                    .metric("group_rates", rates)
                    .metric("importances_before", importancesBefore)
                    .metric("importances_after", importancesAfter)
                    .finding(true).build();
        }

        /**
         * {@link #toResult()} as the JSON object.
         *
         * @return the result's JSON object
         */
        public Map<String, Object> toJson() {
            return toResult().toJson();
        }
    }

    /**
     * Poisons {@code data} and its training part with {@code poison} and measures the two models.
     *
     * @param data     the clean data, split into a training part and held-out rows
     * @param poison   the poisoning to apply
     * @param config   how the models are trained and the data is split
     * @param progress receives the poisoning and the training of both models
     * @return the measured effect
     * @throws org.mlsec.InputException if a part is null, or the poisoning does not fit the data
     */
    public static Impact measure(Dataset data, PoisoningAttack poison, Config config, Progress progress) {
        Validate.notNull(data, "data");
        Validate.notNull(poison, "poison");
        Validate.notNull(config, "config");
        Split split = Split.stratified(data, config.testFraction(), config.seed());
        Poisoning.Poisoned file = poison.apply(data, progress);
        Poisoning.Poisoned train = poison.apply(split.train(), progress);
        List<String> keep = config.features() != null ? config.features() : data.schema().featureNames();
        LocalModel clean = Trainer.train(split.train().select(keep), config.training(), "clean training rows", progress);
        LocalModel bad = Trainer.train(train.data().select(keep), config.training(), "poisoned training rows", progress);
        Dataset test = split.test().select(keep);
        double before = Evaluation.accuracy(clean, test);
        double after = Evaluation.accuracy(bad, test);
        List<String> classes = data.schema().classes();
        String positive = classes.get(classes.size() - 1);
        List<GroupRate> rates = new ArrayList<>();
        Condition target = poison.target();
        if (target != null) {
            rates.add(rate(TARGET_PREFIX + target, clean, bad, split.test(), keep, target, true, positive));
            rates.add(rate(EVERYONE_ELSE, clean, bad, split.test(), keep, target, false, positive));
        }
        rates.add(rate(ALL, clean, bad, split.test(), keep, null, true, positive));
        return new Impact(poison.technique(), file, train, split, clean, bad, positive, before, after, rates,
                Inspection.columnImportances(clean), Inspection.columnImportances(bad));
    }

    /** The rates on the held-out rows that {@code where} selects ({@code inside}) or leaves out; null: all rows. */
    private static GroupRate rate(String name, LocalModel clean, LocalModel bad, Dataset test, List<String> keep,
                                  Condition where, boolean inside, String positive) {
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < test.rows(); i++) {
            if (where == null || where.test(test.schema(), test.row(i)) == inside) {
                rows.add(i);
            }
        }
        Dataset g = test.subset(rows.stream().mapToInt(Integer::intValue).toArray()).select(keep);
        return new GroupRate(name, g.rows(), Evaluation.answerRate(clean, g, positive), Evaluation.answerRate(bad, g, positive));
    }
}
