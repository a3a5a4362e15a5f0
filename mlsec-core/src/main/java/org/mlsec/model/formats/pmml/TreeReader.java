package org.mlsec.model.formats.pmml;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import org.mlsec.InputException;
import org.mlsec.data.Values;
import org.mlsec.model.tree.Tree;

/**
 * Reads one PMML {@code TreeModel} into an mlsec {@link Tree}, without recursion (a 10,000-level tree is walked
 * with an explicit stack). PMML evaluates a node's children in order and takes the first whose predicate is true;
 * mlsec nodes test one threshold. A node whose children are {@code [P1, ..., Pk]} becomes a chain of binary nodes
 * "P1 ? child1 : (P2 ? child2 : ...)", ending in the last child when its predicate is {@code True} or is the
 * negation of the one before ({@code lessOrEqual}/{@code greaterThan} siblings), or else in a leaf with the node's
 * own prediction ({@code noTrueChildStrategy="returnLastPrediction"}; a tree that would return no prediction for
 * some input is refused). This covers {@code binarySplit} trees and the {@code multiSplit} trees that converters
 * write by flattening binary ones (JPMML's "compact" trees).
 * <p>
 * A missing value follows, per node, where the file sends it: the predicate's own missing rule (see {@link Split}),
 * a MiningField {@code missingValueReplacement} (the branch of the replacement value), {@code missingValueStrategy}
 * {@code none} (the predicate is false), {@code defaultChild} (the named child). Where the file makes no
 * prediction for a missing value ({@code nullPrediction}) mlsec sends it right and says so in the notes; strategies
 * that predict from an inner node ({@code lastPrediction}, {@code weightedConfidence}, {@code aggregateNodes}) are
 * refused naming the node.
 * <p>
 * Leaves: for classification trees the {@code ScoreDistribution} record counts per class (or their
 * {@code probability} attributes where given and not equal to the counts' shares), or the node's {@code score}
 * class alone; for majority votes one vote for the leaf's predicted class; for regression trees (boosting) the
 * {@code score}. {@code Node@recordCount} gives {@code samples}; a classification split's gain is its weighted Gini
 * decrease from the class counts (PMML records no gain; 0 for regression trees).
 */
final class TreeReader {
    enum Leaves { COUNTS, VOTES, SCORES }

    /** Largest class count or record count accepted. */
    static final double MAX_COUNT = 1e15;

    private final Element model;
    private final Fields fields;
    private final List<String> classes;
    private final Leaves mode;
    private final double scale;
    private final double shift;
    private final String missingStrategy;
    private final String noTrueChild;

    private final IntList feature = new IntList();
    private final DoubleList threshold = new DoubleList();
    private final IntList left = new IntList();
    private final IntList right = new IntList();
    private final IntList samples = new IntList();
    private final List<double[]> values = new ArrayList<>();
    private final List<Boolean> missingLeft = new ArrayList<>();

    private TreeReader(Element model, Fields fields, List<String> classes, Leaves mode, double scale, double shift) {
        this.model = model;
        this.fields = fields;
        this.classes = classes;
        this.mode = mode;
        this.missingStrategy = model.attr("missingValueStrategy", "none");
        this.noTrueChild = model.attr("noTrueChildStrategy", "returnNullPrediction");
        double[] target = Targets.rescale(model);
        this.scale = scale * target[0];
        this.shift = scale * target[1];
    }

    /**
     * Reads a tree. {@code scale} and {@code shift} apply to regression leaves ({@code scale * score + shift}), so
     * that a boosted chain's coefficients fold into the leaves.
     */
    static Tree read(Element treeModel, Fields fields, List<String> classes, Leaves mode, double scale) {
        return new TreeReader(treeModel, fields, classes, mode, scale, 0).build();
    }

    private Tree build() {
        String function = model.required("functionName");
        if (!function.equals(mode == Leaves.SCORES ? "regression" : "classification")) {
            throw new InputException(model.where() + ": functionName \"" + PmmlNumbers.abbreviate(function)
                    + "\" where a " + (mode == Leaves.SCORES ? "regression" : "classification") + " tree is read");
        }
        PmmlModels.checkMiningSchema(model, fields, java.util.Set.of());
        Element lt = model.child("LocalTransformations");
        if (lt != null) {
            fields.addDerived(lt, true); // predicates may test casts of input fields; other derived fields are refused
        }
        switch (missingStrategy) {
            case "none":
            case "defaultChild":
            case "nullPrediction":
            case "lastPrediction":
            case "weightedConfidence":
            case "aggregateNodes":
                break;
            default:
                throw new InputException(model.where() + ": missingValueStrategy \""
                        + PmmlNumbers.abbreviate(missingStrategy) + "\" is not read");
        }
        if (!noTrueChild.equals("returnNullPrediction") && !noTrueChild.equals("returnLastPrediction")) {
            throw new InputException(model.where() + ": noTrueChildStrategy \"" + PmmlNumbers.abbreviate(noTrueChild)
                    + "\" is not read");
        }
        List<Element> roots = model.all("Node");
        if (roots.size() != 1) {
            throw new InputException(model.where() + " has " + roots.size() + " root <Node>s, not one");
        }
        Element root = roots.get(0);
        if (!predicate(root).isAlways()) {
            throw new InputException(root.where() + ": the root node's predicate is not <True/>");
        }
        Deque<Object[]> work = new ArrayDeque<>();
        work.push(new Object[] {root, newNode()});
        while (!work.isEmpty()) {
            Object[] item = work.pop();
            expand((Element) item[0], (Integer) item[1], work);
        }
        return finish();
    }

    private void expand(Element node, int index, Deque<Object[]> work) {
        List<Element> kids = new ArrayList<>();
        List<Split> splits = new ArrayList<>();
        for (Element c : node.all("Node")) {
            Split s = predicate(c);
            if (s == Split.NEVER) {
                continue;
            }
            kids.add(c);
            splits.add(s);
            if (s.isAlways()) {
                break; // later siblings are unreachable
            }
        }
        if (kids.isEmpty()) {
            leaf(index, node);
            return;
        }
        if (kids.size() == 1 && splits.get(0).isAlways()) {
            work.push(new Object[] {kids.get(0), index}); // the node is its only child
            return;
        }
        int tests = kids.size();
        Element otherwise = null;
        boolean complementPair = false;
        if (splits.get(tests - 1).isAlways()) {
            otherwise = kids.get(--tests);
        } else if (tests == 2 && splits.get(0).complements(splits.get(1))) {
            otherwise = kids.get(--tests);
            complementPair = true;
        } else if (!noTrueChild.equals("returnLastPrediction")) {
            throw new InputException(node.where() + ": for some values no child's predicate holds, and the file"
                    + " then makes no prediction (noTrueChildStrategy=\"returnNullPrediction\")");
        }
        int[] chain = new int[tests];
        chain[0] = index;
        for (int i = 1; i < tests; i++) {
            chain[i] = newNode();
        }
        int defaultIndex = defaultChild(node, kids);
        for (int i = 0; i < tests; i++) {
            Split s = splits.get(i);
            int yes = newNode();
            work.push(new Object[] {kids.get(i), yes});
            int no;
            if (i + 1 < tests) {
                no = chain[i + 1];
            } else if (otherwise != null) {
                no = newNode();
                work.push(new Object[] {otherwise, no});
            } else {
                no = newNode();
                leaf(no, node); // no child's predicate holds: the node's own prediction
                samples.set(no, remainingRecords(node, kids, tests));
            }
            int n = chain[i];
            feature.set(n, s.feature());
            threshold.set(n, s.threshold());
            left.set(n, s.trueLeft() ? yes : no);
            right.set(n, s.trueLeft() ? no : yes);
            samples.set(n, i == 0 ? records(node) : remainingRecords(node, kids, i));
            values.set(n, innerValue(node));
            Boolean yesSide = missingGoesTrue(node, splits, i, tests, defaultIndex, complementPair);
            missingLeft.set(n, yesSide != null && yesSide == s.trueLeft());
        }
    }

    /** Where a missing value of test i's field goes: true = its child, false = onwards, null = no prediction. */
    private Boolean missingGoesTrue(Element node, List<Split> splits, int i, int tests, int defaultIndex,
                                    boolean complementPair) {
        Split s = splits.get(i);
        Fields.Field f = fields.field(s.field());
        if (f.categorical()) {
            // mlsec's one-hot encoding sets no indicator for a missing category: it takes the 'not equal' branch,
            // which is the predicate's side exactly when the predicate is "not equal" (trueLeft).
            Boolean wanted = fileRoute(node, splits, i, tests, defaultIndex, complementPair, f, true);
            if (wanted == null || wanted != s.trueLeft()) {
                fields.note("where the file sends a missing category to a split's 'equal' branch (or predicts"
                        + " nothing), mlsec's one-hot encoding, which sets no indicator, takes the 'not equal'"
                        + " branch: rows with a missing categorical value are scored differently");
            }
            return s.trueLeft();
        }
        return fileRoute(node, splits, i, tests, defaultIndex, complementPair, f, false);
    }

    /** The file's route for a missing value at test i ({@code quiet}: report nothing, refuse nothing). */
    private Boolean fileRoute(Element node, List<Split> splits, int i, int tests, int defaultIndex,
                              boolean complementPair, Fields.Field f, boolean quiet) {
        Split s = splits.get(i);
        Double r = fields.replacement(f.name());
        if (r != null) {
            return (r <= s.threshold()) == s.trueLeft();
        }
        if (s.missing() == Split.Missing.TRUE) {
            return true;
        }
        if (s.missing() == Split.Missing.FALSE) {
            return false;
        }
        if (quiet && !missingStrategy.equals("none") && !missingStrategy.equals("defaultChild")) {
            return null;
        }
        switch (missingStrategy) {
            case "none":
                if (complementPair) {
                    // Both siblings' predicates are false for a missing value: no child holds.
                    if (noTrueChild.equals("returnNullPrediction") || quiet) {
                        return quiet ? null : nullPrediction();
                    }
                    throw new InputException(node.where() + ": a missing " + f.name() + " makes every child's"
                            + " predicate false and the file then predicts from this inner node"
                            + " (returnLastPrediction), which mlsec trees cannot");
                }
                return false;
            case "nullPrediction":
                return quiet ? null : nullPrediction();
            case "defaultChild": {
                if (defaultIndex < 0) {
                    throw new InputException(node.where() + ": missingValueStrategy=\"defaultChild\" but the node"
                            + " names no defaultChild");
                }
                if (defaultIndex == i) {
                    return true;
                }
                if (defaultIndex < i) {
                    if (quiet) {
                        return null;
                    }
                    throw new InputException(node.where() + ": its defaultChild comes before a child whose"
                            + " predicate tests " + f.name() + "; a missing value cannot be sent back to it");
                }
                for (int k = i + 1; k < Math.min(defaultIndex, tests); k++) {
                    if (!f.name().equals(splits.get(k).field())) {
                        if (quiet) {
                            return null;
                        }
                        throw new InputException(node.where() + ": a missing " + f.name() + " goes to the"
                                + " defaultChild, past children that test other fields; not one binary split");
                    }
                }
                return false;
            }
            default:
                throw new InputException(node.where() + ": missingValueStrategy=\"" + missingStrategy + "\" predicts"
                        + " missing values from inner nodes, which mlsec trees cannot");
        }
    }

    private Boolean nullPrediction() {
        fields.note("where the file makes no prediction for a missing value (nullPrediction), mlsec sends it to"
                + " the right branch: do not score rows with missing values");
        return null;
    }

    private int defaultChild(Element node, List<Element> kids) {
        String id = node.attr("defaultChild");
        if (id == null) {
            return -1;
        }
        for (int k = 0; k < kids.size(); k++) {
            if (id.equals(kids.get(k).attr("id"))) {
                return k;
            }
        }
        if (missingStrategy.equals("defaultChild")) {
            throw new InputException(node.where() + ": defaultChild=\"" + PmmlNumbers.abbreviate(id)
                    + "\" is not one of its reachable children");
        }
        return -1;
    }

    private Split predicate(Element node) {
        Element p = Split.predicateOf(node);
        if (p == null) {
            throw new InputException(node.where() + " has no predicate");
        }
        return Split.read(p, fields, 0);
    }

    private int newNode() {
        int n = feature.size();
        if (n >= PmmlXml.MAX_ELEMENTS * 2) {
            throw new InputException(model.where() + ": more than " + PmmlXml.MAX_ELEMENTS * 2 + " nodes");
        }
        feature.add(-1);
        threshold.add(0);
        left.add(-1);
        right.add(-1);
        samples.add(0);
        values.add(null);
        missingLeft.add(Boolean.FALSE);
        return n;
    }

    private void leaf(int index, Element node) {
        samples.set(index, records(node));
        values.set(index, leafValue(node));
    }

    private double[] innerValue(Element node) {
        if (mode == Leaves.SCORES) {
            String s = node.attr("score");
            return new double[] {s == null ? 0 : scale * node.parseNumber(s, "score") + shift};
        }
        return null; // classification: the sum of its children's, filled in at the end
    }

    private double[] leafValue(Element node) {
        if (mode == Leaves.SCORES) {
            double v = scale * node.number("score") + shift;
            if (!Double.isFinite(v)) {
                throw new InputException(node.where() + ": its scaled score is not finite");
            }
            return new double[] {v};
        }
        double[] d = distribution(node);
        if (mode == Leaves.VOTES) {
            int winner = winner(node, d);
            double[] vote = new double[classes.size()];
            vote[winner] = 1;
            return vote;
        }
        return d;
    }

    /** The class counts of a node (or its probabilities, or its score class alone). */
    private double[] distribution(Element node) {
        List<Element> sd = node.all("ScoreDistribution");
        int k = classes.size();
        if (sd.isEmpty()) {
            String score = node.attr("score");
            if (score == null) {
                throw new InputException(node.where() + " is a leaf with neither a ScoreDistribution nor a score");
            }
            double[] one = new double[k];
            one[classIndex(node, score)] = 1;
            return one;
        }
        double[] counts = new double[k];
        double[] probs = new double[k];
        boolean[] seen = new boolean[k];
        int withCount = 0;
        int withProb = 0;
        for (Element s : sd) {
            int c = classIndex(s, s.required("value"));
            if (seen[c]) {
                throw new InputException(s.where() + ": class " + classes.get(c) + " appears twice in "
                        + node.where());
            }
            seen[c] = true;
            if (s.attr("recordCount") != null) {
                counts[c] = count(s, s.number("recordCount"));
                withCount++;
            }
            if (s.attr("probability") != null) {
                probs[c] = s.number("probability");
                if (probs[c] < 0 || probs[c] > 1) {
                    throw new InputException(s.where() + ": probability " + probs[c] + " is not in [0, 1]");
                }
                withProb++;
            }
        }
        double total = Arrays.stream(counts).sum();
        if (withProb == sd.size()) {
            if (withCount == sd.size() && total > 0 && sameShares(counts, probs, total)) {
                return counts;
            }
            fields.note("leaf values are the file's ScoreDistribution probabilities (its record counts are absent"
                    + " or do not give the same shares)");
            if (Arrays.stream(probs).sum() <= 0) {
                throw new InputException(node.where() + ": its class probabilities are all 0");
            }
            return probs;
        }
        if (withProb > 0) {
            throw new InputException(node.where() + ": some but not all ScoreDistributions give a probability");
        }
        if (withCount != sd.size() || !(total > 0)) {
            throw new InputException(node.where() + ": its ScoreDistribution holds no class counts");
        }
        return counts;
    }

    private static boolean sameShares(double[] counts, double[] probs, double total) {
        for (int c = 0; c < counts.length; c++) {
            if (Math.abs(counts[c] / total - probs[c]) > 1e-12) {
                return false;
            }
        }
        return true;
    }

    private int winner(Element node, double[] d) {
        String score = node.attr("score");
        if (score != null) {
            return classIndex(node, score);
        }
        int best = 0;
        for (int c = 1; c < d.length; c++) {
            if (d[c] > d[best]) {
                best = c;
            }
        }
        return best;
    }

    private int classIndex(Element e, String label) {
        int c = classes.indexOf(Values.canonical(label.trim()));
        if (c < 0) {
            throw new InputException(e.where() + ": class '" + PmmlNumbers.abbreviate(label) + "' is not one of the"
                    + " target's classes " + classes);
        }
        return c;
    }

    private static double count(Element e, double v) {
        if (v < 0 || v > MAX_COUNT) {
            throw new InputException(e.where() + ": record count " + v + " is not in [0, " + MAX_COUNT + "]");
        }
        return v;
    }

    private int records(Element node) {
        String rc = node.attr("recordCount");
        if (rc == null) {
            return 0;
        }
        double v = node.parseNumber(rc, "recordCount");
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw new InputException(node.where() + ": recordCount " + v + " is not in [0, " + Integer.MAX_VALUE
                    + "]");
        }
        return (int) Math.round(v);
    }

    /** Records of the node less those of its children before {@code from} (0 when one is unknown). */
    private int remainingRecords(Element node, List<Element> kids, int from) {
        if (node.attr("recordCount") == null) {
            return 0;
        }
        long rest = records(node);
        for (int k = 0; k < from; k++) {
            if (kids.get(k).attr("recordCount") == null) {
                return 0;
            }
            rest -= records(kids.get(k));
        }
        return (int) Math.max(0, rest);
    }

    private Tree finish() {
        int n = feature.size();
        int width = mode == Leaves.SCORES ? 1 : classes.size();
        double[] value = new double[n * width];
        double[] gain = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double[] v = values.get(i);
            if (v == null) {
                v = new double[width];
                for (int c = 0; c < width; c++) {
                    v[c] = value[left.get(i) * width + c] + value[right.get(i) * width + c];
                }
                gain[i] = gini(v) - gini(value, left.get(i), width) - gini(value, right.get(i), width);
                gain[i] = Math.max(0, gain[i]);
            }
            System.arraycopy(v, 0, value, i * width, width);
        }
        boolean[] ml = new boolean[n];
        boolean anyLeft = false;
        for (int i = 0; i < n; i++) {
            ml[i] = missingLeft.get(i);
            anyLeft |= ml[i];
        }
        return new Tree(feature.toArray(), threshold.toArray(), left.toArray(), right.toArray(), value, width,
                samples.toArray(), gain, anyLeft ? ml : null);
    }

    /** Weighted Gini impurity: total weight times impurity. */
    private static double gini(double[] v) {
        double sum = 0;
        double sq = 0;
        for (double x : v) {
            sum += x;
            sq += x * x;
        }
        return sum > 0 ? sum - sq / sum : 0;
    }

    private static double gini(double[] value, int node, int width) {
        return gini(Arrays.copyOfRange(value, node * width, node * width + width));
    }

    /** A growable int array. */
    static final class IntList {
        private int[] a = new int[16];
        private int size;

        void add(int v) {
            if (size == a.length) {
                a = Arrays.copyOf(a, size * 2);
            }
            a[size++] = v;
        }

        int get(int i) {
            return a[i];
        }

        void set(int i, int v) {
            a[i] = v;
        }

        int size() {
            return size;
        }

        int[] toArray() {
            return Arrays.copyOf(a, size);
        }
    }

    /** A growable double array. */
    static final class DoubleList {
        private double[] a = new double[16];
        private int size;

        void add(double v) {
            if (size == a.length) {
                a = Arrays.copyOf(a, size * 2);
            }
            a[size++] = v;
        }

        void set(int i, double v) {
            a[i] = v;
        }

        double[] toArray() {
            return Arrays.copyOf(a, size);
        }
    }
}
