package org.mlsec.maven;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.mlsec.Result;
import org.mlsec.defences.integrity.ModelSigning;
import org.mlsec.defences.integrity.Pem;

/**
 * Verifies OpenSSF model-signing (Sigstore bundle, key mode) signatures of the configured models; fails naming every
 * model that does not match, with each changed, missing or added file, a wrong key or a malformed bundle.
 */
@Mojo(name = "verify", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class VerifyMojo extends AbstractMlsecMojo {
    /** The signed models. */
    @Parameter
    List<Model> models;

    /** The public key (PEM) for models that name none. */
    @Parameter(property = "mlsec.publicKey")
    File publicKey;

    @Override
    String goal() {
        return "verify";
    }

    @Override
    void run() throws MojoExecutionException, MojoFailureException {
        if (models == null || models.isEmpty()) {
            throw new MojoExecutionException("mlsec:verify: no <models> configured: give <models><model><path>..</path>"
                    + "<signature>..</signature></model></models> and a <publicKey>");
        }
        List<String> failed = new ArrayList<>();
        for (Model m : models) {
            Path model = requireFile(m.path, "model><path");
            Path sig = m.signature != null ? requireFile(m.signature, "model><signature")
                    : requireFile(new File(model + ".sig"), "model><signature");
            File keyFile = m.publicKey != null ? m.publicKey : publicKey;
            if (keyFile == null) {
                throw new MojoExecutionException("mlsec:verify: no <publicKey> for " + shown(model));
            }
            Path key = requireFile(keyFile, "publicKey");
            Result r = ModelSigning.verify(model, sig, Pem.readPublic(key),
                    ModelSigning.relativeIgnores(model, m.ignorePaths == null ? List.of() : m.ignorePaths, sig), m.ignoreUnsignedFiles);
            if (r.finding()) {
                String line = shown(model) + " does not match its signature " + shown(sig) + ": " + String.join("; ", r.details());
                getLog().error(line);
                failed.add(line);
            } else {
                getLog().info("mlsec: " + shown(model) + " matches its signature (" + (int) r.metric("files") + " files)");
            }
        }
        if (!failed.isEmpty()) {
            throw new MojoFailureException("mlsec:verify: " + failed.size() + " of " + models.size()
                    + " model" + (models.size() == 1 ? "" : "s") + " failed verification:\n  " + String.join("\n  ", failed));
        }
    }
}
