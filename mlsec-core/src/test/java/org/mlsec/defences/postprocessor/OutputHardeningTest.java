package org.mlsec.defences.postprocessor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mlsec.InputException;
import org.mlsec.model.Classifier;

class OutputHardeningTest {
    static final double[][] SCORES = scores();

    static double[][] scores() {
        SplittableRandom rng = new SplittableRandom(5);
        double[][] p = new double[200][];
        for (int i = 0; i < p.length; i++) {
            double a = rng.nextDouble();
            double b = rng.nextDouble() * (1 - a);
            p[i] = new double[] {a, b, 1 - a - b};
        }
        return p;
    }

    static OutputHardening of(OutputMode mode) {
        return new OutputHardening(mode, 2, 0.2, 0.8, 42);
    }

    @Test
    void noModeChangesTheAnswer() {
        for (OutputMode mode : OutputMode.values()) {
            OutputHardening h = of(mode);
            for (double[] p : SCORES) {
                assertEquals(Classifier.argmax(p), Classifier.argmax(h.harden(p)), mode + " on " + java.util.Arrays.toString(p));
            }
        }
    }

    @Test
    void eachModeRevealsWhatItSays() {
        double[] p = {0.123456, 0.654321, 0.222223};
        assertArrayEquals(p, of(OutputMode.PROBABILITIES).harden(p), 0);
        assertArrayEquals(new double[] {0.12, 0.65, 0.22}, of(OutputMode.ROUNDED).harden(p), 1e-12);
        assertArrayEquals(new double[] {0, 0.654321, 0}, of(OutputMode.TOP1).harden(p), 0);
        for (OutputMode perturbed : new OutputMode[] {OutputMode.REVERSE_SIGMOID, OutputMode.NOISE}) {
            double[] q = of(perturbed).harden(p);
            assertEquals(1, q[0] + q[1] + q[2], 1e-9, perturbed + " still sums to 1");
            assertNotEquals(p[1], q[1], perturbed + " changes the scores");
        }
        assertFalse(of(OutputMode.LABEL).servesProbabilities());
        assertArrayEquals(new double[] {0.123456, 0.654321, 0.222223}, p, 0, "the input is never changed");
    }

    @Test
    void reverseSigmoidMovesConfidentScoresMost() {
        OutputHardening h = of(OutputMode.REVERSE_SIGMOID);
        double shiftConfident = 0.95 - h.harden(new double[] {0.95, 0.05})[0];
        double shiftUnsure = 0.6 - h.harden(new double[] {0.6, 0.4})[0];
        assertTrue(shiftConfident > shiftUnsure, shiftConfident + " vs " + shiftUnsure);
    }

    @Test
    void noiseIsSeeded() {
        OutputHardening a = new OutputHardening(OutputMode.NOISE, 0, 0.1, 0, 7);
        OutputHardening b = new OutputHardening(OutputMode.NOISE, 0, 0.1, 0, 7);
        OutputHardening c = new OutputHardening(OutputMode.NOISE, 0, 0.1, 0, 8);
        double[] p = {0.3, 0.7};
        double[] first = a.harden(p);
        assertArrayEquals(first, b.harden(p), 0);
        assertNotEquals(first[0], c.harden(p)[0]);
        assertNotEquals(first[0], a.harden(p)[0], "each answer draws fresh noise");
    }

    @Test
    void modesAreParsedByKeyAndBadSettingsRefused() {
        for (OutputMode m : OutputMode.values()) {
            assertEquals(m, OutputMode.parse(m.key()));
        }
        InputException e = assertThrows(InputException.class, () -> OutputMode.parse("fuzzy"));
        assertEquals("output must be probabilities, rounded, label, top1, reverse-sigmoid or noise, got fuzzy", e.getMessage());
        assertThrows(InputException.class, () -> new OutputHardening(OutputMode.ROUNDED, -1, 0, 0, 0));
        assertThrows(InputException.class, () -> new OutputHardening(OutputMode.NOISE, 0, -0.1, 0, 0));
        assertEquals("reverse sigmoid, beta 0.8", of(OutputMode.REVERSE_SIGMOID).describe());
    }
}
