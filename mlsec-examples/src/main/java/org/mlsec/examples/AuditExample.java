package org.mlsec.examples;

import java.nio.file.Path;
import org.mlsec.Mlsec;
import org.mlsec.data.Dataset;
import org.mlsec.model.LocalModel;
import org.mlsec.report.Finding;
import org.mlsec.report.Severity;

/**
 * An audit of every threat from Java, as a build gate: opens a model and its labelled data, runs the quick audit with
 * the model file checked too (scan, signature if given), prints each finding and exits 1 when any is high or critical.
 * Usage: {@code AuditExample MODEL DATA.csv}.
 */
public final class AuditExample {
    private AuditExample() {
    }

    /**
     * Audits and prints the findings.
     *
     * @param modelFile the model file
     * @param data      labelled rows in the model's schema
     * @return 1 when a finding is high or critical, else 0
     */
    public static int check(Path modelFile, Dataset data) {
        LocalModel model = Mlsec.open(modelFile);
        var report = Mlsec.audit(data).model(model).modelFile(modelFile)
                .budget(org.mlsec.report.Audit.Budget.QUICK).run();
        int worst = 0;
        for (Finding f : report.findings()) {
            System.out.println(f.severity() + " " + f.threat() + ": " + f.title());
            worst = Math.max(worst, f.rank());
        }
        return worst >= Severity.HIGH.ordinal() ? 1 : 0;
    }

    /**
     * Runs the example; the exit status is {@link #check}'s.
     *
     * @param args the model file and its labelled data
     */
    public static void main(String[] args) {
        Path modelFile = Path.of(args[0]);
        System.exit(check(modelFile, Mlsec.read(Path.of(args[1]), Mlsec.open(modelFile))));
    }
}
