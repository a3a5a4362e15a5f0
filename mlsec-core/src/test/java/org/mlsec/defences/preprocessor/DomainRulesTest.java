package org.mlsec.defences.preprocessor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.InputException;
import org.mlsec.data.Column;
import org.mlsec.data.ColumnType;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.demo.CreditCard;
import org.mlsec.demo.LaymanBrothers;

class DomainRulesTest {
    @TempDir
    Path dir;

    static DomainRules parse(String text) {
        return DomainRules.parse(text.getBytes(StandardCharsets.UTF_8), "r.rules");
    }

    @Test
    void schemaInferenceLearnsOnlyWhatTheDataShows() {
        // The credit-card columns by name: no rule about age or repayment appears unless the user gives one.
        Dataset d = LaymanBrothers.generate(500, 1);
        assertEquals(List.of(), InputSchema.infer(d).rules());
    }

    @Test
    void aRulesFileIsOneConditionPerLineWithComments() {
        DomainRules r = parse("# adults only\nAGE >= 18   # by law\n\n  LIMIT_BAL > 0 && AGE <= 125\r\n");
        assertEquals(List.of("AGE >= 18", "LIMIT_BAL > 0 && AGE <= 125"), r.rules());
    }

    @Test
    void aBadLineIsNamedByFileAndLine() {
        InputException e = assertThrows(InputException.class, () -> parse("AGE >= 18\nAGE >=\n"));
        assertTrue(e.getMessage().startsWith("r.rules line 2: "), e.getMessage());
        assertThrows(InputException.class, () -> DomainRules.parse(new byte[] {(byte) 0xff, 'A'}, "bin"));
        assertTrue(assertThrows(InputException.class, () -> DomainRules.read(dir.resolve("none.rules"))).getMessage()
                .contains("no such rules file"));
        assertTrue(assertThrows(InputException.class, () -> DomainRules.read(dir)).getMessage().contains("folder"));
    }

    @Test
    void onlyRulesWhoseColumnsTheDataHasApply() {
        Schema s = new Schema(List.of(Column.numeric("AGE", ColumnType.INTEGER, 0, 100),
                Column.categorical("SEX", List.of("1", "2"))), "Y", List.of("0", "1"));
        DomainRules.Applicable a = parse("AGE >= 18\nPAY_0 <= 9\nSEX == 2\nSEX >= 1\n").applicableTo(s);
        assertEquals(List.of("AGE >= 18", "SEX == 2"), a.applicable());
        assertEquals(List.of("PAY_0 <= 9", "SEX >= 1"), a.skipped());
        assertTrue(a.note().contains("PAY_0 <= 9"), a.note());
    }

    @Test
    void withRulesAddsTheApplicableOnesOnceAndTheyAreEnforced() throws Exception {
        Dataset d = LaymanBrothers.generate(500, 2);
        Files.writeString(dir.resolve("c.rules"), "AGE >= 18\nAGE >= 18\nNO_SUCH > 1\n");
        InputSchema s = InputSchema.infer(d).withRules(DomainRules.read(dir.resolve("c.rules")));
        assertEquals(List.of("AGE >= 18"), s.rules());
        double[] row = d.row(0).clone();
        row[d.schema().indexOf("AGE")] = 17;
        assertTrue(s.check(1, row).stream().anyMatch(v -> v.rule().contains("AGE >= 18")));
        assertEquals(List.of(), s.check(1, d.row(0)));
    }

    @Test
    void theCreditCardExampleRejectsANonPositiveLimit() {
        DomainRules r = CreditCard.rules();
        assertEquals(23, r.rules().size());
        Dataset d = LaymanBrothers.generate(300, 3);
        InputSchema s = InputSchema.infer(d).withRules(r);
        // PAY_1 is not a column of the data (the UCI file skips it): its two rules do not apply.
        assertEquals(21, s.rules().size());
        InputSchema.Checker checker = s.checker();
        for (int i = 0; i < d.rows(); i++) {
            assertEquals(List.of(), checker.check(i, d.row(i)), "generated row " + i + " is genuine");
        }
        double[] bad = d.row(0).clone();
        bad[d.schema().indexOf("LIMIT_BAL")] = 0;
        assertTrue(s.check(1, bad).stream().anyMatch(v -> v.rule().contains("LIMIT_BAL > 0")));
    }

    @Test
    void ofModelWidensTheTrainingRangesWithoutRules() {
        Schema s = new Schema(List.of(Column.numeric("A", ColumnType.INTEGER, 10, 20)), "Y", List.of("0", "1"));
        InputSchema i = InputSchema.ofModel(s);
        assertEquals(9.0, i.features().get(0).min());
        assertEquals(21.0, i.features().get(0).max());
        assertEquals(List.of(), i.rules());
    }
}
