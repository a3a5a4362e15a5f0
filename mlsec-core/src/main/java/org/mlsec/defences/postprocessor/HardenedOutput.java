package org.mlsec.defences.postprocessor;

import org.mlsec.MlsecException;
import org.mlsec.data.Schema;
import org.mlsec.model.Classifier;

/**
 * Output hardening in front of any model, as a model: every row's probabilities pass through one
 * {@link OutputHardening} (rounded, top class only, reverse sigmoid, noise), or the model answers labels only. The
 * predicted label is always the model's own, so accuracy does not change; what an attacker learns per query does.
 */
public final class HardenedOutput implements Classifier {
    private final Classifier model;
    private final OutputHardening hardening;

    private HardenedOutput(Classifier model, OutputHardening hardening) {
        this.model = model;
        this.hardening = hardening;
    }

    /**
     * The model behind {@code hardening}.
     *
     * @param model the model whose answers are hardened
     * @param hardening what every answer goes through
     * @return a classifier answering as {@code model}, with hardened scores
     */
    public static Classifier of(Classifier model, OutputHardening hardening) {
        return new HardenedOutput(model, hardening);
    }

    /**
     * Probabilities rounded to {@code decimals} decimals.
     *
     * @param model the model whose probabilities are rounded
     * @param decimals 0 to 15
     * @return a classifier answering as {@code model}, with rounded scores
     */
    public static Classifier rounded(Classifier model, int decimals) {
        return of(model, new OutputHardening(OutputMode.ROUNDED, decimals, 0, 0, 0));
    }

    /**
     * Labels only: {@link #predictProba} is refused, as by an API that returns only the class.
     *
     * @param model the model whose labels are served
     * @return a classifier answering {@code model}'s labels and refusing probabilities
     */
    public static Classifier labelOnly(Classifier model) {
        return of(model, new OutputHardening(OutputMode.LABEL, 0, 0, 0, 0));
    }

    /**
     * What this model's answers go through.
     *
     * @return the hardening given at construction
     */
    public OutputHardening hardening() {
        return hardening;
    }

    @Override
    public Schema schema() {
        return model.schema();
    }

    @Override
    public boolean hasProbabilities() {
        return hardening.servesProbabilities();
    }

    @Override
    public double[][] predictProba(double[][] rows) {
        if (!hardening.servesProbabilities()) {
            throw new MlsecException("this model answers labels only");
        }
        double[][] p = model.predictProba(rows);
        for (int i = 0; i < p.length; i++) {
            p[i] = hardening.harden(p[i]);
        }
        return p;
    }

    @Override
    public int[] predict(double[][] rows) {
        return model.predict(rows);
    }

    @Override
    public long queries() {
        return model.queries();
    }
}
