package org.mlsec.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SortedTest {
    @Test
    void lowerBoundCountsTheValuesBelowLikeALinearScan() {
        SplittableRandom random = new SplittableRandom(7);
        for (int trial = 0; trial < 2_000; trial++) {
            double[] sorted = new double[random.nextInt(12)];
            for (int i = 0; i < sorted.length; i++) {
                sorted[i] = random.nextInt(6); // few distinct values: many ties
            }
            Arrays.sort(sorted);
            double v = random.nextInt(8) - 1 + (random.nextBoolean() ? 0 : 0.5);
            long below = Arrays.stream(sorted).filter(x -> x < v).count();
            assertEquals(below, Sorted.lowerBound(sorted, v), () -> Arrays.toString(sorted) + " below " + v);
        }
    }

    @Test
    void anEmptyArrayHasNothingBelow() {
        assertEquals(0, Sorted.lowerBound(new double[0], 1.0));
    }
}
