package org.mlsec.model.tree;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.mlsec.TestData;
import org.mlsec.Progress;
import org.mlsec.data.Dataset;
import org.mlsec.demo.LaymanBrothers;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

/** A forest's one-walk sweep of a column answers exactly what predicting every rewritten row answers. */
class PredictAlongTest {
    static final Dataset DATA = LaymanBrothers.generate(800, 5).select(LaymanBrothers.COLUMNS.subList(1, 24));
    static final LocalModel FOREST = Trainer.train(DATA, TrainConfig.defaults(Algorithm.RF).withTrees(15), "test",
            Progress.NONE);

    @Property(tries = 40, seed = TestData.PROPERTY_SEED)
    void theSweepEqualsRowByRowPrediction(@ForAll @LongRange(min = 0, max = 1_000_000) long seed,
                                          @ForAll @IntRange(min = 0, max = 22) int column) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] rows = new double[1 + rng.nextInt(60)][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = DATA.row(rng.nextInt(DATA.rows()));
            if (rng.nextInt(10) == 0) {
                rows[i][rng.nextInt(rows[i].length)] = Double.NaN;
            }
        }
        double[] values = values(column, rng);
        long before = FOREST.queries();
        int[][] swept = FOREST.predictAlong(rows, column, values);
        assertEquals((long) rows.length * values.length, FOREST.queries() - before, "queries counted");
        for (int k = 0; k < values.length; k++) {
            double[][] at = new double[rows.length][];
            for (int i = 0; i < rows.length; i++) {
                at[i] = rows[i].clone();
                at[i][column] = values[k];
            }
            assertArrayEquals(FOREST.predict(at), swept[k], "column " + column + " = " + values[k]);
        }
    }

    /** Thresholds themselves (a value equal to one goes left), their neighbours, data values, far values, repeats. */
    static double[] values(int column, SplittableRandom rng) {
        List<Double> v = new ArrayList<>();
        int f = FOREST.encoder().offset(column);
        for (Tree t : ((ForestModel) FOREST).trees()) {
            for (int n = 0; n < t.nodes(); n++) {
                if (t.feature()[n] == f && rng.nextInt(4) == 0) {
                    double th = t.threshold()[n];
                    v.add(th);
                    v.add(Math.nextUp(th));
                    v.add(Math.nextDown(th));
                }
            }
        }
        for (int i = 0; i < 10; i++) {
            v.add(DATA.x()[rng.nextInt(DATA.rows())][column]);
        }
        v.add(-1e12);
        v.add(1e12);
        v.add(v.get(rng.nextInt(v.size())));
        java.util.Collections.shuffle(v, new java.util.Random(rng.nextLong()));
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
