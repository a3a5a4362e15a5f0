package org.mlsec.junit.example;

import static org.mlsec.junit.MlsecAssertions.assertCanariesPass;
import static org.mlsec.junit.MlsecAssertions.assertEvasionMedianCostAbove;
import static org.mlsec.junit.MlsecAssertions.assertFairnessRatioAbove;
import static org.mlsec.junit.MlsecAssertions.assertMembershipAucBelow;
import static org.mlsec.junit.MlsecAssertions.assertScansClean;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.Progress;
import org.mlsec.attacks.inference.MembershipMethod;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.CsvWriter;
import org.mlsec.data.Dataset;
import org.mlsec.demo.LaymanBrothers;
import org.mlsec.data.Split;
import org.mlsec.defences.integrity.Canaries;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.ModelIo;
import org.mlsec.model.Models;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

/**
 * An example to copy: the security tests of a credit model that a team ships in its jar. In your project the model,
 * its canaries and the data are files in the repository (say {@code src/main/resources/model.mlsec},
 * {@code src/test/resources/canaries.json} and {@code src/test/resources/train.csv}); here {@link #make()} writes
 * them first so that the example runs on its own. Add {@code org.mlsec:mlsec-junit} with test scope.
 */
class CreditModelSecurityTest {
    @TempDir
    static Path files;

    static Path modelFile;
    static Path canaries;
    static LocalModel model;
    static Dataset members;
    static Dataset nonMembers;

    @BeforeAll
    static void make() {
        // --- stands in for your own files -----------------------------------------------------------------------
        Path csv = files.resolve("credit.csv");
        CsvWriter.write(LaymanBrothers.generate(1_000, 11), csv);
        Dataset all = CsvReader.read(csv, new CsvOptions(',', "DEFAULT", Set.of("ID"), Set.of("SEX"), Set.of("EDUCATION", "MARRIAGE")));
        Split split = Split.stratified(all, 0.5, 11);
        modelFile = files.resolve("model.mlsec");
        ModelIo.save(Trainer.train(split.train(), TrainConfig.defaults(Algorithm.LR), "credit.csv", Progress.NONE), modelFile);
        canaries = files.resolve("canaries.json");
        Canaries.write(Canaries.record(Models.load(modelFile), split.test(), 50, 11), canaries);
        // --- what your tests start from: the shipped model and the rows it was (and was not) trained on -----------
        model = Models.load(modelFile);
        members = split.train();
        nonMembers = split.test();
    }

    @Test
    void theShippedModelFileHoldsNoCode() {
        assertScansClean(modelFile);
    }

    @Test
    void theModelStillAnswersItsCanaries() {
        assertCanariesPass(model, canaries);
    }

    @Test
    void membershipInferenceStaysNearChance() {
        assertMembershipAucBelow(model, members, nonMembers, MembershipMethod.LIRA_OFFLINE, 4, 0.6);
    }

    @Test
    void approvalsMeetTheFourFifthsRuleForSex() {
        assertFairnessRatioAbove(model, nonMembers, "SEX", 0.8);
    }

    @Test
    void turningADefaultIntoAnApprovalIsNotCheap() {
        // the smallest change (in standard deviations of one feature, SEX and AGE kept) that makes "1" (default) a "0"
        assertEvasionMedianCostAbove(model, nonMembers, "0", List.of("SEX", "AGE"), 30, 0.05);
    }
}
