package org.mlsec;

import java.util.List;

/**
 * Bad input or usage: a malformed file, a missing column, an invalid parameter. The CLI exits with code 2.
 *
 * <p>A message about a parameter names it as the Java API does ({@code trees must be positive, got 0}) and lists it
 * in {@link #parameters()}, so that a front end can say it in its own words (the CLI names its option instead).
 */
public class InputException extends MlsecException {
    /** The Java parameter names the message mentions. */
    private final List<String> parameters;

    /**
     * An error about no particular parameter.
     *
     * @param message what is wrong and where, for the user
     */
    public InputException(String message) {
        super(message);
        this.parameters = List.of();
    }

    /**
     * An error about no particular parameter, caused by another.
     *
     * @param message what is wrong and where, for the user
     * @param cause the underlying failure, such as a parser's
     */
    public InputException(String message, Throwable cause) {
        super(message, cause);
        this.parameters = List.of();
    }

    private InputException(String message, List<String> parameters) {
        super(message);
        this.parameters = List.copyOf(parameters);
    }

    /**
     * An error about the named parameters (Java parameter names, each mentioned in the message).
     *
     * @param message what is wrong, naming each parameter
     * @param parameters the parameters' Java names
     * @return the exception, to throw
     */
    public static InputException about(String message, String... parameters) {
        return new InputException(message, List.of(parameters));
    }

    /**
     * The Java parameter names the message mentions, in the order given; empty when it concerns no parameter.
     *
     * @return the names, unmodifiable
     */
    public List<String> parameters() {
        return parameters;
    }
}
