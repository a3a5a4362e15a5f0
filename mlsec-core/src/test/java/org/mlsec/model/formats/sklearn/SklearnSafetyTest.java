package org.mlsec.model.formats.sklearn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.InputException;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Models;
import org.mlsec.model.formats.FixtureAssertions;
import org.mlsec.model.formats.NotWhiteBoxException;

/** Hostile and malformed files: each ends in an InputException that says what is wrong, and nothing is run. */
class SklearnSafetyTest {
    @TempDir
    Path tmp;

    private Path write(String name, byte[] b) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, b);
        return p;
    }

    private String refused(byte[] b) throws IOException {
        return FixtureAssertions.refusedToLoad(write("model.bin", b)).getMessage();
    }

    private static byte[] osSystem(Path marker) {
        return new PickleWriter().global("os", "system").mark().str("touch '" + marker + "'").tuple().reduce()
                .raw('0').toBytes();
    }

    static boolean pythonAvailable() {
        try {
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import pickle").redirectErrorStream(true)
                    .start();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Test
    void aPickleCallingOsSystemIsRefusedByNameAndNeverRuns() throws Exception {
        Path marker = tmp.resolve("pwned");
        // A bare payload, and the same payload injected after PROTO into a real scikit-learn pickle (as fickling
        // does): the model still loads in Python, and runs the command first.
        byte[] bare = new PickleWriter().proto(2).raw(osSystem(marker)).none().stop().toBytes();
        byte[] real = Files.readAllBytes(SklearnFixtures.DIR.resolve("decision_tree_p2.pkl"));
        byte[] injected = new PickleWriter().raw(real[0], real[1]).raw(osSystem(marker))
                .raw(Arrays.copyOfRange(real, 2, real.length)).toBytes();
        for (byte[] b : new byte[][] {bare, injected}) {
            String m = refused(b);
            assertTrue(m.contains("refuses global os.system"), m);
            assertTrue(m.contains("nothing in the file was run"), m);
            assertFalse(Files.exists(marker), "the payload ran");
        }
        Path armed = write("armed.pkl", injected);
        if (pythonAvailable()) { // the same bytes do run the command when Python unpickles them
            Process p = new ProcessBuilder("/usr/bin/python3", "-c",
                    "import pickle,sys,warnings; warnings.simplefilter('ignore'); pickle.load(open(sys.argv[1],'rb'))",
                    armed.toString()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            assertTrue(Files.exists(marker), "Python should have run the payload: the test file is armed");
        }
    }

    @Test
    void otherDangerousOpcodesAndGlobalsAreRefused() throws Exception {
        assertTrue(refused(new PickleWriter().proto(4).stackGlobal("builtins", "eval").mark().str("1").tuple()
                .reduce().stop().toBytes()).contains("refuses global builtins.eval"));
        assertTrue(refused(new PickleWriter().proto(2).global("sklearn.svm._classes", "SVC").emptyTuple().newObj()
                .stop().toBytes()).contains("refuses global sklearn.svm._classes.SVC"));
        assertTrue(refused(new PickleWriter().proto(2).str("x").raw('Q').stop().toBytes()).contains("BINPERSID"));
        assertTrue(refused(new PickleWriter().proto(5).raw(0x97).stop().toBytes()).contains("NEXT_BUFFER"));
        assertTrue(refused(new PickleWriter().proto(2).raw(0x82, 1).stop().toBytes()).contains("EXT1"));
        assertTrue(refused(new PickleWriter().proto(4).str("os").integer(1).raw(0x93).stop().toBytes())
                .contains("refuses STACK_GLOBAL"));
    }

    @Test
    void theHandWrittenStumpReads() throws Exception {
        LocalModel m = Models.load(write("stump.bin", PickleWriter.stump()));
        double[][] p = m.predictProba(new double[][] {{0.2}, {0.9}});
        assertArrayEquals(new double[] {0.8, 0.2}, p[0], 1e-12);
        assertArrayEquals(new double[] {0.2, 0.8}, p[1], 1e-12);
    }

    @Test
    void malformedTreesAreRefusedWithWhereAndWhat() throws Exception {
        double[][] v = {{5, 5}, {4, 1}, {1, 4}};
        double[] thr = {0.5, -2, -2};
        long[] feat = {0, -2, -2};
        // child index out of range
        assertTrue(refused(PickleWriter.decisionTree(1, 3, new long[] {1, -1, -1}, new long[] {7, -1, -1}, feat,
                thr, v)).contains("node 0: children 1 and 7"));
        // a cycle: node 2 points back to the root
        long[] cl = {1, -1, 0};
        assertTrue(refused(PickleWriter.decisionTree(1, 3, cl, new long[] {2, -1, 1}, new long[] {0, -2, 0},
                new double[] {0.5, -2, 0.5}, v)).contains("node 2: children 0 and 1 are not later nodes"));
        // NaN threshold
        assertTrue(refused(PickleWriter.decisionTree(1, 3, new long[] {1, -1, -1}, new long[] {2, -1, -1}, feat,
                new double[] {Double.NaN, -2, -2}, v)).contains("node 0: the threshold is NaN"));
        // a feature the model does not have
        assertTrue(refused(PickleWriter.decisionTree(1, 3, new long[] {1, -1, -1}, new long[] {2, -1, -1},
                new long[] {3, -2, -2}, thr, v)).contains("splits on feature 3 of 1"));
        // node_count disagreeing with the arrays, and a huge one
        assertTrue(refused(PickleWriter.decisionTree(1, 4, new long[] {1, -1, -1}, new long[] {2, -1, -1}, feat,
                thr, v)).contains("nodes has shape (3,) for 4 nodes"));
        assertTrue(refused(PickleWriter.decisionTree(1, 1L << 40, new long[] {1, -1, -1}, new long[] {2, -1, -1},
                feat, thr, v)).contains("node_count is 1099511627776"));
        // infinite leaf value
        assertTrue(refused(PickleWriter.decisionTree(1, 3, new long[] {1, -1, -1}, new long[] {2, -1, -1}, feat,
                thr, new double[][] {{5, 5}, {Double.POSITIVE_INFINITY, 1}, {1, 4}})).contains("is not finite"));
    }

    @Test
    void treesDeeperThanTenThousandLevelsAreRefused() throws Exception {
        int splits = 10_001;
        int n = 2 * splits + 1;
        long[] l = new long[n];
        long[] r = new long[n];
        long[] f = new long[n];
        double[] t = new double[n];
        double[][] v = new double[n][];
        for (int i = 0; i < n; i++) {
            boolean split = i % 2 == 0 && i < 2 * splits;
            l[i] = split ? i + 2 : -1;
            r[i] = split ? i + 1 : -1;
            f[i] = split ? 0 : -2;
            t[i] = split ? i : -2;
            v[i] = new double[] {1, 1};
        }
        String m = refused(PickleWriter.decisionTree(1, n, l, r, f, t, v));
        assertTrue(m.contains("10001 levels deep"), m);
    }

    @Test
    void truncatedAndInconsistentStreamsAreRefused() throws Exception {
        byte[] real = Files.readAllBytes(SklearnFixtures.DIR.resolve("rf_small_p4.pkl"));
        for (int cut : new int[] {3, 100, real.length / 2, real.length - 1}) {
            assertTrue(refused(Arrays.copyOf(real, cut)).contains("truncated"), "cut at " + cut);
        }
        byte[] joblib = Files.readAllBytes(SklearnFixtures.DIR.resolve("rf_small.joblib"));
        assertTrue(refused(Arrays.copyOf(joblib, joblib.length - 10)).contains("truncated"));
        // huge declared lengths
        assertTrue(refused(new PickleWriter().proto(4).raw(0x8e).raw(PickleWriter.le(1L << 62, 8)).stop()
                .toBytes()).contains("announces 4611686018427387904 bytes"));
        assertTrue(refused(new PickleWriter().proto(4).raw(0x95).raw(PickleWriter.le(1L << 40, 8)).stop()
                .toBytes()).contains("FRAME at offset 2 announces"));
        assertTrue(refused(new PickleWriter().proto(2).raw('X').raw(PickleWriter.le(0xffffffffL, 4)).stop()
                .toBytes()).contains("announces 4294967295 bytes"));
        // bad memo indices, stack underflow, unknown opcodes, wrong protocol
        assertTrue(refused(new PickleWriter().proto(2).raw('h', 9).stop().toBytes())
                .contains("memo entry 9 read before it was stored"));
        assertTrue(refused(new PickleWriter().proto(2).raw('R').stop().toBytes()).contains("stack underflow"));
        assertTrue(refused(new PickleWriter().proto(2).raw(0xff).stop().toBytes()).contains("unknown opcode 0xff"));
        assertTrue(refused(new PickleWriter().proto(2).none().raw(0x80, 6).stop().toBytes())
                .contains("PROTO in the middle"));
        assertTrue(refused(new PickleWriter().proto(2).none().none().stop().toBytes()).contains("2 values"));
        // an array whose shape claims more data than it has
        PickleWriter w = new PickleWriter().proto(2);
        w.global("sklearn.tree._classes", "DecisionTreeClassifier").emptyTuple().newObj().emptyDict().mark()
                .str("n_features_in_").integer(1).str("classes_")
                .array(new long[] {3}, () -> w.dtype("i8", "<"), new byte[16]).setItems().build().stop();
        String m = refused(w.toBytes());
        assertTrue(m.contains("classes_: array of shape (3,) and dtype <i8 has 16 bytes of data, expected 24"), m);
    }

    @Test
    void hugeArraysAndValueBombsStopAtTheirBounds() throws Exception {
        // 5 million empty lists: more values than any model holds
        byte[] bomb = new byte[5_000_003];
        bomb[0] = (byte) 0x80;
        bomb[1] = 4;
        Arrays.fill(bomb, 2, bomb.length - 1, (byte) ']');
        bomb[bomb.length - 1] = '.';
        assertTrue(refused(bomb).contains("more than 4000000 values"));
        // an array declaring 2^40 elements
        PickleWriter w = new PickleWriter().proto(2);
        w.global("sklearn.tree._classes", "DecisionTreeClassifier").emptyTuple().newObj().emptyDict().mark()
                .str("n_features_in_").integer(1).str("classes_").array(new long[] {1L << 20, 1L << 20}, () -> w.dtype("i8", "<"), new byte[16])
                .setItems().build().stop();
        String m = refused(w.toBytes());
        assertTrue(m.contains("more than 16777216 elements"), m);
    }

    @Test
    void multinomialLogisticRegressionIsRefusedClearly() throws Exception {
        Path p = SklearnFixtures.DIR.resolve("lr_marriage3_multinomial.pkl");
        NotWhiteBoxException e = assertThrows(NotWhiteBoxException.class, () -> Models.load(p));
        assertTrue(e.getMessage().contains("softmax (multinomial)"), e.getMessage());
        assertEquals("scikit-learn pickle", e.format());
    }

    @Test
    void oneHotEncodingThatDropsACategoryIsRefused() throws Exception {
        Path p = SklearnFixtures.DIR.resolve("ct_drop_first.pkl");
        InputException e = assertThrows(InputException.class, () -> Models.load(p));
        assertTrue(e.getMessage().contains("drops a category per column (drop='first')"), e.getMessage());
    }

    @Test
    void bigEndianAndNarrowDtypesDecode() {
        PickleWriter w = new PickleWriter().proto(2);
        w.array(new long[] {2}, () -> w.dtype("f8", ">"), new byte[] {0x3f, (byte) 0xf0, 0, 0, 0, 0, 0, 0,
                (byte) 0xc0, 0, 0, 0, 0, 0, 0, 0}).stop();
        Numpy.Array a = Numpy.array(new PickleMachine(w.toBytes(), "t").load(), "a");
        assertArrayEquals(new double[] {1, -2}, a.doubles("a"));
        PickleWriter v = new PickleWriter().proto(2);
        v.array(new long[] {3}, () -> v.dtype("i2", "<"), new byte[] {(byte) 0xff, (byte) 0xff, 5, 0, 0, (byte) 0x80})
                .stop();
        assertArrayEquals(new long[] {-1, 5, -32768},
                Numpy.array(new PickleMachine(v.toBytes(), "t").load(), "v").longs("v"));
    }

    @Test
    void lz4AndOldJoblibAreRecognisedAndRefused() throws Exception {
        assertTrue(refused(new byte[] {0x04, 0x22, 0x4d, 0x18, 1, 2, 3}).contains("lz4"));
        assertTrue(refused("ZF0x1234          xxxx".getBytes()).contains("before joblib 0.10"));
    }

    @Test
    void structuredDtypeFieldsOutsideTheRecordAreRefused() throws Exception {
        byte[] b = PickleWriter.stump();
        // the first "i8" field offset 16 (feature) is written as BININT 16; move it beyond the 56-byte record
        byte[] needle = {'J', 16, 0, 0, 0};
        int at = FixtureAssertions.indexOf(b, needle);
        assertTrue(at > 0);
        b[at + 1] = 60;
        assertTrue(refused(b).contains("does not fit in 56 bytes"));
    }

    static byte[] doubles(double... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double x : v) {
            b.putDouble(x);
        }
        return b.array();
    }
}
