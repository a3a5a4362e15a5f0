package org.mlsec.model;

import org.mlsec.InputException;
import org.mlsec.Progress;
import org.mlsec.data.Dataset;
import org.mlsec.model.linear.LogisticTrainer;
import org.mlsec.model.tree.BoostingTrainer;
import org.mlsec.model.tree.ForestTrainer;

/** Trains a model of any family from a labelled dataset. */
public final class Trainer {
    private Trainer() {
    }

    /**
     * Trains the configured family on labelled rows, with its provenance (the data's fingerprint and source, the
     * hyperparameters).
     *
     * @param train the labelled training rows
     * @param config the family, hyperparameters and seed
     * @param source where the data came from, for the provenance
     * @param progress told the training's progress
     * @return the trained model
     * @throws InputException when the rows are unlabelled or all of one class
     */
    public static LocalModel train(Dataset train, TrainConfig config, String source, Progress progress) {
        if (!train.labelled()) {
            throw InputException.about("training needs labelled data: give the label column", "label");
        }
        int[] counts = new int[train.schema().classes().size()];
        for (int c : train.y()) {
            counts[c]++;
        }
        int present = 0;
        String only = null;
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] > 0) {
                present++;
                only = train.schema().classes().get(c);
            }
        }
        if (present < 2) {
            throw new InputException("every training row of the label column '" + train.schema().label()
                    + "' has the class '" + only + "'; a classifier needs at least two classes");
        }
        switch (config.algorithm()) {
            case RF:
            case TREE:
                return ForestTrainer.train(train, config, source, progress);
            case GBT:
                return BoostingTrainer.train(train, config, source, progress);
            case LR:
                return LogisticTrainer.train(train, config, source, progress);
            default:
                throw new IllegalStateException(config.algorithm().toString());
        }
    }
}
