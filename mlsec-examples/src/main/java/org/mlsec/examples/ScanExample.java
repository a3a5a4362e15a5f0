package org.mlsec.examples;

import java.nio.file.Path;
import org.mlsec.Mlsec;
import org.mlsec.scan.ScanReport;

/**
 * Supply-chain check from Java: scans a folder of model files without loading any of them and fails (exit code 1)
 * on a finding or on a file it could not read fully, which is never reported as clean. Usage:
 * {@code ScanExample FOLDER}.
 */
public final class ScanExample {
    private ScanExample() {
    }

    /**
     * Runs the example.
     *
     * @param args the folder or file to scan
     */
    public static void main(String[] args) {
        System.exit(check(Path.of(args[0])));
    }

    /** 0 when every file was read and nothing would run on loading; 1 otherwise. */
    static int check(Path folder) {
        ScanReport scan = Mlsec.scan(folder);
        scan.findings().forEach(f -> System.out.println("FINDING " + f));
        scan.incomplete().forEach(n -> System.out.println("NOT SCANNED " + n));
        System.out.println(scan.scannedFiles().size() + " files scanned");
        return scan.findings().isEmpty() && scan.incomplete().isEmpty() ? 0 : 1;
    }
}
