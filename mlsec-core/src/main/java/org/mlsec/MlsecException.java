package org.mlsec;

/** Base of every error mlsec reports to its user: the message says what went wrong and where. */
public class MlsecException extends RuntimeException {
    /**
     * An error with a message for the user.
     *
     * @param message what went wrong and where
     */
    public MlsecException(String message) {
        super(message);
    }

    /**
     * An error with a message for the user, caused by another.
     *
     * @param message what went wrong and where
     * @param cause the underlying failure
     */
    public MlsecException(String message, Throwable cause) {
        super(message, cause);
    }
}
