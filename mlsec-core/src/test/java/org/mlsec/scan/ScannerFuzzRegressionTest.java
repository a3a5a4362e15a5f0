package org.mlsec.scan;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every seed and every input the fuzzer ever found, replayed through its {@link ScannerFuzzTest} target. */
class ScannerFuzzRegressionTest {
    static Stream<Path> inputs() throws IOException, URISyntaxException {
        Path root = Path.of(ScannerFuzzRegressionTest.class.getResource("ScannerFuzzTestInputs").toURI());
        try (Stream<Path> w = Files.walk(root)) {
            List<Path> files = w.filter(Files::isRegularFile).sorted().toList();
            return files.stream();
        }
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
