package org.mlsec.defences;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.Progress;
import org.mlsec.TestData;
import org.mlsec.data.Dataset;
import org.mlsec.data.Split;
import org.mlsec.defences.ExtractionDefences.Attack;
import org.mlsec.defences.ExtractionDefences.Report;
import org.mlsec.attacks.extraction.Extraction.Strategy;
import org.mlsec.defences.detector.ExtractionAlert;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

/** The offline extraction study: what the server's detectors would see, without HTTP. */
class ExtractionDefencesTest {
    static final int BUDGET = 400;
    @TempDir
    static Path dir;
    static Dataset reference;
    static LocalModel forest;
    static Report report;

    @BeforeAll
    static void study() throws IOException {
        Split s = Split.random(TestData.layman(6_000, 11, dir), 0.5, 1);
        reference = s.test();
        forest = Trainer.train(s.train(), TrainConfig.defaults(Algorithm.RF).withTrees(5).withMaxDepth(3).withMinLeaf(50)
                .withSeed(2), "t", Progress.NONE);
        report = ExtractionDefences.study(forest, reference, ExtractionDefences.Config.of(BUDGET, 7), Progress.NONE);
        System.out.println(report.toJson());
    }

    static Attack attack(Report r, Strategy s) {
        return r.attacks().stream().filter(a -> a.strategy() == s).findFirst().orElseThrow();
    }

    @Test
    void pathFindingIsCaughtByBoundaryProbingBeforeItsBudgetIsSpent() {
        Attack path = attack(report, Strategy.PATH);
        Long before = path.before(ExtractionAlert.BOUNDARY_PROBING);
        assertNotNull(before, "boundary probing never fired on path-finding's binary searches");
        assertTrue(before < path.queries() && before < BUDGET, before + " of " + path.queries());
        assertTrue(path.fidelity() > 0.9, "the attack itself works: fidelity " + path.fidelity());
    }

    @Test
    void everyStrategyThatAppliesRunsWithinItsBudgetAndTheLearningOnesAreCaught() {
        assertEquals(java.util.List.of(Strategy.LEARN, Strategy.LEARN_ACTIVE, Strategy.SWEEP, Strategy.PATH),
                report.attacks().stream().map(Attack::strategy).toList());
        assertTrue(report.skipped().get(Strategy.EQUATION).contains("logistic regression"), report.skipped().toString());
        for (Attack a : report.attacks()) {
            assertTrue(a.queries() > 0 && a.queries() <= BUDGET, a.toString());
            assertTrue(a.queriesBeforeDetection().values().stream().allMatch(q -> q >= 0 && q < a.queries()), a.toString());
            if (a.strategy() != Strategy.SWEEP) {
                assertTrue(!a.queriesBeforeDetection().isEmpty(), a.strategy() + " went unnoticed");
            }
        }
    }

    @Test
    void theGridSweepDetectorFiresExactlyWhenASweepFillsItsWindow() {
        Attack sweep = attack(report, Strategy.SWEEP);
        Long before = sweep.before(ExtractionAlert.GRID_SWEEP);
        assertEquals(sweep.queries() >= 64, before != null, sweep.toString());
    }

    @Test
    void benignClientsRarelyRaiseAnAlarm() {
        assertTrue(report.benignRequests() > 0 && report.benignQueries() > report.benignRequests(),
                "requests of several rows: " + report.benignQueries() + " rows in " + report.benignRequests());
        report.falseAlarmRate().forEach((d, rate) -> assertTrue(rate <= 0.01, d + " false-alarm rate " + rate));
    }

    @Test
    void equationSolvingOfALogisticRegressionIsCaughtRowByRow() {
        LocalModel lr = Trainer.train(reference, TrainConfig.defaults(Algorithm.LR), "lr", Progress.NONE);
        Report r = ExtractionDefences.study(lr, reference, new ExtractionDefences.Config(100, 7, 1, 5, 10, 300),
                Progress.NONE);
        assertTrue(r.skipped().containsKey(Strategy.PATH), r.skipped().toString());
        Attack eq = attack(r, Strategy.EQUATION);
        assertTrue(eq.fidelity() > 0.99, "fidelity " + eq.fidelity());
        Long before = eq.before(ExtractionAlert.IMPLAUSIBLE_ROWS);
        assertNotNull(before, eq.toString());
        assertTrue(before < 10, "uniform queries are implausible from the first few: " + before);
    }

    @Test
    void theSameSeedGivesTheSameFigures() {
        ExtractionDefences.Config small = new ExtractionDefences.Config(100, 3, 1, 5, 10, 300);
        Report once = ExtractionDefences.study(forest, reference, small, Progress.NONE);
        assertEquals(once.toJson(), ExtractionDefences.study(forest, reference, small, Progress.NONE).toJson());
    }
}
