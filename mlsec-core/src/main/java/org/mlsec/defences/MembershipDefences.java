package org.mlsec.defences;

import java.util.ArrayList;
import java.util.List;
import org.mlsec.Progress;
import org.mlsec.Result;
import org.mlsec.attacks.inference.MembershipInference;
import org.mlsec.attacks.inference.MembershipMethod;
import org.mlsec.attacks.inference.ReferenceEngine;
import org.mlsec.attacks.inference.ReferenceRecipe;
import org.mlsec.data.Dataset;
import org.mlsec.data.Split;
import org.mlsec.metrics.Evaluation;
import org.mlsec.model.Algorithm;
import org.mlsec.model.Classifier;
import org.mlsec.model.TrainConfig;
import org.mlsec.defences.postprocessor.OutputHardening;
import org.mlsec.defences.postprocessor.OutputMode;
import org.mlsec.defences.trainer.DpRandomForest;
import org.mlsec.data.Schema;
import org.mlsec.report.Threat;

/**
 * Membership-inference defences measured with the same attack: each defence trains the target on one random half
 * of the data (the members), the attack tries to tell them from the other half, and the table pairs the attack's
 * success with the defended model's accuracy on that other half — the privacy/utility trade-off — and with the
 * target's training time and its formal guarantee (epsilon for the DP models, none otherwise). The attack's reference
 * models are trained with the defence itself, so the attacker knows the defence.
 */
public final class MembershipDefences {
    /**
     * One way of training and exposing the model, as a {@link ReferenceRecipe} (parameters only), so that an engine
     * rebuilds the defence's trainer for the attack's reference models wherever it trains them.
     */
    record Defence(String name, ReferenceRecipe recipe, boolean labelOnly, String guarantee) {
        /** A defence without a formal guarantee. */
        Defence(String name, ReferenceRecipe recipe, boolean labelOnly) {
            this(name, recipe, labelOnly, "none");
        }

        /** What the defence does to a trained model's answers (the identity when it hardens none). */
        java.util.function.UnaryOperator<Classifier> output() {
            return recipe.output();
        }
    }

    private MembershipDefences() {
    }

    /**
     * The DP random forests of the study.
     *
     * @param bounds       public bounds of the columns, or null to take them from the data (then the rows say
     *                     that the bounds leak)
     * @param boundsSource where the bounds come from
     * @param epsilons     the budgets to try (infinity: the same random trees without noise)
     */
    public record DpForests(Schema bounds, String boundsSource, List<Double> epsilons) {
        /**
         * Copies the budgets.
         *
         * @param bounds       public bounds of the columns, or null to take them from the data
         * @param boundsSource where the bounds come from
         * @param epsilons     the budgets to try
         */
        public DpForests {
            epsilons = List.copyOf(epsilons);
        }

        /**
         * The forests at epsilon 8 and 1, with bounds from the data unless given.
         *
         * @param bounds       public bounds of the columns, or null to take them from the data
         * @param boundsSource where the bounds come from (ignored when {@code bounds} is null)
         * @return the two forests
         */
        public static DpForests of(Schema bounds, String boundsSource) {
            return new DpForests(bounds, boundsSource, List.of(8.0, 1.0));
        }

        static String label(double eps) {
            return eps == Math.rint(eps) ? Long.toString((long) eps) : Double.toString(eps);
        }

        void addTo(List<Defence> list, Dataset data) {
            Schema b = bounds != null ? bounds : DpRandomForest.boundsFromData(data);
            String src = bounds != null ? boundsSource : "training data (leaks, not covered by epsilon)";
            String note = bounds != null ? "" : ", bounds from data";
            for (double eps : epsilons) {
                String name = Double.isInfinite(eps) ? "random trees, no noise (epsilon infinity)" + note
                        : "DP random forest, epsilon " + label(eps) + note;
                String guarantee = Double.isInfinite(eps) ? "none" : "epsilon-DP, epsilon = " + label(eps)
                        + (bounds != null ? "" : " (bounds from data not covered)");
                list.add(new Defence(name, ReferenceRecipe.dpForest(b, src, DpRandomForest.Config.of(eps, 0)), false,
                        guarantee));
            }
        }
    }

    /** The output hardening rows measured unless others are asked for: rounded to 1 decimal, labels only. */
    public static final List<OutputMode> DEFAULT_OUTPUTS = List.of(OutputMode.ROUNDED, OutputMode.LABEL);

    static List<Defence> defences(TrainConfig base, int n, List<OutputMode> outputs, long noiseSeed) {
        List<Defence> list = new ArrayList<>();
        list.add(new Defence("none (" + base.algorithm().flag() + ", as trained)", ReferenceRecipe.like(base), false));
        if (base.algorithm() == Algorithm.RF || base.algorithm() == Algorithm.TREE || base.algorithm() == Algorithm.GBT) {
            // The leaf sizes of 30,000 rows (20 and 100 of a 15,000-row half), scaled down for small data.
            int half = Math.max(1, n / 2);
            int leaf = Math.max(2, Math.min(20, half / 750));
            int strong = Math.max(3, Math.min(100, half / 150));
            list.add(new Defence("regularised: max depth 8, min leaf " + leaf,
                    ReferenceRecipe.like(base.withMaxDepth(8).withMinLeaf(leaf)), false));
            list.add(new Defence("strongly regularised: max depth 4, min leaf " + strong + ", 20 trees",
                    ReferenceRecipe.like(base.withMaxDepth(4).withMinLeaf(strong).withTrees(20)), false));
        }
        for (OutputMode mode : outputs) {
            // Each model gets its own hardening (and noise generator), so reference models trained in parallel
            // draw the same noise in every run.
            list.add(new Defence("output: " + OutputHardening.forStudies(mode, noiseSeed).describe(),
                    ReferenceRecipe.like(base).withOutput(mode, noiseSeed), mode == OutputMode.LABEL));
        }
        TrainConfig lr = TrainConfig.defaults(Algorithm.LR);
        list.add(new Defence("logistic regression (no DP)", ReferenceRecipe.like(lr), false));
        for (double eps : new double[] {8, 1}) {
            list.add(new Defence("DP logistic regression, epsilon " + (int) eps, ReferenceRecipe.dpLogistic(eps, 1e-3),
                    false, "epsilon-DP, epsilon = " + (int) eps + " (standardisation from data not covered)"));
        }
        return list;
    }

    /**
     * Runs every defence against the attack; one Result per defence, with test_accuracy added. The DP random
     * forests are those of {@link DpForests#of} with bounds from the data.
     *
     * @param data       the data, split at random into members and non-members
     * @param base       the target's training configuration; the undefended row and the regularised rows use it
     * @param method     the membership attack (label-only defences are attacked label-only)
     * @param references the number of reference models the attack trains
     * @param seed       seed of the split, the training, the output noise and the attack
     * @param progress   receives one update per defence measured
     * @return one result per defence, in the order the defences were tried
     */
    public static List<Result> study(Dataset data, TrainConfig base, MembershipMethod method, int references,
                                     long seed, Progress progress) {
        return study(data, base, method, references, seed, progress, DpForests.of(null, null));
    }

    /**
     * The study with the given DP random forests among the defences, and the {@link #DEFAULT_OUTPUTS} hardening.
     *
     * @param data       the data, split at random into members and non-members
     * @param base       the target's training configuration; the undefended row and the regularised rows use it
     * @param method     the membership attack (label-only defences are attacked label-only)
     * @param references the number of reference models the attack trains
     * @param seed       seed of the split, the training, the output noise and the attack
     * @param progress   receives one update per defence measured
     * @param dp         the DP random forests to add to the defences
     * @return one result per defence, in the order the defences were tried
     */
    public static List<Result> study(Dataset data, TrainConfig base, MembershipMethod method, int references,
                                     long seed, Progress progress, DpForests dp) {
        return study(data, base, method, references, seed, progress, dp, DEFAULT_OUTPUTS);
    }

    /**
     * The study with the given DP random forests and output hardening rows ({@link OutputHardening#forStudies}
     * settings) among the defences.
     *
     * @param data       the data, split at random into members and non-members
     * @param base       the target's training configuration; the undefended row and the regularised rows use it
     * @param method     the membership attack (label-only defences are attacked label-only)
     * @param references the number of reference models the attack trains
     * @param seed       seed of the split, the training, the output noise and the attack
     * @param progress   receives one update per defence measured
     * @param dp         the DP random forests to add to the defences
     * @param outputs    the output hardening modes to measure, one row each
     * @return one result per defence, in the order the defences were tried
     */
    public static List<Result> study(Dataset data, TrainConfig base, MembershipMethod method, int references,
                                     long seed, Progress progress, DpForests dp, List<OutputMode> outputs) {
        return study(data, base, method, references, seed, progress, dp, outputs, ReferenceEngine.LOCAL);
    }

    /**
     * The study with the attack's reference models trained by {@code engine} (each defence's trainer is rebuilt
     * there from its {@link ReferenceRecipe}); the results do not depend on the engine.
     *
     * @param data       the data, split at random into members and non-members
     * @param base       the target's training configuration; the undefended row and the regularised rows use it
     * @param method     the membership attack (label-only defences are attacked label-only)
     * @param references the number of reference models the attack trains
     * @param seed       seed of the split, the training, the output noise and the attack
     * @param progress   receives one update per defence measured
     * @param dp         the DP random forests to add to the defences
     * @param outputs    the output hardening modes to measure, one row each
     * @param engine     where the reference models are trained
     * @return one result per defence, in the order the defences were tried
     */
    public static List<Result> study(Dataset data, TrainConfig base, MembershipMethod method, int references,
                                     long seed, Progress progress, DpForests dp, List<OutputMode> outputs,
                                     ReferenceEngine engine) {
        Split halves = Split.random(data, 0.5, seed);
        Dataset members = halves.train();
        Dataset nonMembers = halves.test();
        int[] all = new int[members.rows()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        List<Result> rows = new ArrayList<>();
        List<Defence> defences = defences(base, data.rows(), outputs, seed);
        dp.addTo(defences, data);
        int done = 0;
        for (Defence d : defences) {
            long t0 = System.nanoTime();
            Classifier target = d.recipe().trainer().train(members, all, seed);
            double seconds = (System.nanoTime() - t0) / 1e9;
            MembershipMethod m = d.labelOnly() ? MembershipMethod.LABEL_ONLY : method;
            MembershipInference.Report rep = MembershipInference.infer(target, members, nonMembers, null,
                    new MembershipInference.Config(m, references, seed), d.recipe().trainer(), engine, Progress.NONE);
            double acc = Evaluation.accuracy(target, nonMembers);
            Result.Builder b = Result.of(Threat.MEMBERSHIP_INFERENCE, "defence").metric("defence", d.name())
                    .metric("attack", m.key()).metric("test_accuracy", acc)
                    .metric("training_seconds", seconds).metric("guarantee", d.guarantee());
            rep.result().metrics().forEach((k, v) -> {
                if (!"method".equals(k)) {
                    b.metric(k, v);
                }
            });
            rows.add(b.finding(rep.result().finding()).build());
            progress.update("defences", ++done, defences.size());
        }
        return rows;
    }
}
