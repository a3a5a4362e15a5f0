package org.mlsec.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.mlsec.data.Column;
import org.mlsec.data.ColumnType;
import org.mlsec.data.Schema;
import org.mlsec.model.linear.LogisticModel;

/**
 * Issue 20, item 6: a model with one feature of 3,000,000 categories needed 5.2 GB to predict 200 rows (one-hot rows
 * × categories materialised at once, and each category found by a linear scan). Now prediction encodes in bounded
 * blocks and categories are looked up by hash.
 */
class WideCategoriesTest {
    static final int CATEGORIES = 3_000_000;

    /** The heap the prediction runs in: the model itself takes about half; its 200 one-hot rows at once, 4.8 GB. */
    static final String HEAP = "-Xmx1200m";

    @Test
    void threeMillionCategoriesPredict200RowsInBoundedMemoryAndTime() throws Exception {
        // Run in a JVM of its own with a small heap: the bound is then on what prediction keeps, however late the
        // collector takes its garbage (a peak measured in this JVM counts that garbage, and varies with the load).
        Path err = Files.createTempFile("wide-categories", ".err");
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), HEAP,
                    "-cp", System.getProperty("java.class.path"), Child.class.getName())
                    .redirectErrorStream(true).redirectOutput(err.toFile()).start();
            // a guard against a hang, not a speed target (2.1 s on a quiet machine, 40 s once under a load of 12)
            boolean done = p.waitFor(180, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly().waitFor();
            }
            String log = Files.readString(err);
            assertTrue(done, "no answer in 180 s: " + log);
            assertEquals(0, p.exitValue(), log);
            assertTrue(log.contains("3M categories, 200 rows"), log);
            System.err.print(log);
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** The scenario, in the small-heap JVM: exit 0 when every check holds, 1 with the failure otherwise. */
    public static final class Child {
        public static void main(String[] args) {
            try {
                scenario();
                System.exit(0);
            } catch (Throwable t) {
                t.printStackTrace();
                System.exit(1);
            }
        }
    }

    static void scenario() {
        List<String> cats = new ArrayList<>(CATEGORIES);
        for (int k = 0; k < CATEGORIES; k++) {
            cats.add("c" + k);
        }
        Schema schema = new Schema(List.of(Column.numeric("x", ColumnType.NUMERIC, -10, 10),
                Column.categorical("city", cats)), "y", List.of("0", "1"));
        int w = 1 + CATEGORIES;
        double[] mean = new double[w];
        double[] scale = new double[w];
        java.util.Arrays.fill(scale, 1);
        double[] weights = new double[w + 1];
        weights[0] = -0.25; // intercept
        weights[1] = 0.5;   // x
        for (int k = 0; k < CATEGORIES; k++) {
            weights[2 + k] = (k % 7 - 3) * 0.3;
        }
        Provenance prov = Provenance.imported("test", null, "logistic-regression", Map.of(), List.of("x", "city"), -1,
                null);
        LogisticModel model = new LogisticModel(schema, prov, mean, scale, new double[][] {weights});
        Column city = schema.feature(1);
        Random rnd = new Random(20);
        double[][] rows = new double[200][];
        int[] cat = new int[200];
        for (int i = 0; i < rows.length; i++) {
            cat[i] = rnd.nextInt(CATEGORIES);
            // each row's category found from its text, as a request or a CSV cell is read
            rows[i] = new double[] {rnd.nextGaussian(), city.parse("c" + cat[i])};
            assertEquals(cat[i], rows[i][1]);
        }
        long t0 = System.nanoTime();
        double[][] p = model.predictProba(rows);
        double seconds = (System.nanoTime() - t0) / 1e9;
        for (int i = 0; i < rows.length; i++) {
            double z = -0.25 + 0.5 * rows[i][0] + (cat[i] % 7 - 3) * 0.3;
            double q = 1 / (1 + Math.exp(-z));
            assertEquals(q, p[i][1], 1e-12, "row " + i);
            assertEquals(1 - q, p[i][0], 1e-12, "row " + i);
        }
        Runtime rt = Runtime.getRuntime();
        System.err.printf("3M categories, 200 rows: %.2f s in a heap of %d MiB (%d MiB in use after)%n", seconds,
                rt.maxMemory() >> 20, (rt.totalMemory() - rt.freeMemory()) >> 20);
        // lookups by hash: 200,000 of them in well under a second (a scan of 3M per lookup would take minutes)
        long t1 = System.nanoTime();
        for (int i = 0; i < 200_000; i++) {
            assertEquals(i * 13 % CATEGORIES, city.categoryIndex("c" + (i * 13 % CATEGORIES)));
        }
        // (a scan of 3M names per lookup would take hours, so a minute on the busiest machine tells them apart)
        assertTrue((System.nanoTime() - t1) / 1e9 < 60, "lookups too slow");
        assertEquals(-1, city.categoryIndex("nowhere"));
        assertEquals("city=c2999999", model.encoder().names().get(w - 1));
        assertEquals(1, model.encoder().sourceColumn(w - 1));
    }
}
