package org.mlsec.attacks.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.mlsec.Progress;
import org.mlsec.Result;
import org.mlsec.data.Column;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.internal.Validate;
import org.mlsec.metrics.Roc;
import org.mlsec.model.Algorithm;
import org.mlsec.model.Classifier;
import org.mlsec.model.FeatureEncoder;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;
import org.mlsec.model.tree.ForestTrainer;
import org.mlsec.model.tree.TreeGrower;
import org.mlsec.report.Threat;

/**
 * Membership inference: was a given row in the target's training data? All attacks are black-box. Reference (or
 * shadow) models are trained like the target on random halves of the pooled candidates — the standard evaluation
 * protocol: the attacker knows the candidate pool, not the membership — or on a separate population. Decision
 * thresholds are calibrated on a reference model, never on the membership labels being evaluated.
 */
public final class MembershipInference {
    /** Perturbation scales (share of a feature's spread) and copies per scale for the label-only attack. */
    static final double[] LABEL_ONLY_SCALES = {0.01, 0.03, 0.1, 0.3};
    static final int LABEL_ONLY_COPIES = 4;

    /**
     * @param method     the attack
     * @param references reference or shadow models
     * @param seed       every random choice
     */
    public record Config(MembershipMethod method, int references, long seed) {
        /**
         * Checks the method is given and the references are 1 to 256.
         *
         * @param method the attack
         * @param references reference or shadow models
         * @param seed every random choice
         */
        public Config {
            Validate.notNull(method, "method");
            Validate.isTrue(references >= 1, "references must be at least 1, got " + references, "references");
            Validate.isTrue(references <= 256, "references must be at most 256, got " + references, "references");
            Validate.isTrue(method != MembershipMethod.LIRA || references >= 2,
                    "online LiRA needs at least 2 references (use lira-offline with 1)");
        }
    }

    /** Trains a model the way the target was trained, on some rows of a pool. */
    @FunctionalInterface
    public interface ReferenceTrainer {
        /**
         * Trains one reference model.
         *
         * @param pool the rows to choose from
         * @param rows the indices of {@code pool} to train on, sorted
         * @param seed the reference's own training seed
         * @return the trained model
         */
        Classifier train(Dataset pool, int[] rows, long seed);
    }

    /** The outcome, with the ROC curve and every candidate's score. */
    public record Report(Result result, Roc roc, double[] scores, boolean[] member) {
        /**
         * Area under the ROC curve: 0.5 is guessing, 1 tells every member from every non-member.
         *
         * @return the AUC
         */
        public double auc() {
            return roc.auc();
        }

        /**
         * Share of members found while at most {@code maxFpr} of the non-members are wrongly called members.
         *
         * @param maxFpr the largest false-positive rate allowed, 0 to 1
         * @return the true-positive rate at that point of the ROC curve
         */
        public double tprAtFpr(double maxFpr) {
            return roc.tprAtFpr(maxFpr);
        }
    }

    private MembershipInference() {
    }

    /**
     * Reference models trained like a local target: same family and hyperparameters, read from its provenance; a
     * DP random forest's references are DP random forests on the bounds it records. Either way the trainer is
     * {@link ReferenceRecipe.Described}, so engines rebuild it elsewhere from its parameters.
     *
     * @param target the white-box target
     * @return a trainer of look-alikes
     */
    public static ReferenceRecipe.Described like(LocalModel target) {
        if ("dp_random_forest".equals(target.provenance().algorithm())) { // the attacker knows the defence
            return ReferenceRecipe.dpForest(target.schema(), "the target's bounds",
                    org.mlsec.defences.trainer.DpRandomForest.configOf(target)).trainer();
        }
        Algorithm a = Algorithm.ofKind(target.kind());
        return like(TrainConfig.fromHyperparameters(a, target.provenance().hyperparameters()));
    }

    /**
     * Reference models trained with the given settings (forests share one presorting of the pool).
     *
     * @param config the references' family and hyperparameters; the seed is replaced by each reference's own
     * @return a trainer of look-alikes
     */
    public static Like like(TrainConfig config) {
        return new Like(config);
    }

    /** Reference models trained by mlsec's own trainer with fixed settings; engines may rebuild it from them. */
    public static final class Like implements ReferenceRecipe.Described {
        private final TrainConfig config;
        private Dataset cachedPool;
        private TreeGrower grower;

        Like(TrainConfig config) {
            this.config = Validate.notNull(config, "config");
        }

        /**
         * The settings every reference trains with (the seed is each reference's own).
         *
         * @return the settings
         */
        public TrainConfig config() {
            return config;
        }

        @Override
        public ReferenceRecipe recipe() {
            return ReferenceRecipe.like(config);
        }

        @Override
        public Classifier train(Dataset pool, int[] rows, long seed) {
            TrainConfig c = config.withSeed(seed);
            if (c.algorithm() == Algorithm.RF || c.algorithm() == Algorithm.TREE) {
                if (pool != cachedPool) {
                    grower = new TreeGrower(new FeatureEncoder(pool.schema()).encodeColumns(pool.x()));
                    cachedPool = pool;
                }
                return ForestTrainer.train(grower, pool, rows, c, "reference", Progress.NONE);
            }
            return Trainer.train(pool.subset(rows), c, "reference", Progress.NONE);
        }
    }

    /**
     * The one verb: infers membership of {@code members} and {@code nonMembers} in the target's training data.
     *
     * @param target the model attacked, only queried
     * @param members rows known to be in the training data, read in the target's schema
     * @param nonMembers rows known not to be, read in the target's schema
     * @param population other rows from the same population for the references to train on, or null to use halves
     *     of the candidates
     * @param c the method, reference count and seed
     * @param trainer how a reference is trained
     * @param progress told the references trained
     * @return the attack's figures, ROC and per-row scores
     */
    public static Report infer(Classifier target, Dataset members, Dataset nonMembers, Dataset population, Config c,
                               ReferenceTrainer trainer, Progress progress) {
        return infer(target, members, nonMembers, population, c, trainer, ReferenceEngine.LOCAL, progress);
    }

    /**
     * {@link #infer} with the reference models trained by {@code engine}; the result does not depend on it.
     *
     * @param target the model attacked, only queried
     * @param members rows known to be in the training data, read in the target's schema
     * @param nonMembers rows known not to be, read in the target's schema
     * @param population other rows from the same population for the references to train on, or null to use halves
     *     of the candidates
     * @param c the method, reference count and seed
     * @param trainer how a reference is trained
     * @param engine where the references are trained
     * @param progress told the references trained
     * @return the attack's figures, ROC and per-row scores
     */
    public static Report infer(Classifier target, Dataset members, Dataset nonMembers, Dataset population, Config c,
                               ReferenceTrainer trainer, ReferenceEngine engine, Progress progress) {
        long t0 = System.nanoTime();
        Validate.isTrue(members.rows() > 0 && nonMembers.rows() > 0, "members and non-members must not be empty");
        target.schema().requireCompatible(members.schema(), "members");
        target.schema().requireCompatible(nonMembers.schema(), "nonMembers");
        if (population != null) {
            target.schema().requireCompatible(population.schema(), "population");
        }
        Validate.isTrue(!c.method().needsProbabilities() || target.hasProbabilities(),
                "the target returns labels only: use method label-only", "method");
        Dataset pool = members.concat(nonMembers);
        boolean[] member = new boolean[pool.rows()];
        for (int i = 0; i < members.rows(); i++) {
            member[i] = true;
        }
        long queriesBefore = target.queries();
        Observation targetObs = observe(target, pool, null, c.method(), c.seed());
        long queries = target.queries() - queriesBefore;

        Dataset refData = population != null ? population : pool;
        SplittableRandom rng = new SplittableRandom(c.seed());
        int[][] halves = new int[c.references()][];
        long[] seeds = new long[c.references()];
        for (int k = 0; k < c.references(); k++) {
            halves[k] = randomHalf(refData.rows(), rng);
            seeds[k] = rng.nextLong();
        }
        ReferencePlan plan = new ReferencePlan(c.method(), c.seed(), refData, pool, halves, seeds, trainer);
        List<ReferenceScores> scored = engine.run(plan, progress);
        Validate.isTrue(scored.size() == c.references(),
                "the engine returned " + scored.size() + " references of " + c.references());
        List<Observation> refs = new ArrayList<>();
        for (int k = 0; k < c.references(); k++) {
            boolean[] in = new boolean[pool.rows()];
            if (population == null) {
                for (int i : halves[k]) {
                    in[i] = true;
                }
            }
            refs.add(new Observation(scored.get(k).pTrue(), scored.get(k).proba(), in));
        }
        int[] y = pool.y();
        double[] scores = MembershipScores.score(c.method(), targetObs, refs, y);
        double threshold = calibrate(c.method(), refs, y, scores);
        Roc roc = new Roc(member, scores);
        long tp = 0;
        long fp = 0;
        for (int i = 0; i < scores.length; i++) {
            if (scores[i] >= threshold) {
                if (member[i]) {
                    tp++;
                } else {
                    fp++;
                }
            }
        }
        double tpr = (double) tp / members.rows();
        double fpr = (double) fp / nonMembers.rows();
        long nIn = members.rows();
        long nOut = nonMembers.rows();
        double[] aucCi = Roc.aucInterval(roc.auc(), nIn, nOut);
        double lowest = Roc.lowestSupportedFpr(nOut);
        boolean at001 = Roc.supports(0.001, nOut);
        boolean at01 = Roc.supports(0.01, nOut);
        double tpr001 = roc.tprAtFpr(0.001);
        double[] tpr001Ci = Roc.wilson(tpr001, nIn);
        Result.Builder b = Result.of(Threat.MEMBERSHIP_INFERENCE, c.method().key())
                .metric("method", c.method().key())
                .metric("references", c.references())
                .metric("auc", roc.auc())
                .metric("auc_ci_low", aucCi[0])
                .metric("auc_ci_high", aucCi[1])
                .metric("balanced_accuracy", (tpr + 1 - fpr) / 2)
                .metric("advantage", tpr - fpr)
                .metric("tpr_at_fpr_0_001", tpr001)
                .metric("tpr_at_fpr_0_001_ci_low", tpr001Ci[0])
                .metric("tpr_at_fpr_0_001_ci_high", tpr001Ci[1])
                .metric("tpr_at_fpr_0_001_supported", at001)
                .metric("tpr_at_fpr_0_01", roc.tprAtFpr(0.01))
                .metric("tpr_at_fpr_0_01_supported", at01)
                .metric("lowest_supported_fpr", lowest)
                .metric("tpr_at_lowest_supported_fpr", roc.tprAtFpr(lowest))
                .metric("max_advantage", roc.maxAdvantage())
                .metric("members", nIn)
                .metric("non_members", nOut)
                .metric("target_queries", queries)
                .metric("seconds", (System.nanoTime() - t0) / 1e9)
                // Decided on what the data supports: the AUC's lower bound, and a low-FPR rate only where measurable.
                .finding(aucCi[0] > 0.6 || (at001 && tpr001Ci[0] > 0.01));
        Result r = b.build();
        return new Report(r, roc, scores, member);
    }

    /** A threshold on the scores, chosen where reference 0 (scored against the other references) is best separated. */
    static double calibrate(MembershipMethod m, List<Observation> refs, int[] y, double[] targetScores) {
        Observation pseudo = refs.get(0);
        List<Observation> others = refs.subList(1, refs.size());
        boolean selfContained = m == MembershipMethod.THRESHOLD;
        boolean hasIn = false;
        for (boolean b : pseudo.in()) {
            hasIn |= b;
        }
        if (!hasIn || (!selfContained && (others.isEmpty() || (m == MembershipMethod.LIRA && others.size() < 2)))) {
            double[] s = targetScores.clone();
            java.util.Arrays.sort(s);
            return s[s.length / 2]; // no labelled reference to learn from: the median, which uses no labels
        }
        double[] s = MembershipScores.score(m, pseudo, others, y);
        return new Roc(pseudo.in(), s).bestThreshold();
    }

    /** What the attacker sees of a model on the pool. */
    static Observation observe(Classifier model, Dataset pool, boolean[] in, MembershipMethod method, long seed) {
        int[] y = pool.y();
        if (method == MembershipMethod.LABEL_ONLY) {
            return new Observation(robustness(model, pool, seed), null, in);
        }
        double[][] p = model.predictProba(pool.x());
        double[] pTrue = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            pTrue[i] = p[i][y[i]];
        }
        return new Observation(pTrue, p, in);
    }

    /**
     * Label-only (Choquette-Choo et al. 2021): the share of randomly perturbed copies of each row, at growing
     * distances, that the model still labels correctly. Members lie further from the decision boundary.
     */
    static double[] robustness(Classifier model, Dataset pool, long seed) {
        Schema s = pool.schema();
        int d = s.width();
        double[] spread = new double[d];
        for (int j = 0; j < d; j++) {
            Column col = s.feature(j);
            if (!col.isCategorical()) {
                double mean = 0;
                for (double[] r : pool.x()) {
                    mean += r[j] / pool.rows();
                }
                double var = 0;
                for (double[] r : pool.x()) {
                    var += (r[j] - mean) * (r[j] - mean) / pool.rows();
                }
                spread[j] = Math.sqrt(var);
            }
        }
        int copies = LABEL_ONLY_SCALES.length * LABEL_ONLY_COPIES;
        int n = pool.rows();
        double[][] batch = new double[n * (copies + 1)][];
        SplittableRandom rng = new SplittableRandom(seed ^ 0x5DEECE66DL);
        for (int i = 0; i < n; i++) {
            double[] row = pool.row(i);
            batch[i * (copies + 1)] = row;
            for (int k = 0; k < copies; k++) {
                double scale = LABEL_ONLY_SCALES[k / LABEL_ONLY_COPIES];
                double[] x = row.clone();
                for (int j = 0; j < d; j++) {
                    Column col = s.feature(j);
                    if (col.isCategorical()) {
                        if (rng.nextDouble() < scale) {
                            x[j] = rng.nextInt(col.categories().size());
                        }
                    } else {
                        double v = x[j] + gaussian(rng) * scale * spread[j];
                        x[j] = col.type() == org.mlsec.data.ColumnType.INTEGER ? Math.rint(v) : v;
                    }
                }
                batch[i * (copies + 1) + k + 1] = x;
            }
        }
        int[] labels = model.predict(batch);
        int[] y = pool.y();
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            int right = 0;
            for (int k = 1; k <= copies; k++) {
                right += labels[i * (copies + 1) + k] == y[i] ? 1 : 0;
            }
            // Being right at all matters most (the gap attack); robustness to perturbation ranks within.
            boolean correct = labels[i * (copies + 1)] == y[i];
            out[i] = ((correct ? 2 : 0) + (right + 0.5) / (copies + 1.0)) / 3.0;
        }
        return out;
    }

    static double gaussian(SplittableRandom rng) {
        return Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
    }

    static int[] randomHalf(int n, SplittableRandom rng) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        org.mlsec.data.Split.shuffle(idx, rng);
        int[] half = java.util.Arrays.copyOf(idx, n / 2);
        java.util.Arrays.sort(half);
        return half;
    }
}
