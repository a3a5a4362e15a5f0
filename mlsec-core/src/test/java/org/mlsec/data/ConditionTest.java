package org.mlsec.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mlsec.InputException;

class ConditionTest {
    static final Schema S = new Schema(List.of(Column.categorical("SEX", List.of("1", "2")),
            Column.numeric("AGE", ColumnType.INTEGER, 21, 79)), "DEFAULT", List.of("0", "1"));

    @Test
    void parsesConjunctionsAndTestsRows() {
        Condition c = Condition.parse("SEX == 2 && AGE >= 30");
        assertEquals(2, c.clauses().size());
        assertTrue(c.test(S, new double[] {1, 30}));
        assertFalse(c.test(S, new double[] {0, 30}));
        assertFalse(c.test(S, new double[] {1, 29}));
    }

    @Test
    void errorsPointAtTheCharacter() {
        String m = assertThrows(InputException.class, () -> Condition.parse("AGE >> 3")).getMessage();
        assertTrue(m.contains("at character 6") && m.contains("     ^"), m);
        assertThrows(InputException.class, () -> Condition.parse("AGE >= 3; rm -rf /"));
        assertThrows(InputException.class, () -> Condition.parse("System.exit(1) == 1"));
    }
}
