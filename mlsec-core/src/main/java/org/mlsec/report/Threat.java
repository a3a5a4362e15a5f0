package org.mlsec.report;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.List;
import org.mlsec.InputException;

/**
 * The six threats mlsec audits, and evasion, in the order reports list them, with their names in three catalogues:
 * the failure modes of Kumar et al. 2019 ("Failure Modes in Machine Learning", Microsoft), MITRE ATLAS techniques
 * and the OWASP Machine Learning Security Top 10 (2023). Written and read as the lower-case {@link #key()}.
 */
public enum Threat {
    /** Tampered or malicious model files and artefacts. */
    SUPPLY_CHAIN("supply-chain", "Supply chain", "Attacking the ML supply chain", "AML.T0010", "ML06"),
    /** Telling whether a record was in the training data. */
    MEMBERSHIP_INFERENCE("membership-inference", "Membership inference", "Membership inference", "AML.T0024.000",
            "ML04"),
    /** A trigger planted in the model that forces an answer. */
    BACKDOOR("backdoor", "Backdoors", "Backdoor ML", "AML.T0018", "ML10"),
    /** Recovering a sensitive attribute from the model's answers. */
    MODEL_INVERSION("model-inversion", "Model inversion", "Model inversion", "AML.T0024.001", "ML03"),
    /** Edited training data that changes the model's answers for a group. */
    POISONING("poisoning", "Data poisoning", "Poisoning attacks", "AML.T0020", "ML02"),
    /** Copying the model through its scoring API. */
    MODEL_STEALING("model-stealing", "Model stealing", "Model stealing", "AML.T0024.002", "ML05"),
    /** Small changes to an input that flip the answer. */
    EVASION("evasion", "Evasion", "Perturbation attack", "AML.T0015", "ML01");

    private final String key;
    private final String title;
    private final String failureMode;
    private final String atlas;
    private final String owasp;

    Threat(String key, String title, String failureMode, String atlas, String owasp) {
        this.key = key;
        this.title = title;
        this.failureMode = failureMode;
        this.atlas = atlas;
        this.owasp = owasp;
    }

    /**
     * The name used in JSON, SARIF rule ids, report anchors and the {@code only} selections of the audit.
     *
     * @return the lower-case, hyphenated name, e.g. {@code membership-inference}
     */
    @JsonValue
    public String key() {
        return key;
    }

    /** @return the title reports use, e.g. "Data poisoning" */
    public String title() {
        return title;
    }

    /** @return the failure mode in Kumar et al. 2019's taxonomy */
    public String failureMode() {
        return failureMode;
    }

    /** @return the MITRE ATLAS technique id */
    public String atlas() {
        return atlas;
    }

    /** @return the OWASP ML Top 10 entry */
    public String owasp() {
        return owasp;
    }

    @Override
    public String toString() {
        return key;
    }

    /**
     * Every threat's key, in report order.
     *
     * @return the keys
     */
    public static List<String> keys() {
        return Arrays.stream(values()).map(Threat::key).toList();
    }

    /**
     * Reads a threat's key.
     *
     * @param key a threat's key, e.g. {@code poisoning}
     * @return the threat
     * @throws InputException naming every key when {@code key} is none of them
     */
    public static Threat of(String key) {
        for (Threat t : values()) {
            if (t.key.equals(key)) {
                return t;
            }
        }
        throw InputException.about("key '" + key + "' is not one of the threats " + keys(), "key");
    }
}
