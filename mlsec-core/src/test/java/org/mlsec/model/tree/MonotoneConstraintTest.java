package org.mlsec.model.tree;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mlsec.InputException;
import org.mlsec.Progress;
import org.mlsec.TestData;
import org.mlsec.data.Dataset;
import org.mlsec.demo.LaymanBrothers;
import org.mlsec.data.Schema;
import org.mlsec.model.Algorithm;
import org.mlsec.model.Classifier;
import org.mlsec.model.LocalModel;
import org.mlsec.model.ModelIo;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

/** Monotone constraints: constrained tree models are monotone in the constrained columns, and only they are. */
class MonotoneConstraintTest {
    /** Later repayment delays must never lower the default probability; a higher limit must never raise it. */
    static final Map<String, Integer> CREDIT = constraints();

    static Map<String, Integer> constraints() {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (String pay : List.of("PAY_0", "PAY_2", "PAY_3", "PAY_4", "PAY_5", "PAY_6")) {
            m.put(pay, 1);
        }
        m.put("LIMIT_BAL", -1);
        return m;
    }

    /** Layman Brothers clients, every column numeric (the generator's own schema), ID left out. */
    static final Dataset DATA = LaymanBrothers.generate(4_000, 11).select(LaymanBrothers.COLUMNS.subList(1, 24));

    /** One model per family and setting, trained once for every check. */
    private static final Map<Algorithm, LocalModel> CONSTRAINED = new EnumMap<>(Algorithm.class);
    private static final Map<Algorithm, LocalModel> FREE = new EnumMap<>(Algorithm.class);

    static TrainConfig config(Algorithm a) {
        // Fully grown rf and tree as by default; gbt with deeper trees than its default, so that it can misbehave.
        switch (a) {
            case RF:
                return TrainConfig.defaults(a).withTrees(50);
            case GBT:
                return TrainConfig.defaults(a).withTrees(60).withMaxDepth(6);
            default:
                return TrainConfig.defaults(a);
        }
    }

    static synchronized LocalModel model(Algorithm a, boolean constrained) {
        Map<Algorithm, LocalModel> cache = constrained ? CONSTRAINED : FREE;
        return cache.computeIfAbsent(a, k -> Trainer.train(DATA,
                constrained ? config(k).withMonotone(CREDIT) : config(k), "test", Progress.NONE));
    }

    /**
     * The largest drop (for +1; rise for -1) of P(class 1) found when sweeping {@code column} upwards through
     * every value it takes in the data, one below and one above, with the other columns held at {@code base}.
     */
    static double violation(Classifier m, double[] base, String column, int direction) {
        int j = m.schema().require(column);
        double[] values = sweep(j);
        double[][] rows = new double[values.length][];
        for (int i = 0; i < values.length; i++) {
            rows[i] = base.clone();
            rows[i][j] = values[i];
        }
        double[][] p = m.predictProba(rows);
        double worst = 0;
        for (int i = 0; i + 1 < values.length; i++) {
            worst = Math.max(worst, direction * (p[i][1] - p[i + 1][1]));
        }
        return worst;
    }

    /** The distinct values of a column in the data (at most 60, evenly chosen), with one below and one above. */
    static double[] sweep(int column) {
        double[] distinct = Arrays.stream(DATA.x()).mapToDouble(r -> r[column]).distinct().sorted().toArray();
        int n = Math.min(60, distinct.length);
        double[] v = new double[n + 2];
        for (int i = 0; i < n; i++) {
            v[i + 1] = distinct[(int) ((long) i * (distinct.length - 1) / Math.max(1, n - 1))];
        }
        v[0] = distinct[0] - 1;
        v[n + 1] = distinct[distinct.length - 1] + 1;
        return v;
    }

    /** A client made of columns of random clients, so that unusual combinations are tried too. */
    static double[] randomClient(SplittableRandom rng) {
        double[] r = new double[DATA.schema().width()];
        for (int j = 0; j < r.length; j++) {
            r[j] = DATA.row(rng.nextInt(DATA.rows()))[j];
        }
        return r;
    }

    @Provide
    Arbitrary<Algorithm> treeFamilies() {
        return Arbitraries.of(Algorithm.RF, Algorithm.TREE, Algorithm.GBT);
    }

    @Provide
    Arbitrary<String> constrainedColumns() {
        return Arbitraries.of(List.copyOf(CREDIT.keySet()));
    }

    @Property(tries = 400, seed = TestData.PROPERTY_SEED)
    void constrainedModelsNeverMoveAgainstTheirConstraints(@ForAll("treeFamilies") Algorithm a,
                                                           @ForAll("constrainedColumns") String column,
                                                           @ForAll @LongRange(min = 1, max = 1_000_000) long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] client = rng.nextBoolean() ? DATA.row(rng.nextInt(DATA.rows())).clone() : randomClient(rng);
        double v = violation(model(a, true), client, column, CREDIT.get(column));
        // Exactly monotone: the constrained leaves' counts are chosen so that shares come out on the bounds exactly.
        assertEquals(0.0, v, a + " moves against " + column + "=" + CREDIT.get(column) + " at " + Arrays.toString(client));
    }

    @ParameterizedTest
    @EnumSource(value = Algorithm.class, names = {"RF", "TREE", "GBT"})
    void withoutConstraintsTheSameModelIsNotMonotone(Algorithm a) {
        LocalModel free = model(a, false);
        LocalModel constrained = model(a, true);
        SplittableRandom rng = new SplittableRandom(5);
        double worstFree = 0;
        double worstConstrained = 0;
        for (int i = 0; i < 300; i++) {
            double[] client = randomClient(rng);
            for (Map.Entry<String, Integer> e : CREDIT.entrySet()) {
                worstFree = Math.max(worstFree, violation(free, client, e.getKey(), e.getValue()));
                worstConstrained = Math.max(worstConstrained, violation(constrained, client, e.getKey(), e.getValue()));
            }
        }
        // The check finds real violations when there is no constraint, so its silence above means something.
        assertTrue(worstFree > 0.01, a + " without constraints: largest violation " + worstFree);
        assertEquals(0.0, worstConstrained, a + " with constraints");
    }

    @ParameterizedTest
    @EnumSource(value = Algorithm.class, names = {"RF", "TREE", "GBT"})
    void constraintsCostLittleAccuracyOnTheTrainingData(Algorithm a) {
        double free = accuracy(model(a, false));
        double constrained = accuracy(model(a, true));
        assertTrue(constrained > 0.75, a + " constrained training accuracy " + constrained + " (free " + free + ")");
    }

    static double accuracy(Classifier m) {
        int[] p = m.predict(DATA.x());
        int right = 0;
        for (int i = 0; i < p.length; i++) {
            right += p[i] == DATA.y()[i] ? 1 : 0;
        }
        return (double) right / p.length;
    }

    @Test
    void constraintsAreSavedLoadedAndRetrainedFromProvenance(@TempDir Path dir) {
        LocalModel m = model(Algorithm.RF, true);
        Map<String, String> h = m.provenance().hyperparameters();
        assertEquals("{\"LIMIT_BAL\":-1,\"PAY_0\":1,\"PAY_2\":1,\"PAY_3\":1,\"PAY_4\":1,\"PAY_5\":1,\"PAY_6\":1}",
                h.get(TrainConfig.MONOTONE_KEY));
        Path f = dir.resolve("rf.mlsec");
        ModelIo.save(m, f);
        LocalModel back = ModelIo.load(f);
        assertEquals(h, back.provenance().hyperparameters());
        TrainConfig again = TrainConfig.fromHyperparameters(Algorithm.RF, back.provenance().hyperparameters());
        assertEquals(config(Algorithm.RF).withMonotone(CREDIT), again);
        assertEquals(CREDIT, again.monotone());
        // A reference model retrained from the provenance is the same model, constraints included.
        LocalModel retrained = Trainer.train(DATA, again, "test", Progress.NONE);
        double[][] p1 = back.predictProba(DATA.x());
        double[][] p2 = retrained.predictProba(DATA.x());
        for (int i = 0; i < p1.length; i++) {
            assertArrayEquals(p1[i], p2[i], 0.0);
        }
        assertEquals(0.0, violation(back, DATA.row(0), "PAY_0", 1));
    }

    @ParameterizedTest
    @EnumSource(value = Algorithm.class, names = {"TREE", "GBT"})
    void hyperparametersRoundTripForEveryTreeFamily(Algorithm a) {
        TrainConfig c = config(a).withMonotone(Map.of("AGE", -1, "PAY_0", 1, "BILL_AMT1", 0));
        TrainConfig back = TrainConfig.fromHyperparameters(a, c.hyperparameters());
        assertEquals(c, back);
        assertEquals(Map.of("AGE", -1, "PAY_0", 1), back.monotone(), "0 means unconstrained and is dropped");
    }

    @Test
    void unconstrainedModelsRecordNoConstraints() {
        assertTrue(!model(Algorithm.GBT, false).provenance().hyperparameters().containsKey(TrainConfig.MONOTONE_KEY));
        assertEquals(Map.of(), TrainConfig.defaults(Algorithm.RF).monotone());
    }

    @Test
    void badConstraintsAreClearErrors(@TempDir Path dir) throws IOException {
        TrainConfig rf = TrainConfig.defaults(Algorithm.RF).withTrees(3);
        String unknown = assertThrows(InputException.class, () -> Trainer.train(DATA,
                rf.withMonotone(Map.of("PAY_9", 1)), "test", Progress.NONE)).getMessage();
        assertTrue(unknown.contains("'PAY_9'") && unknown.contains("LIMIT_BAL"), unknown);

        Dataset withCategories = TestData.layman(500, 3, dir); // SEX is categorical (one-hot) here
        String categorical = assertThrows(InputException.class, () -> Trainer.train(withCategories,
                rf.withMonotone(Map.of("SEX", 1)), "test", Progress.NONE)).getMessage();
        assertTrue(categorical.contains("'SEX' is categorical"), categorical);

        String direction = assertThrows(InputException.class, () -> rf.withMonotone(Map.of("PAY_0", 2))).getMessage();
        assertTrue(direction.contains("PAY_0=2") && direction.contains("+1"), direction);

        String linear = assertThrows(InputException.class,
                () -> TrainConfig.defaults(Algorithm.LR).withMonotone(Map.of("PAY_0", 1))).getMessage();
        assertTrue(linear.contains("not lr"), linear);

        Schema three = new Schema(DATA.schema().features(), "RISK", List.of("low", "mid", "high"));
        int[] y = new int[DATA.rows()];
        for (int i = 0; i < y.length; i++) {
            y[i] = i % 3;
        }
        Dataset multi = new Dataset(three, DATA.x(), y);
        for (Algorithm a : List.of(Algorithm.RF, Algorithm.GBT)) {
            String classes = assertThrows(InputException.class, () -> Trainer.train(multi,
                    TrainConfig.defaults(a).withTrees(2).withMonotone(Map.of("PAY_0", 1)), "test", Progress.NONE))
                    .getMessage();
            assertTrue(classes.contains("binary label") && classes.contains("3 classes"), classes);
        }

        Map<String, String> h = new LinkedHashMap<>(rf.hyperparameters());
        h.put(TrainConfig.MONOTONE_KEY, "PAY_0=1");
        String malformed = assertThrows(InputException.class,
                () -> TrainConfig.fromHyperparameters(Algorithm.RF, h)).getMessage();
        assertTrue(malformed.contains(TrainConfig.MONOTONE_KEY), malformed);
    }
}
