package org.mlsec.scan;

/** How bad a scanner finding is; ordered from least to most severe. */
public enum Severity {
    /** Worth a look: a SARIF note. */
    LOW(3.0, "note"),
    /** Suspicious or broken, not known to be harmful: a SARIF warning. */
    MEDIUM(5.5, "warning"),
    /** Loading runs embedded code or reads outside the model: a SARIF error. */
    HIGH(8.0, "error"),
    /** Loading can run commands or arbitrary code: a SARIF error. */
    CRITICAL(9.8, "error");

    private final double securitySeverity;
    private final String sarifLevel;

    Severity(double securitySeverity, String sarifLevel) {
        this.securitySeverity = securitySeverity;
        this.sarifLevel = sarifLevel;
    }

    /**
     * The CVSS-like score GitHub code scanning reads from {@code properties.security-severity}.
     *
     * @return the score, 3.0 to 9.8
     */
    public double securitySeverity() {
        return securitySeverity;
    }

    /**
     * The SARIF result level: {@code note}, {@code warning} or {@code error}.
     *
     * @return the level
     */
    public String sarifLevel() {
        return sarifLevel;
    }
}
