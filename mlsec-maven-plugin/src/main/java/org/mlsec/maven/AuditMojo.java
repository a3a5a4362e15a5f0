package org.mlsec.maven;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.mlsec.Progress;
import org.mlsec.Result;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.Dataset;
import org.mlsec.defences.integrity.Pem;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Models;
import org.mlsec.model.TrainConfig;
import org.mlsec.report.Audit;
import org.mlsec.report.Finding;
import org.mlsec.report.Threat;
import org.mlsec.report.render.ReportWriter;

/**
 * Audits a model on a labelled CSV data set (as {@code mlsec audit}): writes report.html, report.json and
 * report.sarif to {@code target/mlsec/audit}, and fails the build when a finding reaches {@code failOn}.
 */
@Mojo(name = "audit", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class AuditMojo extends AbstractMlsecMojo {
    /** The model file (any format mlsec loads). */
    @Parameter(property = "mlsec.model")
    File model;

    /** The labelled data (CSV) the model was trained on or is scored on. */
    @Parameter(property = "mlsec.data")
    File data;

    /** The label column; default: the model's. */
    @Parameter(property = "mlsec.label")
    String label;

    /** The CSV delimiter. */
    @Parameter(property = "mlsec.delimiter", defaultValue = ",")
    String delimiter;

    /** Protected attributes for the fairness check. */
    @Parameter
    List<String> protectedColumns;

    /** Threats to check (default all): supply-chain, membership-inference, backdoor, model-inversion, poisoning, model-stealing, evasion. */
    @Parameter
    List<String> only;

    /** quick, standard or thorough. */
    @Parameter(property = "mlsec.budget", defaultValue = "quick")
    String budget;

    /** low, medium, high or critical. */
    @Parameter(property = "mlsec.failOn", defaultValue = "high")
    String failOn;

    /** A trusted snapshot of the data, for the poisoning diff. */
    @Parameter
    File reference;

    /** Verify the model against this signature too (needs publicKey). */
    @Parameter
    File signature;

    @Parameter(property = "mlsec.publicKey")
    File publicKey;

    @Parameter(property = "mlsec.seed", defaultValue = "42")
    long seed;

    @Override
    String goal() {
        return "audit";
    }

    @Override
    void run() throws MojoExecutionException, MojoFailureException {
        org.mlsec.report.Severity failAt = org.mlsec.report.Severity.lookup(String.valueOf(failOn));
        int threshold = failAt == null ? -1 : failAt.ordinal();
        if (threshold < 1) {
            throw new MojoExecutionException("mlsec:audit: <failOn> must be low, medium, high or critical, got '" + failOn + "'");
        }
        Audit.Budget b;
        try {
            b = Audit.Budget.parse(budget);
        } catch (IllegalArgumentException e) {
            throw new MojoExecutionException("mlsec:audit: <budget> must be quick, standard or thorough, got '" + budget + "'");
        }
        List<String> threats = only == null || only.isEmpty() ? Threat.keys() : only;
        for (String t : threats) {
            if (!Threat.keys().contains(t)) {
                throw new MojoExecutionException("mlsec:audit: <only> " + t + ": expected one of " + Threat.keys());
            }
        }
        if (delimiter == null || delimiter.length() != 1) {
            throw new MojoExecutionException("mlsec:audit: <delimiter> must be a single character, got '" + delimiter + "'");
        }
        Path modelFile = requireFile(model, "model");
        Path dataFile = requireFile(data, "data");
        Result sig = null;
        LocalModel m;
        if (signature != null) {
            if (publicKey == null) {
                throw new MojoExecutionException("mlsec:audit: <signature> needs <publicKey>");
            }
            org.mlsec.defences.integrity.VerifiedModel v = org.mlsec.defences.integrity.VerifiedModel.read(modelFile,
                    requireFile(signature, "signature"), Pem.readPublic(requireFile(publicKey, "publicKey")));
            sig = v.signature();
            m = v.load();
        } else {
            m = Models.load(modelFile);
        }
        String l = label != null ? label : m.schema().label();
        if (l == null) {
            throw new MojoExecutionException("mlsec:audit: <label> is required: the model file does not name its label column");
        }
        CsvOptions options = new CsvOptions(delimiter.charAt(0), l, Set.of(), Set.of(), Set.of());
        Dataset d = CsvReader.read(dataFile, m.schema(), options);
        m = Models.withRanges(m, d);
        TrainConfig config = TrainConfig.fromHyperparameters(Algorithm.ofKind(m.kind()), m.provenance().hyperparameters());
        Dataset ref = reference == null ? null : CsvReader.read(requireFile(reference, "reference"), d.schema(), options);
        long t0 = System.nanoTime();
        Progress progress = (task, done, total) -> getLog().debug("mlsec: " + task + " " + done + "/" + total);
        Audit.Report r = Audit.Request.of(d).model(m).modelFile(modelFile).signature(sig).trainedLike(config)
                .reference(ref).protect(protectedColumns == null ? List.of() : protectedColumns).only(threats).budget(b)
                .seed(seed).progress(progress).run();
        Path out = out().resolve("audit");
        ReportWriter.write(r, out, root(), modelFile);
        getLog().info(String.format(Locale.ROOT, "mlsec: audit of %s (%s budget, %.1f s); report %s", shown(modelFile),
                b.name().toLowerCase(Locale.ROOT), (System.nanoTime() - t0) / 1e9, shown(out.resolve("report.html"))));
        List<String> failing = new ArrayList<>();
        for (Finding f : r.findings()) {
            String line = f.severity() + " " + f.threat() + ": " + f.title();
            if (f.rank() >= threshold) {
                failing.add(line);
                getLog().error(line);
            } else {
                getLog().info("  " + line);
            }
        }
        if (!failing.isEmpty()) {
            throw new MojoFailureException("mlsec:audit: " + failing.size() + " finding" + (failing.size() == 1 ? "" : "s")
                    + " at or above " + failOn.toLowerCase(Locale.ROOT) + " for " + shown(modelFile) + " (report: "
                    + shown(out.resolve("report.html")) + "):\n  " + String.join("\n  ", failing));
        }
    }
}
