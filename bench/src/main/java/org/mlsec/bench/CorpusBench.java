package org.mlsec.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.mlsec.scan.ModelScanner;
import org.mlsec.scan.ScanReport;
import org.mlsec.scan.Severity;

/**
 * Detection and false positives on other scanners' shipped fixtures (picklescan, modelscan, fickling, ModelAudit),
 * extracted by {@code bench/corpus/extract.sh}. A file is labelled by its name as its project names it (malicious,
 * exploit, GHSA advisory, attack... or benign, safe...); files named neither way (broken, not a pickle) are counted
 * apart. "Caught" means the scan does not exit 0 (a finding, or the file was not fully understood); "caught at
 * HIGH" means a finding of HIGH or CRITICAL. A false positive is a benign file that does not exit 0.
 * Usage: CorpusBench CORPUS [--list].
 */
public final class CorpusBench {
    static final Pattern MALICIOUS = Pattern.compile("(?i).*(malicious|ghsa-|exploit|sploit|bypass|injection|exfiltration"
            + "|filehandler|fileio|urllib|codetype|evil|attack|nested_pickle|decode_exec|dill_func|unsafe|_crc"
            + "|keyerror|type-confusion).*");
    static final Pattern BENIGN = Pattern.compile("(?i).*(benign|safe|int_array|pytorch_model\\.bin|simple_nested"
            + "|model_weights|mixed_model|agpl_model|embeddings).*");
    static final Pattern MODEL = Pattern.compile("(?i).*\\.(pkl|pickle|pt|pth|bin|zip|7z|npy|npz|h5|keras|joblib)$");

    private CorpusBench() {
    }

    public static void main(String[] args) throws IOException {
        Path corpus = Path.of(args[0]);
        boolean list = args.length > 1 && args[1].equals("--list");
        TreeMap<String, int[]> per = new TreeMap<>(); // mal, caught, caughtHigh, benign, fp, other, otherNonZero
        try (Stream<Path> projects = Files.list(corpus)) {
            for (Path p : projects.sorted().toList()) {
                int[] c = per.computeIfAbsent(p.getFileName().toString(), k -> new int[7]);
                List<Path> files;
                try (Stream<Path> w = Files.walk(p)) {
                    files = w.filter(Files::isRegularFile).filter(f -> MODEL.matcher(f.toString()).matches()).sorted()
                            .toList();
                }
                for (Path f : files) {
                    String name = f.getFileName().toString();
                    ScanReport r = ModelScanner.scan(List.of(f));
                    int code = r.exitCode();
                    boolean high = r.findings().stream().anyMatch(x -> x.severity().compareTo(Severity.HIGH) >= 0);
                    String label = MALICIOUS.matcher(name).matches() ? "malicious"
                            : BENIGN.matcher(name).matches() ? "benign" : "other";
                    if (label.equals("malicious")) {
                        c[0]++;
                        c[1] += code != 0 ? 1 : 0;
                        c[2] += high ? 1 : 0;
                    } else if (label.equals("benign")) {
                        c[3]++;
                        c[4] += code != 0 ? 1 : 0;
                    } else {
                        c[5]++;
                        c[6] += code != 0 ? 1 : 0;
                    }
                    if (list && label.equals("malicious") && !high) {
                        System.out.println("  below HIGH: " + r.findings().stream().map(x -> x.module() + " " + x.severity()).toList());
                    }
                    if (list || (label.equals("malicious") && code == 0) || (label.equals("benign") && code != 0)) {
                        System.out.printf(Locale.ROOT, "%-9s exit %d %s %s%s%n", label, code, corpus.relativize(f),
                                r.bySeverity(), code == 0 || !label.equals("benign") ? ""
                                        : " " + (r.findings().isEmpty() ? r.incomplete() : r.findings().get(0).description()));
                    }
                }
            }
        }
        int[] t = new int[7];
        System.out.println("| project | malicious | caught | caught at HIGH+ | benign | false positives | other (exit != 0) |");
        System.out.println("|---|---|---|---|---|---|---|");
        per.forEach((k, c) -> {
            System.out.printf(Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %d (%d) |%n", k, c[0], c[1], c[2], c[3], c[4],
                    c[5], c[6]);
            for (int i = 0; i < 7; i++) {
                t[i] += c[i];
            }
        });
        System.out.printf(Locale.ROOT, "| all | %d | %d (%.1f%%) | %d | %d | %d | %d (%d) |%n", t[0], t[1],
                100.0 * t[1] / Math.max(1, t[0]), t[2], t[3], t[4], t[5], t[6]);
    }
}
