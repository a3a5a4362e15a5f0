package org.mlsec.examples;

import java.nio.file.Path;
import org.mlsec.Mlsec;
import org.mlsec.data.Dataset;
import org.mlsec.defences.detector.ModelBackdoorScanner;
import org.mlsec.model.LocalModel;

/**
 * Backdoors from Java: does one value of one feature push everyone to the same answer? Opens a model and probes each
 * feature across its range on a sample of trusted rows ({@link ModelBackdoorScanner}), then prints the strongest
 * in-range probe and exits 1 when it moves more than {@link ModelBackdoorScanner#DEFAULT_THRESHOLD} of the rows —
 * the trigger a poisoned training set plants. Usage: {@code BackdoorExample MODEL TRUSTED.csv}.
 */
public final class BackdoorExample {
    private BackdoorExample() {
    }

    /**
     * Scans and prints the strongest probe.
     *
     * @param model   the model scanned
     * @param trusted trusted rows in its schema
     * @return 1 when a value pushes more than the threshold's share of rows to one class, else 0
     */
    public static int check(LocalModel model, Dataset trusted) {
        var scan = Mlsec.backdoors(model, trusted);
        if (scan.inRange().isEmpty()) {
            System.out.println("no in-range probe");
            return 0;
        }
        ModelBackdoorScanner.Probe top = scan.inRange().get(0);
        System.out.println((top.share() > ModelBackdoorScanner.DEFAULT_THRESHOLD ? "TRIGGER " : "strongest ") + top);
        return top.share() > ModelBackdoorScanner.DEFAULT_THRESHOLD ? 1 : 0;
    }

    /**
     * Runs the example; the exit status is {@link #check}'s.
     *
     * @param args the model file and a CSV of trusted rows in its schema
     */
    public static void main(String[] args) {
        LocalModel model = Mlsec.open(Path.of(args[0]));
        System.exit(check(model, Mlsec.read(Path.of(args[1]), model)));
    }
}
