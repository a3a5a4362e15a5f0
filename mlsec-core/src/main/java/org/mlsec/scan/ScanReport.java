package org.mlsec.scan;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a scan found, read and skipped; serialises to modelscan's report shape and to SARIF 2.1.0. */
public final class ScanReport {
    /** A file not scanned, or an error while scanning it. */
    public record Note(String category, String description, String source) {
        /**
         * True unless the file is plainly not a model (a README next to the weights): that one leaves no gap.
         *
         * @return false only for {@link #NOT_A_MODEL}
         */
        public boolean incomplete() {
            return !NOT_A_MODEL.equals(category);
        }
    }

    /** Exit code: everything was understood and nothing was found. */
    public static final int CLEAN = 0;
    /** Exit code: at least one finding. */
    public static final int FINDINGS = 1;
    /** Exit code (the CLI's): the command line itself was wrong, such as a path that does not exist. */
    public static final int USAGE = 2;
    /**
     * Exit code: nothing was found, but some input was not fully understood (unsupported or unparseable format, a
     * FIFO or device, an unreadable file, a symlink leaving the scanned folder), so the scan cannot say "clean".
     */
    public static final int INCOMPLETE = 3;

    /** Skip categories. Only {@link #NOT_A_MODEL} leaves the verdict intact. */
    public static final String NOT_A_MODEL = "not a model file";
    /** A model-like file in a format the scanner does not read. */
    public static final String UNSUPPORTED = "unsupported format";
    /** A FIFO, device or other non-regular file. */
    public static final String SPECIAL_FILE = "not a regular file";
    /** A symbolic link leaving the scanned folder. */
    public static final String OUTSIDE_ROOT = "outside the scanned folder";
    /** A file that could not be read. */
    public static final String UNREADABLE = "unreadable";

    final List<Finding> findings = new ArrayList<>();
    final List<String> scanned = new ArrayList<>();
    final List<Note> skipped = new ArrayList<>();
    final List<Note> errors = new ArrayList<>();

    /**
     * Everything found, in scan order.
     *
     * @return the findings
     */
    public List<Finding> findings() {
        return findings;
    }

    /**
     * The files that were read and judged.
     *
     * @return their paths, in scan order
     */
    public List<String> scannedFiles() {
        return scanned;
    }

    /**
     * The inputs skipped, each with its category.
     *
     * @return the notes, in scan order
     */
    public List<Note> skipped() {
        return skipped;
    }

    /**
     * The inputs that could not be read or parsed.
     *
     * @return the notes, in scan order
     */
    public List<Note> errors() {
        return errors;
    }

    /**
     * {@link #exitCode(boolean)} failing on skipped inputs, as a build gate must.
     *
     * @return the exit code
     */
    public int exitCode() {
        return exitCode(true);
    }

    /**
     * {@link #FINDINGS} with findings; else {@link #INCOMPLETE} when an input could not be read or parsed, or (with
     * {@code failOnSkipped}) was skipped as unsupported, special or outside the root; else {@link #CLEAN}.
     *
     * @param failOnSkipped whether a skipped input that leaves a gap makes the scan incomplete
     * @return {@link #FINDINGS}, {@link #INCOMPLETE} or {@link #CLEAN}
     */
    public int exitCode(boolean failOnSkipped) {
        if (!findings.isEmpty()) {
            return FINDINGS;
        }
        if (!errors.isEmpty() || (failOnSkipped && skipped.stream().anyMatch(Note::incomplete))) {
            return INCOMPLETE;
        }
        return CLEAN;
    }

    /**
     * The inputs that keep the scan from saying "clean": errors, and skips other than plain non-model files.
     *
     * @return errors first, then the skips that leave a gap
     */
    public List<Note> incomplete() {
        List<Note> out = new ArrayList<>(errors);
        skipped.stream().filter(Note::incomplete).forEach(out::add);
        return out;
    }

    /**
     * Findings counted by severity.
     *
     * @return every severity's name, least severe first, to its count (0 included)
     */
    public Map<String, Integer> bySeverity() {
        Map<String, Integer> m = new LinkedHashMap<>();
        Map<Severity, Integer> counts = new EnumMap<>(Severity.class);
        for (Finding f : findings) {
            counts.merge(f.severity(), 1, Integer::sum);
        }
        for (Severity s : Severity.values()) {
            m.put(s.name(), counts.getOrDefault(s, 0));
        }
        return m;
    }

    /**
     * modelscan's JSON report: summary, issues, errors.
     *
     * @return the report as JSON-ready maps and lists
     */
    public Map<String, Object> toJson() {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("total_issues", findings.size());
        summary.put("total_issues_by_severity", bySeverity());
        summary.put("scanned", Map.of("total_scanned", scanned.size(), "scanned_files", scanned));
        Map<String, Object> skip = new LinkedHashMap<>();
        skip.put("total_skipped", skipped.size());
        skip.put("skipped_files", skipped);
        skip.put("total_incomplete", incomplete().size());
        summary.put("skipped", skip);
        summary.put("complete", incomplete().isEmpty());
        summary.put("scanner", "mlsec " + org.mlsec.Version.get());
        List<Map<String, Object>> issues = new ArrayList<>();
        for (Finding f : findings) {
            Map<String, Object> i = new LinkedHashMap<>();
            i.put("severity", f.severity().name());
            i.put("description", f.description());
            i.put("operator", f.operator());
            i.put("module", f.module());
            i.put("source", f.source());
            i.put("scanner", f.scanner());
            i.put("rule", f.rule().id());
            issues.add(i);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("summary", summary);
        out.put("issues", issues);
        out.put("errors", errors);
        return out;
    }

    /**
     * SARIF 2.1.0 as GitHub code scanning reads it; URIs relative to {@code base} when the files lie under it.
     *
     * @param base the repository root
     * @return the SARIF log as JSON-ready maps and lists
     */
    public Map<String, Object> toSarif(java.nio.file.Path base) {
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Rule r : Rule.values()) {
            Map<String, Object> rule = new LinkedHashMap<>();
            rule.put("id", r.id());
            rule.put("name", r.ruleName());
            rule.put("shortDescription", Map.of("text", r.description()));
            rule.put("fullDescription", Map.of("text", r.description()));
            rule.put("help", Map.of("text", r.description() + " Do not load the file; get the model from a trusted,"
                    + " signed source, or convert it to a format that holds no code (ONNX, safetensors, mlsec's JSON)."));
            rule.put("defaultConfiguration", Map.of("level", r.severity().sarifLevel()));
            rule.put("properties", Map.of("security-severity", String.valueOf(r.severity().securitySeverity()),
                    "tags", List.of("security", "machine-learning", "supply-chain")));
            rules.add(rule);
        }
        List<Map<String, Object>> results = new ArrayList<>();
        for (Finding f : findings) {
            Map<String, Object> res = new LinkedHashMap<>();
            res.put("ruleId", f.rule().id());
            res.put("level", f.severity().sarifLevel());
            res.put("message", Map.of("text", f.description()));
            String file = f.source().contains("!") ? f.source().substring(0, f.source().indexOf('!')) : f.source();
            res.put("locations", List.of(Map.of("physicalLocation", Map.of("artifactLocation",
                    artifactLocation(base, file)))));
            res.put("properties", Map.of("security-severity", String.valueOf(f.severity().securitySeverity()),
                    "severity", f.severity().name()));
            results.add(res);
        }
        Map<String, Object> driver = new LinkedHashMap<>();
        driver.put("name", "mlsec");
        driver.put("informationUri", "https://github.com/mlsec/mlsec");
        driver.put("semanticVersion", org.mlsec.Version.get().replace("-SNAPSHOT", ""));
        driver.put("rules", rules);
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("tool", Map.of("driver", driver));
        run.put("results", results);
        List<Map<String, Object>> notes = new ArrayList<>();
        for (Note n : incomplete()) {
            String file = n.source().contains("!") ? n.source().substring(0, n.source().indexOf('!')) : n.source();
            notes.add(Map.of("level", "error", "message", Map.of("text", n.category() + ": " + n.description()
                    + " (" + n.source() + ")"), "locations", List.of(Map.of("physicalLocation",
                    Map.of("artifactLocation", artifactLocation(base, file))))));
        }
        run.put("invocations", List.of(Map.of("executionSuccessful", notes.isEmpty(),
                "toolExecutionNotifications", notes)));
        Map<String, Object> sarif = new LinkedHashMap<>();
        sarif.put("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
        sarif.put("version", "2.1.0");
        sarif.put("runs", List.of(run));
        return sarif;
    }

    /**
     * A SARIF artifactLocation as GitHub code scanning needs it: the path relative to {@code base} (the repository
     * root) with {@code uriBaseId} {@code %SRCROOT%} when the file lies under it, else an absolute {@code file:} URI
     * without a base (never an absolute path posing as a relative one).
     *
     * @param base the repository root
     * @param file a scanned file's path
     * @return the location's JSON-ready map
     */
    public static Map<String, Object> artifactLocation(java.nio.file.Path base, String file) {
        java.nio.file.Path p = java.nio.file.Path.of(file).toAbsolutePath().normalize();
        java.nio.file.Path b = base.toAbsolutePath().normalize();
        Map<String, Object> loc = new LinkedHashMap<>();
        if (p.startsWith(b) && !p.equals(b)) {
            loc.put("uri", relativeUri(b.relativize(p).toString().replace('\\', '/')));
            loc.put("uriBaseId", "%SRCROOT%");
        } else {
            loc.put("uri", p.toUri().toString());
        }
        return loc;
    }

    /** A relative path as a URI reference: spaces and other reserved characters percent-encoded, slashes kept. */
    static String relativeUri(String path) {
        try {
            return new java.net.URI(null, null, path, null).toASCIIString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("not a path: " + path, e);
        }
    }
}
