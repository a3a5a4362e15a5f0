package org.mlsec.scan;

/** How bad a scanner finding is; ordered from least to most severe. */
public enum Severity {
    LOW(3.0, "note"), MEDIUM(5.5, "warning"), HIGH(8.0, "error"), CRITICAL(9.8, "error");

    private final double securitySeverity;
    private final String sarifLevel;

    Severity(double securitySeverity, String sarifLevel) {
        this.securitySeverity = securitySeverity;
        this.sarifLevel = sarifLevel;
    }

    /** The CVSS-like score GitHub code scanning reads from {@code properties.security-severity}. */
    public double securitySeverity() {
        return securitySeverity;
    }

    public String sarifLevel() {
        return sarifLevel;
    }
}
