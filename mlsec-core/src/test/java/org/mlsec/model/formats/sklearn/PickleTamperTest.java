package org.mlsec.model.formats.sklearn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.mlsec.InputException;
import org.mlsec.TestData;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Models;

/** The talk's attack: classes_ rewritten to [1, 1] in the opcode stream; the file still loads and says "1". */
class PickleTamperTest {
    @TempDir
    Path tmp;

    /** The scikit-learn containers tampered: plain pickles of three protocols, joblib (plain, gzip, xz), pipelines. */
    static final List<String> CONTAINERS = List.of("rf_small_p2.pkl", "rf_small_p4.pkl", "rf_small_p5.pkl",
            "rf_small.joblib", "rf_small.joblib.gz", "rf_small.joblib.xz", "gbc_binary.joblib", "ct_rf.pkl",
            "lr_pipeline.pkl");

    @TempDir
    static Path tampered;

    /** What real scikit-learn makes of each tampered container, by name: one Python start for all of them. */
    private static Map<String, String> realChecks = Map.of();

    private static Boolean sklearn;

    private static synchronized boolean sklearnAvailable() {
        if (sklearn == null) {
            try {
                Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import sklearn").redirectErrorStream(true)
                        .start();
                p.getInputStream().readAllBytes();
                sklearn = p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException e) {
                sklearn = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                sklearn = false;
            }
        }
        return sklearn;
    }

    @BeforeAll
    static void tamperEveryContainerAndAskRealScikitLearnOnce() throws Exception {
        if (!TestData.realAvailable()) {
            return;
        }
        List<Path> files = new ArrayList<>();
        for (String name : CONTAINERS) {
            Path out = tampered.resolve("t-" + name);
            PickleTamper.tamper(SklearnFixtures.DIR.resolve(name), out);
            files.add(out);
        }
        if (sklearnAvailable()) {
            Map<String, String> blocks = new LinkedHashMap<>();
            String name = null;
            for (String line : realCheck(files.toArray(new Path[0])).split("\n")) {
                if (line.startsWith("file t-")) {
                    name = line.substring("file t-".length());
                    blocks.put(name, "");
                } else if (name != null) {
                    blocks.merge(name, line + "\n", String::concat);
                }
            }
            assertEquals(CONTAINERS, List.copyOf(blocks.keySet()), "one block per file, in order");
            realChecks = blocks;
        }
    }

    private static String realCheck(Path... files) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3",
                SklearnFixtures.DIR.resolve("check_tampered.py").toString()));
        for (Path f : files) {
            command.add(f.toString());
        }
        command.add(TestData.REAL.toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    private static void everyoneIsPositive(LocalModel m, double[][] x) {
        assertEquals(List.of("1", "1"), m.schema().classes());
        for (int c : m.predict(x)) {
            assertEquals("1", m.schema().classes().get(c));
        }
        assertTrue(m.provenance().imported().notes().stream().anyMatch(n -> n.contains("tampered")));
    }

    @Test
    void theTalksRealPickleSaysDefaultForEveryone() throws Exception {
        Assumptions.assumeTrue(TestData.realAvailable());
        Path out = tmp.resolve("credit-tampered.pkl");
        PickleTamper.tamper(SklearnFixtures.REAL_022, out);
        byte[] before = Files.readAllBytes(SklearnFixtures.REAL_022);
        byte[] after = Files.readAllBytes(out);
        assertEquals(before.length, after.length, "protocol 3: patched in place");
        int changed = 0;
        for (int i = 0; i < before.length; i++) {
            changed += before[i] != after[i] ? 1 : 0;
        }
        // element 0 of 6 classes_ arrays: the forest's int64 (0 -> 1: one byte) and its 5 trees' float64
        // (0.0 -> 1.0: two bytes each)
        assertEquals(6, PickleTamper.rewrite(before, "0.22").arrays());
        assertEquals(1 + 5 * 2, changed);
        double[][] x = SklearnFormatTest.talkMatrix();
        LocalModel original = Models.load(SklearnFixtures.REAL_022);
        LocalModel tampered = Models.loadAsIs(out);
        everyoneIsPositive(tampered, x);
        double[][] p0 = original.predictProba(x);
        double[][] p1 = tampered.predictProba(x);
        for (int i = 0; i < x.length; i++) {
            assertArrayEquals(p0[i], p1[i], 0.0, "probabilities are untouched");
        }
        if (sklearnAvailable()) {
            String recorded = Files.readString(SklearnFixtures.DIR.resolve("tampered_check.txt"));
            assertEquals(recorded, realCheck(out));
        }
    }

    @ParameterizedTest
    @FieldSource("CONTAINERS")
    void everyContainerStaysValidAndSaysOne(String name) {
        Assumptions.assumeTrue(TestData.realAvailable());
        LocalModel m = Models.loadAsIs(tampered.resolve("t-" + name));
        everyoneIsPositive(m, SklearnFixtures.realRows(m));
        if (sklearnAvailable()) {
            String real = realChecks.get(name);
            assertTrue(real.contains("classes_ [1, 1]") && real.contains("predictions {1: 30000}"), real);
        }
    }

    @Test
    void protocol2TextWhoseLengthChangesKeepsAValidStream() throws Exception {
        // classes [0, 200]: byte 200 is two bytes in UTF-8, so the latin-1 text grows and its length is rewritten
        PickleWriter w = new PickleWriter().proto(2);
        w.global("sklearn.dummy", "DummyClassifier").emptyTuple().newObj().emptyDict().mark().str("classes_");
        w.global("numpy.core.multiarray", "_reconstruct").mark().global("numpy", "ndarray").mark().integer(0)
                .tuple().global("_codecs", "encode").mark().str("b").str("latin1").tuple().reduce().tuple().reduce();
        w.mark().integer(1).mark().integer(2).tuple().dtype("i8", "<").bool(false).global("_codecs", "encode").mark()
                .str(new String(PickleWriter.le(0, 8), StandardCharsets.ISO_8859_1)
                        + new String(new byte[] {(byte) 200, 0, 0, 0, 0, 0, 0, 0}, StandardCharsets.ISO_8859_1))
                .str("latin1").tuple().reduce().tuple().build();
        w.setItems().build().stop();
        PickleTamper.Result r = PickleTamper.rewrite(w.toBytes(), "test");
        assertEquals(1, r.arrays());
        assertEquals(w.toBytes().length + 1, r.bytes().length);
        Py.Obj o = (Py.Obj) new PickleMachine(r.bytes(), "rewritten").load();
        assertArrayEquals(new long[] {200, 200}, Numpy.array(o.stateDict().get("classes_"), "c").longs("c"));
    }

    @Test
    void otherFilesAreRefusedClearly() throws Exception {
        Path text = tmp.resolve("a.txt");
        Files.writeString(text, "hello");
        InputException e = assertThrows(InputException.class, () -> PickleTamper.tamper(text, tmp.resolve("o")));
        assertTrue(e.getMessage().contains("not a scikit-learn pickle"), e.getMessage());
        Path other = tmp.resolve("b.pkl");
        Files.write(other, new PickleWriter().proto(4).stackGlobal("collections", "Counter").emptyTuple().reduce()
                .stop().toBytes());
        e = assertThrows(InputException.class, () -> PickleTamper.tamper(other, tmp.resolve("o")));
        assertTrue(e.getMessage().contains("not a scikit-learn pickle mlsec can rewrite")
                && e.getMessage().contains("collections.Counter"), e.getMessage());
        Path plain = tmp.resolve("c.pkl");
        Files.write(plain, new PickleWriter().proto(2).emptyDict().stop().toBytes());
        e = assertThrows(InputException.class, () -> PickleTamper.tamper(plain, tmp.resolve("o")));
        assertTrue(e.getMessage().contains("not a scikit-learn estimator"), e.getMessage());
    }
}
