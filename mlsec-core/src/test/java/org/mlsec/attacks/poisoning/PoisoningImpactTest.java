package org.mlsec.attacks.poisoning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.InputException;
import org.mlsec.Progress;
import org.mlsec.TestData;
import org.mlsec.data.Condition;
import org.mlsec.data.Dataset;
import org.mlsec.model.Algorithm;
import org.mlsec.model.TrainConfig;

class PoisoningImpactTest {
    @TempDir
    static Path dir;
    static Dataset data;
    static final TrainConfig SMALL = TrainConfig.defaults(Algorithm.RF).withTrees(5).withMaxDepth(3).withMinLeaf(20);
    static final PoisoningAttack TALK = new PoisoningAttack.Targeted(Condition.parse("SEX == 2 && AGE >= 30"),
            Map.of("DEFAULT", "1"), Map.of());

    @BeforeAll
    static void read() throws IOException {
        data = TestData.layman(3000, 11, dir).select(TestData.TALK_FEATURES);
    }

    @Test
    void settingTheLabelInAGroupMovesThePoisonedModelsRateThereTowardThatLabel() {
        PoisoningImpact.Impact r = PoisoningImpact.measure(data, TALK, PoisoningImpact.Config.of(SMALL, null, 1), Progress.NONE);
        assertEquals("1", r.positiveClass());
        PoisoningImpact.GroupRate target = r.rate(PoisoningImpact.TARGET_PREFIX + "SEX == 2 && AGE >= 30");
        assertTrue(target.rows() > 0);
        assertTrue(target.after() > target.before() + 0.3, target.toString());
        assertTrue(target.after() > 0.9, "the model learnt the set label: " + target);
        assertEquals(PoisoningAttack.Technique.TARGETED, r.technique());
    }

    @Test
    void theGroupsSplitTheHeldOutRowsAndTheCountsAreThoseOfThePoisoning() {
        PoisoningImpact.Impact r = PoisoningImpact.measure(data, TALK, PoisoningImpact.Config.of(SMALL, null, 1), Progress.NONE);
        List<PoisoningImpact.GroupRate> g = r.groupRates();
        assertEquals(3, g.size());
        assertEquals(r.split().test().rows(), g.get(0).rows() + g.get(1).rows());
        assertEquals(r.split().test().rows(), r.rate(PoisoningImpact.ALL).rows());
        assertEquals(data.rows(), r.split().train().rows() + r.split().test().rows());
        assertEquals(Poisoning.targeted(data, Condition.parse("SEX == 2 && AGE >= 30"), Map.of("DEFAULT", "1"), Map.of())
                .changedRows(), r.file().changedRows());
        assertTrue(r.train().changedRows() < r.file().changedRows(), "the training part is the smaller part");
        Map<String, Object> json = r.toJson();
        assertEquals("targeted", json.get("technique"));
        assertEquals(r.train().changedRows(), json.get("poisoned_rows"));
        assertEquals(Map.of("rows", g.get(1).rows(), "before", g.get(1).before(), "after", g.get(1).after()),
                ((Map<?, ?>) json.get("group_rates")).get(PoisoningImpact.EVERYONE_ELSE));
    }

    @Test
    void labelFlipsReportOnlyTheRateOverAllRowsAndTrainOnTheGivenColumns() {
        PoisoningImpact.Impact r = PoisoningImpact.measure(data, new PoisoningAttack.RandomFlip(0.2, 4),
                PoisoningImpact.Config.of(SMALL, List.of("PAY_0", "LIMIT_BAL"), 1), Progress.NONE);
        assertEquals(List.of(PoisoningImpact.ALL), r.groupRates().stream().map(PoisoningImpact.GroupRate::group).toList());
        assertEquals(List.of("PAY_0", "LIMIT_BAL"), r.poisoned().schema().featureNames());
        assertEquals(2, r.importancesAfter().size());
        assertEquals("random-flip", r.toJson().get("technique"));
        assertThrows(InputException.class, () -> r.rate("target group: nobody"));
    }

    @Test
    void aBudgetFlipFlipsExactlyItsBudgetAndKeepsEveryColumn() {
        PoisoningAttack.BudgetFlip flip = new PoisoningAttack.BudgetFlip(40, List.of("PAY_0", "AGE"),
                TrainConfig.defaults(Algorithm.TREE).withMaxDepth(3), 2);
        Poisoning.Poisoned p = flip.apply(data, Progress.NONE);
        assertEquals(40, p.changedRows());
        assertEquals(data.schema(), p.data().schema());
    }

    @Test
    void parametersAreCheckedByTheirJavaNames() {
        assertTrue(assertThrows(InputException.class, () -> new PoisoningAttack.RandomFlip(1.5, 1)).getMessage()
                .startsWith("rate "));
        assertTrue(assertThrows(InputException.class, () -> new PoisoningAttack.BudgetFlip(0, null, SMALL, 1)).getMessage()
                .startsWith("budget "));
        assertTrue(assertThrows(InputException.class, () -> new PoisoningImpact.Config(SMALL, null, 1, 1)).getMessage()
                .startsWith("testFraction "));
        assertTrue(assertThrows(InputException.class, () -> new PoisoningAttack.FilterAwareFlip(5, SMALL, d -> d, 0, 1))
                .getMessage().startsWith("rounds "));
        assertTrue(assertThrows(InputException.class, () -> new PoisoningAttack.PartitionFlip(5, null)).getMessage()
                .startsWith("partitionOf "));
    }

    @Test
    void aFlipBudgetOfAllTheRowsIsRefusedNamingTheBudgetParameter() {
        InputException e = assertThrows(InputException.class, () -> new PoisoningAttack.BudgetFlip(data.rows(), null,
                SMALL, 1).apply(data, Progress.NONE));
        assertEquals(List.of("budget"), e.parameters());
        assertTrue(e.getMessage().startsWith("budget must be between 1 and the number of rows (3000), got 3000"),
                e.getMessage());
    }
}
