package org.mlsec.scan;

/** The scanner's rules, with stable ids for SARIF. */
public enum Rule {
    /** A pickle imports a callable that runs commands, code or I/O. */
    PICKLE_DANGEROUS_CALLABLE("MLS001", "pickle-dangerous-callable", Severity.CRITICAL,
            "A pickle imports a callable that can run commands, code or I/O when the file is loaded."),
    /** A pickle builds the name it imports at load time. */
    PICKLE_DYNAMIC_GLOBAL("MLS002", "pickle-dynamic-global", Severity.CRITICAL,
            "A pickle builds the name of what it imports at load time, hiding it from static checks."),
    /** A pickle imports a callable outside the allow-list. */
    PICKLE_UNKNOWN_CALLABLE("MLS003", "pickle-unknown-callable", Severity.MEDIUM,
            "A pickle imports a callable that is not on the allow-list of what ML model files need."),
    /** The file is structurally broken. */
    MALFORMED("MLS004", "malformed-model-file", Severity.MEDIUM,
            "The file is structurally broken (invalid opcode, truncation, inconsistent content)."),
    /** A Java serialization stream names a known gadget class. */
    JAVA_GADGET("MLS005", "java-deserialization-gadget", Severity.CRITICAL,
            "A Java serialization stream names a class known from deserialization exploit chains."),
    /** A Java serialization stream names a class beyond the JDK's plain data types. */
    JAVA_UNKNOWN_CLASS("MLS006", "java-serialized-class", Severity.MEDIUM,
            "A Java serialization stream names a class outside the JDK's plain data types; loading it runs that class's code."),
    /** An ONNX tensor reads external data from outside the model's folder. */
    ONNX_EXTERNAL_DATA_ESCAPE("MLS007", "onnx-external-data-escape", Severity.HIGH,
            "An ONNX tensor reads external data from outside the model's folder."),
    /** An ONNX model uses operators from a custom domain. */
    ONNX_CUSTOM_DOMAIN("MLS008", "onnx-custom-operator-domain", Severity.MEDIUM,
            "An ONNX model uses operators from a custom domain, which run native code from a plug-in library."),
    /** A Keras model contains a Lambda layer. */
    KERAS_LAMBDA("MLS009", "keras-lambda-layer", Severity.HIGH,
            "A Keras model contains a Lambda layer: serialized Python code that runs when the model is loaded."),
    /** An archive entry escapes or bombs, or the archive's headers disagree. */
    ARCHIVE_PROBLEM("MLS010", "archive-problem", Severity.MEDIUM,
            "An archive entry escapes its folder or expands beyond any plausible size, or the archive's directory and"
                    + " local headers disagree."),
    /** A Keras file loads code, turns safe mode off or carries files Keras never needs. */
    KERAS_CODE_LOADING("MLS011", "keras-code-loading", Severity.CRITICAL,
            "A Keras config imports from a module that runs code, wraps a pickled torch module, downloads a file,"
                    + " turns safe mode off, or the archive carries files Keras never needs."),
    /** One file that two loaders read as two different formats. */
    POLYGLOT("MLS012", "polyglot-model-file", Severity.MEDIUM,
            "The file is two formats at once (a pickle, zip or other file whose bytes also hold an HDF5 file after a"
                    + " user block): pickle.load and h5py/Keras each load a different model from it. Both were scanned.");

    private final String id;
    private final String name;
    private final Severity severity;
    private final String description;

    Rule(String id, String name, Severity severity, String description) {
        this.id = id;
        this.name = name;
        this.severity = severity;
        this.description = description;
    }

    /**
     * The stable SARIF rule id.
     *
     * @return the id, such as {@code MLS001}
     */
    public String id() {
        return id;
    }

    /**
     * The rule's name in reports.
     *
     * @return the name, such as {@code pickle-dangerous-callable}
     */
    public String ruleName() {
        return name;
    }

    /**
     * How bad a finding of this rule is.
     *
     * @return the severity
     */
    public Severity severity() {
        return severity;
    }

    /**
     * What a finding of this rule means, one sentence for SARIF's rule description.
     *
     * @return the sentence
     */
    public String description() {
        return description;
    }
}
