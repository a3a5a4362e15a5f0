package org.mlsec.defences.trainer;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.mlsec.Progress;
import org.mlsec.data.Dataset;
import org.mlsec.defences.detector.Subgroups;
import org.mlsec.model.Algorithm;
import org.mlsec.model.FeatureEncoder;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

/**
 * Sanitises training data without a trusted snapshot. Targeted relabelling of a large group is internally
 * consistent, so neighbours agree with it; what gives it away is implausibility: a subgroup whose labels are nearly
 * all one class while the rows just outside each of its conditions are not. Such groups are relabelled by a model
 * trained on the other rows. Optionally, kNN label consistency (Paudice et al. 2018) relabels rows whose neighbours
 * almost all disagree, with a threshold scaled by the class's base rate so a minority class is not erased.
 */
public final class Sanitizer {
    static final double PURITY = 0.95;
    static final double JUMP = 0.4;
    static final int K = 10;
    static final int KNN_SAMPLE = 6000;

    /**
     * The sanitised data and what was done to which rows.
     *
     * @param data       the data with the relabelled rows' new labels
     * @param actions    one line per step taken: each implausible subgroup relabelled, and the kNN pass if run
     * @param relabelled indices of the rows whose label changed
     */
    public record Sanitized(Dataset data, List<String> actions, List<Integer> relabelled) {
        /**
         * The JSON figures: rows, how many were relabelled, the actions, and the lines of the relabelled rows in
         * the CSV file they were read from (header on line 1; the first 100,000).
         *
         * @return the JSON object, a new map
         */
        public java.util.Map<String, Object> toJson() {
            java.util.Map<String, Object> res = new java.util.LinkedHashMap<>();
            res.put("rows", data.rows());
            res.put("relabelled", relabelled.size());
            res.put("actions", actions);
            res.put("relabelled_lines", relabelled.stream().sorted().limit(100_000).map(i -> i + 2).toList());
            return res;
        }
    }

    private Sanitizer() {
    }

    /**
     * Relabels, for each class, up to three implausible subgroups with a random forest trained on the other rows,
     * then optionally runs kNN label consistency over all rows.
     *
     * @param d        the training data, not changed
     * @param knn      whether to run kNN label consistency after the subgroups
     * @param seed     seed of the relabelling models and of the kNN sample
     * @param progress receives one update per subgroup relabelled
     * @return the sanitised copy and what was done
     */
    public static Sanitized sanitize(Dataset d, boolean knn, long seed, Progress progress) {
        int[] y = d.y().clone();
        List<String> actions = new ArrayList<>();
        List<Integer> relabelled = new ArrayList<>();
        int minRows = Math.max(50, d.rows() / 100);
        BitSet done = new BitSet(d.rows());
        for (int positive = 0; positive < d.schema().classes().size(); positive++) {
            List<Subgroups.Group> groups = Subgroups.implausible(d, positive, minRows, PURITY, JUMP);
            for (Subgroups.Group g : groups.subList(0, Math.min(3, groups.size()))) {
                BitSet rows = Subgroups.rows(d, g.description());
                rows.andNot(done);
                if (rows.cardinality() < minRows) {
                    continue;
                }
                int changed = relabelFromOthers(d, rows, y, seed, relabelled);
                done.or(rows);
                actions.add(String.format(java.util.Locale.ROOT, "subgroup %s: %d rows, %.0f%% with label %s, against %.0f%% just"
                                + " outside its conditions; %d relabelled by a model trained on the other rows", g.description(),
                        g.rows(), 100 * g.labelRate(), d.schema().classes().get(positive), 100 * g.labelRateBefore(), changed));
                progress.update("implausible subgroups", actions.size(), 3);
            }
        }
        if (knn) {
            int changed = knnRelabel(d, y, seed, relabelled);
            actions.add("kNN label consistency (k=" + K + "): " + changed + " rows relabelled");
        }
        return new Sanitized(new Dataset(d.schema(), d.x(), y), actions, relabelled);
    }

    private static int relabelFromOthers(Dataset d, BitSet group, int[] y, long seed, List<Integer> relabelled) {
        int[] others = IntStream.range(0, d.rows()).filter(i -> !group.get(i)).toArray();
        LocalModel m = Trainer.train(new Dataset(d.schema(), d.x(), y).subset(others),
                TrainConfig.defaults(Algorithm.RF).withTrees(50).withMinLeaf(5).withSeed(seed), "sanitizer", Progress.NONE);
        int[] rows = group.stream().toArray();
        double[][] x = new double[rows.length][];
        for (int k = 0; k < rows.length; k++) {
            x[k] = d.row(rows[k]);
        }
        int[] p = m.predict(x);
        int changed = 0;
        for (int k = 0; k < rows.length; k++) {
            if (y[rows[k]] != p[k]) {
                y[rows[k]] = p[k];
                relabelled.add(rows[k]);
                changed++;
            }
        }
        return changed;
    }

    /** Approximate kNN (neighbours among a random sample of rows) on standardised encoded features. */
    private static int knnRelabel(Dataset d, int[] y, long seed, List<Integer> relabelled) {
        FeatureEncoder enc = new FeatureEncoder(d.schema());
        double[][] x = enc.encodeAll(d.x());
        int n = x.length;
        int w = enc.width();
        double[] mean = new double[w];
        double[] sd = new double[w];
        for (double[] r : x) {
            for (int j = 0; j < w; j++) {
                mean[j] += r[j] / n;
            }
        }
        for (double[] r : x) {
            for (int j = 0; j < w; j++) {
                sd[j] += (r[j] - mean[j]) * (r[j] - mean[j]) / n;
            }
        }
        for (double[] r : x) {
            for (int j = 0; j < w; j++) {
                r[j] = (r[j] - mean[j]) / Math.max(Math.sqrt(sd[j]), 1e-12);
            }
        }
        SplittableRandom rng = new SplittableRandom(seed);
        int[] sample = rng.ints(Math.min(KNN_SAMPLE, n), 0, n).toArray();
        int k = d.schema().classes().size();
        double[] base = d.classShares();
        int[] y0 = y.clone();
        int[] newLabel = new int[n];
        IntStream.range(0, n).parallel().forEach(i -> {
            double[] best = new double[K];
            int[] bestIdx = new int[K];
            java.util.Arrays.fill(best, Double.POSITIVE_INFINITY);
            for (int s : sample) {
                if (s == i) {
                    continue;
                }
                double dist = 0;
                for (int j = 0; j < w && dist < best[K - 1]; j++) {
                    double t = x[i][j] - x[s][j];
                    dist += t * t;
                }
                if (dist < best[K - 1]) {
                    int q = K - 1;
                    while (q > 0 && best[q - 1] > dist) {
                        best[q] = best[q - 1];
                        bestIdx[q] = bestIdx[q - 1];
                        q--;
                    }
                    best[q] = dist;
                    bestIdx[q] = s;
                }
            }
            int[] votes = new int[k];
            for (int q = 0; q < K; q++) {
                votes[y0[bestIdx[q]]]++;
            }
            int same = votes[y0[i]];
            int major = 0;
            for (int c = 1; c < k; c++) {
                major = votes[c] > votes[major] ? c : major;
            }
            // Relabel only when the row's label is far rarer around it than the label is overall.
            newLabel[i] = (double) same / K < 0.25 * base[y0[i]] ? major : y0[i];
        });
        int changed = 0;
        for (int i = 0; i < n; i++) {
            if (newLabel[i] != y[i]) {
                y[i] = newLabel[i];
                relabelled.add(i);
                changed++;
            }
        }
        return changed;
    }
}
