package org.mlsec;

/** Base of every error mlsec reports to its user: the message says what went wrong and where. */
public class MlsecException extends RuntimeException {
    public MlsecException(String message) {
        super(message);
    }

    public MlsecException(String message, Throwable cause) {
        super(message, cause);
    }
}
