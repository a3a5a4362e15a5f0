package org.mlsec.server;

import java.net.URI;
import java.time.Duration;
import org.mlsec.InputException;
import org.mlsec.Progress;
import org.mlsec.Result;
import org.mlsec.attacks.extraction.Extraction;
import org.mlsec.data.Dataset;
import org.mlsec.defences.detector.ExtractionProfile;
import org.mlsec.defences.preprocessor.InputSchema;
import org.mlsec.internal.Validate;
import org.mlsec.model.Classifier;
import org.mlsec.model.remote.HttpClassifier;
import org.mlsec.model.remote.RefusedException;

/**
 * A red-team drill against a scoring API: a model-stealing attack ({@link Extraction#extract}) sent over HTTP as an
 * outside attacker would send it, and what came of it. Either the attacker got a copy (measured by its fidelity, the
 * share of evaluation rows on which copy and model agree), or the answers taught nothing (one class everywhere on a
 * sweep's grid), or a guard refused the attacker with HTTP 403 (extraction detection with {@code on_alert=block}).
 *
 * <p>It answers "would our guards stop Tramèr et al.'s attacks on our API, and how soon?" (F. Tramèr, F. Zhang,
 * A. Juels, M. Reiter, T. Ristenpart, <i>Stealing Machine Learning Models via Prediction APIs</i>, USENIX Security
 * 2016). {@link #served} runs it against a model served by {@link GuardedServer} on a loopback port; {@link #attempt}
 * against any API, a proxy in front of a third-party service included. Any other refusal of the API (a rate limit,
 * an error) is not a defence this drill scores: it goes on as the client's exception.
 */
public final class StealingDrill {
    private StealingDrill() {
    }

    /** How an attempt ended. */
    public enum Outcome {
        /** The attacker has a copy. */
        COPIED,
        /** The answers collected taught nothing to copy. */
        NO_COPY,
        /** A guard refused the attacker with HTTP 403. */
        BLOCKED
    }

    /**
     * What came of one attempt.
     *
     * @param outcome  how it ended
     * @param fidelity for a copy measured on evaluation rows: its agreement with the model; NaN otherwise
     * @param queries  the rows the attacker had sent when it ended (for a block: before the refused request)
     * @param why      for {@link Outcome#NO_COPY}: why nothing could be learnt; null otherwise
     */
    public record Attempt(Outcome outcome, double fidelity, long queries, String why) {
        /**
         * Checks that the parts fit the outcome.
         *
         * @param outcome  how it ended
         * @param fidelity the copy's fidelity, or NaN
         * @param queries  the rows sent
         * @param why      why there is no copy, or null
         * @throws InputException if the outcome is null, the queries negative, or a reason is missing or misplaced
         */
        public Attempt {
            Validate.notNull(outcome, "outcome");
            Validate.isTrue(queries >= 0, "queries must not be negative, got " + queries, "queries");
            Validate.isTrue((outcome == Outcome.NO_COPY) == (why != null), "a reason is given exactly when there is no"
                    + " copy", "why");
            Validate.isTrue(outcome == Outcome.COPIED || Double.isNaN(fidelity), "only a copy has a fidelity",
                    "fidelity");
        }

        /**
         * Whether the attacker was blocked.
         *
         * @return true for {@link Outcome#BLOCKED}
         */
        public boolean blocked() {
            return outcome == Outcome.BLOCKED;
        }
    }

    /**
     * Serves {@code model} behind {@code guards} on a loopback port and runs {@link #attempt} against it: its
     * {@code /predict_proba} path when the guards answer probabilities, {@code /predict} otherwise. With detection
     * on, the attacker sends one row per request, so that the request that raises an alert holds one row; with it
     * off, batches of up to the server's {@code max_batch} rows: the same answers in fewer calls.
     *
     * @param model   the model served
     * @param schema  the input schema the server validates against (null: no input validation)
     * @param guards  the server's guards
     * @param profile what the extraction detectors expect ({@link ExtractionProfile#of} on genuine rows)
     * @param plan    the attack
     * @param eval    rows the copy is measured on (against {@code model}), not among the plan's known rows
     * @param rowsPerRequest how many rows the attacker sends in one request (at most the guards' {@code max_batch})
     * @return what came of it
     * @throws InputException if an argument is null or does not fit the model, or the rows per request are out of
     *     range
     */
    public static Attempt served(Classifier model, InputSchema schema, GuardConfig guards, ExtractionProfile profile,
                                 Extraction.Plan plan, Dataset eval, int rowsPerRequest) {
        Validate.notNull(model, "model");
        Validate.notNull(guards, "guards");
        Validate.notNull(plan, "plan");
        Validate.notNull(eval, "eval");
        Validate.isTrue(rowsPerRequest >= 1 && rowsPerRequest <= guards.maxBatch(), "rowsPerRequest must be between 1"
                + " and the guards' max batch (" + guards.maxBatch() + "), got " + rowsPerRequest, "rowsPerRequest");
        boolean probabilities = "probabilities".equals(guards.output());
        try (GuardedServer server = GuardedServer.calibrated(model, schema, guards, profile).start("127.0.0.1", 0)) {
            HttpClassifier.Config api = HttpClassifier.Config.of(URI.create("http://127.0.0.1:" + server.port()
                            + (probabilities ? "/predict_proba" : "/predict")))
                    .withPaths("prediction", probabilities ? "probability" : null)
                    .withBatchSize(rowsPerRequest)
                    .withRetries(0, Duration.ofMillis(1));
            return attempt(new HttpClassifier(model.schema(), api), plan, model, eval);
        }
    }

    /**
     * Runs {@code plan} through {@code api}. A copy is measured against {@code target} on {@code eval} when both are
     * given ({@link Extraction#evaluate}); without them its fidelity is NaN (as behind a proxy, where the target is
     * the service itself).
     *
     * @param api    the attacker's client of the API
     * @param plan   the attack
     * @param target the model the copy is measured against, or null
     * @param eval   the rows it is measured on, or null (with a null target)
     * @return what came of it
     * @throws InputException if {@code api} or {@code plan} is null, only one of target and eval is given, or the
     *     plan's known rows or {@code eval} do not fit the model's schema (checked before any query)
     * @throws org.mlsec.MlsecException if the API refused with anything but HTTP 403 (a {@link RefusedException}, or
     *     the client's error after its retries)
     */
    public static Attempt attempt(HttpClassifier api, Extraction.Plan plan, Classifier target, Dataset eval) {
        Validate.notNull(api, "api");
        Validate.notNull(plan, "plan");
        Validate.isTrue((target == null) == (eval == null), "give target and eval together, or neither", "eval");
        // Rows that do not fit are a mistake in the drill, not answers that taught nothing: refused before any query,
        // so that a misconfigured drill never reads as NO_COPY.
        if (plan.known() != null) {
            api.schema().requireCompatible(plan.known().schema(), "plan");
        }
        if (target != null) {
            target.schema().requireCompatible(eval.schema(), "eval");
        }
        long before = api.queries();
        Extraction.Stolen stolen;
        try {
            stolen = Extraction.extract(api, plan, Progress.NONE);
        } catch (RefusedException e) {
            if (e.status() != 403) {
                throw e;
            }
            return new Attempt(Outcome.BLOCKED, Double.NaN, api.queries() - before, null);
        } catch (InputException e) {
            // The answers collected may teach nothing, such as one class everywhere on a sweep's grid.
            return new Attempt(Outcome.NO_COPY, Double.NaN, api.queries() - before, e.getMessage());
        }
        if (target == null) {
            return new Attempt(Outcome.COPIED, Double.NaN, (long) stolen.result().metric("queries"), null);
        }
        Result measured = Extraction.evaluate(stolen, target, eval);
        return new Attempt(Outcome.COPIED, measured.metric("fidelity"), (long) measured.metric("queries"), null);
    }
}
