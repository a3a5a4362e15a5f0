package org.mlsec.junit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AssertionFailureBuilder;
import org.mlsec.Progress;
import org.mlsec.Result;
import org.mlsec.attacks.evasion.Costs;
import org.mlsec.attacks.evasion.Evasion;
import org.mlsec.attacks.evasion.Feasibility;
import org.mlsec.attacks.evasion.Norm;
import org.mlsec.attacks.inference.MembershipInference;
import org.mlsec.attacks.inference.MembershipMethod;
import org.mlsec.data.Dataset;
import org.mlsec.defences.detector.Fairness;
import org.mlsec.defences.integrity.Canaries;
import org.mlsec.internal.Json;
import org.mlsec.model.Classifier;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Models;
import org.mlsec.scan.Finding;
import org.mlsec.scan.ModelScanner;
import org.mlsec.scan.ScanReport;
import org.mlsec.scan.Severity;

/**
 * JUnit 5 assertions for model tests in your own suite. Each one runs an mlsec check through the library, returns
 * what it measured, writes it as JSON under the report folder, and fails with a message that says what was
 * measured, against which bound, and where that JSON is.
 *
 * <p>The report folder is {@code target/mlsec/assertions} (relative to the working directory, which Surefire sets
 * to the module's folder); set the system property {@code mlsec.reportDir} to move it, or to {@code none} to write
 * nothing.
 */
public final class MlsecAssertions {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private MlsecAssertions() {
    }

    // ---- supply chain -------------------------------------------------------------------------------------------

    /**
     * Every model file in these files or folders scans without a finding, and every one could be read.
     *
     * @param paths model files or folders, scanned without loading anything
     * @return the scan report
     * @throws org.opentest4j.AssertionFailedError listing each finding and each file that could not be read
     */
    public static ScanReport assertScansClean(Path... paths) {
        return assertScansClean(Severity.LOW, paths);
    }

    /**
     * No finding at or above {@code atOrAbove} (lower ones are allowed), and every model file could be read.
     *
     * @param atOrAbove the lowest severity that fails
     * @param paths     model files or folders, scanned without loading anything
     * @return the scan report
     * @throws org.opentest4j.AssertionFailedError listing each finding and each file that could not be read
     */
    public static ScanReport assertScansClean(Severity atOrAbove, Path... paths) {
        ScanReport r = ModelScanner.scan(List.of(paths));
        List<String> problems = new ArrayList<>();
        for (Finding f : r.findings()) {
            if (f.severity().compareTo(atOrAbove) >= 0) {
                problems.add(f.severity() + " " + f.source() + ": " + f.description());
            }
        }
        for (ScanReport.Note n : r.incomplete()) {
            problems.add("cannot scan " + n.source() + ": " + n.category() + ": " + n.description());
        }
        Path report = write("scan", r.toJson());
        if (!problems.isEmpty()) {
            fail("expected " + String.join(", ", List.of(paths).stream().map(Path::toString).toList())
                    + " to scan clean (nothing at or above " + atOrAbove + "), but found " + problems.size()
                    + (report != null ? " (report: " + report + ")" : "") + ":\n  " + String.join("\n  ", problems));
        }
        return r;
    }

    // ---- integrity ----------------------------------------------------------------------------------------------

    /**
     * The model answers every recorded canary (a file written by {@code mlsec canary record}) as recorded, within
     * {@link Canaries#DEFAULT_TOLERANCE}.
     *
     * @param model    the model checked
     * @param canaries the canary file
     * @return the check's result ({@code canaries}, {@code failed})
     * @throws org.opentest4j.AssertionFailedError naming up to ten canaries answered differently
     */
    public static Result assertCanariesPass(Classifier model, Path canaries) {
        return assertCanariesPass(model, canaries, Canaries.DEFAULT_TOLERANCE);
    }

    /**
     * As {@link #assertCanariesPass(Classifier, Path)} for a model file of any format mlsec loads.
     *
     * @param model    the model file, loaded as it is (a tampered class list still loads, so that the canaries see it)
     * @param canaries the canary file
     * @return the check's result
     * @throws org.opentest4j.AssertionFailedError naming up to ten canaries answered differently
     */
    public static Result assertCanariesPass(Path model, Path canaries) {
        return assertCanariesPass(Models.loadAsIs(model), canaries, Canaries.DEFAULT_TOLERANCE);
    }

    /**
     * The model's probabilities differ from the recorded ones by at most {@code tolerance}.
     *
     * @param model     the model checked
     * @param canaries  the canary file
     * @param tolerance the largest difference allowed in any probability
     * @return the check's result
     * @throws org.opentest4j.AssertionFailedError naming up to ten canaries answered differently
     */
    public static Result assertCanariesPass(Classifier model, Path canaries, double tolerance) {
        return assertCanariesPass(model, Canaries.read(canaries), tolerance);
    }

    /**
     * As {@link #assertCanariesPass(Classifier, Path, double)} with canaries already read.
     *
     * @param model     the model checked
     * @param canaries  the recorded canaries
     * @param tolerance the largest difference allowed in any probability
     * @return the check's result
     * @throws org.opentest4j.AssertionFailedError naming up to ten canaries answered differently
     */
    public static Result assertCanariesPass(Classifier model, Canaries.CanaryFile canaries, double tolerance) {
        Result r = Canaries.check(model, canaries, tolerance);
        Path report = write("canaries", r.toJson());
        if (r.finding()) {
            List<String> d = r.details();
            fail(String.format(Locale.ROOT, "expected the model to answer all %d canaries as recorded (tolerance %.2g), but it"
                    + " answers %d differently%s:%n  %s", (int) r.metric("canaries"), tolerance, (int) r.metric("failed"),
                    where(report), String.join("\n  ", d.subList(0, Math.min(10, d.size())))));
        }
        return r;
    }

    // ---- privacy ------------------------------------------------------------------------------------------------

    /**
     * Membership inference with {@code method} and {@code references} reference models (trained like the target, from
     * its provenance) separates members from non-members with a ROC AUC below {@code bound} (0.5 is chance).
     *
     * @param model      the model attacked, which records how it was trained
     * @param members    rows it trained on, in its schema
     * @param nonMembers rows it did not train on, in its schema
     * @param method     the attack
     * @param references reference models the attack trains
     * @param bound      the AUC the attack must stay below
     * @return the attack's result ({@code auc}, {@code tpr_at_fpr_0_01}, {@code advantage})
     * @throws org.opentest4j.AssertionFailedError with the measured AUC when it is not below the bound
     */
    public static Result assertMembershipAucBelow(LocalModel model, Dataset members, Dataset nonMembers,
                                                  MembershipMethod method, int references, double bound) {
        return assertMembershipAucBelow(model, members, nonMembers, method, references, bound, MembershipInference.like(model), 42);
    }

    /**
     * As {@link #assertMembershipAucBelow(LocalModel, Dataset, Dataset, MembershipMethod, int, double)} for any
     * classifier (a remote one too), with reference models trained by {@code trainer}.
     *
     * @param model      the model attacked
     * @param members    rows it trained on, in its schema
     * @param nonMembers rows it did not train on, in its schema
     * @param method     the attack
     * @param references reference models the attack trains
     * @param bound      the AUC the attack must stay below
     * @param trainer    how reference models are trained
     * @param seed       the seed of the attack's random choices
     * @return the attack's result
     * @throws org.opentest4j.AssertionFailedError with the measured AUC when it is not below the bound
     */
    public static Result assertMembershipAucBelow(Classifier model, Dataset members, Dataset nonMembers,
                                                  MembershipMethod method, int references, double bound,
                                                  MembershipInference.ReferenceTrainer trainer, long seed) {
        MembershipInference.Report rep = MembershipInference.infer(model, members, nonMembers, null,
                new MembershipInference.Config(method, references, seed), trainer, Progress.NONE);
        Result r = rep.result();
        Path report = write("membership", r.toJson());
        double auc = r.metric("auc");
        if (!(auc < bound)) {
            fail(String.format(Locale.ROOT, "expected membership-inference AUC (%s, %d references, %d members, %d non-members)"
                    + " below %.3f, but measured %.3f (TPR at 1%% FPR %.3f, advantage %.3f)%s", method.key(), references,
                    members.rows(), nonMembers.rows(), bound, auc, r.metric("tpr_at_fpr_0_01"), r.metric("advantage"), where(report)));
        }
        return r;
    }

    // ---- fairness -----------------------------------------------------------------------------------------------

    /**
     * The disparate-impact ratio of the model's positive answers (the last class) between the groups of
     * {@code protectedColumn} is at least {@code bound} (0.8: the four-fifths rule).
     *
     * @param model           the model measured
     * @param data            labelled rows in its schema
     * @param protectedColumn the column whose groups are compared
     * @param bound           the lowest ratio allowed
     * @return the measurement ({@code disparate_impact_ratio} and the group rates)
     * @throws org.opentest4j.AssertionFailedError with the measured ratio when it is below the bound
     */
    public static Result assertFairnessRatioAbove(Classifier model, Dataset data, String protectedColumn, double bound) {
        Result r = Fairness.audit(model, data, List.of(protectedColumn)).get(0);
        Path report = write("fairness", r.toJson());
        double di = r.metric("disparate_impact_ratio");
        if (!(di >= bound)) {
            fail(String.format(Locale.ROOT, "expected the disparate-impact ratio for %s at or above %.3f, but measured %.3f"
                    + " (demographic parity difference %.3f, equal opportunity difference %.3f; groups %s)%s", protectedColumn,
                    bound, di, r.metric("demographic_parity_difference"), r.metric("equal_opportunity_difference"),
                    r.metrics().get("groups"), where(report)));
        }
        return r;
    }

    // ---- evasion ------------------------------------------------------------------------------------------------

    /**
     * The median cost of the smallest change that turns the model's answer into {@code toClass} (L-infinity, in
     * standard deviations of a feature; features in {@code immutable} kept) over up to {@code rows} rows of
     * {@code data} is above {@code bound}. Failed searches count as infinitely costly.
     *
     * @param model     the model attacked
     * @param data      rows in its schema
     * @param toClass   the answer the attacker wants
     * @param immutable features the attacker cannot change
     * @param rows      how many rows are attacked at most
     * @param bound     the median cost must be above it
     * @return the attack's result ({@code median_cost}, {@code success_rate}, {@code p90_cost})
     * @throws IllegalArgumentException if the model has no class {@code toClass}
     * @throws org.opentest4j.AssertionFailedError with the measured median when it is not above the bound
     */
    public static Result assertEvasionMedianCostAbove(Classifier model, Dataset data, String toClass, List<String> immutable,
                                                      int rows, double bound) {
        int to = model.classes().indexOf(toClass);
        if (to < 0) {
            throw new IllegalArgumentException("the model has no class " + toClass + " (classes " + model.classes() + ")");
        }
        Feasibility feas = Feasibility.of(model.schema(), null, data, Costs.defaults(Norm.LINF).withImmutable(immutable));
        return assertEvasionMedianCostAbove(model, data, feas, Evasion.Config.defaults(to).withRows(rows), bound);
    }

    /**
     * As {@link #assertEvasionMedianCostAbove(Classifier, Dataset, String, List, int, double)} with your own
     * feasibility (input schema, costs) and search settings.
     *
     * @param model       the model attacked
     * @param data        rows in its schema
     * @param feasibility what the attacker may change, and what it costs
     * @param config      the search settings, with the target class
     * @param bound       the median cost must be above it
     * @return the attack's result
     * @throws org.opentest4j.AssertionFailedError with the measured median when it is not above the bound
     */
    public static Result assertEvasionMedianCostAbove(Classifier model, Dataset data, Feasibility feasibility,
                                                      Evasion.Config config, double bound) {
        Evasion.Outcome o = Evasion.evade(model, data, feasibility, config, Progress.NONE);
        Result r = o.result();
        Path report = write("evasion", o.toJson());
        double median = r.metric("median_cost");
        if (!(median > bound)) {
            fail(String.format(Locale.ROOT, "expected the median evasion cost (%s, %s norm, %d rows) above %.4f, but measured"
                    + " %.4f (success rate %.1f%%, p90 cost %.4f)%s", r.metrics().get("method"), r.metrics().get("norm"),
                    (int) r.metric("rows"), bound, median, 100 * r.metric("success_rate"), r.metric("p90_cost"), where(report)));
        }
        return r;
    }

    // ---- reports ------------------------------------------------------------------------------------------------

    /**
     * The folder the JSON reports go to.
     *
     * @return the folder, or null when {@code mlsec.reportDir} is {@code none}
     */
    public static Path reportDir() {
        String d = System.getProperty("mlsec.reportDir", "target/mlsec/assertions");
        return d.isBlank() || d.equalsIgnoreCase("none") ? null : Path.of(d);
    }

    static Path write(String kind, Object json) {
        Path dir = reportDir();
        if (dir == null) {
            return null;
        }
        Path f = dir.resolve(kind + "-" + COUNTER.incrementAndGet() + ".json");
        try {
            Files.createDirectories(dir);
            Json.write(json, f);
            return f;
        } catch (java.io.IOException | RuntimeException e) {
            return null; // a report that cannot be written does not change the verdict
        }
    }

    private static String where(Path report) {
        return report == null ? "" : " (report: " + report + ")";
    }

    private static void fail(String message) {
        AssertionFailureBuilder.assertionFailure().message(message).buildAndThrow();
    }
}
