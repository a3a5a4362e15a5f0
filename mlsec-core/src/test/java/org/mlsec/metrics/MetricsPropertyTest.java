package org.mlsec.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.mlsec.TestData;

/**
 * The metrics every attack reports, against their definitions computed the slow way: the AUC as the share of
 * (positive, negative) pairs ordered right (ties half), the ROC read-outs as a scan of every threshold, the KS
 * statistic as the largest gap of two empirical distribution functions at every observed value, the balanced accuracy
 * as the mean recall of the classes present. Scores come from a few values so that ties are common.
 */
class MetricsPropertyTest {
    record Scored(boolean[] positive, double[] score) {
        long positives() {
            long p = 0;
            for (boolean b : positive) {
                p += b ? 1 : 0;
            }
            return p;
        }
    }

    static Scored scored(long seed, int n, int levels) {
        SplittableRandom rng = new SplittableRandom(seed);
        boolean[] positive = new boolean[n];
        double[] score = new double[n];
        double lift = rng.nextDouble();
        for (int i = 0; i < n; i++) {
            positive[i] = rng.nextBoolean();
            // positives score a little higher on average, so AUCs spread over (0.3, 1)
            score[i] = rng.nextInt(levels) + (positive[i] && rng.nextDouble() < lift ? rng.nextInt(levels) : 0);
        }
        return new Scored(positive, score);
    }

    static double bruteAuc(Scored s) {
        double ordered = 0;
        long pairs = 0;
        for (int i = 0; i < s.score().length; i++) {
            for (int j = 0; j < s.score().length; j++) {
                if (s.positive()[i] && !s.positive()[j]) {
                    pairs++;
                    ordered += s.score()[i] > s.score()[j] ? 1 : s.score()[i] == s.score()[j] ? 0.5 : 0;
                }
            }
        }
        return pairs == 0 ? Double.NaN : ordered / pairs;
    }

    @Property(tries = 300, seed = TestData.PROPERTY_SEED)
    void theAucIsTheShareOfPairsOrderedRightTiesCountingHalf(@ForAll @LongRange(min = 0, max = 1_000_000) long seed,
                                                              @ForAll @IntRange(min = 2, max = 80) int n,
                                                              @ForAll @IntRange(min = 1, max = 12) int levels) {
        Scored s = scored(seed, n, levels);
        double brute = bruteAuc(s);
        double fast = Metrics.auc(s.positive(), s.score());
        if (Double.isNaN(brute)) {
            assertTrue(Double.isNaN(fast), "one class only: NaN");
            return;
        }
        assertEquals(brute, fast, 1e-12);
        assertEquals(brute, new Roc(s.positive(), s.score()).auc(), 1e-12);
        double[] negated = Arrays.stream(s.score()).map(v -> -v).toArray();
        assertEquals(1 - brute, Metrics.auc(s.positive(), negated), 1e-12, "reversing the scores mirrors the AUC");
        double[] cubed = Arrays.stream(s.score()).map(v -> v * v * v + 3 * v).toArray();
        assertEquals(brute, Metrics.auc(s.positive(), cubed), 1e-12, "a rising transform keeps the AUC");
    }

    @Property(tries = 300, seed = TestData.PROPERTY_SEED)
    void theTprAtAnFprAndTheAdvantageAreThoseOfTheBestThreshold(@ForAll @LongRange(min = 0, max = 1_000_000) long seed,
                                                                 @ForAll @IntRange(min = 2, max = 80) int n,
                                                                 @ForAll @IntRange(min = 1, max = 12) int levels,
                                                                 @ForAll @DoubleRange(min = 0, max = 1) double maxFpr) {
        Scored s = scored(seed, n, levels);
        long pos = s.positives();
        long neg = n - pos;
        Assume.that(pos > 0 && neg > 0);
        // every threshold "score >= t", t one of the scores, plus +infinity (nothing positive)
        double bestTpr = 0;
        double bestAdvantage = 0;
        for (double t : s.score()) {
            long tp = 0;
            long fp = 0;
            for (int i = 0; i < n; i++) {
                if (s.score()[i] >= t) {
                    tp += s.positive()[i] ? 1 : 0;
                    fp += s.positive()[i] ? 0 : 1;
                }
            }
            double tpr = (double) tp / pos;
            double fpr = (double) fp / neg;
            if (fpr <= maxFpr) {
                bestTpr = Math.max(bestTpr, tpr);
            }
            bestAdvantage = Math.max(bestAdvantage, tpr - fpr);
        }
        Roc roc = new Roc(s.positive(), s.score());
        assertEquals(bestTpr, roc.tprAtFpr(maxFpr), 1e-12);
        assertEquals(bestAdvantage, roc.maxAdvantage(), 1e-12);
        double th = roc.bestThreshold();
        long tp = 0;
        long fp = 0;
        for (int i = 0; i < n; i++) {
            if (s.score()[i] >= th) {
                tp += s.positive()[i] ? 1 : 0;
                fp += s.positive()[i] ? 0 : 1;
            }
        }
        assertEquals(bestAdvantage, (double) tp / pos - (double) fp / neg, 1e-12, "the best threshold reaches it");
    }

    @Property(tries = 300, seed = TestData.PROPERTY_SEED)
    void theKsStatisticIsTheLargestGapOfTheTwoEmpiricalDistributions(
            @ForAll @LongRange(min = 0, max = 1_000_000) long seed, @ForAll @IntRange(min = 1, max = 50) int n,
            @ForAll @IntRange(min = 1, max = 50) int m, @ForAll @IntRange(min = 1, max = 10) int levels) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] a = rng.ints(n, 0, levels).asDoubleStream().toArray();
        double[] b = rng.ints(m, 0, levels).asDoubleStream().map(v -> v + rng.nextInt(2)).toArray();
        double brute = 0;
        for (double[] side : new double[][] {a, b}) {
            for (double x : side) {
                brute = Math.max(brute, Math.abs(cdf(a, x) - cdf(b, x)));
            }
        }
        assertEquals(brute, Stats.ks(a, b), 1e-12);
        assertEquals(Stats.ks(a, b), Stats.ks(b, a), 1e-12, "symmetric");
        assertEquals(0, Stats.ks(a, a.clone()), 0.0, "a sample against itself");
        double p = Stats.ksPValue(brute, n, m);
        assertTrue(p >= 0 && p <= 1, "a p-value: " + p);
    }

    private static double cdf(double[] sample, double x) {
        return Arrays.stream(sample).filter(v -> v <= x).count() / (double) sample.length;
    }

    @Property(tries = 300, seed = TestData.PROPERTY_SEED)
    void balancedAccuracyIsTheMeanRecallOfTheClassesPresent(@ForAll @LongRange(min = 0, max = 1_000_000) long seed,
                                                          @ForAll @IntRange(min = 1, max = 60) int n,
                                                          @ForAll @IntRange(min = 2, max = 5) int classes) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] truth = rng.ints(n, 0, classes).toArray();
        int[] predicted = Arrays.stream(truth).map(t -> rng.nextInt(3) == 0 ? rng.nextInt(classes) : t).toArray();
        double sum = 0;
        int present = 0;
        long right = 0;
        for (int c = 0; c < classes; c++) {
            long rows = 0;
            long hits = 0;
            for (int i = 0; i < n; i++) {
                if (truth[i] == c) {
                    rows++;
                    hits += predicted[i] == c ? 1 : 0;
                }
            }
            if (rows > 0) {
                sum += (double) hits / rows;
                present++;
            }
            right += hits;
        }
        assertEquals(sum / present, Metrics.balancedAccuracy(truth, predicted, classes), 1e-12);
        assertEquals((double) right / n, Metrics.accuracy(truth, predicted), 1e-12);
        long total = Arrays.stream(Metrics.confusion(truth, predicted, classes)).flatMapToLong(Arrays::stream).sum();
        assertEquals(n, total, "every row is in the confusion matrix once");
    }

    @Property(tries = 300, seed = TestData.PROPERTY_SEED)
    void aQuantileLiesBetweenItsOrderStatisticsAndRisesWithQ(@ForAll @LongRange(min = 0, max = 1_000_000) long seed,
                                                            @ForAll @IntRange(min = 1, max = 40) int n,
                                                            @ForAll @DoubleRange(min = 0, max = 1) double q) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] v = rng.doubles(n, -5, 5).toArray();
        double[] sorted = v.clone();
        Arrays.sort(sorted);
        double x = Metrics.quantile(v, q);
        int below = (int) Math.floor(q * (n - 1));
        int above = Math.min(n - 1, below + 1);
        assertTrue(x >= sorted[below] - 1e-12 && x <= sorted[above] + 1e-12, x + " outside its order statistics");
        assertTrue(Metrics.quantile(v, Math.min(1, q + 0.1)) >= x - 1e-12, "rises with q");
        assertEquals(sorted[0], Metrics.quantile(v, 0), 0.0);
        assertEquals(sorted[n - 1], Metrics.quantile(v, 1), 0.0);
        if (n % 2 == 1) {
            assertEquals(sorted[n / 2], Metrics.quantile(v, 0.5), 1e-12, "the median of an odd count is the middle");
        } else {
            assertEquals((sorted[n / 2 - 1] + sorted[n / 2]) / 2, Metrics.quantile(v, 0.5), 1e-12);
        }
    }

    @Property(tries = 300, seed = TestData.PROPERTY_SEED)
    void aWilsonIntervalHoldsItsRateAndNarrowsWithMoreTrials(@ForAll @IntRange(min = 1, max = 5_000) int n,
                                                             @ForAll @DoubleRange(min = 0, max = 1) double share) {
        long hits = Math.round(share * n);
        double rate = (double) hits / n;
        double[] ci = Roc.wilson(rate, n);
        assertTrue(ci[0] <= rate + 1e-12 && rate <= ci[1] + 1e-12 && ci[0] >= 0 && ci[1] <= 1, Arrays.toString(ci));
        double[] more = Roc.wilson(rate, 4L * n);
        assertTrue(more[1] - more[0] <= ci[1] - ci[0] + 1e-12, "four times the trials, no wider");
    }
}
