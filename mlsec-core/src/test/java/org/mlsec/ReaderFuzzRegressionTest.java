package org.mlsec;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every seed and every input the fuzzer ever found, replayed through its {@link ReaderFuzzTest} target. */
class ReaderFuzzRegressionTest {
    static Stream<Path> inputs() throws IOException, URISyntaxException {
        return org.mlsec.FuzzInputs.of(ReaderFuzzRegressionTest.class, "ReaderFuzzTestInputs");
    }

    @ParameterizedTest
    @MethodSource("inputs")
    void replays(Path input) throws IOException {
        byte[] data = Files.readAllBytes(input);
        ReaderFuzzTest t = new ReaderFuzzTest();
        String target = input.getParent().getFileName().toString();
        switch (target) {
            case "csv" -> t.csv(data);
            case "mlsecModel" -> t.mlsecModel(data);
            case "sklearn" -> t.sklearn(data);
            case "xgboostJson" -> t.xgboostJson(data);
            case "xgboostUbj" -> t.xgboostUbj(data);
            case "lightgbm" -> t.lightgbm(data);
            case "onnx" -> t.onnx(data);
            case "pmml" -> t.pmml(data);
            case "bundle" -> t.bundle(data);
            case "statement" -> t.statement(data);
            default -> throw new AssertionError("no target " + target + " for " + input);
        }
        String name = input.getFileName().toString();
        if (name.startsWith("seed-") && !name.startsWith("seed-refused-")) { // a valid input, which the reader takes
            assertTrue(t.accepted, input + " is a seed, but its reader refused it");
        }
    }
}
