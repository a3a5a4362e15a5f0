package org.mlsec.attacks.extraction;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.model.Classifier;
import org.mlsec.model.FeatureEncoder;
import org.mlsec.model.Provenance;
import org.mlsec.model.tree.ForestModel;
import org.mlsec.model.tree.Tree;

/**
 * The surrogate of path-finding: a decision tree over the cells of discovered thresholds that gives every queried cell
 * its label. Splits are chosen by Gini impurity among the discovered thresholds only, so an unqueried cell takes the
 * label of the cells it shares the most telling splits with; where no split lowers the impurity (an XOR-like pattern),
 * any split that separates the cells is taken, so that the tree always reproduces every answer.
 */
final class CellTree {
    private final int[][] coordinates;
    private final int[] labels;
    private final int classes;
    private final boolean[] categorical;
    private final double[][] cuts;
    private final int[] encodedOffset;
    private final SplittableRandom rng;
    private final List<Integer> feature = new ArrayList<>();
    private final List<Double> threshold = new ArrayList<>();
    private final List<Integer> left = new ArrayList<>();
    private final List<Integer> right = new ArrayList<>();
    private final List<double[]> value = new ArrayList<>();
    private final List<Integer> samples = new ArrayList<>();
    private final List<Double> gain = new ArrayList<>();

    private CellTree(int[][] coordinates, int[] labels, int classes, boolean[] categorical, double[][] cuts,
                     int[] encodedOffset, SplittableRandom rng) {
        this.coordinates = coordinates;
        this.labels = labels;
        this.classes = classes;
        this.categorical = categorical;
        this.cuts = cuts;
        this.encodedOffset = encodedOffset;
        this.rng = rng;
    }

    /**
     * Builds the surrogate from the queried points and their labels. {@code cuts[j]} are the thresholds of numeric
     * column j; {@code byCategory[j]} says whether categorical column j is split by category.
     */
    static ForestModel build(Classifier target, double[][] cuts, boolean[] byCategory, List<double[]> points,
                             List<Integer> answers, SplittableRandom rng) {
        Schema source = target.schema();
        Schema schema = new Schema(source.features(), source.label() == null ? "label" : source.label(),
                target.classes());
        int d = schema.width();
        boolean[] categorical = new boolean[d];
        for (int j = 0; j < d; j++) {
            categorical[j] = schema.feature(j).isCategorical();
        }
        // One label per cell: the majority of the answers in it (they agree unless the budget ran out first).
        int k = target.classes().size();
        Map<PathFinding.Cell, int[]> votes = new LinkedHashMap<>();
        for (int i = 0; i < points.size(); i++) {
            double[] x = points.get(i);
            int[] c = new int[d];
            for (int j = 0; j < d; j++) {
                if (categorical[j]) {
                    c[j] = byCategory[j] ? (int) x[j] : 0;
                } else {
                    int at = Arrays.binarySearch(cuts[j], x[j]);
                    c[j] = at >= 0 ? at : -at - 1;
                }
            }
            votes.computeIfAbsent(new PathFinding.Cell(c), key -> new int[k])[answers.get(i)]++;
        }
        int[][] coordinates = new int[votes.size()][];
        int[] labels = new int[votes.size()];
        int n = 0;
        for (Map.Entry<PathFinding.Cell, int[]> e : votes.entrySet()) {
            coordinates[n] = e.getKey().coordinates();
            int[] v = e.getValue();
            int best = 0;
            for (int c = 1; c < k; c++) {
                if (v[c] > v[best]) {
                    best = c;
                }
            }
            labels[n++] = best;
        }
        FeatureEncoder enc = new FeatureEncoder(schema);
        int[] offset = new int[d];
        Arrays.fill(offset, -1);
        for (int e = enc.width() - 1; e >= 0; e--) {
            offset[enc.sourceColumn(e)] = e;
        }
        CellTree t = new CellTree(coordinates, labels, k, categorical, cuts, offset, rng);
        int[] all = new int[coordinates.length];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        t.grow(all);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("extracted_by", "path");
        settings.put("queries", Integer.toString(points.size()));
        settings.put("cells", Integer.toString(coordinates.length));
        double[][] x = points.toArray(new double[0][]);
        int[] y = answers.stream().mapToInt(Integer::intValue).toArray();
        Provenance p = Provenance.of(ForestModel.DECISION_TREE, settings, new Dataset(schema, x, y), "extraction",
                Map.of());
        return new ForestModel(ForestModel.DECISION_TREE, schema, p, List.of(t.toTree()));
    }

    /** Grows the subtree of the given cells; returns its node index (nodes are numbered parents first). */
    private int grow(int[] cells) {
        int node = feature.size();
        double[] counts = new double[classes];
        for (int i : cells) {
            counts[labels[i]]++;
        }
        feature.add(-1);
        threshold.add(0.0);
        left.add(-1);
        right.add(-1);
        value.add(counts);
        samples.add(cells.length);
        gain.add(0.0);
        if (Arrays.stream(counts).filter(c -> c > 0).count() <= 1) {
            return node;
        }
        Split best = bestSplit(cells, counts);
        int[] l = Arrays.stream(cells).filter(i -> !best.goesRight(coordinates[i])).toArray();
        int[] r = Arrays.stream(cells).filter(i -> best.goesRight(coordinates[i])).toArray();
        feature.set(node, best.encodedFeature);
        threshold.set(node, best.threshold);
        gain.set(node, best.score - score(counts));
        left.set(node, grow(l));
        right.set(node, grow(r));
        return node;
    }

    /** Sum over children of (class counts squared / size): the larger, the purer. */
    private static double score(double[] counts) {
        double total = 0;
        double squares = 0;
        for (double c : counts) {
            total += c;
            squares += c * c;
        }
        return total == 0 ? 0 : squares / total;
    }

    private Split bestSplit(int[] cells, double[] counts) {
        Split best = null;
        int d = categorical.length;
        int start = rng.nextInt(d); // ties go to the first column looked at: vary it between nodes
        for (int step = 0; step < d; step++) {
            int j = (start + step) % d;
            // Per coordinate value of column j, the class counts of the cells having it.
            java.util.TreeMap<Integer, double[]> byValue = new java.util.TreeMap<>();
            for (int i : cells) {
                byValue.computeIfAbsent(coordinates[i][j], v -> new double[classes])[labels[i]]++;
            }
            if (byValue.size() < 2) {
                continue;
            }
            if (categorical[j]) {
                for (Map.Entry<Integer, double[]> e : byValue.entrySet()) {
                    if (e.getKey() < 0) {
                        continue; // an unknown category never has an indicator set: it cannot go right
                    }
                    double[] rest = counts.clone();
                    for (int c = 0; c < classes; c++) {
                        rest[c] -= e.getValue()[c];
                    }
                    double s = score(rest) + score(e.getValue());
                    if (best == null || s > best.score) {
                        best = new Split(j, e.getKey(), true, encodedOffset[j] + e.getKey(), 0.5, s);
                    }
                }
            } else {
                double[] below = new double[classes];
                Integer previous = null;
                for (Map.Entry<Integer, double[]> e : byValue.entrySet()) {
                    if (previous != null) {
                        double[] above = counts.clone();
                        for (int c = 0; c < classes; c++) {
                            above[c] -= below[c];
                        }
                        double s = score(below) + score(above);
                        if (best == null || s > best.score) {
                            // Cells between two queried coordinates are split halfway, as CART splits halfway.
                            int m = (previous + e.getKey() - 1) / 2;
                            best = new Split(j, m, false, encodedOffset[j], cuts[j][m], s);
                        }
                    }
                    for (int c = 0; c < classes; c++) {
                        below[c] += e.getValue()[c];
                    }
                    previous = e.getKey();
                }
            }
        }
        return best;
    }

    /**
     * A split of column {@code column}: numeric, right when the coordinate exceeds {@code at}; categorical, right when
     * the category is {@code at}.
     */
    private record Split(int column, int at, boolean byCategory, int encodedFeature, double threshold, double score) {
        boolean goesRight(int[] coordinates) {
            return byCategory ? coordinates[column] == at : coordinates[column] > at;
        }
    }

    private Tree toTree() {
        int n = feature.size();
        double[] v = new double[n * classes];
        for (int i = 0; i < n; i++) {
            System.arraycopy(value.get(i), 0, v, i * classes, classes);
        }
        return new Tree(feature.stream().mapToInt(Integer::intValue).toArray(),
                threshold.stream().mapToDouble(Double::doubleValue).toArray(),
                left.stream().mapToInt(Integer::intValue).toArray(), right.stream().mapToInt(Integer::intValue).toArray(),
                v, classes, samples.stream().mapToInt(Integer::intValue).toArray(),
                gain.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
