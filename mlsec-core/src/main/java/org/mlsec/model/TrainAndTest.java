package org.mlsec.model;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.mlsec.InputException;
import org.mlsec.Progress;
import org.mlsec.data.Dataset;
import org.mlsec.data.Split;
import org.mlsec.internal.Validate;
import org.mlsec.metrics.Metrics;

/**
 * Train-and-test: holds out a seeded, stratified share of the rows (none when the share is 0, so that every row
 * trains), trains on the rest, and measures the model on both parts: accuracy on each, and ROC AUC on the held-out
 * rows (macro one-vs-rest for more than two classes). The figures go into the model's provenance
 * ({@code train_accuracy}, {@code test_fraction} and, when rows were held out, {@code test_accuracy}), so a saved
 * model carries how well it did.
 */
public final class TrainAndTest {
    private TrainAndTest() {
    }

    /**
     * A trained and tested model.
     *
     * @param model         the model trained on {@code split.train()}, its provenance holding the figures
     * @param split         the training part and the held-out part (empty when nothing was held out)
     * @param trainAccuracy accuracy on the training part
     * @param testAccuracy  accuracy on the held-out part, NaN when it is empty
     * @param testAuc       ROC AUC on the held-out part, NaN when it is empty or undefined
     * @param seconds       wall-clock time of splitting, training and measuring
     */
    public record Tested(LocalModel model, Split split, double trainAccuracy, double testAccuracy, double testAuc,
                         double seconds) {
        /**
         * Checks the model and split are given and the figures in range.
         *
         * @param model the model trained on {@code split.train()}, its provenance holding the figures
         * @param split the training part and the held-out part (empty when nothing was held out)
         * @param trainAccuracy accuracy on the training part
         * @param testAccuracy accuracy on the held-out part, NaN when it is empty
         * @param testAuc ROC AUC on the held-out part, NaN when it is empty or undefined
         * @param seconds wall-clock time of splitting, training and measuring
         */
        public Tested {
            Validate.notNull(model, "model");
            Validate.notNull(split, "split");
            Validate.isTrue(trainAccuracy >= 0 && trainAccuracy <= 1, "trainAccuracy must be in [0, 1], got " + trainAccuracy);
            Validate.isTrue(Double.isNaN(testAccuracy) || testAccuracy >= 0 && testAccuracy <= 1,
                    "testAccuracy must be in [0, 1] or NaN, got " + testAccuracy);
            Validate.isTrue(Double.isNaN(testAuc) || testAuc >= 0 && testAuc <= 1, "testAuc must be in [0, 1] or NaN, got " + testAuc);
            Validate.isTrue(seconds >= 0, "seconds must not be negative, got " + seconds);
        }

        /**
         * True when rows were held out (the test figures are defined).
         *
         * @return whether the test part has rows
         */
        public boolean heldOut() {
            return split.test().rows() > 0;
        }

        /**
         * The figures every training reports: algorithm and hyperparameters (from the provenance), test and train
         * accuracy, test AUC (null when undefined), the sizes of both parts and the feature names.
         *
         * @return the figures, keys in that order
         */
        public Map<String, Object> toJson() {
            Map<String, Object> res = new LinkedHashMap<>();
            res.put("algorithm", model.provenance().algorithm());
            res.put("test_accuracy", Double.isNaN(testAccuracy) ? null : testAccuracy);
            res.put("train_accuracy", trainAccuracy);
            res.put("test_auc", Double.isNaN(testAuc) ? null : testAuc);
            res.put("rows_train", split.train().rows());
            res.put("rows_test", split.test().rows());
            res.put("features", split.train().schema().featureNames());
            res.put("hyperparameters", model.provenance().hyperparameters());
            return res;
        }
    }

    /**
     * Trains with {@link Trainer} and {@code config} (its seed also splits); {@code source} names the data.
     *
     * @param all the labelled rows
     * @param config the family, hyperparameters and seed
     * @param testFraction share of each class held out, in [0, 1)
     * @param source where the data came from, for the provenance
     * @param progress told the training's progress
     * @return the model and its figures
     */
    public static Tested run(Dataset all, TrainConfig config, double testFraction, String source, Progress progress) {
        Validate.notNull(config, "config");
        return run(all, testFraction, config.seed(), train -> Trainer.train(train, config, source, progress));
    }

    /**
     * Splits with {@code seed}, trains with {@code trainer} on the training part and measures both parts.
     *
     * @param all          the labelled rows
     * @param testFraction share of each class held out, in [0, 1); 0 trains on every row
     * @param seed         of the split
     * @param trainer      trains a model (with provenance) on the rows it is given
     * @return the model and its figures
     */
    public static Tested run(Dataset all, double testFraction, long seed, Function<Dataset, LocalModel> trainer) {
        Validate.notNull(all, "data");
        Validate.isTrue(all.labelled(), "train-and-test needs labelled data");
        Validate.isTrue(testFraction >= 0 && testFraction < 1, "testFraction must be in [0, 1), got " + testFraction);
        long t0 = System.nanoTime();
        Split split = testFraction == 0 ? new Split(all, all.subset(new int[0]), null, null)
                : Split.stratified(all, testFraction, seed);
        LocalModel model = trainer.apply(split.train());
        if (model.provenance() == null) {
            throw new InputException("the trainer returned a model without provenance (" + model.kind() + ")");
        }
        double trainAcc = Metrics.accuracy(split.train().y(), model.predict(split.train().x()));
        double[][] p = model.predictProba(split.test().x());
        int[] pred = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            pred[i] = Classifier.argmax(p[i]);
        }
        double testAcc = split.test().rows() == 0 ? Double.NaN : Metrics.accuracy(split.test().y(), pred);
        double auc = split.test().rows() == 0 ? Double.NaN : Metrics.auc(split.test().y(), p);
        Map<String, Double> figures = new HashMap<>(Map.of("train_accuracy", trainAcc, "test_fraction", testFraction));
        if (!Double.isNaN(testAcc)) {
            figures.put("test_accuracy", testAcc);
        }
        model = model.withProvenance(model.provenance().withMetrics(figures));
        return new Tested(model, split, trainAcc, testAcc, auc, (System.nanoTime() - t0) / 1e9);
    }
}
