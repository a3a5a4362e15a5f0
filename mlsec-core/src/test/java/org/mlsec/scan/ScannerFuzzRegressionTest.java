package org.mlsec.scan;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every seed and every input the fuzzer ever found, replayed through its {@link ScannerFuzzTest} target. */
class ScannerFuzzRegressionTest {
    static Stream<Path> inputs() throws IOException, URISyntaxException {
        return org.mlsec.FuzzInputs.of(ScannerFuzzRegressionTest.class, "ScannerFuzzTestInputs");
    }

    /**
     * The inputs a fuzzing run kept for being slow under instrumentation ({@link ScannerFuzzTest#SLOW}), scanned as
     * the file name they were fuzzed as, each within one second: run by {@code bench/corpus/fuzz.sh} after a run,
     * with {@code FUZZ_SLOW=1}; skipped otherwise.
     */
    @org.junit.jupiter.api.Test
    @org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable(named = "FUZZ_SLOW", matches = "1")
    void slowInputsScanWithinOneSecondUninstrumented() throws IOException {
        long worst = 0;
        int n = 0;
        if (Files.isDirectory(ScannerFuzzTest.SLOW)) {
            try (Stream<Path> files = Files.walk(ScannerFuzzTest.SLOW)) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    String name = f.getParent().getFileName().toString().replaceFirst("-([a-z0-9]+)$", ".$1");
                    byte[] data = Files.readAllBytes(f);
                    long t0 = System.nanoTime();
                    ModelScanner.scanBytes(data, name); // warm: the first scan of a format loads its classes
                    long ms = Long.MAX_VALUE;
                    for (int k = 0; k < 3; k++) {
                        t0 = System.nanoTime();
                        ModelScanner.scanBytes(data, name);
                        ms = Math.min(ms, (System.nanoTime() - t0) / 1_000_000);
                    }
                    worst = Math.max(worst, ms);
                    n++;
                    org.junit.jupiter.api.Assertions.assertTrue(ms < 1000, f + " took " + ms + " ms uninstrumented");
                }
            }
        }
        System.err.println("fuzz: " + n + " slow-under-instrumentation inputs replayed uninstrumented; slowest "
                + worst + " ms");
    }

    @ParameterizedTest
    @MethodSource("inputs")
    void replays(Path input) throws IOException {
        byte[] data = Files.readAllBytes(input);
        ScannerFuzzTest t = new ScannerFuzzTest();
        switch (input.getParent().getFileName().toString()) {
            case "pickle" -> t.pickle(data);
            case "zip" -> t.zip(data);
            case "numpy" -> t.numpy(data);
            case "keras" -> t.keras(data);
            default -> t.archives(data);
        }
    }
}
