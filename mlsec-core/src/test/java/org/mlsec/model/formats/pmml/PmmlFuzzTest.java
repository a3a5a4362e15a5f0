package org.mlsec.model.formats.pmml;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mlsec.InputException;

/**
 * Damaged copies of real fixtures (truncated, bytes changed, attributes and elements removed) either read or fail
 * with an InputException that says what is wrong: never another exception, and never the catch-all message that
 * would mean the reader missed a check.
 */
class PmmlFuzzTest {
    @Test
    void damagedFilesFailCleanly() throws IOException {
        PmmlFormat format = new PmmlFormat();
        Random rnd = new Random(42);
        int refused = 0;
        String[] names = {"sklearn-tree.pmml", "sklearn-logistic.pmml", "xgboost-marriage3.pmml", "sklearn-gbm.pmml"};
        for (String name : names) {
            String text = Files.readString(PmmlFidelityTest.DIR.resolve(name), StandardCharsets.UTF_8);
            for (int k = 0; k < 150; k++) {
                String bad = damage(text, rnd);
                try {
                    format.read(Path.of(name), bad.getBytes(StandardCharsets.UTF_8));
                } catch (InputException e) {
                    refused++;
                    assertFalse(e.getMessage().contains("unreadable PMML"), e.getMessage());
                    assertFalse(e.getMessage().contains("\n"), e.getMessage());
                } catch (RuntimeException e) {
                    fail(name + " damage " + k + ": " + e, e);
                }
            }
        }
        System.out.println("PMML fuzz: " + refused + " of 600 damaged files refused, the rest read");
        assertTrue(refused > 150, "the damage should mostly be detected: " + refused);
    }

    private static String damage(String s, Random rnd) {
        switch (rnd.nextInt(5)) {
            case 0:
                return s.substring(0, rnd.nextInt(s.length()));
            case 1: { // remove an attribute
                int at = s.indexOf("=\"", rnd.nextInt(s.length()));
                if (at < 0) {
                    return s;
                }
                int start = s.lastIndexOf(' ', at);
                int end = s.indexOf('"', at + 2);
                return s.substring(0, start) + s.substring(end + 1);
            }
            case 2: { // change an attribute value
                int at = s.indexOf("=\"", rnd.nextInt(s.length()));
                if (at < 0) {
                    return s;
                }
                int end = s.indexOf('"', at + 2);
                String[] values = {"", "NaN", "-1", "1e309", "x", "0", "4.9", "abc def", "99999999999"};
                return s.substring(0, at + 2) + values[rnd.nextInt(values.length)] + s.substring(end);
            }
            case 3: { // drop an empty element
                int at = s.indexOf("<", rnd.nextInt(s.length()));
                int end = at < 0 ? -1 : s.indexOf("/>", at);
                return at < 0 || end < 0 ? s : s.substring(0, at) + s.substring(end + 2);
            }
            default: { // rename an element consistently
                int at = s.indexOf("<", rnd.nextInt(s.length()));
                if (at < 0 || at + 1 >= s.length() || !Character.isLetter(s.charAt(at + 1))) {
                    return s;
                }
                int end = at + 1;
                while (end < s.length() && Character.isLetterOrDigit(s.charAt(end))) {
                    end++;
                }
                String tag = s.substring(at + 1, end);
                return s.replace("<" + tag + " ", "<X" + tag + " ").replace("<" + tag + ">", "<X" + tag + ">")
                        .replace("</" + tag + ">", "</X" + tag + ">").replace("<" + tag + "/>", "<X" + tag + "/>");
            }
        }
    }
}
