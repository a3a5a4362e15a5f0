package org.mlsec.model.remote;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SplittableRandom;
import org.mlsec.InputException;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.data.Values;
import org.mlsec.internal.Validate;

/**
 * The classes of a scoring API that an attacker without labelled data does not know: either given (taken verbatim,
 * in the order of the API's probability columns) or learnt from the API's answers to a seeded sample of the
 * attacker's rows, sorted (by value when every class is a number, else as text): the order in which scikit-learn
 * (its {@code classes_}) and mlsec (a labelled file's classes) give their probability columns, whatever the sample's
 * first row says. When the API also answers probabilities, their width must match the classes: an API answering three
 * probabilities per row whose sample showed only two classes has a class the sample missed, and its columns cannot
 * be named (the classes must then be given). The queries spent learning them are counted: they are part of the
 * attack's budget.
 */
public final class ClassDiscovery {
    /** Rows asked by default: one request of the default batch size; a 1-in-5 class is missed with odds below 1e-9. */
    public static final int DEFAULT_SAMPLE = 100;

    /**
     * @param classifier the API with its classes known
     * @param classes    its classes, in index order
     * @param queries    rows asked to learn them (0 when they were given)
     * @param learnt     true when they came from the API's answers, false when given
     */
    public record Discovered(HttpClassifier classifier, List<String> classes, long queries, boolean learnt) {
        /**
         * One line for the user: which classes, and what they cost.
         *
         * @return the sentence, with a hint when only one class was seen
         */
        public String describe() {
            if (!learnt) {
                return "the API's classes are taken as given: " + classes;
            }
            return "learnt the API's classes " + classes + " from its answers to " + queries + " rows (" + queries
                    + " queries, counted in the attack's budget)"
                    + (classes.size() < 2 ? "; only one class was seen: give the API's classes if it has more" : "");
        }
    }

    private ClassDiscovery() {
    }

    /**
     * Connects to the API described by {@code config} for rows of {@code data}'s features.
     *
     * @param given   the classes when known (null or empty: learn them)
     * @param sample  rows to ask when learning (a seeded sample of {@code data}; all rows when it has fewer)
     *
     * @param config the API's address and request settings
     * @param data the rows whose features the API scores (their label is not sent)
     * @param seed of the sample
     * @return the API as a classifier over {@code data}'s features and its classes, with what learning them cost
     */
    public static Discovered connect(HttpClassifier.Config config, Dataset data, List<String> given, int sample, long seed) {
        Schema features = new Schema(data.schema().features(), data.schema().label(), List.of());
        if (given != null && !given.isEmpty()) {
            List<String> classes = new ArrayList<>();
            for (String c : given) {
                String k = Values.canonical(c.trim());
                if (classes.contains(k)) {
                    throw InputException.about("classes names class '" + k + "' twice", "classes");
                }
                classes.add(k);
            }
            return new Discovered(withClasses(config, features, classes), List.copyOf(classes), 0, false);
        }
        Validate.positive(sample, "class discovery sample");
        if (data.rows() == 0) {
            throw InputException.about("no rows to ask the API about: its classes cannot be learnt (give them as classes)",
                    "classes");
        }
        HttpClassifier probe = new HttpClassifier(features, config);
        double[][] rows = sampleRows(data, sample, seed);
        HttpClassifier.Answered seen = probe.answersAndProbabilities(rows);
        List<String> classes = order(seen.labels());
        if (seen.probabilities() != null) {
            int width = seen.probabilities()[0].length;
            for (double[] p : seen.probabilities()) {
                if (p.length != width) {
                    throw new InputException(config.endpoint() + " answers probability rows of " + width + " and "
                            + p.length + " values: its classes cannot be told from its answers");
                }
            }
            if (width != classes.size() && !(width == 2 && classes.size() == 1)) {
                throw InputException.about(config.endpoint() + " answers " + width + " probabilities per row, but its "
                        + "answers to " + rows.length + " rows named " + classes.size() + " class(es) " + classes
                        + (width > classes.size() ? ": a class was never predicted, so its column cannot be named"
                        : "") + "; give the API's classes (in the order of its probability columns) as classes",
                        "classes");
            }
        }
        return new Discovered(withClasses(config, features, classes), classes, probe.queries(), true);
    }

    /**
     * Distinct answers, sorted: by value when all are numbers, else as text (the order of a labelled file's classes
     * and of scikit-learn's {@code classes_}, hence of their probability columns).
     *
     * @param answers class names as the API answered them
     * @return each name once
     */
    public static List<String> order(List<String> answers) {
        List<String> distinct = new ArrayList<>(new LinkedHashSet<>(answers));
        if (distinct.stream().allMatch(c -> !Double.isNaN(Values.parse(c)))) {
            distinct.sort(Comparator.comparingDouble(Values::parse));
        } else {
            distinct.sort(null);
        }
        return List.copyOf(distinct);
    }

    /**
     * The rows labelled with the API's answers, for attacks that train on labels (the attacker's best stand-in for the
     * ground truth); each row is a query.
     *
     * @param api the API, its classes known
     * @param data the rows to ask about
     * @return {@code data}'s rows in the API's schema, labelled with its predictions
     */
    public static Dataset labelledByAnswers(HttpClassifier api, Dataset data) {
        int[] y = api.predict(data.x());
        return new Dataset(api.schema(), data.x(), y);
    }

    private static HttpClassifier withClasses(HttpClassifier.Config config, Schema features, List<String> classes) {
        return new HttpClassifier(new Schema(features.features(), features.label() == null ? "label" : features.label(),
                classes), config);
    }

    private static double[][] sampleRows(Dataset data, int n, long seed) {
        int rows = data.rows();
        if (rows <= n) {
            return data.x();
        }
        int[] idx = new int[rows];
        for (int i = 0; i < rows; i++) {
            idx[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            int j = i + rng.nextInt(rows - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            out[i] = data.row(idx[i]);
        }
        return out;
    }
}
