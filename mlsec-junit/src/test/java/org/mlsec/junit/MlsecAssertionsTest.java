package org.mlsec.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.Result;
import org.mlsec.attacks.inference.MembershipMethod;
import org.mlsec.data.Dataset;
import org.mlsec.data.Split;
import org.mlsec.defences.integrity.Canaries;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.ModelIo;
import org.opentest4j.AssertionFailedError;

class MlsecAssertionsTest {
    @TempDir
    static Path dir;

    static Split split;
    static LocalModel tree;
    static LocalModel lr;

    @BeforeAll
    static void models() throws Exception {
        Dataset d = Fixtures.layman(600, 7, dir);
        split = Split.stratified(d, 0.5, 7);
        tree = Fixtures.train(split.train(), Algorithm.TREE, 1);
        lr = Fixtures.train(split.train(), Algorithm.LR, 1);
    }

    @Test
    void scansCleanPassesOnAModelAndFailsOnAPickleNamingTheFindingAndTheReport() throws Exception {
        Path clean = Files.createDirectories(dir.resolve("clean"));
        ModelIo.save(lr, clean.resolve("model.mlsec"));
        assertEquals(1, MlsecAssertions.assertScansClean(clean).scannedFiles().size());

        Path evil = Files.write(dir.resolve("evil.pkl"), Fixtures.evilPickle());
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> MlsecAssertions.assertScansClean(clean, evil));
        assertTrue(e.getMessage().contains("but found 1 (report: target/mlsec/assertions/scan-"), e.getMessage());
        assertTrue(e.getMessage().contains("CRITICAL " + evil + ": imports os.system"), e.getMessage());
    }

    @Test
    void canariesPassForTheRecordedModelAndFailForAnother() {
        Path file = dir.resolve("canaries.json");
        Canaries.write(Canaries.record(lr, split.test(), 20, 3), file);
        assertEquals(0.0, MlsecAssertions.assertCanariesPass(lr, file).metric("failed"));
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> MlsecAssertions.assertCanariesPass(tree, file));
        assertTrue(e.getMessage().matches("(?s)expected the model to answer all 20 canaries as recorded \\(tolerance 1\\.0e-06\\),"
                + " but it answers \\d+ differently \\(report: .*canaries-\\d+\\.json\\):\n  canary .*"), e.getMessage());
    }

    @Test
    void membershipAucBoundSaysWhatWasMeasured() {
        Result r = MlsecAssertions.assertMembershipAucBelow(tree, split.train(), split.test(), MembershipMethod.THRESHOLD, 1, 1.01);
        double auc = r.metric("auc");
        assertTrue(auc > 0.55, "an unpruned tree remembers its training rows: " + auc);
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> MlsecAssertions.assertMembershipAucBelow(
                tree, split.train(), split.test(), MembershipMethod.THRESHOLD, 1, 0.55));
        assertTrue(e.getMessage().startsWith(String.format(java.util.Locale.ROOT,
                "expected membership-inference AUC (threshold, 1 references, 300 members, 300 non-members) below 0.550,"
                        + " but measured %.3f", auc)), e.getMessage());
    }

    @Test
    void fairnessRatioBound() {
        Result r = MlsecAssertions.assertFairnessRatioAbove(lr, split.test(), "SEX", 0.0);
        double di = r.metric("disparate_impact_ratio");
        assertTrue(di >= 0 && di <= 1, String.valueOf(di));
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> MlsecAssertions.assertFairnessRatioAbove(lr, split.test(), "SEX", 1.01));
        assertTrue(e.getMessage().startsWith(String.format(java.util.Locale.ROOT,
                "expected the disparate-impact ratio for SEX at or above 1.010, but measured %.3f", di)), e.getMessage());
    }

    @Test
    void evasionMedianCostBound() {
        Result r = MlsecAssertions.assertEvasionMedianCostAbove(lr, split.test(), "0", List.of("SEX", "AGE"), 20, 0.0);
        double median = r.metric("median_cost");
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> MlsecAssertions.assertEvasionMedianCostAbove(lr, split.test(), "0", List.of("SEX", "AGE"), 20, 1e6));
        assertTrue(e.getMessage().contains(String.format(java.util.Locale.ROOT, "above 1000000.0000, but measured %.4f", median)),
                e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> MlsecAssertions.assertEvasionMedianCostAbove(lr, split.test(), "maybe", List.of(), 20, 0));
    }
}
