package org.mlsec.examples;

import java.nio.file.Path;
import org.mlsec.Mlsec;
import org.mlsec.attacks.extraction.Extraction;
import org.mlsec.data.Dataset;
import org.mlsec.model.LocalModel;

/**
 * Model stealing from Java: how many label queries does it take to copy a decision tree behind an API? Opens the
 * target (only ever asked for labels), runs path-finding extraction (Tramèr et al. 2016) with a budget of 2,000
 * queries over the attacker's rows, and prints the copy's fidelity — the share of held-out rows on which it answers as
 * the target does. Usage: {@code StealingExample MODEL ATTACKER_ROWS.csv HELD_OUT.csv}.
 */
public final class StealingExample {
    private StealingExample() {
    }

    /**
     * Runs the example.
     *
     * @param args the target model, the attacker's rows and held-out rows, both in the model's schema
     */
    public static void main(String[] args) {
        LocalModel target = Mlsec.open(Path.of(args[0]));
        Dataset known = Mlsec.read(Path.of(args[1]), target);
        Dataset heldOut = Mlsec.read(Path.of(args[2]), target);
        Extraction.Stolen copy = Mlsec.steal(target, known, Extraction.Strategy.PATH, 2_000, 1);
        var result = Extraction.evaluate(copy, target, heldOut);
        System.out.printf("fidelity %.4f after %d queries%n", result.metric("fidelity"), target.queries());
    }
}
