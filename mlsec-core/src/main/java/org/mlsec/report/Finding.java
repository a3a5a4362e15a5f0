package org.mlsec.report;

import java.util.Map;

/**
 * One audit finding: the threat, how severe, the measured figures, what they mean, and the countermeasure with the
 * mlsec command that applies it; mapped to Kumar et al. 2019's failure mode, MITRE ATLAS and the OWASP ML Top 10.
 */
public record Finding(String threat, Severity severity, String title, String meaning, String countermeasure,
                      String command, Map<String, Object> metrics, String failureMode, String atlas, String owasp) {
    public Finding {
        org.mlsec.internal.Validate.notNull(severity, "severity");
        org.mlsec.internal.Validate.isTrue(Threats.ORDER.contains(threat), "threat must be one of " + Threats.ORDER
                + ", got '" + threat + "'", "threat");
    }

    /** The severity's place from 0 ({@code info}) to 4 ({@code critical}). */
    public int rank() {
        return severity.ordinal();
    }
}
