package org.mlsec.maven;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.mlsec.internal.Json;
import org.mlsec.scan.Finding;
import org.mlsec.scan.ModelScanner;
import org.mlsec.scan.ScanReport;
import org.mlsec.scan.Severity;

/**
 * Scans the model files of the project without loading them (pickles, PyTorch, NumPy, Java serialization, ONNX,
 * Keras, mlsec models: recognised by their bytes, not their names; other files are skipped), writes
 * {@code scan.json}, {@code scan.sarif} and {@code scan.html}, and fails the build on findings at or above
 * {@code failOnSeverity}.
 */
@Mojo(name = "scan", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class ScanMojo extends AbstractMlsecMojo {
    static final List<String> DEFAULT_INCLUDES = List.of("src/main/resources/**", "target/classes/**");

    /** Files to scan: globs relative to the project folder (or plain files and folders). */
    @Parameter
    List<String> includes;

    /** Globs relative to the project folder not to scan. */
    @Parameter
    List<String> excludes;

    /** low, medium, high, critical, or none to report without failing. */
    @Parameter(property = "mlsec.failOnSeverity", defaultValue = "high")
    String failOnSeverity;

    /** Fail when a model file could not be scanned (truncated, unreadable). */
    @Parameter(property = "mlsec.failOnError", defaultValue = "true")
    boolean failOnError;

    /** Fail when a model file was skipped as unsupported, a FIFO or device, or a symlink leaving the project. */
    @Parameter(property = "mlsec.failOnSkipped", defaultValue = "true")
    boolean failOnSkipped;

    @Override
    String goal() {
        return "scan";
    }

    @Override
    void run() throws MojoExecutionException, MojoFailureException {
        Severity threshold = threshold(failOnSeverity);
        List<Path> files = files(includes == null || includes.isEmpty() ? DEFAULT_INCLUDES : includes,
                excludes == null ? List.of() : excludes);
        long t0 = System.nanoTime();
        ScanReport r = files.isEmpty() ? new ScanReport() : ModelScanner.scanFound(files);
        Path out = out();
        Json.write(r.toJson(), out.resolve("scan.json"));
        Json.write(r.toSarif(root()), out.resolve("scan.sarif"));
        Html.write(out.resolve("scan.html"), r, this::shown);
        int models = r.scannedFiles().size();
        getLog().info(String.format(Locale.ROOT, "mlsec: scanned %d model file%s of %d file%s in %.0f ms: %d issue%s %s; report %s",
                models, models == 1 ? "" : "s", files.size(), files.size() == 1 ? "" : "s", (System.nanoTime() - t0) / 1e6,
                r.findings().size(), r.findings().size() == 1 ? "" : "s", r.bySeverity(), shown(out.resolve("scan.html"))));
        List<String> failing = new ArrayList<>();
        for (Finding f : r.findings()) {
            String line = f.severity() + " " + shown(f.source()) + ": " + f.description();
            if (threshold != null && f.severity().compareTo(threshold) >= 0) {
                failing.add(line);
                getLog().error(line);
            } else {
                getLog().warn(line);
            }
        }
        for (ScanReport.Note n : r.errors()) {
            String line = "cannot scan " + shown(n.source()) + ": " + n.description();
            if (failOnError) {
                failing.add(line);
                getLog().error(line);
            } else {
                getLog().warn(line);
            }
        }
        for (ScanReport.Note n : r.skipped()) {
            if (!n.incomplete()) {
                continue;
            }
            String line = "not scanned " + shown(n.source()) + ": " + n.category() + ": " + n.description();
            if (failOnSkipped) {
                failing.add(line);
                getLog().error(line);
            } else {
                getLog().warn(line);
            }
        }
        if (!failing.isEmpty()) {
            throw new MojoFailureException("mlsec:scan found " + failing.size() + " problem" + (failing.size() == 1 ? "" : "s")
                    + (threshold != null ? " at or above " + threshold : "") + " (report: " + shown(out.resolve("scan.html"))
                    + "):\n  " + String.join("\n  ", failing));
        }
    }

    /** null for none. */
    static Severity threshold(String s) throws MojoExecutionException {
        if (s == null || s.isBlank() || s.equalsIgnoreCase("none")) {
            return null;
        }
        try {
            return Severity.valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new MojoExecutionException("mlsec:scan: <failOnSeverity> must be low, medium, high, critical or none, got '" + s + "'");
        }
    }

    List<Path> files(List<String> incl, List<String> excl) throws MojoExecutionException {
        Path base = basedir.toPath().toAbsolutePath().normalize();
        List<PathMatcher> ex = new ArrayList<>();
        for (String e : excl) {
            ex.add(FileSystems.getDefault().getPathMatcher("glob:" + e.replace('\\', '/')));
        }
        TreeSet<Path> found = new TreeSet<>();
        for (String pattern : incl) {
            String p = pattern.replace('\\', '/');
            int glob = firstGlobChar(p);
            Path start;
            PathMatcher m;
            if (glob < 0) {
                start = base.resolve(p).normalize();
                m = null; // a plain file or folder: everything in it
            } else {
                int slash = p.lastIndexOf('/', glob);
                start = slash < 0 ? base : base.resolve(p.substring(0, slash)).normalize();
                m = FileSystems.getDefault().getPathMatcher("glob:" + p);
            }
            if (!Files.exists(start)) {
                getLog().debug("mlsec: nothing at " + start + " (" + pattern + ")");
                continue;
            }
            try (Stream<Path> walk = Files.walk(start)) {
                for (Path f : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                    Path rel = f.startsWith(base) ? base.relativize(f) : f;
                    if ((m == null || m.matches(rel)) && ex.stream().noneMatch(x -> x.matches(rel))) {
                        found.add(f);
                    }
                }
            } catch (IOException e) {
                throw new MojoExecutionException("mlsec:scan: cannot list " + start + ": " + e.getMessage());
            }
        }
        return withoutResourceCopies(base, found);
    }

    /**
     * The files without those under {@code target/classes} that are byte-for-byte copies of the same path under
     * {@code src/main/resources} (the resources phase copies them there): each model is scanned, and reported, once.
     */
    static List<Path> withoutResourceCopies(Path base, java.util.Collection<Path> files) throws MojoExecutionException {
        Path classes = base.resolve("target/classes");
        Path resources = base.resolve("src/main/resources");
        List<Path> out = new ArrayList<>();
        for (Path f : files) {
            if (f.startsWith(classes)) {
                Path source = resources.resolve(classes.relativize(f).toString());
                try {
                    if (files.contains(source) && Files.mismatch(source, f) == -1) {
                        continue;
                    }
                } catch (IOException e) {
                    throw new MojoExecutionException("mlsec:scan: cannot compare " + f + " with " + source + ": "
                            + e.getMessage());
                }
            }
            out.add(f);
        }
        return out;
    }

    static int firstGlobChar(String p) {
        for (int i = 0; i < p.length(); i++) {
            if ("*?[{".indexOf(p.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
