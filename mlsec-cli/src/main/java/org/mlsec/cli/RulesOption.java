package org.mlsec.cli;

import java.nio.file.Path;
import org.mlsec.defences.preprocessor.DomainRules;
import org.mlsec.defences.preprocessor.InputSchema;
import picocli.CommandLine.Option;

/** {@code --rules FILE}: the user's domain rules, added to an input schema (the credit-card example ships with mlsec). */
final class RulesOption {
    @Option(names = "--rules", paramLabel = "FILE", description = {"Domain rules every genuine row satisfies, one "
            + "condition per line (e.g. AGE >= 18; '#' comments). Inference learns only what the data shows; these "
            + "are your knowledge. Example: docs/examples/credit-card.rules."})
    Path rules;

    /** The rules given, or none. */
    DomainRules read() {
        return rules == null ? DomainRules.none() : DomainRules.read(rules);
    }

    /** The schema with the applicable rules added; says on stderr which rules do not apply. */
    InputSchema apply(InputSchema schema) {
        if (rules == null) {
            return schema;
        }
        DomainRules r = read();
        String note = r.applicableTo(schema.toSchema()).note();
        if (note != null) {
            System.err.println("mlsec: " + rules + ": " + note);
        }
        return schema.withRules(r);
    }
}
