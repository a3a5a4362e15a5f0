package org.mlsec.report;

import java.util.Map;

/**
 * One audit finding: the threat, how severe, the measured figures, what they mean, and the countermeasure with the
 * mlsec command that applies it; mapped to Kumar et al. 2019's failure mode, MITRE ATLAS and the OWASP ML Top 10.
 */
public record Finding(String threat, String severity, String title, String meaning, String countermeasure,
                      String command, Map<String, Object> metrics, String failureMode, String atlas, String owasp) {
    public static final java.util.List<String> SEVERITIES = java.util.List.of("info", "low", "medium", "high", "critical");

    public int rank() {
        return SEVERITIES.indexOf(severity);
    }
}
