package org.mlsec.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.mlsec.internal.Validate;

/** A seeded, stratified split of a labelled dataset into a training and a test part. */
public record Split(Dataset train, Dataset test, int[] trainIndex, int[] testIndex) {

    /**
     * Each class contributes {@code testFraction} of its rows (rounded) to the test part.
     *
     * @param data labelled rows
     * @param testFraction the test part's share, between 0 and 1
     * @param seed of the shuffle
     * @return the train and test parts
     */
    public static Split stratified(Dataset data, double testFraction, long seed) {
        Validate.fraction(testFraction, "test fraction");
        int[] y = data.y();
        int k = data.schema().classes().size();
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < y.length; i++) {
            byClass.get(y[i]).add(i);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        List<Integer> train = new ArrayList<>();
        List<Integer> test = new ArrayList<>();
        for (List<Integer> rows : byClass) {
            int[] idx = rows.stream().mapToInt(Integer::intValue).toArray();
            shuffle(idx, rng);
            int nTest = (int) Math.round(idx.length * testFraction);
            for (int i = 0; i < idx.length; i++) {
                (i < nTest ? test : train).add(idx[i]);
            }
        }
        Validate.isTrue(!train.isEmpty() && !test.isEmpty(),
                "cannot split " + y.length + " rows with test fraction " + testFraction);
        int[] tr = train.stream().mapToInt(Integer::intValue).sorted().toArray();
        int[] te = test.stream().mapToInt(Integer::intValue).sorted().toArray();
        return new Split(data.subset(tr), data.subset(te), tr, te);
    }

    /**
     * A seeded random half/half (or other fraction) split without stratification, as membership audits use.
     *
     * @param data the rows
     * @param testFraction the test part's share, between 0 and 1
     * @param seed of the shuffle
     * @return the train and test parts
     */
    public static Split random(Dataset data, double testFraction, long seed) {
        Validate.fraction(testFraction, "test fraction");
        int n = data.rows();
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        shuffle(idx, new SplittableRandom(seed));
        int nTest = (int) Math.round(n * testFraction);
        int[] te = java.util.Arrays.copyOfRange(idx, 0, nTest);
        int[] tr = java.util.Arrays.copyOfRange(idx, nTest, n);
        java.util.Arrays.sort(te);
        java.util.Arrays.sort(tr);
        return new Split(data.subset(tr), data.subset(te), tr, te);
    }

    /**
     * Fisher–Yates, in place: every order equally likely, reproducible from the seed.
     *
     * @param a the array to shuffle
     * @param rng the seeded generator
     */
    public static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
