package org.mlsec.maven;

import java.io.File;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.mlsec.Result;
import org.mlsec.defences.integrity.Canaries;
import org.mlsec.internal.Json;
import org.mlsec.model.Models;

/**
 * Runs recorded canaries (written by {@code mlsec canary record}) through a model and fails when any answer differs
 * from the recorded one beyond the tolerance. Writes {@code canary.json}.
 */
@Mojo(name = "canary", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class CanaryMojo extends AbstractMlsecMojo {
    /** The model to check (any format mlsec loads). */
    @Parameter(property = "mlsec.model")
    File model;

    /** The canary file. */
    @Parameter(property = "mlsec.canaries")
    File canaries;

    /** Largest allowed probability difference. */
    @Parameter(property = "mlsec.tolerance", defaultValue = "1e-6")
    double tolerance;

    @Override
    String goal() {
        return "canary";
    }

    @Override
    void run() throws MojoExecutionException, MojoFailureException {
        Path m = requireFile(model, "model");
        Path c = requireFile(canaries, "canaries");
        if (!(tolerance >= 0)) {
            throw new MojoExecutionException("mlsec:canary: <tolerance> must be at least 0, got " + tolerance);
        }
        Result r = Canaries.check(Models.loadAsIs(m), Canaries.read(c), tolerance);
        Path report = out().resolve("canary.json");
        Json.write(r.toJson(), report);
        if (r.finding()) {
            throw new MojoFailureException(String.format(Locale.ROOT,
                    "mlsec:canary: %s answers %d of %d canaries of %s differently (tolerance %.2g; report %s):%n  %s",
                    shown(m), (int) r.metric("failed"), (int) r.metric("canaries"), shown(c), tolerance, shown(report),
                    String.join("\n  ", r.details().subList(0, Math.min(10, r.details().size())))));
        }
        getLog().info(String.format(Locale.ROOT, "mlsec: %s answers all %d canaries as recorded (largest difference %.2g)",
                shown(m), (int) r.metric("canaries"), r.metric("max_difference")));
    }
}
