package org.mlsec.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The getattr chain and the suffix paths of a dotted import are judged with the longest module entry carried along; the verdicts are
 * exactly those of judging each suffix path one by one, on names built from the allow- and deny-list's own parts.
 */
class PickleRulesSuffixTest {
    /** The one-by-one judgement of every suffix path, as the scanner first wrote it. */
    static Severity bruteForce(String[] parts, int j) {
        Severity worst = null;
        StringBuilder mod = new StringBuilder(parts[j]);
        for (int i = j + 1; i < parts.length; i++) {
            Severity s = PickleRules.one(mod.toString(), parts[i]);
            if ((s == Severity.CRITICAL || s == Severity.HIGH) && (worst == null || s.compareTo(worst) > 0)) {
                worst = s;
            }
            mod.append('.').append(parts[i]);
        }
        return worst;
    }

    /** The one-by-one judgement of the getattr chain. */
    static Severity chainBruteForce(String module, String[] parts) {
        Severity worst = null;
        String object = module;
        for (String part : parts) {
            Severity s = PickleRules.one(object, part);
            worst = worst == null ? s : s == null ? worst : s.compareTo(worst) >= 0 ? s : worst;
            object += "." + part;
        }
        return worst;
    }

    @Test
    void carryingTheLongestEntryGivesTheOneByOneVerdicts() {
        List<String> words = new ArrayList<>();
        for (String key : PickleRules.LIST.keySet()) {
            for (String w : key.split("\\.")) {
                if (!words.contains(w)) {
                    words.add(w);
                }
            }
        }
        words.addAll(List.of("__getattribute__", "__globals__", "__newobj__", "__reduce__", "x", "*", ""));
        SplittableRandom r = new SplittableRandom(11);
        int judged = 0;
        for (int t = 0; t < 20_000; t++) {
            String[] parts = new String[2 + r.nextInt(7)];
            for (int k = 0; k < parts.length; k++) {
                parts[k] = words.get(r.nextInt(words.size()));
            }
            String module = String.join(".", java.util.Arrays.copyOf(parts, 1 + r.nextInt(parts.length - 1)));
            String[] rest = java.util.Arrays.copyOfRange(parts, module.split("\\.", -1).length, parts.length);
            assertEquals(chainBruteForce(module, rest), PickleRules.chain(module, rest), module + " : "
                    + String.join(".", rest));
            for (int j = 0; j < parts.length - 1; j++) {
                assertEquals(bruteForce(parts, j), PickleRules.suffixes(parts, j), String.join(".", parts) + " from " + j);
                judged++;
            }
        }
        assertEquals(true, judged > 50_000);
    }
}
