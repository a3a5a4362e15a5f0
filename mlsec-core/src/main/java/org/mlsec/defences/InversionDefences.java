package org.mlsec.defences;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlsec.Progress;
import org.mlsec.Result;
import org.mlsec.attacks.inference.AttributeInference;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.data.Split;
import org.mlsec.defences.postprocessor.HardenedOutput;
import org.mlsec.defences.trainer.DpLogisticRegression;
import org.mlsec.defences.trainer.DpRandomForest;
import org.mlsec.internal.Validate;
import org.mlsec.metrics.Evaluation;
import org.mlsec.model.Algorithm;
import org.mlsec.model.Classifier;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

/**
 * Attribute-inference defences measured with the same attack: the data is split into random halves, each defence's
 * model is trained on the first (the members), and the informed MAP attack infers the sensitive attribute of the
 * members knowing their other features and label. Each row pairs the attack's advantage over the model-free baseline
 * (with its 95% interval) with the defended model's accuracy on the other half: the privacy/utility trade-off. The
 * defences are an overfit decision tree, a random forest, the forest with rounded probabilities or labels only, and
 * differentially private logistic regression and random forest at epsilon 1.
 */
public final class InversionDefences {
    private InversionDefences() {
    }

    /**
     * One defence and the attack against it.
     *
     * @param defence         what was done, e.g. "random forest, labels only"
     * @param testAccuracy    the defended model's accuracy on the held-out half
     * @param trainingSeconds what training the defended model cost (an output hardening costs its model's training)
     * @param guarantee       its formal guarantee ("epsilon-DP, epsilon = 1"), or "none"
     * @param attack          the attack's result ({@link AttributeInference#infer})
     */
    public record Row(String defence, double testAccuracy, double trainingSeconds, String guarantee, Result attack) {
        /**
         * Validates the row.
         *
         * @param defence         what was done
         * @param testAccuracy    the defended model's accuracy on the held-out half, in [0, 1]
         * @param trainingSeconds what training the defended model cost, not negative
         * @param guarantee       its formal guarantee, or "none"
         * @param attack          the attack's result, with advantage_members and ci95_members
         * @throws org.mlsec.InputException if a part is null, the accuracy is outside [0, 1] or the attack is not
         *                                  an attribute-inference result
         */
        public Row {
            Validate.notNull(defence, "defence");
            Validate.isTrue(testAccuracy >= 0 && testAccuracy <= 1, "testAccuracy must be in [0, 1], got " + testAccuracy);
            Validate.notNull(attack, "attack");
            Validate.notNull(guarantee, "guarantee");
            Validate.isTrue(trainingSeconds >= 0, "trainingSeconds must not be negative, got " + trainingSeconds);
            Validate.isTrue(attack.metrics().containsKey("advantage_members") && attack.metrics().containsKey("ci95_members"),
                    "attack must be an attribute-inference result (advantage_members, ci95_members)");
        }

        /**
         * Accuracy of the attack on members minus that of the model-free baseline.
         *
         * @return the attack's advantage on the members
         */
        public double advantage() {
            return attack.metric("advantage_members");
        }

        /**
         * The 95% interval of {@link #advantage()}.
         *
         * @return low and high end of the interval
         */
        public double[] advantageInterval() {
            List<?> ci = (List<?>) attack.metrics().get("ci95_members");
            return new double[] {((Number) ci.get(0)).doubleValue(), ((Number) ci.get(1)).doubleValue()};
        }

        /**
         * The attack's figures with the defence and its test accuracy.
         *
         * @return the JSON object of the row, a new map
         */
        public Map<String, Object> toJson() {
            Map<String, Object> row = new LinkedHashMap<>(attack.toJson());
            row.put("defence", defence);
            row.put("test_accuracy", testAccuracy);
            row.put("training_seconds", trainingSeconds);
            row.put("guarantee", guarantee);
            return row;
        }
    }

    /**
     * The study: one row per defence, in the order above.
     *
     * @param sensitive the attribute the attack infers
     * @param rows      one row per defence
     */
    public record Study(String sensitive, List<Row> rows) {
        /**
         * Validates the study and copies the rows.
         *
         * @param sensitive the attribute the attack infers
         * @param rows      one row per defence
         * @throws org.mlsec.InputException if {@code sensitive} is null
         */
        public Study {
            Validate.notNull(sensitive, "sensitive");
            rows = List.copyOf(rows);
        }

        /**
         * The JSON object: the sensitive attribute and one object per defence.
         *
         * @return the JSON object of the study
         */
        public Map<String, Object> toJson() {
            List<Map<String, Object>> out = new ArrayList<>();
            rows.forEach(r -> out.add(r.toJson()));
            return Map.of("sensitive", sensitive, "defences", out);
        }
    }

    /**
     * Runs every defence against the attack.
     *
     * @param data         the data, split at random into members and held-out rows
     * @param sensitive    the attribute the attack infers
     * @param bounds       public bounds of the columns for the DP random forest, or null to take them from the data
     *                     (then that row says so: the bounds leak)
     * @param boundsSource where {@code bounds} come from (recorded in the DP forest's provenance)
     * @param outputs      the output hardenings measured on the forest (the CLI's default: rounded, labels only)
     * @param seed         seed of the split, the models, the output noise and the attack
     * @param progress     told about the training of the tree and the forest
     * @return one row per defence
     * @throws org.mlsec.InputException if {@code data}, {@code sensitive} or {@code outputs} is null
     */
    public static Study study(Dataset data, String sensitive, Schema bounds, String boundsSource,
                              List<org.mlsec.defences.postprocessor.OutputMode> outputs, long seed, Progress progress) {
        Validate.notNull(outputs, "outputs");
        Validate.notNull(data, "data");
        Validate.notNull(sensitive, "sensitive");
        Schema b = bounds != null ? bounds : DpRandomForest.boundsFromData(data);
        String note = bounds != null ? "" : ", bounds from data";
        Split halves = Split.random(data, 0.5, seed);
        Dataset members = halves.train();
        record Target(Classifier model, double seconds, String guarantee) {
        }
        Map<String, Target> targets = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        LocalModel tree = Trainer.train(members, TrainConfig.defaults(Algorithm.TREE).withSeed(seed), "members", progress);
        targets.put("decision tree (overfit)", new Target(tree, (System.nanoTime() - t0) / 1e9, "none"));
        t0 = System.nanoTime();
        LocalModel forest = Trainer.train(members, TrainConfig.defaults(Algorithm.RF).withSeed(seed), "members", progress);
        double forestSeconds = (System.nanoTime() - t0) / 1e9;
        targets.put("random forest", new Target(forest, forestSeconds, "none"));
        for (org.mlsec.defences.postprocessor.OutputMode mode : outputs) {
            org.mlsec.defences.postprocessor.OutputHardening h =
                    org.mlsec.defences.postprocessor.OutputHardening.forStudies(mode, seed);
            targets.put("random forest, " + h.describe(), new Target(HardenedOutput.of(forest, h), forestSeconds,
                    "none"));
        }
        t0 = System.nanoTime();
        LocalModel dpLogistic = DpLogisticRegression.train(members, 1, 1e-3, seed);
        targets.put("DP logistic regression, epsilon 1", new Target(dpLogistic, (System.nanoTime() - t0) / 1e9,
                "epsilon-DP, epsilon = 1 (objective perturbation)"));
        t0 = System.nanoTime();
        DpRandomForest.Trained dpForest = DpRandomForest.train(members, b, bounds != null ? boundsSource : "data",
                DpRandomForest.Config.of(1, seed));
        targets.put("DP random forest, epsilon 1" + note, new Target(dpForest.model(), (System.nanoTime() - t0) / 1e9,
                "epsilon-DP, epsilon = " + org.mlsec.data.Values.display(dpForest.spent().epsilon()) + (bounds != null ? ""
                        : " (not met: the feature bounds were read from the private data)")));
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, Target> e : targets.entrySet()) {
            Classifier m = e.getValue().model();
            Result r = AttributeInference.infer(m, members, halves.test(), sensitive,
                    List.of(AttributeInference.Method.MAP_INFORMED), seed, Progress.NONE).get(0);
            rows.add(new Row(e.getKey(), Evaluation.accuracy(m, halves.test()), e.getValue().seconds(),
                    e.getValue().guarantee(), r));
        }
        return new Study(sensitive, rows);
    }
}
