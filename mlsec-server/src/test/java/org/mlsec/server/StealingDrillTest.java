package org.mlsec.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mlsec.InputException;
import org.mlsec.MlsecException;
import org.mlsec.Progress;
import org.mlsec.attacks.extraction.Extraction;
import org.mlsec.data.Dataset;
import org.mlsec.data.Split;
import org.mlsec.defences.detector.ExtractionProfile;
import org.mlsec.demo.LaymanBrothers;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

/** A stealing attack sent over HTTP to a served model: a copy when the API is open, a block when it is guarded. */
class StealingDrillTest {
    static Dataset train;
    static Dataset known;
    static Dataset eval;
    static LocalModel model;
    static ExtractionProfile profile;

    @BeforeAll
    static void serveTheTalksSmallForest() {
        Split s = Split.random(LaymanBrothers.generate(4_000, 3), 0.5, 3);
        train = s.train();
        Split halves = Split.random(s.test(), 0.5, 3);
        known = halves.train();
        eval = halves.test();
        model = Trainer.train(train, TrainConfig.defaults(Algorithm.RF).withTrees(5).withMaxDepth(3).withMinLeaf(100),
                "drill", Progress.NONE);
        profile = ExtractionProfile.of(model.schema(), train.x());
    }

    static GuardConfig guards(boolean detect) {
        return new GuardConfig(true, 1000, 1 << 20, Map.of(), false, 0, 0, 0, "label", 4, 0, 0, detect, "block", null);
    }

    @Test
    void anOpenApiIsCopiedAndTheCopyIsMeasuredAgainstTheModel() {
        StealingDrill.Attempt a = StealingDrill.served(model, null, guards(false), profile,
                Extraction.Plan.of(Extraction.Strategy.PATH, known, 2000, 1), eval, 1000);
        assertEquals(StealingDrill.Outcome.COPIED, a.outcome());
        assertTrue(a.fidelity() >= 0.95, "path-finding copies a small forest: " + a);
        assertTrue(a.queries() > 0 && a.queries() <= 2000, a.toString());
        assertNull(a.why());
    }

    @Test
    void detectionThatBlocksStopsTheSameAttackBeforeItsBudgetIsSpent() {
        StealingDrill.Attempt a = StealingDrill.served(model, null, guards(true), profile,
                Extraction.Plan.of(Extraction.Strategy.PATH, known, 2000, 1), eval, 1);
        assertEquals(StealingDrill.Outcome.BLOCKED, a.outcome());
        assertTrue(a.blocked());
        assertTrue(a.queries() < 2000, "blocked before the budget is spent: " + a);
        assertTrue(Double.isNaN(a.fidelity()));
    }

    @Test
    void answersThatTeachNothingAreNoCopyWithTheReason() {
        // Sweeping a column the forest never splits on, from one typical row: one answer everywhere.
        String unused = model.schema().featureNames().stream()
                .filter(f -> org.mlsec.model.Inspection.columnImportances(model).get(f) == 0).findFirst().orElseThrow();
        List<String> values = model.schema().feature(model.schema().featureNames().indexOf(unused)).isCategorical()
                ? model.schema().feature(model.schema().featureNames().indexOf(unused)).categories()
                : List.of("1", "2", "3");
        StealingDrill.Attempt a = StealingDrill.served(model, null, guards(false), profile,
                Extraction.Plan.sweep(Map.of(unused, values), Map.of(), known, 2000, 1), eval, 1000);
        assertEquals(StealingDrill.Outcome.NO_COPY, a.outcome(), a.toString());
        assertTrue(a.why() != null && !a.why().isBlank());
    }

    @Test
    void anotherRefusalThanABlockIsNotADefenceAndGoesOn() {
        // A rate limit of one request: the second request is refused with 429 (retryable, so the client's error after
        // its retries), which this drill does not score.
        GuardConfig limited = new GuardConfig(true, 1000, 1 << 20, Map.of(), false, 0.001, 1, 0, "label", 4, 0, 0,
                false, "block", null);
        MlsecException e = assertThrows(MlsecException.class, () -> StealingDrill.served(model, null, limited,
                profile, Extraction.Plan.of(Extraction.Strategy.PATH, known, 2000, 1), eval, 1));
        assertTrue(e.getMessage().contains("HTTP 429"), e.getMessage());
    }

    @Test
    void argumentsAreCheckedByTheirJavaNames() {
        Extraction.Plan plan = Extraction.Plan.of(Extraction.Strategy.PATH, known, 2000, 1);
        InputException batch = assertThrows(InputException.class,
                () -> StealingDrill.served(model, null, guards(false), profile, plan, eval, 1001));
        assertEquals(List.of("rowsPerRequest"), batch.parameters());
        InputException together = assertThrows(InputException.class, () -> StealingDrill.attempt(
                new org.mlsec.model.remote.HttpClassifier(model.schema(), org.mlsec.model.remote.HttpClassifier.Config
                        .of(java.net.URI.create("http://127.0.0.1:9/predict"))), plan, model, null));
        assertEquals(List.of("eval"), together.parameters());
        // Known rows of another schema are a mistake in the drill, refused before any query, never NO_COPY.
        Dataset narrow = known.select(known.schema().featureNames().subList(0, 3));
        org.mlsec.model.remote.HttpClassifier nowhere = new org.mlsec.model.remote.HttpClassifier(model.schema(),
                org.mlsec.model.remote.HttpClassifier.Config.of(java.net.URI.create("http://127.0.0.1:9/predict")));
        assertThrows(InputException.class, () -> StealingDrill.attempt(nowhere,
                Extraction.Plan.of(Extraction.Strategy.PATH, narrow, 2000, 1), null, null));
        assertEquals(0, nowhere.queries());
        assertThrows(InputException.class, () -> StealingDrill.served(model, null, guards(false), profile, plan,
                eval.select(eval.schema().featureNames().subList(0, 3)), 1000));
        assertThrows(InputException.class, () -> new StealingDrill.Attempt(StealingDrill.Outcome.NO_COPY, Double.NaN,
                0, null));
        assertThrows(InputException.class, () -> new StealingDrill.Attempt(StealingDrill.Outcome.BLOCKED, 0.9, 3,
                null));
    }
}
