package org.mlsec.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.mlsec.internal.Json;
import org.mlsec.scan.Finding;
import org.mlsec.scan.ModelScanner;
import org.mlsec.scan.ScanReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "scan", mixinStandardHelpOptions = true,
        description = {"Scan model files for code that would run when they are loaded, without ever loading them:",
                "pickles (also joblib, dill, PyTorch, NumPy object arrays), Java serialization, ONNX, Keras, mlsec models.",
                "Exit 0 clean, 1 findings, 2 usage error, 3 incomplete: some input was unsupported, unparseable,",
                "unreadable, a FIFO or device, or a symlink out of the folder (listed with the reason)."})
final class ScanCommand implements Callable<Integer> {
    enum Format { text, json, sarif }

    @Parameters(paramLabel = "PATH", arity = "1..*", description = "Files or folders to scan.")
    List<Path> paths;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text", description = "text, json or sarif (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the report here instead of stdout.")
    Path out;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the JSON report here.")
    Path json;

    @Option(names = "--fail-on-skipped", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Exit 3 when an input was skipped as unsupported, special or outside the folder (default;"
                    + " --no-fail-on-skipped lists them but exits 0 when nothing was found). Unparseable inputs always exit 3.")
    boolean failOnSkipped;

    @Override
    public Integer call() {
        ScanReport r = ModelScanner.scan(paths);
        Path base = Path.of("").toAbsolutePath();
        Object doc = format == Format.sarif ? r.toSarif(base) : r.toJson();
        if (format == Format.text) {
            String text = text(r);
            if (out != null) {
                Output.text(out, text);
            } else {
                System.out.print(text);
            }
        } else if (out != null) {
            Json.write(doc, out);
        } else {
            System.out.println(Json.pretty(doc));
        }
        Output.json(json, r.toJson());
        return r.exitCode(failOnSkipped);
    }

    static String text(ScanReport r) {
        StringBuilder sb = new StringBuilder();
        for (Finding f : r.findings()) {
            sb.append(String.format("%-8s %s: %s%n", f.severity(), f.source(), f.description()));
        }
        for (ScanReport.Note n : r.errors()) {
            sb.append(String.format("ERROR    %s: %s%n", n.source(), n.description()));
        }
        for (ScanReport.Note n : r.skipped()) {
            sb.append(String.format("skipped  %s: %s: %s%n", n.source(), n.category(), n.description()));
        }
        sb.append(String.format("%d scanned, %d skipped, %d issues %s%n", r.scannedFiles().size(), r.skipped().size(),
                r.findings().size(), r.bySeverity()));
        if (!r.incomplete().isEmpty()) {
            sb.append(String.format("INCOMPLETE: %d input%s not fully understood, so this is not a clean result%n",
                    r.incomplete().size(), r.incomplete().size() == 1 ? "" : "s"));
        }
        return sb.toString();
    }

}
