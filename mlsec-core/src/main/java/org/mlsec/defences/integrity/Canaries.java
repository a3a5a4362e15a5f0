package org.mlsec.defences.integrity;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.mlsec.InputException;
import org.mlsec.Result;
import org.mlsec.data.Column;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.data.Values;
import org.mlsec.internal.Json;
import org.mlsec.internal.Validate;
import org.mlsec.model.Classifier;
import org.mlsec.report.Threat;

/**
 * "Model unit tests": fixed inputs with the labels and probabilities the trusted model gives them. A model that was
 * edited, swapped or retrained answers some of them differently. Half the canaries are random rows, half the rows
 * the model is least sure about, where a small change to the model shows first.
 */
public final class Canaries {
    /** The {@code format} value of every canary file. */
    public static final String FORMAT = "mlsec-canaries";
    /** Largest probability difference that still counts as the same answer. */
    public static final double DEFAULT_TOLERANCE = 1e-6;

    /**
     * One fixed input, by feature name as the user would write it, and the trusted answer.
     *
     * @param input feature name to value, as text
     * @param label the trusted model's label
     * @param probabilities the trusted model's class probabilities
     */
    public record Canary(Map<String, String> input, String label, double[] probabilities) {
    }

    /**
     * The file written by {@link #record}.
     *
     * @param format always {@link #FORMAT}
     * @param formatVersion 1
     * @param createdAt when the canaries were recorded (ISO-8601, seconds)
     * @param classes the trusted model's classes, in its order
     * @param canaries the inputs and answers
     */
    public record CanaryFile(String format, int formatVersion, String createdAt, List<String> classes, List<Canary> canaries) {
    }

    private Canaries() {
    }

    /**
     * Records canaries from the trusted model: half of them the rows it is least sure about (smallest margin between
     * the top two classes), the rest a seeded random choice of the others.
     *
     * @param model the trusted model
     * @param data rows in the model's schema to choose from
     * @param rows how many canaries, positive (at most the data's rows)
     * @param seed of the random half
     * @return the canary file, stamped now
     */
    public static CanaryFile record(Classifier model, Dataset data, int rows, long seed) {
        Validate.positive(rows, "rows");
        model.schema().requireCompatible(data.schema(), "data");
        int n = Math.min(rows, data.rows());
        double[][] p = model.predictProba(data.x());
        Integer[] byMargin = new Integer[data.rows()];
        for (int i = 0; i < byMargin.length; i++) {
            byMargin[i] = i;
        }
        Arrays.sort(byMargin, (a, b) -> Double.compare(margin(p[a]), margin(p[b])));
        boolean[] chosen = new boolean[data.rows()];
        List<Integer> picks = new ArrayList<>();
        for (int i = 0; i < n / 2; i++) {
            picks.add(byMargin[i]);
            chosen[byMargin[i]] = true;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        while (picks.size() < n) {
            int i = rng.nextInt(data.rows());
            if (!chosen[i]) {
                chosen[i] = true;
                picks.add(i);
            }
        }
        List<Canary> list = new ArrayList<>();
        Schema s = data.schema();
        for (int i : picks) {
            Map<String, String> input = new LinkedHashMap<>();
            for (int j = 0; j < s.width(); j++) {
                input.put(s.feature(j).name(), s.feature(j).format(data.row(i)[j]));
            }
            list.add(new Canary(input, model.classes().get(Classifier.argmax(p[i])), p[i]));
        }
        return new CanaryFile(FORMAT, 1, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), model.classes(), list);
    }

    private static double margin(double[] p) {
        double[] s = p.clone();
        Arrays.sort(s);
        return s[s.length - 1] - s[s.length - 2];
    }

    /**
     * Runs every canary through the model; a finding when any label or probability differs beyond the tolerance.
     *
     * @param model the model to check
     * @param file canaries recorded from the trusted model
     * @param tolerance largest probability difference allowed, such as {@link #DEFAULT_TOLERANCE}
     * @return the figures, a finding when a canary's answer changed
     */
    public static Result check(Classifier model, CanaryFile file, double tolerance) {
        Schema s = model.schema();
        List<Canary> cs = file.canaries();
        double[][] rows = new double[cs.size()][s.width()];
        for (int i = 0; i < cs.size(); i++) {
            for (int j = 0; j < s.width(); j++) {
                Column c = s.feature(j);
                String v = cs.get(i).input().get(c.name());
                if (v == null) {
                    throw new InputException("canary " + (i + 1) + " has no value for the model's feature '" + c.name() + "'");
                }
                rows[i][j] = c.isCategorical() ? c.categoryIndex(Values.canonical(v)) : Values.parse(v);
                if (Double.isNaN(rows[i][j])) {
                    throw new InputException("canary " + (i + 1) + ": '" + v + "' is not a number for feature '" + c.name() + "'");
                }
            }
        }
        double[][] p = model.hasProbabilities() ? model.predictProba(rows) : null;
        int[] labels = p == null ? model.predict(rows) : null;
        Result.Builder r = Result.of(Threat.SUPPLY_CHAIN, "canary-check");
        int failed = 0;
        double maxDiff = 0;
        for (int i = 0; i < cs.size(); i++) {
            Canary c = cs.get(i);
            String got = model.classes().get(p != null ? Classifier.argmax(p[i]) : labels[i]);
            double diff = 0;
            if (p != null) {
                if (p[i].length != c.probabilities().length) {
                    diff = Double.POSITIVE_INFINITY;
                } else {
                    for (int k = 0; k < p[i].length; k++) {
                        diff = Math.max(diff, Math.abs(p[i][k] - c.probabilities()[k]));
                    }
                }
            }
            maxDiff = Math.max(maxDiff, diff);
            if (!got.equals(c.label()) || diff > tolerance) {
                failed++;
                if (failed <= 5) {
                    r.detail(String.format(java.util.Locale.ROOT, "canary %d: expected %s %s, got %s %s", i + 1,
                            c.label(), Arrays.toString(c.probabilities()), got, p == null ? "" : Arrays.toString(p[i])));
                }
            }
        }
        return r.finding(failed > 0).metric("canaries", cs.size()).metric("failed", failed)
                .metric("max_difference", maxDiff).metric("tolerance", tolerance).build();
    }

    /**
     * Writes a canary file as JSON.
     *
     * @param file the canaries
     * @param out where to write
     */
    public static void write(CanaryFile file, Path out) {
        Json.write(file, out);
    }

    /**
     * Reads a canary file written by {@link #write}.
     *
     * @param in the JSON file
     * @return the canaries
     * @throws InputException when the file is missing, not a canary file or has no canary
     */
    public static CanaryFile read(Path in) {
        try {
            CanaryFile f = Json.MAPPER.readValue(in.toFile(), CanaryFile.class);
            if (f == null || !FORMAT.equals(f.format()) || f.canaries() == null || f.canaries().isEmpty()) {
                throw new InputException(in + " is not an mlsec canary file (format '" + FORMAT + "')");
            }
            return f;
        } catch (java.io.FileNotFoundException | java.nio.file.NoSuchFileException e) {
            throw new InputException("no such canary file: " + in);
        } catch (IOException e) {
            throw new InputException(in + " is not a valid canary file: " + e.getMessage());
        }
    }
}
