package org.mlsec;

/**
 * Base of every error mlsec reports to its user: the message says what went wrong and where, on one line. Control
 * characters and line separators a message quotes from the input (a CSV header cell with a carriage return, a name
 * in a pickle) are shown escaped (backslash-r, backslash-n, backslash-u and four hex digits), so a message never
 * spans lines or forges a line of a log.
 */
public class MlsecException extends RuntimeException {
    /**
     * An error with a message for the user.
     *
     * @param message what went wrong and where
     */
    public MlsecException(String message) {
        super(oneLine(message));
    }

    /**
     * An error with a message for the user, caused by another.
     *
     * @param message what went wrong and where
     * @param cause the underlying failure
     */
    public MlsecException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /** The message with control characters and line separators escaped (null stays null). */
    static String oneLine(String message) {
        if (message == null) {
            return null;
        }
        StringBuilder b = null;
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            int t = Character.getType(c);
            boolean escape = (Character.isISOControl(c) && c != '\t') || t == Character.LINE_SEPARATOR
                    || t == Character.PARAGRAPH_SEPARATOR;
            if (escape && b == null) {
                b = new StringBuilder(message.length() + 16).append(message, 0, i);
            }
            if (b != null) {
                b.append(!escape ? String.valueOf(c) : c == '\n' ? "\\n" : c == '\r' ? "\\r"
                        : String.format("\\u%04x", (int) c));
            }
        }
        return b == null ? message : b.toString();
    }
}
