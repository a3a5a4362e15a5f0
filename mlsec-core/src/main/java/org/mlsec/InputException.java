package org.mlsec;

/** Bad input or usage: a malformed file, a missing column, an invalid parameter. The CLI exits with code 2. */
public class InputException extends MlsecException {
    public InputException(String message) {
        super(message);
    }

    public InputException(String message, Throwable cause) {
        super(message, cause);
    }
}
