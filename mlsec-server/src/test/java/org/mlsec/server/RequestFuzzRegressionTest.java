package org.mlsec.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every seed and every input the fuzzer ever found, replayed through {@link RequestFuzzTest#body}. */
class RequestFuzzRegressionTest {
    static Stream<Path> inputs() throws IOException, URISyntaxException {
        Path root = Path.of(RequestFuzzRegressionTest.class.getResource("RequestFuzzTestInputs").toURI());
        try (Stream<Path> w = Files.walk(root)) {
            List<Path> files = w.filter(Files::isRegularFile).filter(p -> root.relativize(p).getNameCount() == 2)
                    .sorted().toList();
            return files.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("inputs")
    void replays(Path input) throws IOException {
        RequestFuzzTest t = new RequestFuzzTest();
        t.body(Files.readAllBytes(input));
        String name = input.getFileName().toString();
        if (name.startsWith("seed-") && !name.startsWith("seed-refused-")) { // a valid request, answered
            assertEquals(200, t.status, input + " is a seed, but it was refused");
        } else if (name.startsWith("seed-refused-")) {
            assertNotEquals(200, t.status, input + " should be refused");
        }
    }
}
