package org.mlsec.report;

import java.util.Map;

/**
 * One audit finding: the threat, how severe, the measured figures, what they mean, and the countermeasure with the
 * mlsec command that applies it; mapped through its {@link Threat} to Kumar et al. 2019's failure mode, MITRE ATLAS
 * and the OWASP ML Top 10.
 *
 * @param threat the threat
 * @param severity how severe the finding is
 * @param title a one-line summary
 * @param meaning what the measured figures mean for the model
 * @param countermeasure what to do about it
 * @param command the mlsec command line that applies the countermeasure
 * @param metrics the measured figures by name
 */
public record Finding(Threat threat, Severity severity, String title, String meaning, String countermeasure,
                      String command, Map<String, Object> metrics) {
    /**
     * Validates the finding.
     *
     * @param threat the threat
     * @param severity how severe the finding is
     * @param title a one-line summary
     * @param meaning what the measured figures mean for the model
     * @param countermeasure what to do about it
     * @param command the mlsec command line that applies the countermeasure
     * @param metrics the measured figures by name
     * @throws org.mlsec.InputException if {@code threat} or {@code severity} is null
     */
    public Finding {
        org.mlsec.internal.Validate.notNull(threat, "threat");
        org.mlsec.internal.Validate.notNull(severity, "severity");
    }

    /** @return the failure mode in Kumar et al. 2019's taxonomy */
    public String failureMode() {
        return threat.failureMode();
    }

    /** @return the MITRE ATLAS technique */
    public String atlas() {
        return threat.atlas();
    }

    /** @return the OWASP ML Top 10 entry */
    public String owasp() {
        return threat.owasp();
    }

    /** @return the severity's place from 0 ({@code info}) to 4 ({@code critical}) */
    public int rank() {
        return severity.ordinal();
    }
}
