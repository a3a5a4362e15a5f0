package org.mlsec.maven;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import org.mlsec.scan.Finding;
import org.mlsec.scan.ScanReport;

/** scan.html: one self-contained page with the findings, errors and what was scanned. */
final class Html {
    private Html() {
    }

    static void write(Path file, ScanReport r, Function<String, String> shown) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>mlsec scan</title><style>")
                .append("body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}")
                .append("table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}")
                .append(".CRITICAL,.HIGH{color:#b00020;font-weight:bold}.MEDIUM{color:#b36b00}</style></head><body>\n")
                .append("<h1>mlsec scan</h1>\n<p>").append(r.scannedFiles().size()).append(" model files scanned, ")
                .append(r.skipped().size()).append(" other files skipped, ").append(r.findings().size()).append(" issues ")
                .append(esc(r.bySeverity())).append(".</p>\n");
        if (!r.findings().isEmpty()) {
            h.append("<h2>Issues</h2>\n<table><tr><th>Severity</th><th>File</th><th>Rule</th><th>Finding</th></tr>\n");
            for (Finding f : r.findings()) {
                h.append("<tr><td class=\"").append(f.severity()).append("\">").append(f.severity()).append("</td><td>")
                        .append(esc(shown.apply(f.source()))).append("</td><td>").append(esc(f.rule().id())).append("</td><td>")
                        .append(esc(f.description())).append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
        if (!r.errors().isEmpty()) {
            h.append("<h2>Not scanned (errors)</h2>\n<ul>\n");
            for (ScanReport.Note n : r.errors()) {
                h.append("<li>").append(esc(shown.apply(n.source()))).append(": ").append(esc(n.description())).append("</li>\n");
            }
            h.append("</ul>\n");
        }
        h.append("<h2>Scanned</h2>\n<ul>\n");
        for (String s : r.scannedFiles()) {
            h.append("<li>").append(esc(shown.apply(s))).append("</li>\n");
        }
        h.append("</ul>\n</body></html>\n");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, h);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    static String esc(Object o) {
        return String.valueOf(o).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
