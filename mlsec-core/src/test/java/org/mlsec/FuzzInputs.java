package org.mlsec;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The inputs of a Jazzer fuzz test's targets, as its regression test replays them. */
public final class FuzzInputs {
    private FuzzInputs() {
    }

    /**
     * The files {@code TARGET/NAME} below the test resource folder {@code dir} next to {@code test}, sorted: Jazzer's
     * seeds and the crashing inputs it wrote, one folder per target (files directly in {@code dir} are not inputs).
     *
     * @param test a class of the test's package
     * @param dir the folder, such as {@code ReaderFuzzTestInputs}
     * @return the inputs
     * @throws IOException when the folder cannot be listed
     * @throws URISyntaxException never for a resource on the class path
     */
    public static Stream<Path> of(Class<?> test, String dir) throws IOException, URISyntaxException {
        Path root = Path.of(test.getResource(dir).toURI());
        try (Stream<Path> w = Files.walk(root)) {
            List<Path> files = w.filter(Files::isRegularFile).filter(p -> root.relativize(p).getNameCount() == 2)
                    .sorted().toList();
            return files.stream();
        }
    }
}
