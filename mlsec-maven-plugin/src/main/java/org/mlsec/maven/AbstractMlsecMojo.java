package org.mlsec.maven;

import java.io.File;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;
import org.mlsec.MlsecException;

/**
 * What every mlsec goal shares: {@code -Dmlsec.skip}, the project's folders, and turning the library's input errors
 * into one-line build errors (no stack traces). Goals keep no state between executions, so they are thread-safe.
 */
abstract class AbstractMlsecMojo extends AbstractMojo {
    /** Skip every mlsec goal. */
    @Parameter(property = "mlsec.skip", defaultValue = "false")
    boolean skip;

    @Parameter(defaultValue = "${project.basedir}", readonly = true, required = true)
    File basedir;

    /** Folder for the reports. */
    @Parameter(property = "mlsec.outputDirectory", defaultValue = "${project.build.directory}/mlsec")
    File outputDirectory;

    /**
     * The repository root: SARIF artifact locations are written relative to it, as GitHub code scanning requires.
     * Defaults to the top of the multi-module build (the folder holding {@code .mvn}, else where mvn ran).
     */
    @Parameter(property = "mlsec.sourceRoot", defaultValue = "${maven.multiModuleProjectDirectory}")
    File sourceRoot;

    @Override
    public final void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("mlsec: skipped (mlsec.skip)");
            return;
        }
        try {
            run();
        } catch (MlsecException | IllegalArgumentException | UncheckedIOException e) {
            throw new MojoExecutionException("mlsec:" + goal() + ": " + e.getMessage());
        }
    }

    abstract String goal();

    abstract void run() throws MojoExecutionException, MojoFailureException;

    /** A configured path: as given when absolute, else under the project's folder. */
    Path resolve(File f) {
        return f == null ? null : (f.isAbsolute() ? f.toPath() : basedir.toPath().resolve(f.toPath())).normalize();
    }

    Path requireFile(File f, String parameter) throws MojoExecutionException {
        if (f == null) {
            throw new MojoExecutionException("mlsec:" + goal() + ": <" + parameter + "> is required");
        }
        Path p = resolve(f);
        if (!p.toFile().exists()) {
            throw new MojoExecutionException("mlsec:" + goal() + ": <" + parameter + "> " + shown(p) + " does not exist");
        }
        return p;
    }

    Path root() {
        return sourceRoot != null ? sourceRoot.toPath().toAbsolutePath().normalize() : basedir.toPath().toAbsolutePath().normalize();
    }

    /** A path as the build log shows it: relative to the project when it lies under it. */
    String shown(Path p) {
        Path b = basedir.toPath().toAbsolutePath().normalize();
        Path a = p.toAbsolutePath().normalize();
        return (a.startsWith(b) ? b.relativize(a) : a).toString().replace('\\', '/');
    }

    String shown(String p) {
        return shown(Path.of(p));
    }

    Path out() {
        return resolve(outputDirectory);
    }
}
