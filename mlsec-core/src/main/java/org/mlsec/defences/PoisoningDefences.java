package org.mlsec.defences;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.mlsec.Progress;
import org.mlsec.Result;
import org.mlsec.attacks.poisoning.Poisoning;
import org.mlsec.attacks.poisoning.PoisoningAttack;
import org.mlsec.data.Dataset;
import org.mlsec.data.Split;
import org.mlsec.defences.trainer.PartitionAggregation;
import org.mlsec.defences.trainer.Sanitizer;
import org.mlsec.internal.Validate;
import org.mlsec.metrics.Evaluation;
import org.mlsec.metrics.Metrics;
import org.mlsec.model.Algorithm;
import org.mlsec.model.Classifier;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;
import org.mlsec.report.Threat;

/**
 * Poisoning defences measured against an adaptive attacker with the same budget of label flips. The data is split
 * (stratified, seeded); each defended pipeline is trained on the clean training part and, separately, on the
 * training part poisoned by the attack that knows the pipeline; both models are measured on the clean held-out
 * rows. The attack's success is the poisoning impact that {@link org.mlsec.attacks.poisoning.PoisoningImpact}
 * reports, the drop in held-out accuracy, together with the share of held-out answers the poisoning changed.
 * <ul>
 * <li><b>no defence</b>: the model as trained, against budgeted greedy flips ({@link PoisoningAttack.BudgetFlip});</li>
 * <li><b>sanitisation</b>: {@link Sanitizer} (implausible subgroups, then kNN label consistency unless turned off)
 *     before training, against flips that the attacker checks against the same sanitiser and moves elsewhere when
 *     it undoes them ({@link PoisoningAttack.FilterAwareFlip}); no guarantee;</li>
 * <li><b>partition aggregation</b>: {@link PartitionAggregation} (one model per hashed disjoint part, majority
 *     vote), against flips that turn whole parts, cheapest first ({@link PoisoningAttack.PartitionFlip}); the guarantee
 *     is each held-out row's certified poisoning size, summarised by its median and by the share of rows certified
 *     at the attack's budget or more, and checked: no such row may change its answer under the attack.</li>
 * </ul>
 */
public final class PoisoningDefences {
    private PoisoningDefences() {
    }

    /**
     * How the study is run.
     *
     * @param training          how the undefended (and the sanitised) model is trained; the greedy attacks' victim
     * @param budget            the attacker's label flips
     * @param partitions        parts of the partition ensemble
     * @param partitionTraining how each part's model is trained
     * @param knn               whether sanitisation adds kNN label consistency to the implausible subgroups
     * @param filterRounds      rounds of the filter-aware attack on sanitisation
     * @param testFraction      share of each class held out, in (0, 1)
     * @param seed              seed of the split, the models, the hash of the parts and the sanitiser
     */
    public record Config(TrainConfig training, int budget, int partitions, TrainConfig partitionTraining, boolean knn,
                         int filterRounds, double testFraction, long seed) {
        /**
         * Validates the configuration.
         *
         * @param training          how the undefended model is trained, required
         * @param budget            the attacker's label flips, positive
         * @param partitions        parts of the partition ensemble, at least 2
         * @param partitionTraining how each part's model is trained, required
         * @param knn               whether sanitisation adds kNN label consistency
         * @param filterRounds      rounds of the filter-aware attack, positive
         * @param testFraction      share of each class held out, in (0, 1)
         * @param seed              seed of every random choice
         * @throws org.mlsec.InputException if a value is out of range or a configuration is null
         */
        public Config {
            Validate.notNull(training, "training");
            Validate.positive(budget, "budget");
            Validate.atLeast(partitions, 2, "partitions");
            Validate.notNull(partitionTraining, "partitionTraining");
            Validate.positive(filterRounds, "filterRounds");
            Validate.fraction(testFraction, "testFraction");
        }

        /**
         * {@code budget} flips; 500 parts of single decision trees; sanitisation with kNN; three filter-aware rounds;
         * a tenth of the rows held out.
         *
         * @param training how the undefended model is trained
         * @param budget   the attacker's label flips
         * @param seed     seed of every random choice
         * @return the configuration
         */
        public static Config of(TrainConfig training, int budget, long seed) {
            return new Config(training, budget, 500, TrainConfig.defaults(Algorithm.TREE), true, 3, 0.1, seed);
        }
    }

    /** One defended pipeline and the attack that knows it. */
    private record Defence(String name, String attack, Function<Dataset, Classifier> pipeline,
                           Function<Dataset, Poisoning.Poisoned> poison, String guarantee, UnaryOperator<Dataset> filter) {
    }

    /**
     * Trains, poisons and retrains each defence; one Result per defence, in the order no defence, sanitisation,
     * partition aggregation. Metrics: {@code defence, attack, guarantee, budget, poisoned_rows, clean_accuracy_before,
     * clean_accuracy_after, accuracy_drop, answers_changed, auc_before, auc_after, training_ms, attack_ms}; the
     * sanitisation row adds {@code relabelled_clean} (rows it relabels in the clean data), {@code flips_undone}
     * (the filter-aware attack's flips it still undoes) and {@code greedy_flips_undone} (how many of the undefended
     * row's greedy flips, which do not know the filter, it undoes); the partition row {@code partitions, median_certified_size,
     * certified_share_at_budget, certified_rows_changed} (held-out rows certified at the budget whose answer the
     * attack changed: 0 unless the certificate is wrong).
     *
     * @param data     the clean labelled data
     * @param config   the study's settings
     * @param progress receives one update per defence and the attacks' rounds
     * @return one result per defence
     * @throws org.mlsec.InputException if the budget or the parts exceed the training rows
     */
    public static List<Result> study(Dataset data, Config config, Progress progress) {
        Validate.notNull(data, "data");
        Validate.notNull(config, "config");
        Validate.isTrue(data.labelled(), "the poisoning defences need labelled rows: give the label column", "label");
        Split split = Split.stratified(data, config.testFraction(), config.seed());
        Dataset train = split.train();
        Dataset test = split.test();
        Validate.isTrue(config.budget() < train.rows(), "budget must be below the " + train.rows()
                + " training rows, got " + config.budget(), "budget");
        Validate.isTrue(config.partitions() <= train.rows(), "partitions must be at most the " + train.rows()
                + " training rows, got " + config.partitions(), "partitions");
        long seed = config.seed();
        TrainConfig base = config.training().withSeed(seed);
        TrainConfig part = config.partitionTraining().withSeed(seed);
        int k = config.partitions();
        // Each data set is sanitised once: the rows it relabels are counted after training, without running it again.
        java.util.Map<Dataset, Dataset> sanitised = new java.util.IdentityHashMap<>();
        UnaryOperator<Dataset> sanitise = d -> sanitised.computeIfAbsent(d,
                x -> Sanitizer.sanitize(x, config.knn(), seed, Progress.NONE).data());
        List<Defence> defences = List.of(
                new Defence("none (" + base.algorithm().flag() + ", as trained)", "greedy label flips",
                        d -> Trainer.train(d, base, "defend-poisoning", Progress.NONE),
                        d -> new PoisoningAttack.BudgetFlip(config.budget(), null, base, seed).apply(d, progress), "none",
                        null),
                new Defence("sanitisation (implausible subgroups" + (config.knn() ? " + kNN label consistency" : "") + ")",
                        "filter-aware greedy flips (" + config.filterRounds() + " rounds)",
                        d -> Trainer.train(sanitise.apply(d), base, "defend-poisoning", Progress.NONE),
                        d -> new PoisoningAttack.FilterAwareFlip(config.budget(), base, sanitise, config.filterRounds(), seed)
                                .apply(d, progress), "none (a heuristic filter)", sanitise),
                new Defence("partition aggregation (DPA, " + k + " parts of " + part.algorithm().flag() + ")",
                        "partition-aware flips (whole parts, cheapest first)",
                        d -> PartitionAggregation.train(d, k, part, seed, Progress.NONE),
                        d -> new PoisoningAttack.PartitionFlip(config.budget(),
                                row -> PartitionAggregation.partition(row, k, seed)).apply(d, progress),
                        "certified poisoning size per row", null));
        List<Result> out = new ArrayList<>();
        int done = 0;
        Poisoning.Poisoned greedy = null; // the undefended row's flips: what a filter catches of an attack unaware of it
        for (Defence d : defences) {
            long t0 = System.nanoTime();
            Classifier clean = d.pipeline().apply(train);
            long trainMs = (System.nanoTime() - t0) / 1_000_000;
            long t1 = System.nanoTime();
            Poisoning.Poisoned poisoned = d.poison().apply(train);
            long attackMs = (System.nanoTime() - t1) / 1_000_000;
            greedy = greedy == null ? poisoned : greedy;
            Classifier bad = d.pipeline().apply(poisoned.data());
            int[] before = clean.predict(test.x());
            int[] after = bad.predict(test.x());
            int changed = 0;
            for (int i = 0; i < before.length; i++) {
                changed += before[i] != after[i] ? 1 : 0;
            }
            double accBefore = Evaluation.accuracy(clean, test);
            double accAfter = Evaluation.accuracy(bad, test);
            Result.Builder b = Result.of(Threat.POISONING, "defence").metric("defence", d.name()).metric("attack", d.attack())
                    .metric("guarantee", d.guarantee()).metric("budget", config.budget())
                    .metric("poisoned_rows", poisoned.changedRows())
                    .metric("clean_accuracy_before", accBefore).metric("clean_accuracy_after", accAfter)
                    .metric("accuracy_drop", accBefore - accAfter)
                    .metric("answers_changed", (double) changed / Math.max(1, before.length))
                    .metric("auc_before", Metrics.auc(test.y(), clean.predictProba(test.x())))
                    .metric("auc_after", Metrics.auc(test.y(), bad.predictProba(test.x())))
                    .metric("training_ms", trainMs).metric("attack_ms", attackMs);
            if (clean instanceof PartitionAggregation dpa) {
                certificates(b, dpa, test, before, after, config.budget());
            }
            if (d.filter() != null) {
                b.metric("relabelled_clean", relabelled(train, d.filter()));
                b.metric("flips_undone", undone(poisoned, d.filter()));
                b.metric("greedy_flips_undone", undone(greedy, d.filter()));
            }
            out.add(b.finding(accBefore - accAfter > 0.01).build());
            progress.update("poisoning defences", ++done, defences.size());
        }
        return out;
    }

    /** The partition ensemble's certificates on the held-out rows, and whether the attack beat any of them. */
    private static void certificates(Result.Builder b, PartitionAggregation dpa, Dataset test, int[] before, int[] after,
                                     int budget) {
        int[] sizes = dpa.certifiedSizes(test.x());
        int atBudget = 0;
        int beaten = 0;
        for (int i = 0; i < sizes.length; i++) {
            if (sizes[i] >= budget) {
                atBudget++;
                beaten += before[i] != after[i] ? 1 : 0;
            }
        }
        double median = Metrics.quantile(Arrays.stream(sizes).asDoubleStream().toArray(), 0.5);
        b.metric("partitions", dpa.partitions()).metric("median_certified_size", median)
                .metric("certified_share_at_budget", (double) atBudget / Math.max(1, sizes.length))
                .metric("certified_rows_changed", beaten);
    }

    private static int relabelled(Dataset train, UnaryOperator<Dataset> sanitise) {
        int[] y = sanitise.apply(train).y();
        int n = 0;
        for (int i = 0; i < y.length; i++) {
            n += y[i] != train.y()[i] ? 1 : 0;
        }
        return n;
    }

    /** How many of the poisoning's flips {@code sanitise} changes again. */
    static int undone(Poisoning.Poisoned p, UnaryOperator<Dataset> sanitise) {
        int[] y = sanitise.apply(p.data()).y();
        int n = 0;
        for (int i = 0; i < y.length; i++) {
            n += p.changed()[i] && y[i] != p.data().y()[i] ? 1 : 0;
        }
        return n;
    }
}
