package org.mlsec.examples;

import java.nio.file.Path;
import org.mlsec.Mlsec;
import org.mlsec.data.Dataset;
import org.mlsec.model.LocalModel;

/**
 * Evasion from Java: how small a change to a client's application flips the model's answer? Opens a model, reads rows
 * in its schema and searches, for each of up to 50 of them, the smallest feasible change (largest single feature
 * change, scaled by the feature's range) that makes the model answer the first class. Prints the share of rows changed
 * and the median cost; a forest whose median cost is a few percent of a range is easy to game.
 * Usage: {@code EvasionExample MODEL ROWS.csv}.
 */
public final class EvasionExample {
    private EvasionExample() {
    }

    /**
     * Runs the example.
     *
     * @param args the model file and a CSV of rows in its schema
     */
    public static void main(String[] args) {
        LocalModel model = Mlsec.open(Path.of(args[0]));
        Dataset rows = Mlsec.read(Path.of(args[1]), model);
        var result = Mlsec.evade(model, rows, 0, 50).result();
        System.out.printf("changed %.1f%% of rows, median cost %.4f%n", 100 * result.metric("success_rate"),
                result.metric("median_cost"));
    }
}
