package org.mlsec.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlsec.InputException;
import org.mlsec.data.Values;

/** Repeatable COLUMN=VALUE option arguments (--set, --scale, --fix), read into maps in the order given. */
final class Assignments {
    private Assignments() {
    }

    /** COLUMN=VALUE arguments of {@code option}. */
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

    /** COLUMN=FACTOR arguments of {@code option}. */
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
