package org.mlsec.report;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import org.mlsec.InputException;

/**
 * How much an audit finding matters, from least to most: {@code info} (nothing to fix), {@code low}, {@code medium},
 * {@code high} (fails an audit at the default threshold), {@code critical}. Written and read as the lower-case key.
 */
public enum Severity {
    /** Measured, nothing to fix. */
    INFO,
    /** A weakness that is hard to exploit or of small effect. */
    LOW,
    /** A weakness to fix. */
    MEDIUM,
    /** An attack that works: fix before deploying. */
    HIGH,
    /** The model or its file is compromised. */
    CRITICAL;

    /**
     * The name used in reports, SARIF properties and the fail-on settings of the CLI and the Maven plugin.
     *
     * @return the lower-case name
     */
    @JsonValue
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return key();
    }

    /**
     * Finds a severity by name.
     *
     * @param key a severity's name, in any case
     * @return the severity, or null when {@code key} names none
     */
    public static Severity lookup(String key) {
        for (Severity s : values()) {
            if (s.key().equalsIgnoreCase(String.valueOf(key).trim())) {
                return s;
            }
        }
        return null;
    }

    /**
     * Reads a severity's name.
     *
     * @param key a severity's name, in any case
     * @return the severity
     * @throws InputException naming the five severities when {@code key} is none of them
     */
    public static Severity parse(String key) {
        Severity s = lookup(key);
        if (s != null) {
            return s;
        }
        throw InputException.about("severity must be info, low, medium, high or critical, got '" + key + "'", "severity");
    }
}
