package org.mlsec.model.remote;

import org.mlsec.MlsecException;

/**
 * A scoring API answered a request with a client-error status (4xx other than 429, which is retried): it refused
 * the rows, the key, or the client. {@link #status()} says which status, so callers tell a guard that blocks (403)
 * from one that validates (400) without reading the message.
 */
public final class RefusedException extends MlsecException {
    /** The HTTP status the API answered. */
    private final int status;

    /**
     * The API's refusal.
     *
     * @param message what was refused and why, for the user
     * @param status the HTTP status the API answered
     */
    public RefusedException(String message, int status) {
        super(message);
        this.status = status;
    }

    /**
     * The HTTP status the API answered.
     *
     * @return the status, such as 400 or 403
     */
    public int status() {
        return status;
    }
}
