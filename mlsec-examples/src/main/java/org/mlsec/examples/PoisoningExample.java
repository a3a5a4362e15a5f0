package org.mlsec.examples;

import java.nio.file.Path;
import org.mlsec.Mlsec;
import org.mlsec.data.Dataset;
import org.mlsec.defences.detector.SnapshotDiff;

/**
 * Data poisoning from Java: before retraining on new data, compare it with the last trusted snapshot. Reads both
 * files (the new one in the snapshot's schema) and runs {@link SnapshotDiff}: feature shifts, the label rate, and the
 * subgroup whose label rate moved most — a targeted edit of a group's labels looks like that, not like drift. Exits 1
 * when the diff is a finding. Usage: {@code PoisoningExample TRUSTED.csv NEW.csv LABEL}.
 */
public final class PoisoningExample {
    private PoisoningExample() {
    }

    /**
     * Compares and prints the largest subgroup change.
     *
     * @param trusted the trusted snapshot
     * @param fresh   the new data, in the snapshot's schema
     * @return 1 when the new data differs in ways drift does not explain, else 0
     */
    public static int check(Dataset trusted, Dataset fresh) {
        SnapshotDiff.Report diff = Mlsec.diff(trusted, fresh);
        System.out.printf("label rate %.3f -> %.3f; %d changed subgroup(s)%s%n", diff.labelRateBefore(),
                diff.labelRateAfter(), diff.subgroups().size(),
                diff.subgroups().isEmpty() ? "" : ", most: " + diff.subgroups().get(0).description());
        return diff.finding() ? 1 : 0;
    }

    /**
     * Runs the example; the exit status is {@link #check}'s.
     *
     * @param args the trusted snapshot, the new data and the label column
     */
    public static void main(String[] args) {
        Dataset trusted = Mlsec.read(Path.of(args[0]), args[2]);
        Dataset fresh = Mlsec.read(Path.of(args[1]), trusted, args[2]);
        System.exit(check(trusted, fresh));
    }
}
