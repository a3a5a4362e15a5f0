package org.mlsec.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlsec.InputException;
import org.mlsec.data.Values;

/** {@code COLUMN=VALUE} option arguments ({@code --set}, {@code --fix}) and {@code COLUMN=FACTOR} ones ({@code --scale}). */
final class Assignments {
    private Assignments() {
    }

    /** Each {@code COLUMN=VALUE} argument of {@code option}, in order. */
    static Map<String, String> of(List<String> args, String option) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0 || eq == a.length() - 1) {
                throw new InputException(option + " " + a + ": expected COLUMN=VALUE");
            }
            m.put(a.substring(0, eq).trim(), a.substring(eq + 1).trim());
        }
        return m;
    }

    /** Each {@code COLUMN=FACTOR} argument of {@code option}, the factor a number. */
    static Map<String, Double> factors(List<String> args, String option) {
        Map<String, Double> m = new LinkedHashMap<>();
        of(args, option).forEach((k, v) -> {
            double f = Values.parse(v);
            if (Double.isNaN(f)) {
                throw new InputException(option + " " + k + "=" + v + ": the factor is not a number");
            }
            m.put(k, f);
        });
        return m;
    }
}
