package org.mlsec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlsec.internal.Validate;
import org.mlsec.report.Threat;

/**
 * What every attack and defence returns: which threat and technique, whether it is a finding (an attack that
 * worked, a check that failed), the measured figures under the key names of the CLI's JSON output, and
 * plain-language details (such as the first rows or files that differ).
 *
 * @param threat    the threat the attack or defence answers (written to JSON as its key, such as {@code evasion})
 * @param technique the attack or defence, such as "tamper:flip-classes" or "canary-check"
 * @param finding   true when the attack succeeded or the check failed
 * @param metrics   figures, in insertion order
 * @param details   human-readable lines
 */
public record Result(Threat threat, String technique, boolean finding, Map<String, Object> metrics, List<String> details) {
    /**
     * Copies the metrics (keeping their order) and the details.
     *
     * @param threat the threat the attack or defence answers
     * @param technique the attack or defence, such as "tamper:flip-classes" or "canary-check"
     * @param finding true when the attack succeeded or the check failed
     * @param metrics figures, in insertion order
     * @param details human-readable lines
     */
    public Result {
        Validate.notNull(threat, "threat");
        Validate.notNull(technique, "technique");
        metrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        details = List.copyOf(details);
    }

    /**
     * Starts a result: no finding, no figures, no details yet.
     *
     * @param threat the threat, such as {@link Threat#EVASION}
     * @param technique the attack or defence
     * @return the builder
     */
    public static Builder of(Threat threat, String technique) {
        return new Builder(threat, technique);
    }

    /**
     * Metrics plus threat, technique and finding: what the CLI's JSON files hold.
     *
     * @return threat, technique, finding, then the metrics in their order
     */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("threat", threat.key());
        m.put("technique", technique);
        m.put("finding", finding);
        m.putAll(metrics);
        if (!details.isEmpty()) {
            m.put("details", details);
        }
        return m;
    }

    /**
     * Reads back what {@link #toJson()} wrote (a row of a command's JSON output, say).
     *
     * @param json threat (its key), technique, finding, the metrics, and optionally details
     * @return the result
     * @throws InputException if the threat, technique or finding is missing or of the wrong type
     */
    public static Result fromJson(Map<String, ?> json) {
        Map<String, Object> metrics = new LinkedHashMap<>(json);
        Object threat = metrics.remove("threat");
        Object technique = metrics.remove("technique");
        Object finding = metrics.remove("finding");
        Object details = metrics.remove("details");
        Validate.isTrue(threat instanceof String, "a result needs its threat as text, got " + threat, "threat");
        Validate.isTrue(technique instanceof String, "a result needs its technique as text, got " + technique,
                "technique");
        Validate.isTrue(finding instanceof Boolean, "a result needs finding true or false, got " + finding, "finding");
        Validate.isTrue(details == null || details instanceof List, "details must be a list of lines", "details");
        List<String> lines = new ArrayList<>();
        if (details != null) {
            ((List<?>) details).forEach(l -> lines.add(String.valueOf(l)));
        }
        return new Result(Threat.of((String) threat), (String) technique, (Boolean) finding, metrics, lines);
    }

    /**
     * The figure under {@code key}. A key this result does not have fails loudly (an {@link IllegalArgumentException}
     * listing the keys it has), so a typo never reads as NaN; a figure recorded as null (not measurable) reads NaN.
     *
     * @param key the figure's key
     * @return the figure as a number
     */
    public double metric(String key) {
        Object v = present(key);
        if (v == null) {
            return Double.NaN;
        }
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("metric '" + key + "' is not a number: " + v);
        }
        return n.doubleValue();
    }

    /**
     * The figure under {@code key}, or {@code otherwise} when this result has none (for optional figures).
     *
     * @param key the figure's key
     * @param otherwise the value without that figure
     * @return the figure as a number, or {@code otherwise}
     */
    public double metricOr(String key, double otherwise) {
        return metrics.containsKey(key) ? metric(key) : otherwise;
    }

    /**
     * Whether this result has a figure under {@code key}.
     *
     * @param key the figure's key
     * @return whether the key is there
     */
    public boolean has(String key) {
        return metrics.containsKey(key);
    }

    /**
     * The text under {@code key} (a non-numeric figure such as a method name); fails like {@link #metric} when absent.
     *
     * @param key the figure's key
     * @return the figure as text
     */
    public String text(String key) {
        return String.valueOf(present(key));
    }

    /**
     * The yes/no figure under {@code key} (such as whether a false-positive rate could be measured); fails like
     * {@link #metric} when absent or not true/false.
     *
     * @param key the figure's key
     * @return the figure
     */
    public boolean flag(String key) {
        return typed(key, Boolean.class, "true or false");
    }

    /**
     * The list under {@code key} (such as a confidence interval); fails like {@link #metric} when absent or not a list.
     *
     * @param key the figure's key
     * @return the list, unmodifiable
     */
    public List<?> list(String key) {
        return java.util.Collections.unmodifiableList(typed(key, List.class, "a list"));
    }

    /**
     * The table under {@code key} (such as a prototype's value per column), keys as text in their order; fails like
     * {@link #metric} when absent or not a table.
     *
     * @param key the figure's key
     * @return the table, unmodifiable
     */
    public Map<String, Object> table(String key) {
        Map<String, Object> t = new LinkedHashMap<>();
        typed(key, Map.class, "a table").forEach((k, v) -> t.put(String.valueOf(k), v));
        return java.util.Collections.unmodifiableMap(t);
    }

    private Object present(String key) {
        if (!metrics.containsKey(key)) {
            throw new IllegalArgumentException("no metric '" + key + "' in this " + threat + " result (" + technique
                    + "); it has " + metrics.keySet());
        }
        return metrics.get(key);
    }

    private <T> T typed(String key, Class<T> type, String what) {
        Object v = present(key);
        if (!type.isInstance(v)) {
            throw new IllegalArgumentException("metric '" + key + "' is not " + what + ": " + v);
        }
        return type.cast(v);
    }

    /** Collects figures and details, then {@link #build()}s the result. */
    public static final class Builder {
        private final Threat threat;
        private final String technique;
        private boolean finding;
        private final Map<String, Object> metrics = new LinkedHashMap<>();
        private final List<String> details = new ArrayList<>();

        Builder(Threat threat, String technique) {
            this.threat = threat;
            this.technique = technique;
        }

        /**
         * Sets whether the result is a finding.
         *
         * @param f true when the attack worked or the check failed
         * @return this builder
         */
        public Builder finding(boolean f) {
            this.finding = f;
            return this;
        }

        /**
         * Adds a figure, or replaces the one under {@code key} keeping its place.
         *
         * @param key the JSON key
         * @param value a number, text, list or map
         * @return this builder
         */
        public Builder metric(String key, Object value) {
            metrics.put(key, value);
            return this;
        }

        /**
         * Adds a detail line.
         *
         * @param line plain language, for people
         * @return this builder
         */
        public Builder detail(String line) {
            details.add(line);
            return this;
        }

        /**
         * The result with what was set.
         *
         * @return the result
         */
        public Result build() {
            return new Result(threat, technique, finding, metrics, details);
        }
    }
}
