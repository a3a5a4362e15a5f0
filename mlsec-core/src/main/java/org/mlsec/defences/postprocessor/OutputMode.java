package org.mlsec.defences.postprocessor;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.mlsec.InputException;

/**
 * What a hardened model reveals of its probabilities. The label is always the model's own; only the scores change.
 * Each mode has a key, its spelling in the server's guard settings ({@code "output": "reverse-sigmoid"}) and on the
 * command line.
 */
public enum OutputMode {
    /** The model's probabilities, unchanged. */
    PROBABILITIES("probabilities"),
    /** Probabilities rounded to a few decimals. */
    ROUNDED("rounded"),
    /** Labels only: no probabilities at all. */
    LABEL("label"),
    /** The top class's probability kept, every other class's set to 0. */
    TOP1("top1"),
    /** The reverse-sigmoid perturbation of Lee et al. 2018: large changes to confident scores. */
    REVERSE_SIGMOID("reverse-sigmoid"),
    /** Gaussian noise added to every probability, renormalised. */
    NOISE("noise");

    private final String key;

    OutputMode(String key) {
        this.key = key;
    }

    /**
     * The spelling in settings files and on the command line.
     *
     * @return the key, such as {@code reverse-sigmoid}
     */
    public String key() {
        return key;
    }

    /**
     * The mode spelt {@code key}; an unknown key names the known ones.
     *
     * @param key the mode's key, exactly as {@link #key()} spells it
     * @return the mode
     * @throws InputException when {@code key} names no mode
     */
    public static OutputMode parse(String key) {
        for (OutputMode m : values()) {
            if (m.key.equals(key)) {
                return m;
            }
        }
        String known = Arrays.stream(values()).map(OutputMode::key).collect(Collectors.joining(", "));
        int last = known.lastIndexOf(", ");
        throw new InputException("output must be " + known.substring(0, last) + " or " + known.substring(last + 2)
                + ", got " + key);
    }
}
