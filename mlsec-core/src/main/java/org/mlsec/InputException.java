package org.mlsec;

import java.util.List;

/**
 * Bad input or usage: a malformed file, a missing column, an invalid parameter. The CLI exits with code 2.
 *
 * <p>A message about a parameter names it as the Java API does ({@code trees must be positive, got 0}) and lists it
 * in {@link #parameters()}, so that a front end can say it in its own words (the CLI names its option instead).
 */
public class InputException extends MlsecException {
    private final List<String> parameters;

    public InputException(String message) {
        super(message);
        this.parameters = List.of();
    }

    public InputException(String message, Throwable cause) {
        super(message, cause);
        this.parameters = List.of();
    }

    private InputException(String message, List<String> parameters) {
        super(message);
        this.parameters = List.copyOf(parameters);
    }

    /** An error about the named parameters (Java parameter names, each mentioned in the message). */
    public static InputException about(String message, String... parameters) {
        return new InputException(message, List.of(parameters));
    }

    /** The Java parameter names the message mentions, in the order given; empty when it concerns no parameter. */
    public List<String> parameters() {
        return parameters;
    }
}
