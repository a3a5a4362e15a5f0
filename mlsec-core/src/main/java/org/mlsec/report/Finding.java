package org.mlsec.report;

import java.util.Map;

/**
 * One audit finding: the threat, how severe, the measured figures, what they mean, and the countermeasure with the
 * mlsec command that applies it; mapped to Kumar et al. 2019's failure mode, MITRE ATLAS and the OWASP ML Top 10.
 *
 * @param threat the threat's key, one of {@link Threats#ORDER}
 * @param severity how severe the finding is
 * @param title a one-line summary
 * @param meaning what the measured figures mean for the model
 * @param countermeasure what to do about it
 * @param command the mlsec command line that applies the countermeasure
 * @param metrics the measured figures by name
 * @param failureMode the failure mode in Kumar et al. 2019's taxonomy
 * @param atlas the MITRE ATLAS technique
 * @param owasp the OWASP ML Top 10 entry
 */
public record Finding(String threat, Severity severity, String title, String meaning, String countermeasure,
                      String command, Map<String, Object> metrics, String failureMode, String atlas, String owasp) {
    /**
     * Validates the finding.
     *
     * @param threat the threat's key, one of {@link Threats#ORDER}
     * @param severity how severe the finding is
     * @param title a one-line summary
     * @param meaning what the measured figures mean for the model
     * @param countermeasure what to do about it
     * @param command the mlsec command line that applies the countermeasure
     * @param metrics the measured figures by name
     * @param failureMode the failure mode in Kumar et al. 2019's taxonomy
     * @param atlas the MITRE ATLAS technique
     * @param owasp the OWASP ML Top 10 entry
     * @throws org.mlsec.InputException if {@code severity} is null or {@code threat} is not a known threat
     */
    public Finding {
        org.mlsec.internal.Validate.notNull(severity, "severity");
        org.mlsec.internal.Validate.isTrue(Threats.ORDER.contains(threat), "threat must be one of " + Threats.ORDER
                + ", got '" + threat + "'", "threat");
    }

    /** @return the severity's place from 0 ({@code info}) to 4 ({@code critical}) */
    public int rank() {
        return severity.ordinal();
    }
}
