package org.mlsec.model.formats.lightgbm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.InputException;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Models;
import org.mlsec.model.formats.FixtureAssertions;
import org.mlsec.model.formats.NotWhiteBoxException;
import org.mlsec.model.tree.BoostedModel;

/** Refused and hostile LightGBM files end in one clear InputException naming the file and the place. */
class LightGbmSafetyTest {
    @TempDir
    Path tmp;

    private int files;

    /** A two-feature binary model around the given tree blocks (no tree_sizes line). */
    static String model(String... trees) {
        StringBuilder s = new StringBuilder("tree\nversion=v4\nnum_class=1\nnum_tree_per_iteration=1\nlabel_index=0\n"
                + "max_feature_idx=1\nobjective=binary sigmoid:1\nfeature_names=a b\nfeature_infos=[-10:10] [0:5]\n\n");
        for (int i = 0; i < trees.length; i++) {
            s.append("Tree=").append(i).append('\n').append(trees[i]).append("\n\n");
        }
        return s.append("end of trees\n").toString();
    }

    /** One tree's lines: 0 <= x_a splits of decision_type 2 unless given. */
    static String tree(int leaves, String feature, String threshold, String decision, String left, String right,
                       String values) {
        return "num_leaves=" + leaves + "\nnum_cat=0\nsplit_feature=" + feature + "\nsplit_gain=" + ones(leaves - 1)
                + "\nthreshold=" + threshold + "\ndecision_type=" + decision + "\nleft_child=" + left
                + "\nright_child=" + right + "\nleaf_value=" + values + "\nleaf_count=" + ones(leaves)
                + "\ninternal_count=" + ones(leaves - 1) + "\nis_linear=0\nshrinkage=1\n";
    }

    static final String GOOD = tree(3, "0 1", "0.5 2.5", "2 2", "-1 -2", "1 -3", "0.1 0.2 0.3");

    private static String ones(int n) {
        return "1 ".repeat(n).trim();
    }

    private Path write(String text) throws IOException {
        return write(text.getBytes(StandardCharsets.UTF_8));
    }

    private Path write(byte[] bytes) throws IOException {
        Path p = tmp.resolve("m" + files++ + ".dat");
        Files.write(p, bytes);
        return p;
    }

    private InputException refused(String text, String expected) throws IOException {
        return FixtureAssertions.refusedToLoad(write(text), expected);
    }

    @Test
    void aWellFormedSyntheticModelIsRead() throws IOException {
        LocalModel m = Models.load(write(model(GOOD, GOOD)));
        assertEquals(2, ((BoostedModel) m).trees().size());
        double p = m.predictProba(new double[][] {{0, 3}})[0][1];
        assertEquals(1 / (1 + Math.exp(-0.2)), p, 1e-15);
    }

    @Test
    void aTwoClassSoftmaxIsTheSigmoidOfTheScoreDifference() throws IOException {
        String two = model(GOOD, GOOD.replace("leaf_value=0.1 0.2 0.3", "leaf_value=0.7 -0.2 0.3"))
                .replace("num_class=1\nnum_tree_per_iteration=1", "num_class=2\nnum_tree_per_iteration=2")
                .replace("binary sigmoid:1", "multiclass num_class:2");
        LocalModel m = Models.load(write(two));
        double[] p = m.predictProba(new double[][] {{0, 3}})[0];
        assertEquals(Math.exp(0.7) / (Math.exp(0.1) + Math.exp(0.7)), p[1], 1e-15);
        assertEquals(1, p[0] + p[1], 1e-15);
        refused(two.replace("end of trees", "Tree=2\n" + GOOD + "\n\nend of trees"),
                "3 trees is not a whole number of rounds of 2 trees");
    }

    @Test
    void recognitionIsByContent() {
        LightGbmFormat f = new LightGbmFormat();
        assertTrue(f.recognises("tree\nversion=v4\nnum_class=1\n".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(f.recognises("tree\r\nversion=v3\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertFalse(f.recognises("{\"tree\": 1}".getBytes(StandardCharsets.US_ASCII)));
        assertFalse(f.recognises("trees\nversion=v4\n".getBytes(StandardCharsets.US_ASCII)));
        assertFalse(f.recognises("tree\nsomething else\n".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void truncatedFilesAreRefused() throws IOException {
        String full = Files.readString(LightGbmFidelityTest.DIR.resolve("binary.model.txt"));
        refused(full.substring(0, full.length() / 2), "truncated");
        refused(full.substring(0, full.indexOf("end of trees")), "truncated");
        refused(full.substring(0, full.indexOf("Tree=0")), "truncated");
        refused(full.substring(0, full.indexOf("end of parameters")), "truncated");
        refused(full.substring(0, full.indexOf("feature_infos=")), "truncated");
        // cut in the middle of a line of tree 1: the array is short, or tree_sizes disagrees
        int cut = full.indexOf("leaf_value=", full.indexOf("Tree=1")) + 40;
        refused(full.substring(0, cut) + "\n\n" + full.substring(full.indexOf("Tree=2")), "tree 1");
    }

    @Test
    void versionsAndObjectivesOutsideWhatIsReadAreRefused() throws IOException {
        refused(model(GOOD).replace("version=v4", "version=v5"), "version=v5 is not one mlsec reads");
        refused(model(GOOD).replace("version=v4\n", ""), "no version= line");
        refused(model(GOOD).replace("objective=binary sigmoid:1\n", ""), "no objective= line");
        assertInstanceOf(NotWhiteBoxException.class,
                refused(model(GOOD).replace("binary sigmoid:1", "regression"), "objective regression is not a"));
        refused(model(GOOD).replace("binary sigmoid:1", "binary sigmoid:-1"), "positive, finite sigmoid");
        refused(model(GOOD).replace("num_class=1", "num_class=3"), "binary models have 1 and 1");
        refused(model(GOOD).replace("binary sigmoid:1", "multiclass num_class:2"), "disagrees with num_class=1");
        InputException ova = refused(Files.readString(LightGbmFidelityTest.DIR.resolve("ova.model.txt")),
                "multiclassova");
        assertInstanceOf(NotWhiteBoxException.class, ova);
        InputException cat = refused(Files.readString(LightGbmFidelityTest.DIR.resolve("categorical.model.txt")),
                "tree 0: node 0 splits on categorical feature 'PAY_0'");
        assertInstanceOf(NotWhiteBoxException.class, cat);
        assertInstanceOf(NotWhiteBoxException.class,
                refused(model(GOOD.replace("is_linear=0", "is_linear=1")), "tree 0: is a linear tree"));
    }

    @Test
    void childIndicesOutOfRangeAreRefused() throws IOException {
        refused(model(GOOD, tree(3, "0 1", "0.5 2.5", "2 2", "-1 -2", "7 -3", "0.1 0.2 0.3")),
                "tree 1: node 0 has right_child=7; internal nodes are 0..1");
        refused(model(tree(3, "0 1", "0.5 2.5", "2 2", "-1 -9", "1 -3", "0.1 0.2 0.3")),
                "tree 0: node 1 has left_child=-9, leaf 8; the tree has leaves 0..2");
        refused(model(tree(3, "0 5", "0.5 2.5", "2 2", "-1 -2", "1 -3", "0.1 0.2 0.3")),
                "tree 0: node 1 splits on feature 5; the model has 2");
    }

    @Test
    void cyclesAndSharedChildrenAreRefused() throws IOException {
        // node 1 -> node 2 -> node 1, detached from the root, whose children are leaves
        refused(model(tree(4, "0 0 0", "0 1 2", "2 2 2", "-1 2 1", "-2 -3 -4", "1 2 3 4")), "not reached from the root");
        refused(model(tree(4, "0 0 0", "0 1 2", "2 2 2", "-1 2 -3", "-2 1 -4", "1 2 3 4")), "a cycle");
        // a node pointing back to the root
        refused(model(tree(3, "0 1", "0.5 2.5", "2 2", "-1 0", "1 -3", "0.1 0.2 0.3")), "points back to the root");
        // two parents share node 1... and a leaf
        refused(model(tree(3, "0 1", "0.5 2.5", "2 2", "1 -2", "1 -3", "0.1 0.2 0.3")), "node 1 has 2 parents");
        refused(model(tree(3, "0 1", "0.5 2.5", "2 2", "-1 -1", "1 -3", "0.1 0.2 0.3")), "leaf 0 has 2 parents");
    }

    @Test
    void nanThresholdsAndBadNumbersAreRefused() throws IOException {
        refused(model(GOOD.replace("threshold=0.5 2.5", "threshold=nan 2.5")), "tree 0: node 0 has a NaN threshold");
        refused(model(GOOD.replace("leaf_value=0.1", "leaf_value=inf")), "leaf 0 has a non-finite leaf_value");
        refused(model(GOOD.replace("threshold=0.5", "threshold=0x1p3")), "'0x1p3' is not a number");
        refused(model(GOOD.replace("threshold=0.5", "threshold=0.5f")), "'0.5f' is not a number");
        refused(model(GOOD.replace("split_feature=0", "split_feature=99999999999")), "is not a 32-bit integer");
        refused(model(GOOD.replace("decision_type=2 2", "decision_type=12 2")), "decision_type=12");
        refused(model(GOOD.replace("split_gain=1 1", "split_gain=nan 1")), "split_gain NaN");
    }

    @Test
    void arrayLengthsMustMatchNumLeaves() throws IOException {
        refused(model(GOOD.replace("threshold=0.5 2.5", "threshold=0.5")),
                "tree 0: threshold has 1 values where 2 are expected");
        refused(model(GOOD.replace("leaf_value=0.1 0.2 0.3", "leaf_value=0.1 0.2 0.3 0.4")),
                "tree 0: leaf_value has 4 values where 3 are expected");
        refused(model(GOOD.replace("left_child=-1 -2\n", "")), "tree 0: has no left_child= line");
        refused(model(GOOD).replace("feature_names=a b", "feature_names=a b c"), "feature_names");
        refused(model(GOOD).replace("feature_names=a b", "feature_names=a a"), "lists 'a' twice");
    }

    @Test
    void hugeCountsAreRefusedBeforeAnythingIsAllocated() throws IOException {
        refused(model(GOOD.replace("num_leaves=3", "num_leaves=2000000000")), "num_leaves=2000000000 is outside");
        refused(model(GOOD.replace("num_leaves=3", "num_leaves=131073")), "LightGBM's own limit");
        refused(model(GOOD).replace("max_feature_idx=1", "max_feature_idx=2000000000"), "max_feature_idx");
        refused(model(GOOD).replace("num_class=1", "num_class=1000000"), "num_class=1000000 is outside");
        refused(model(GOOD).replace("\n\n", "\ntree_sizes=" + "1 ".repeat(1_000_001) + "\n\n"),
                "tree_sizes lists 1000001 trees");
        refused(model(GOOD).replace("\n\n", "\nx=" + "y".repeat(Lines.MAX_LINE + 1) + "\n\n"), "bytes long");
        StringBuilder many = new StringBuilder(GOOD);
        for (int i = 0; i < 100; i++) {
            many.append("k").append(i).append("=v\n");
        }
        refused(model(many.toString()), "more than 64 lines");
        // 40 nested zero-as-missing splits that each need both subtrees copied: 2^40 nodes
        int depth = 40;
        StringBuilder th = new StringBuilder();
        StringBuilder left = new StringBuilder();
        StringBuilder right = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            th.append("5 ");
            left.append(~i).append(' ');
            right.append(i + 1 < depth ? Integer.toString(i + 1) : Integer.toString(~depth)).append(' ');
        }
        refused(model(tree(depth + 1, "0 ".repeat(depth).trim(), th.toString().trim(), "4 ".repeat(depth).trim(),
                left.toString().trim(), right.toString().trim(), "0.5 ".repeat(depth + 1).trim())),
                "copying subtrees at missing-type-Zero splits would add more than 2097152 nodes");
    }

    @Test
    void treesDeeperThanTenThousandLevelsAreRefused() throws IOException {
        refused(model(chain(10_001)), "tree 0 is more than 10000 levels deep");
        LocalModel ok = Models.load(write(model(chain(10_000))));
        assertEquals(20_001, ((BoostedModel) ok).trees().get(0).nodes());
        assertEquals(10_000, ((BoostedModel) ok).trees().get(0).depth());
    }

    /** A tree of {@code depth} levels: node i sends x <= i left to leaf i and the rest on to node i + 1. */
    private static String chain(int depth) {
        int leaves = depth + 1;
        StringBuilder f = new StringBuilder();
        StringBuilder t = new StringBuilder();
        StringBuilder d = new StringBuilder();
        StringBuilder l = new StringBuilder();
        StringBuilder r = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            f.append("0 ");
            t.append(i).append(' ');
            d.append("2 ");
            l.append(~i).append(' ');
            r.append(i + 1 < depth ? Integer.toString(i + 1) : Integer.toString(~depth)).append(' ');
        }
        return tree(leaves, f.toString().trim(), t.toString().trim(), d.toString().trim(), l.toString().trim(),
                r.toString().trim(), "0.001 ".repeat(leaves).trim());
    }

    @Test
    void treeSizesMustMatchTheTrees() throws IOException {
        String full = Files.readString(LightGbmFidelityTest.DIR.resolve("binary.model.txt"));
        refused(full.replace("\n", "\r\n"), "tree_sizes says");
        int at = full.indexOf("leaf_value=", full.indexOf("Tree=3"));
        refused(full.substring(0, at) + "leaf_count=1 1\n" + full.substring(at), "sets leaf_count twice");
        refused(full.replace("shrinkage=0.1\n", "shrinkage=0.10\n"), "tree 1 is");
        refused(full.replaceFirst("tree_sizes=\\d+ ", "tree_sizes="), "tree_sizes lists 99 trees");
        refused(full.replace("Tree=7\n", "Tree=8\n"), "'Tree=8' where Tree=7 comes next");
        refused(full.replaceFirst("end of trees", "end of forest"), "expected Tree=100 or 'end of trees'");
    }

    @Test
    void headerLinesAreChecked() throws IOException {
        refused(model(GOOD).replace("label_index=0", "label_index=0=1"), "more than one '='");
        refused(model(GOOD).replace("label_index=0", "num_class=1"), "sets num_class twice");
        refused(model(GOOD).replace("[0:5]", "[5:0]"), "feature_infos of 'b'");
        refused(model(GOOD).replace("tree\n", "tree\nmonotone_constraints=0 2\n"), "monotone_constraints holds 2");
        refused(model(GOOD).replace("end of trees", ""), "without 'end of trees'");
        byte[] bad = model(GOOD).replace("feature_names=a b", "feature_names=a \u00ff").getBytes(
                StandardCharsets.ISO_8859_1);
        Path p = write(bad);
        InputException e = assertThrows(InputException.class, () -> Models.load(p));
        assertTrue(e.getMessage().contains("is not UTF-8 text"), e.getMessage());
    }

    /** Random damage to a real file ends in an InputException (or a model), never in another exception. */
    @Test
    void damagedFilesNeverEscapeAsOtherExceptions() throws IOException {
        byte[] good = Files.readAllBytes(LightGbmFidelityTest.DIR.resolve("ova.model.txt"));
        byte[] text = new String(good, StandardCharsets.US_ASCII).replace("multiclassova", "multiclass")
                .replace(" sigmoid:1", "").getBytes(StandardCharsets.US_ASCII);
        Path base = write(text);
        Models.load(base); // the undamaged text reads
        SplittableRandom rnd = new SplittableRandom(11);
        String digitsAndSigns = "0123456789-+.e =\n";
        LightGbmFormat f = new LightGbmFormat();
        int read = 0;
        for (int k = 0; k < 1500; k++) {
            byte[] b = text.clone();
            int edits = 1 + rnd.nextInt(4);
            for (int e = 0; e < edits; e++) {
                int at = rnd.nextInt(b.length);
                b[at] = (byte) digitsAndSigns.charAt(rnd.nextInt(digitsAndSigns.length()));
            }
            if (rnd.nextInt(5) == 0) {
                b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
            }
            try {
                f.read(base, b);
                read++;
            } catch (InputException e) {
                assertTrue(e.getMessage().startsWith(base.toString()), e.getMessage());
                assertFalse(e.getMessage().contains("not a readable LightGBM text model"), e.getMessage());
            }
        }
        assertTrue(read > 0, "some edits (in leaf values, gains) leave a readable model");
    }
}
