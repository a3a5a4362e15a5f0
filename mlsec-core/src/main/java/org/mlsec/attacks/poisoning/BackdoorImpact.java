package org.mlsec.attacks.poisoning;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.mlsec.Progress;
import org.mlsec.Result;
import org.mlsec.data.Dataset;
import org.mlsec.data.Split;
import org.mlsec.internal.Validate;
import org.mlsec.metrics.Evaluation;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Trainer;
import org.mlsec.report.Threat;

/**
 * What a trigger backdoor does to the model trained on the poisoned data. The data is split (stratified, seeded);
 * copies of training rows carrying a trigger and the target label are appended to the training part
 * ({@link Backdoor#poison}); a clean and a backdoored model are trained the same way on the same columns and measured
 * on the clean held-out rows: accuracy (a good backdoor leaves it alone), and the attack success rate of each trigger,
 * the share of held-out rows of other classes that the backdoored model gives the target class once triggered,
 * against the rate at which the clean model does so. It is a finding when the weakest trigger's success rate exceeds
 * the clean model's rate by more than {@link #FINDING_MARGIN}.
 */
public final class BackdoorImpact {
    /** How far the weakest trigger's success must exceed the clean model's rate to count as a working backdoor. */
    public static final double FINDING_MARGIN = 0.5;

    private BackdoorImpact() {
    }

    /**
     * The measured effect.
     *
     * @param train              the training part with the injected rows appended
     * @param split              the clean training part and the held-out rows
     * @param clean              the model trained on the clean training part
     * @param backdoored         the model trained on the poisoned training part
     * @param accuracyClean      the clean model's accuracy on the held-out rows
     * @param accuracyBackdoored the backdoored model's
     * @param successByTrigger   each trigger (as text) and its attack success rate on the backdoored model
     * @param attackSuccessRate  the weakest trigger's success rate (NaN when no held-out row is of another class)
     * @param triggerRateOnClean the first trigger's success rate on the clean model
     */
    public record Impact(Backdoor.Poisoned train, Split split, LocalModel clean, LocalModel backdoored,
                         double accuracyClean, double accuracyBackdoored, Map<String, Double> successByTrigger,
                         double attackSuccessRate, double triggerRateOnClean) {
        /**
         * Validates the figures and copies the per-trigger rates, keeping their order.
         *
         * @param train              the training part with the injected rows appended, required
         * @param split              the clean training part and the held-out rows, required
         * @param clean              the model trained on the clean training part, required
         * @param backdoored         the model trained on the poisoned training part, required
         * @param accuracyClean      the clean model's accuracy on the held-out rows, in [0, 1]
         * @param accuracyBackdoored the backdoored model's, in [0, 1]
         * @param successByTrigger   each trigger (as text) and its attack success rate, at least one
         * @param attackSuccessRate  the weakest trigger's success rate
         * @param triggerRateOnClean the first trigger's success rate on the clean model
         * @throws org.mlsec.InputException if a part is null, an accuracy is outside [0, 1] or no trigger is given
         */
        public Impact {
            Validate.notNull(train, "train");
            Validate.notNull(split, "split");
            Validate.notNull(clean, "clean");
            Validate.notNull(backdoored, "backdoored");
            Validate.isTrue(accuracyClean >= 0 && accuracyClean <= 1, "accuracyClean must be in [0, 1], got " + accuracyClean);
            Validate.isTrue(accuracyBackdoored >= 0 && accuracyBackdoored <= 1,
                    "accuracyBackdoored must be in [0, 1], got " + accuracyBackdoored);
            Validate.isTrue(!successByTrigger.isEmpty(), "successByTrigger must name at least one trigger");
            successByTrigger = Collections.unmodifiableMap(new LinkedHashMap<>(successByTrigger));
        }

        /**
         * Whether the backdoor works: its weakest trigger beats the clean model's rate by more than
         * {@link #FINDING_MARGIN}.
         *
         * @return true when the backdoor works
         */
        public boolean finding() {
            return attackSuccessRate > triggerRateOnClean + FINDING_MARGIN;
        }

        /**
         * {@code full} (the data {@link #measure} split) with the injected rows appended: the file an attacker writes
         * back; {@code injected()} of the result marks the appended rows.
         *
         * @param full the data {@link #measure} split, not changed
         * @return {@code full} followed by the injected rows
         */
        public Backdoor.Poisoned appendedTo(Dataset full) {
            Dataset add = injected();
            double[][] x = new double[full.rows() + add.rows()][];
            int[] y = new int[x.length];
            boolean[] mark = new boolean[x.length];
            for (int i = 0; i < x.length; i++) {
                boolean appended = i >= full.rows();
                Dataset from = appended ? add : full;
                int row = appended ? i - full.rows() : i;
                x[i] = from.row(row);
                y[i] = from.y()[row];
                mark[i] = appended;
            }
            return new Backdoor.Poisoned(new Dataset(full.schema(), x, y), mark, add.rows());
        }

        /**
         * The injected rows alone (what an attacker appends to the training file).
         *
         * @return the injected rows, in the order they were appended
         */
        public Dataset injected() {
            int first = split.train().rows();
            return train.data().subset(IntStream.range(first, train.data().rows()).toArray());
        }

        /**
         * The figures under their JSON keys; a finding when the backdoor works ({@link #finding()}).
         *
         * @return the result of the measurement
         */
        public Result toResult() {
            return Result.of(Threat.BACKDOOR, "trigger-poisoning")
                    .metric("clean_accuracy_clean_model", accuracyClean)
                    .metric("clean_accuracy_backdoored_model", accuracyBackdoored)
                    .metric("poisoned_rows", train.poisonedRows())
                    .metric("attack_success_rate", attackSuccessRate)
                    .metric("attack_success_rate_by_trigger", successByTrigger)
                    .metric("trigger_rate_on_clean_model", triggerRateOnClean)
                    .metric("test_rows", split.test().rows())
                    .finding(finding()).build();
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
     * Poisons the training part of {@code data} with {@code attack} and measures the two models; {@code config} says
     * how they are trained (its features: the columns they see) and how the data is split.
     *
     * @param data     the clean data, split into a training part and held-out rows
     * @param attack   the triggers, the target and how many rows to inject
     * @param config   how the models are trained and the data is split
     * @param progress receives the training of both models
     * @return the measured effect
     * @throws org.mlsec.InputException if a part is null, or the attack does not fit the data
     */
    public static Impact measure(Dataset data, Backdoor.Config attack, PoisoningImpact.Config config, Progress progress) {
        Validate.notNull(data, "data");
        Validate.notNull(attack, "attack");
        Validate.notNull(config, "config");
        Split split = Split.stratified(data, config.testFraction(), config.seed());
        Backdoor.Poisoned train = Backdoor.poison(split.train(), attack);
        List<String> keep = config.features() != null ? config.features() : data.schema().featureNames();
        LocalModel clean = Trainer.train(split.train().select(keep), config.training(), "clean training rows", progress);
        LocalModel bad = Trainer.train(train.data().select(keep), config.training(), "backdoored training rows", progress);
        Dataset test = split.test().select(keep);
        double worst = 1;
        Map<String, Double> perTrigger = new LinkedHashMap<>();
        for (Trigger t : attack.triggers()) {
            double asr = Backdoor.attackSuccessRate(bad, test, t, attack.target());
            perTrigger.put(t.toString(), asr);
            worst = Math.min(worst, asr);
        }
        double cleanRate = Backdoor.attackSuccessRate(clean, test, attack.triggers().get(0), attack.target());
        return new Impact(train, split, clean, bad, Evaluation.accuracy(clean, test), Evaluation.accuracy(bad, test),
                perTrigger, worst, cleanRate);
    }
}
