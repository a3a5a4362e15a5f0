package org.mlsec.model.remote;

import org.mlsec.MlsecException;

/**
 * A scoring API answered a request with a client-error status (4xx other than 429, which is retried): it refused
 * the rows, the key, or the client. {@link #status()} says which status, so callers tell a guard that blocks (403)
 * from one that validates (400) without reading the message.
 */
public final class RefusedException extends MlsecException {
    private final int status;

    public RefusedException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** The HTTP status the API answered. */
    public int status() {
        return status;
    }
}
