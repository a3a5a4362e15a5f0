package org.mlsec.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --json FILE} option most commands share: where their results are written as JSON. */
final class JsonOption {
    @Option(names = "--json", paramLabel = "FILE", description = "Write the results as JSON.")
    Path file;
}
