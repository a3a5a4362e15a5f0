package org.mlsec.report;

import java.util.List;
import java.util.Map;

/** The six threats (and evasion) with their names in Kumar et al. 2019, MITRE ATLAS and the OWASP ML Top 10. */
public final class Threats {
    /** How a threat is named in the three catalogues. */
    public record Mapping(String key, String title, String failureMode, String atlas, String owasp) {
    }

    /** Every threat's catalogue names, by threat key. */
    public static final Map<String, Mapping> ALL = Map.of(
            "supply-chain", new Mapping("supply-chain", "Supply chain", "Attacking the ML supply chain", "AML.T0010", "ML06"),
            "membership-inference", new Mapping("membership-inference", "Membership inference", "Membership inference",
                    "AML.T0024.000", "ML04"),
            "backdoor", new Mapping("backdoor", "Backdoors", "Backdoor ML", "AML.T0018", "ML10"),
            "model-inversion", new Mapping("model-inversion", "Model inversion", "Model inversion", "AML.T0024.001", "ML03"),
            "poisoning", new Mapping("poisoning", "Data poisoning", "Poisoning attacks", "AML.T0020", "ML02"),
            "model-stealing", new Mapping("model-stealing", "Model stealing", "Model stealing", "AML.T0024.002", "ML05"),
            "evasion", new Mapping("evasion", "Evasion", "Perturbation attack", "AML.T0015", "ML01"));

    /** The threat keys in the order reports list them. */
    public static final List<String> ORDER = List.of("supply-chain", "membership-inference", "backdoor", "model-inversion",
            "poisoning", "model-stealing", "evasion");

    private Threats() {
    }

    /**
     * A finding with the threat's catalogue names filled in.
     *
     * @param threat         a key of {@link #ORDER}
     * @param severity       how much it matters
     * @param title          the measured result in one line
     * @param meaning        what it means for the model's owner
     * @param countermeasure what to do
     * @param command        the mlsec command that applies the countermeasure
     * @param metrics        the figures behind it
     * @return the finding
     */
    public static Finding finding(String threat, Severity severity, String title, String meaning, String countermeasure,
                                  String command, Map<String, Object> metrics) {
        Mapping m = ALL.get(threat);
        return new Finding(threat, severity, title, meaning, countermeasure, command, metrics, m.failureMode(), m.atlas(),
                m.owasp());
    }
}
