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
