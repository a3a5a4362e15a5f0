package org.mlsec.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
