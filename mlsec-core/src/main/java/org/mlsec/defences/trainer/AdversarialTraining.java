package org.mlsec.defences.trainer;

import org.mlsec.Progress;
import org.mlsec.attacks.evasion.Evasion;
import org.mlsec.attacks.evasion.Feasibility;
import org.mlsec.data.Dataset;
import org.mlsec.internal.Validate;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

/**
 * Adversarial training with feasible adversarial examples: each round attacks training rows the model answers
 * correctly, of the class evaders leave and (as many) of the other class, adds the feasible changed rows with their
 * true labels, and retrains. The examples obey the same constraints as the attack, so the model learns from inputs an attacker can
 * really submit.
 */
public final class AdversarialTraining {
    private AdversarialTraining() {
    }

    /**
     * Trains a model, then for each round attacks training rows of both classes and retrains on the data with the
     * feasible changed rows added.
     *
     * @param train    the training data
     * @param config   how each model (the first and every retrained one) is trained
     * @param feas     the constraints the adversarial examples obey
     * @param from     the class evaders leave (such as 1, "will default")
     * @param to       the class they want
     * @param rows     training rows attacked per round
     * @param rounds   retraining rounds
     * @param seed     seed of the attack; round r uses {@code seed + r}
     * @param progress receives one update per round
     * @return the model retrained in the last round
     * @throws org.mlsec.InputException if {@code rows} or {@code rounds} is not positive
     */
    public static LocalModel train(Dataset train, TrainConfig config, Feasibility feas, int from, int to, int rows,
                                   int rounds, long seed, Progress progress) {
        Validate.positive(rows, "adversarialRows");
        Validate.positive(rounds, "rounds");
        LocalModel model = Trainer.train(train, config, "adversarial-training", Progress.NONE);
        Dataset augmented = train;
        for (int r = 0; r < rounds; r++) {
            // Changed copies keep their row's true label. Both directions, as many of each, so that the added rows
            // do not shift the class balance (which alone would move every answer towards one class).
            for (int[] direction : new int[][] {{from, to}, {to, from}}) {
                int source = direction[0];
                int[] truly = java.util.stream.IntStream.range(0, train.rows()).filter(i -> train.y()[i] == source).toArray();
                Dataset candidates = train.subset(truly);
                Evasion.Outcome o = Evasion.evade(model, candidates, feas, Evasion.Config.defaults(direction[1])
                        .withFrom(source).withRows(rows).withSeed(seed + r), Progress.NONE);
                augmented = augmented.concat(o.adversarialRows(candidates));
            }
            model = Trainer.train(augmented, config, "adversarial-training", Progress.NONE);
            progress.update("adversarial training", r + 1, rounds);
        }
        return model;
    }
}
