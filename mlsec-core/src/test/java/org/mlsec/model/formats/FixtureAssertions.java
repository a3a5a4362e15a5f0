package org.mlsec.model.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.mlsec.InputException;
import org.mlsec.model.Classifier;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Models;

/**
 * Helpers shared by the model-file readers' tests: recorded fixtures (gzip CSV), row-by-row comparison of
 * probabilities, files under misleading names, and the shape of a refusal.
 */
public final class FixtureAssertions {
    private FixtureAssertions() {
    }

    /** The rows of a gzip CSV after its header line, split at commas (empty cells kept). */
    public static List<String[]> gzipCsv(Path f) throws IOException {
        List<String[]> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(f)),
                StandardCharsets.UTF_8))) {
            r.readLine();
            String line;
            while ((line = r.readLine()) != null) {
                out.add(line.split(",", -1));
            }
        }
        return out;
    }

    /** A recorded probability CSV (gzip, a header of class columns); an empty cell is NaN. */
    public static double[][] probabilities(Path f) throws IOException {
        List<String[]> cells = gzipCsv(f);
        double[][] rows = new double[cells.size()][];
        for (int i = 0; i < rows.length; i++) {
            String[] c = cells.get(i);
            rows[i] = new double[c.length];
            for (int k = 0; k < c.length; k++) {
                rows[i][k] = c[k].isEmpty() ? Double.NaN : Double.parseDouble(c[k]);
            }
        }
        return rows;
    }

    /**
     * How far probabilities are from the expected ones: the largest absolute difference (infinite where one is NaN
     * and the other not) and the rows whose argmax agrees.
     */
    public record Agreement(double maxDiff, int labelsAgree, int rows) {
        public int labelsDiffer() {
            return rows - labelsAgree;
        }
    }

    /** Compares row by row; the numbers of rows and of classes must match. */
    public static Agreement agreement(String what, double[][] got, double[][] expected) {
        assertEquals(expected.length, got.length, what + ": rows");
        double max = 0;
        int agree = 0;
        for (int i = 0; i < got.length; i++) {
            assertEquals(expected[i].length, got[i].length, what + ": classes in row " + i);
            for (int c = 0; c < got[i].length; c++) {
                double d = Math.abs(got[i][c] - expected[i][c]);
                max = Math.max(max, Double.isNaN(d) ? Double.POSITIVE_INFINITY : d);
            }
            if (Classifier.argmax(got[i]) == Classifier.argmax(expected[i])) {
                agree++;
            }
        }
        return new Agreement(max, agree, got.length);
    }

    /**
     * Copies {@code source} into {@code dir} as {@code as}, a name that says nothing (or something false) about its
     * format, so that only its content can tell what it is.
     */
    public static Path copyAs(Path source, Path dir, String as) throws IOException {
        return Files.copy(source, dir.resolve(as), StandardCopyOption.REPLACE_EXISTING);
    }

    /** Loads {@code source} through Models.load from a copy named {@code as}. */
    public static LocalModel loadAs(Path source, Path dir, String as) throws IOException {
        return Models.load(copyAs(source, dir, as));
    }

    /** Models.load refuses {@code f} with an InputException whose message is one line and starts with its path. */
    public static InputException refusedToLoad(Path f) {
        return refusedToLoad(f, "");
    }

    /**
     * Models.load refuses {@code f} with an InputException whose message is one line, starts with the file's path and contains
     * {@code fragment}.
     */
    public static InputException refusedToLoad(Path f, String fragment) {
        InputException e = assertThrows(InputException.class, () -> Models.load(f));
        String m = e.getMessage();
        assertTrue(m.startsWith(f.toString()), m);
        assertTrue(m.contains(fragment), () -> "expected '" + fragment + "' in: " + m);
        assertFalse(m.contains("\n"), () -> "one line: " + m);
        return e;
    }

    /** The first place {@code needle} stands in {@code b}, or -1. */
    public static int indexOf(byte[] b, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= b.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (b[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
