package org.mlsec.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.Mlsec;
import org.mlsec.data.CsvWriter;
import org.mlsec.data.Dataset;
import org.mlsec.data.Split;
import org.mlsec.demo.LaymanBrothers;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.ModelIo;
import org.mlsec.model.TrainConfig;

/** The README's Java programs, run as a user would run them, on the built-in data. */
class ExamplesTest {
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void anOverfitModelAndItsData() {
        Dataset all = LaymanBrothers.generate(1_600, 5).select(LaymanBrothers.COLUMNS.subList(1, 24));
        Split s = Split.random(all, 0.5, 5);
        // Leaves of one row remember their training rows: membership is exposed.
        LocalModel m = Mlsec.train(s.train(), TrainConfig.defaults(Algorithm.RF).withTrees(20).withMinLeaf(1));
        model = dir.resolve("models/credit.mlsec");
        ModelIo.save(m, model);
        CsvWriter.write(s.train(), dir.resolve("members.csv"));
        CsvWriter.write(s.test(), dir.resolve("non-members.csv"));
    }

    static String stdout(Runnable r) {
        PrintStream old = System.out;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(b, true, StandardCharsets.UTF_8));
            r.run();
        } finally {
            System.setOut(old);
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theMembershipExamplePrintsAucAndTprAtLowFalsePositives() throws Exception {
        String out = stdout(() -> MembershipExample.main(new String[] {model.toString(),
                dir.resolve("members.csv").toString(), dir.resolve("non-members.csv").toString()}));
        Matcher m = Pattern.compile("AUC (\\d\\.\\d{3}), TPR at 0\\.1% FPR (\\d\\.\\d{3})\\s*").matcher(out);
        assertTrue(m.matches(), out);
        double auc = Double.parseDouble(m.group(1));
        assertTrue(auc > 0.6 && auc <= 1, "an overfit forest exposes membership: " + out);
        assertTrue(Double.parseDouble(m.group(2)) >= 0);
    }

    @Test
    void theScanExamplePassesACleanFolderAndFailsOnAMaliciousPickle() throws Exception {
        Path clean = model.getParent();
        String ok = stdout(() -> assertEquals(0, ScanExample.check(clean)));
        assertTrue(ok.contains("1 files scanned"), ok);
        Path bad = dir.resolve("bad");
        Files.createDirectories(bad);
        Files.copy(model, bad.resolve("credit.mlsec"));
        // A protocol-0 pickle that calls os.system when loaded; the scanner reads it, never runs it.
        Files.write(bad.resolve("model.pkl"), "cos\nsystem\n(S'echo owned'\ntR.".getBytes(StandardCharsets.US_ASCII));
        String out = stdout(() -> assertEquals(1, ScanExample.check(bad)));
        assertTrue(out.contains("FINDING") && out.contains("system"), out);
    }

    @Test
    void theEvasionExampleFindsSmallChangesThatFlipAnOverfitForest() {
        String out = stdout(() -> EvasionExample.main(new String[] {model.toString(),
                dir.resolve("non-members.csv").toString()}));
        Matcher m = Pattern.compile("changed (\\d+\\.\\d)% of rows, median cost (\\d\\.\\d{4})\\s*").matcher(out);
        assertTrue(m.matches(), out);
        assertTrue(Double.parseDouble(m.group(1)) > 50, "most rows can be flipped: " + out);
        assertTrue(Double.parseDouble(m.group(2)) < 0.5, "by a change of less than half a range: " + out);
    }

    @Test
    void theStealingExampleCopiesADecisionTreeFromItsLabels() {
        Dataset all = LaymanBrothers.generate(3_000, 6).select(LaymanBrothers.COLUMNS.subList(1, 24));
        Split s = Split.random(all, 0.5, 6);
        Path tree = dir.resolve("tree.mlsec");
        ModelIo.save(Mlsec.train(s.train(), TrainConfig.defaults(Algorithm.TREE).withMaxDepth(4)), tree);
        CsvWriter.write(s.train(), dir.resolve("attacker.csv"));
        CsvWriter.write(s.test(), dir.resolve("held-out.csv"));
        String out = stdout(() -> StealingExample.main(new String[] {tree.toString(),
                dir.resolve("attacker.csv").toString(), dir.resolve("held-out.csv").toString()}));
        Matcher m = Pattern.compile("fidelity (\\d\\.\\d{4}) after (\\d+) queries\\s*").matcher(out);
        assertTrue(m.matches(), out);
        assertTrue(Double.parseDouble(m.group(1)) >= 0.99, out);
        assertTrue(Integer.parseInt(m.group(2)) <= 2_000 + 3_000, "the budget plus the evaluation's queries: " + out);
    }

    @Test
    void theBackdoorExampleFlagsAPlantedTriggerAndPassesTheCleanModel() {
        Dataset all = LaymanBrothers.generate(2_000, 7).select(LaymanBrothers.COLUMNS.subList(1, 24));
        LocalModel clean = Mlsec.train(all, TrainConfig.defaults(Algorithm.RF).withTrees(20).withSeed(7));
        var poisoned = org.mlsec.attacks.poisoning.Backdoor.poison(all, new org.mlsec.attacks.poisoning.Backdoor.Config(
                List.of(org.mlsec.attacks.poisoning.Trigger.parse("AGE=60")), 1, 0.6, 0, 0, 7));
        LocalModel backdoored = Mlsec.train(poisoned.data(),
                TrainConfig.defaults(Algorithm.RF).withTrees(20).withSeed(7));
        int[] status = new int[2];
        String bad = stdout(() -> status[0] = BackdoorExample.check(backdoored, all));
        assertEquals(1, status[0], bad);
        assertTrue(bad.startsWith("TRIGGER AGE="), "the trigger feature is named: " + bad);
        String ok = stdout(() -> status[1] = BackdoorExample.check(clean, all));
        assertEquals(0, status[1], ok);
        assertTrue(ok.startsWith("strongest") || ok.startsWith("no in-range"), ok);
    }

    @Test
    void theInversionExamplePrintsTheInformedAttacksSummary() {
        String out = stdout(() -> InversionExample.main(new String[] {model.toString(),
                dir.resolve("members.csv").toString(), dir.resolve("non-members.csv").toString(), "SEX"}));
        assertTrue(out.startsWith("map-informed on SEX: members "), "the summary names method and attribute: " + out);
        assertTrue(out.matches("(?s).*advantage [+-]\\d+\\.\\d points.*"), "the summary gives the advantage: " + out);
        assertTrue(out.contains("\nwhitebox-tree on SEX: members "), "a forest's file is attacked too: " + out);
    }

    @Test
    void thePoisoningExampleFlagsATargetedLabelEditAndPassesTheSameData() {
        Dataset trusted = LaymanBrothers.generate(4_000, 8).select(LaymanBrothers.COLUMNS.subList(1, 24));
        int j = trusted.schema().require("EDUCATION");
        double[][] x = trusted.x();
        int[] y = trusted.y().clone();
        var education = trusted.schema().feature(j);
        double graduate = education.isCategorical() ? education.categoryIndex("1") : 1;
        for (int i = 0; i < y.length; i++) {
            if (x[i][j] == graduate) {
                y[i] = 1; // every graduate school client now "defaults": a targeted edit, not drift
            }
        }
        Dataset edited = new Dataset(trusted.schema(), x, y);
        String bad = stdout(() -> assertEquals(1, PoisoningExample.check(trusted, edited)));
        assertTrue(bad.contains("EDUCATION"), bad);
        stdout(() -> assertEquals(0, PoisoningExample.check(trusted, trusted)));
    }

    @Test
    void theAuditExampleFailsTheBuildOnTheOverfitForest() throws Exception {
        Dataset data = Mlsec.read(dir.resolve("members.csv"), Mlsec.open(model))
                .concat(Mlsec.read(dir.resolve("non-members.csv"), Mlsec.open(model)));
        String out = stdout(() -> assertEquals(1, AuditExample.check(model, data)));
        assertTrue(out.contains("supply-chain: ") && out.contains("membership-inference: "), out);
    }
}
