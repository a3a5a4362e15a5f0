package org.mlsec.scan;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the scanner, one target per format (Jazzer), run with {@code JAZZER_FUZZ=1}
 * ({@code bench/corpus/fuzz.sh}, docs/benchmarks.md). Jazzer's agent instruments every class loaded after it, so
 * {@code mvn verify} does not load it: {@link ScannerFuzzRegressionTest} replays the seeds and every input that ever
 * failed (src/test/resources/org/mlsec/scan/ScannerFuzzTestInputs/TARGET/) through the same targets without
 * it. Each input must scan without an
 * exception escaping, without an internal error, within one second, and never read as clean when mlsec did not
 * understand it.
 */
@org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable(named = "JAZZER_FUZZ", matches = "1")
class ScannerFuzzTest {
    /**
     * Under Jazzer the instrumentation slows some scans (HDF5 inputs of a few milliseconds take one to three seconds
     * instrumented): such an input is kept in {@link #SLOW} and the run goes on, and {@code bench/corpus/fuzz.sh}
     * replays the kept inputs without instrumentation under the one-second oracle afterwards
     * ({@link ScannerFuzzRegressionTest#slowInputsScanWithinOneSecondUninstrumented}). An input slower than
     * {@link #HANG_MS} even so fails at once: no instrumentation explains that.
     */
    static final boolean FUZZING = "1".equals(System.getenv("JAZZER_FUZZ"));
    /** Where slow-under-instrumentation inputs are kept, one file per input named by its SHA-256. */
    static final java.nio.file.Path SLOW = java.nio.file.Path.of("target/fuzz-slow");
    static final long HANG_MS = 10_000;

    static void keepSlow(byte[] data, String name, long ms) {
        try {
            java.nio.file.Path dir = SLOW.resolve(name.replace('.', '-'));
            java.nio.file.Files.createDirectories(dir);
            byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(data);
            java.nio.file.Files.write(dir.resolve(java.util.HexFormat.of().formatHex(h)), data);
            System.err.println("fuzz: kept an input of " + data.length + " bytes that took " + ms + " ms as " + name);
        } catch (java.io.IOException | java.security.NoSuchAlgorithmException e) {
            throw new AssertionError("cannot keep a slow input: " + e, e);
        }
    }

    static void check(byte[] data, String name) {
        long t0 = System.nanoTime();
        ScanReport r = ModelScanner.scanBytes(data, name);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        // The first input to reach new code pays for loading and instrumenting it, and a busy machine stalls any
        // one run: an input is slow when it is slow three times (the fastest run counts), as a real slowness is.
        for (int again = 0; again < 2 && ms >= 1000; again++) {
            t0 = System.nanoTime();
            r = ModelScanner.scanBytes(data, name);
            ms = Math.min(ms, (System.nanoTime() - t0) / 1_000_000);
        }
        if (ms >= 1000 && FUZZING && ms < HANG_MS) {
            keepSlow(data, name, ms); // replayed without instrumentation, under the one-second oracle, after the run
        } else {
            assertTrue(ms < 1000, "took " + ms + " ms");
        }
        for (ScanReport.Note n : r.errors()) {
            assertFalse(n.description().startsWith(ModelScanner.INTERNAL), n.toString());
        }
        if (r.exitCode() == ScanReport.CLEAN) {
            assertTrue(r.scannedFiles().size() == 1 || r.skipped().stream().noneMatch(ScanReport.Note::incomplete));
        }
    }

    @FuzzTest(maxDuration = "8m", maxExecutions = 1_000_000)
    void pickle(byte[] data) {
        check(data, "model.pkl");
    }

    @FuzzTest(maxDuration = "3m", maxExecutions = 1_000_000)
    void zip(byte[] data) {
        byte[] z = data.length >= 4 ? data : new byte[] {'P', 'K', 3, 4};
        z[0] = 'P';
        z[1] = 'K';
        z[2] = 3;
        z[3] = 4;
        check(z, "model.pt");
    }

    @FuzzTest(maxDuration = "3m", maxExecutions = 1_000_000)
    void numpy(byte[] data) {
        byte[] n = new byte[data.length + 8];
        System.arraycopy(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}, 0, n, 0, 8);
        System.arraycopy(data, 0, n, 8, data.length);
        check(n, "a.npy");
    }

    @FuzzTest(maxDuration = "90m", maxExecutions = 1_000_000)
    void keras(byte[] data) {
        byte[] n = new byte[data.length + 8];
        System.arraycopy(new byte[] {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'}, 0, n, 0, 8);
        System.arraycopy(data, 0, n, 8, data.length);
        check(n, "m.h5");
        check(data, "config.json");
    }

    @FuzzTest(maxDuration = "20m", maxExecutions = 1_000_000)
    void archives(byte[] data) {
        check(data, "m.7z");
        check(data, "m.tar");
        check(data, "m.joblib");
    }
}
