package org.mlsec.defences.preprocessor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mlsec.data.CsvReader;
import org.mlsec.data.Dataset;
import org.mlsec.internal.Validate;

/**
 * Checks every row of a CSV file, read in an input schema's columns, against that schema: each broken range,
 * category, whole-number or domain rule is one violation, named by the row's line in the file; an unknown category
 * is shown as the text the file holds (the reader keeps it beside the row).
 */
public final class SchemaValidation {
    private SchemaValidation() {
    }

    /**
     * The violations of a file.
     *
     * @param rows        rows checked
     * @param invalidRows rows with at least one violation
     * @param violations  every violation, in file order
     */
    public record Validation(int rows, int invalidRows, List<InputSchema.Violation> violations) {
        /**
         * Checks the counts fit together.
         *
         * @param rows rows checked
         * @param invalidRows rows with at least one violation
         * @param violations every violation, in file order
         */
        public Validation {
            Validate.isTrue(rows >= 0 && invalidRows >= 0 && invalidRows <= rows,
                    "invalidRows must be in [0, rows], got " + invalidRows + " of " + rows);
            violations = List.copyOf(violations);
            Validate.isTrue(violations.size() >= invalidRows, "every invalid row has a violation");
        }

        /**
         * True when every row meets the schema.
         *
         * @return whether there is no invalid row
         */
        public boolean valid() {
            return invalidRows == 0;
        }

        /**
         * The JSON figures: rows, invalid_rows and the violations (row, column, value, rule).
         *
         * @return the figures, keys in that order
         */
        public Map<String, Object> toJson() {
            Map<String, Object> res = new LinkedHashMap<>();
            res.put("rows", rows);
            res.put("invalid_rows", invalidRows);
            res.put("violations", violations);
            return res;
        }
    }

    /**
     * Checks the rows of {@code read} (a file read in {@code schema}'s columns) against {@code schema}.
     *
     * @param schema the input schema
     * @param read the file's rows, read in the schema's columns
     * @return the counts and violations
     */
    public static Validation check(InputSchema schema, CsvReader.Report read) {
        Validate.notNull(schema, "schema");
        Validate.notNull(read, "read");
        Dataset d = read.data();
        List<InputSchema.Violation> all = new ArrayList<>();
        Set<Integer> bad = new HashSet<>();
        InputSchema.Checker checker = schema.checker();
        for (int i = 0; i < d.rows(); i++) {
            for (InputSchema.Violation v : checker.check((int) read.line(i), d.row(i))) {
                String text = read.unseenText(i, v.column());
                all.add(text == null ? v : new InputSchema.Violation(v.row(), v.column(), text, v.rule()));
                bad.add(i);
            }
        }
        return new Validation(d.rows(), bad.size(), all);
    }
}
