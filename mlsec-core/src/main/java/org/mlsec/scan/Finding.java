package org.mlsec.scan;

/**
 * One scanner finding, in modelscan's terms.
 *
 * @param rule        which rule
 * @param severity    how bad (usually the rule's)
 * @param description what was found, in words
 * @param operator    the opcode or construct (GLOBAL, STACK_GLOBAL, Lambda, ...)
 * @param module      the imported module, class or domain, where there is one
 * @param source      the file, and the entry inside an archive ("model.pt!archive/data.pkl")
 * @param scanner     which scanner found it
 */
public record Finding(Rule rule, Severity severity, String description, String operator, String module,
                      String source, String scanner) {
}
