package org.mlsec.report.render;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlsec.MlsecException;
import org.mlsec.internal.Json;
import org.mlsec.report.Audit;
import org.mlsec.report.Finding;
import org.mlsec.report.Threat;

/** Writes an audit as report.json, report.sarif (SARIF 2.1.0) and one self-contained report.html. */
public final class ReportWriter {
    private ReportWriter() {
    }

    /**
     * Writes the audit's {@code report.json}, {@code report.sarif} and self-contained {@code report.html} into
     * {@code dir}, creating it.
     *
     * @param r        the audit's report
     * @param dir      the folder written
     * @param artifact the SARIF artifact location of the model, as given (relative to the source root)
     * @throws org.mlsec.MlsecException if a file cannot be written
     */
    public static void write(Audit.Report r, Path dir, String artifact) {
        write(r, dir, Map.of("uri", artifact, "uriBaseId", "%SRCROOT%"));
    }

    /**
     * As {@link #write(Audit.Report, Path, String)}, with the SARIF artifact location of {@code artifact} relative to
     * {@code sourceRoot} (the repository root), as GitHub code scanning requires; an absolute {@code file:} URI when
     * the artifact lies outside it.
     *
     * @param r          the audit's report
     * @param dir        the folder written
     * @param sourceRoot the repository root
     * @param artifact   the model file audited
     * @throws org.mlsec.MlsecException if a file cannot be written
     */
    public static void write(Audit.Report r, Path dir, Path sourceRoot, Path artifact) {
        write(r, dir, org.mlsec.scan.ScanReport.artifactLocation(sourceRoot, artifact.toString()));
    }

    private static void write(Audit.Report r, Path dir, Map<String, Object> location) {
        try {
            Files.createDirectories(dir);
            Json.write(json(r), dir.resolve("report.json"));
            Json.write(sarif(r, location), dir.resolve("report.sarif"));
            Files.writeString(dir.resolve("report.html"), html(r));
        } catch (IOException e) {
            throw new MlsecException("cannot write the report to " + dir + ": " + e.getMessage(), e);
        }
    }

    static Map<String, Object> json(Audit.Report r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tool", "mlsec " + org.mlsec.Version.get());
        out.put("created_at", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        out.put("context", r.context());
        out.put("scorecard", scorecard(r));
        List<Map<String, Object>> fs = new ArrayList<>();
        for (Finding f : r.findings()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("threat", f.threat());
            m.put("severity", f.severity());
            m.put("title", f.title());
            m.put("meaning", f.meaning());
            m.put("countermeasure", f.countermeasure());
            m.put("command", f.command());
            m.put("failure_mode", f.failureMode());
            m.put("atlas", f.atlas());
            m.put("owasp", f.owasp());
            m.put("metrics", f.metrics());
            fs.add(m);
        }
        out.put("findings", fs);
        return out;
    }

    /** The worst severity per threat. */
    static Map<String, String> scorecard(Audit.Report r) {
        Map<String, String> s = new LinkedHashMap<>();
        for (Threat t : Threat.values()) {
            String worst = "not run";
            int rank = -1;
            for (Finding f : r.findings()) {
                if (f.threat() == t && f.rank() > rank) {
                    rank = f.rank();
                    worst = f.severity().key();
                }
            }
            s.put(t.key(), worst);
        }
        return s;
    }

    /** A threat's SARIF rule id, e.g. {@code MLSEC-MODEL_STEALING}. */
    static String ruleId(Threat t) {
        return "MLSEC-" + t.key().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    }

    static Map<String, Object> sarif(Audit.Report r, String artifact) {
        return sarif(r, Map.of("uri", artifact, "uriBaseId", "%SRCROOT%"));
    }

    static Map<String, Object> sarif(Audit.Report r, Map<String, Object> location) {
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Threat m : Threat.values()) {
            Map<String, Object> rule = new LinkedHashMap<>();
            rule.put("id", ruleId(m));
            rule.put("name", m.key());
            rule.put("shortDescription", Map.of("text", m.title() + " (" + m.failureMode() + ")"));
            rule.put("fullDescription", Map.of("text", m.title() + ": " + m.failureMode() + " (MITRE ATLAS " + m.atlas()
                    + ", OWASP ML Top 10 " + m.owasp() + ")."));
            rule.put("help", Map.of("text", m.failureMode() + ". Each result gives the figures measured, what they mean, the"
                    + " countermeasure and the mlsec command that measures it again; report.html has the charts."));
            rule.put("helpUri", "https://atlas.mitre.org/techniques/" + m.atlas().replace(".000", "").split("\\.0")[0]);
            rule.put("properties", Map.of("tags", List.of("security", "machine-learning", m.atlas(), m.owasp()),
                    "security-severity", "7.0"));
            rules.add(rule);
        }
        List<Map<String, Object>> results = new ArrayList<>();
        for (Finding f : r.findings()) {
            if (f.rank() < 1) {
                continue;
            }
            Map<String, Object> res = new LinkedHashMap<>();
            res.put("ruleId", ruleId(f.threat()));
            res.put("level", f.rank() >= 3 ? "error" : f.rank() == 2 ? "warning" : "note");
            res.put("message", Map.of("text", f.title() + ". " + f.meaning() + " Countermeasure: " + f.countermeasure()
                    + " (" + f.command() + ")"));
            res.put("locations", List.of(Map.of("physicalLocation", Map.of("artifactLocation",
                    location))));
            res.put("properties", Map.of("security-severity", f.rank() >= 4 ? "9.0" : f.rank() == 3 ? "7.5"
                    : f.rank() == 2 ? "5.0" : "2.0", "severity", f.severity()));
            results.add(res);
        }
        Map<String, Object> driver = new LinkedHashMap<>();
        driver.put("name", "mlsec");
        driver.put("semanticVersion", org.mlsec.Version.get().replace("-SNAPSHOT", ""));
        driver.put("informationUri", "https://github.com/mlsec/mlsec");
        driver.put("rules", rules);
        return Map.of("$schema", "https://json.schemastore.org/sarif-2.1.0.json", "version", "2.1.0", "runs",
                List.of(Map.of("tool", Map.of("driver", driver), "results", results)));
    }

    static String esc(Object o) {
        return String.valueOf(o).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static String html(Audit.Report r) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>mlsec audit report</title><style>")
                .append("body{font-family:system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;max-width:1180px;")
                .append("margin:24px auto;padding:0 24px;color:#1b1f24;line-height:1.45}")
                .append("h1{font-size:1.7em;margin-bottom:4px}h2{border-bottom:1px solid #d0d7de;padding-bottom:4px;margin-top:32px}")
                .append("table{border-collapse:collapse;width:100%;margin:12px 0}td,th{border:1px solid #d0d7de;padding:6px 8px;")
                .append("text-align:left;vertical-align:top}th{background:#f6f8fa}.sev{font-weight:600;border-radius:4px;")
                .append("padding:1px 8px;color:#fff}.critical{background:#7d1a1a}.high{background:#cf222e}.medium{background:#bf8700}")
                .append(".low{background:#0969da}.info{background:#57606a}.notrun{background:#8c959f}")
                .append(".finding{border:1px solid #d0d7de;border-radius:6px;padding:10px 14px;margin:10px 0}")
                .append(".chart svg{max-width:100%;height:auto}code{background:#f6f8fa;padding:1px 4px;border-radius:3px}")
                .append(".meta{color:#57606a;font-size:.9em}@media print{body{max-width:none;margin:0}")
                .append(".finding,.chart{page-break-inside:avoid}}</style></head><body>\n");
        h.append("<h1>mlsec audit report</h1><p class=\"meta\">");
        r.context().forEach((k, v) -> h.append("<strong>").append(esc(k)).append("</strong>: ")
                .append(esc(v instanceof List<?> l ? l.size() + " (" + String.join(", ", l.stream().map(String::valueOf).toList()) + ")" : v))
                .append(" &middot; "));
        h.append(esc(Instant.now().truncatedTo(ChronoUnit.SECONDS))).append("</p>\n");
        h.append("<h2 id=\"scorecard\">Scorecard</h2><table><tr><th>threat</th><th>worst finding</th><th>Kumar et al. 2019")
                .append("</th><th>MITRE ATLAS</th><th>OWASP ML Top 10</th></tr>\n");
        Map<String, String> card = scorecard(r);
        for (Threat m : Threat.values()) {
            String sev = card.get(m.key());
            h.append("<tr><td><a href=\"#").append(m.key()).append("\">").append(esc(m.title())).append("</a></td><td><span class=\"sev ")
                    .append(sev.replace(" ", "")).append("\">").append(esc(sev)).append("</span></td><td>")
                    .append(esc(m.failureMode())).append("</td><td>").append(esc(m.atlas())).append("</td><td>")
                    .append(esc(m.owasp())).append("</td></tr>\n");
        }
        h.append("</table>\n");
        Map<String, List<String>> chartFor = Map.of("membership-inference", List.of("membership-roc"), "backdoor",
                List.of("importances"), "poisoning", List.of("poisoning-histogram", "fairness"), "model-stealing",
                List.of("extraction"), "evasion", List.of("evasion-costs"));
        for (Threat m : Threat.values()) {
            String t = m.key();
            h.append("<section id=\"").append(t).append("\"><h2>").append(esc(m.title())).append("</h2>\n");
            boolean any = false;
            for (Finding f : r.findings()) {
                if (f.threat() != m) {
                    continue;
                }
                any = true;
                h.append("<div class=\"finding\"><p><span class=\"sev ").append(f.severity()).append("\">").append(f.severity())
                        .append("</span> <strong>").append(esc(f.title())).append("</strong></p><p>").append(esc(f.meaning()))
                        .append("</p><p><em>Countermeasure:</em> ").append(esc(f.countermeasure())).append(" <code>")
                        .append(esc(f.command())).append("</code></p><p class=\"meta\">").append(esc(f.failureMode()))
                        .append(" &middot; ").append(esc(f.atlas())).append(" &middot; ").append(esc(f.owasp()))
                        .append("</p><details><summary>figures</summary><pre>").append(esc(Json.pretty(f.metrics())))
                        .append("</pre></details></div>\n");
            }
            if (!any) {
                h.append("<p>Not run (it needs inputs the audit was not given).</p>\n");
            }
            List<String> charts = new java.util.ArrayList<>(chartFor.getOrDefault(t, List.of()));
            r.charts().keySet().stream().filter(k -> k.equals("tradeoff-" + t) || k.startsWith("tradeoff-" + t + "-"))
                    .forEach(charts::add); // defence studies' trade-offs
            for (String chart : charts) {
                if (r.charts().containsKey(chart)) {
                    h.append("<div class=\"chart\">").append(Charts.svg(r.charts().get(chart))).append("</div>\n");
                }
            }
            h.append("</section>\n");
        }
        h.append("<p class=\"meta\">mlsec ").append(esc(org.mlsec.Version.get())).append("</p></body></html>\n");
        return h.toString();
    }
}
