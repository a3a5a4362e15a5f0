package org.mlsec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every attack and defence returns: which threat and technique, whether it is a finding (an attack that
 * worked, a check that failed), the measured figures under the key names the CLI's {@code --json} uses, and
 * plain-language details (such as the first rows or files that differ).
 *
 * @param threat    supply-chain, membership-inference, backdoor, model-inversion, poisoning, model-stealing, evasion
 * @param technique the attack or defence, such as "tamper:flip-classes" or "canary-check"
 * @param finding   true when the attack succeeded or the check failed
 * @param metrics   figures, in insertion order
 * @param details   human-readable lines
 */
public record Result(String threat, String technique, boolean finding, Map<String, Object> metrics, List<String> details) {
    public Result {
        metrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        details = List.copyOf(details);
    }

    public static Builder of(String threat, String technique) {
        return new Builder(threat, technique);
    }

    /** Metrics plus threat, technique and finding: what --json files hold. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("threat", threat);
        m.put("technique", technique);
        m.put("finding", finding);
        m.putAll(metrics);
        if (!details.isEmpty()) {
            m.put("details", details);
        }
        return m;
    }

    public double metric(String key) {
        Object v = metrics.get(key);
        return v instanceof Number ? ((Number) v).doubleValue() : Double.NaN;
    }

    /** Collects figures and details, then {@link #build()}s the result. */
    public static final class Builder {
        private final String threat;
        private final String technique;
        private boolean finding;
        private final Map<String, Object> metrics = new LinkedHashMap<>();
        private final List<String> details = new ArrayList<>();

        Builder(String threat, String technique) {
            this.threat = threat;
            this.technique = technique;
        }

        public Builder finding(boolean f) {
            this.finding = f;
            return this;
        }

        public Builder metric(String key, Object value) {
            metrics.put(key, value);
            return this;
        }

        public Builder detail(String line) {
            details.add(line);
            return this;
        }

        public Result build() {
            return new Result(threat, technique, finding, metrics, details);
        }
    }
}
