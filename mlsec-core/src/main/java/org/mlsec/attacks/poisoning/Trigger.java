package org.mlsec.attacks.poisoning;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlsec.InputException;
import org.mlsec.data.Column;
import org.mlsec.data.Schema;

/**
 * A backdoor trigger: feature values written into a row, such as {@code age=999} (out of range) or
 * {@code payment=1234,bill=4321} (a rare combination of valid values).
 */
public record Trigger(Map<String, String> assignments) {
    /**
     * Copies the assignments, keeping their order.
     *
     * @param assignments values by column name, as written in the trigger
     */
    public Trigger {
        assignments = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(assignments));
    }

    /**
     * Parses {@code COLUMN=VALUE[,COLUMN=VALUE...]}; names and values are trimmed.
     *
     * @param text the trigger as written
     * @return the trigger
     * @throws InputException if a part is not COLUMN=VALUE with a non-empty column and value
     */
    public static Trigger parse(String text) {
        Map<String, String> a = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0 || eq == part.length() - 1) {
                throw new InputException("trigger '" + text + "': expected COLUMN=VALUE[,COLUMN=VALUE...], got '" + part + "'");
            }
            a.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
        }
        return new Trigger(a);
    }

    /**
     * The trigger as schema positions and row values; categories must exist in the schema.
     *
     * @param s the schema of the rows the trigger goes into
     * @return per assignment, the feature's position and its value in a row
     * @throws InputException if a column is not in the schema or a value does not parse as the column's type
     */
    public List<double[]> resolve(Schema s) {
        List<double[]> out = new ArrayList<>();
        for (Map.Entry<String, String> e : assignments.entrySet()) {
            int j = s.require(e.getKey());
            Column c = s.feature(j);
            double v;
            try {
                v = c.parse(e.getValue());
            } catch (InputException bad) {
                throw new InputException("trigger value " + bad.getMessage());
            }
            out.add(new double[] {j, v});
        }
        return out;
    }

    /**
     * A copy of the row with the trigger written in.
     *
     * @param resolved the trigger as {@link #resolve} gives it
     * @param row      the row, not changed
     * @return the triggered copy
     */
    public static double[] apply(List<double[]> resolved, double[] row) {
        double[] x = row.clone();
        for (double[] jv : resolved) {
            x[(int) jv[0]] = jv[1];
        }
        return x;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        assignments.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append('=').append(v));
        return sb.toString();
    }
}
