package org.mlsec.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.mlsec.InputException;
import org.mlsec.MlsecException;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.data.Values;
import org.mlsec.defences.detector.ExtractionAlert;
import org.mlsec.defences.detector.ExtractionMonitor;
import org.mlsec.defences.detector.ExtractionProfile;
import org.mlsec.defences.postprocessor.OutputHardening;
import org.mlsec.defences.preprocessor.InputSchema;
import org.mlsec.internal.Json;
import org.mlsec.internal.Validate;
import org.mlsec.model.Classifier;

/**
 * Every guard of {@code mlsec serve} as one object any JVM service can embed, with no HTTP in its API. A request
 * passes, in order:
 * <ol>
 * <li>authentication: with API keys configured, the key names the client (401 without a known one); otherwise the
 * caller's address does. An audit log that cannot be written refuses everything (503) under
 * {@code on_audit_failure: refuse}, and a client blocked by an extraction alert is refused (403);</li>
 * <li>the rate limit (429 with a Retry-After) and, for probabilities from a label-only guard, 403;</li>
 * <li>validation: the records (a JSON body, a list of maps, or in-process rows) against the model's schema and the
 * input schema's rules (4xx naming the row, the field and the rule), then the row quota (429);</li>
 * <li>the model is called (or, for a guarded endpoint of another service, that service answers);</li>
 * <li>the extraction detectors see the rows and the model's own probabilities; under {@code on_alert: block} the
 * alerting request is refused (403), under {@code throttle} the client is slowed;</li>
 * <li>the probabilities are hardened ({@link OutputHardening}), and the answer is
 * {@code {"prediction": [...], "probability": [...]}};</li>
 * <li>every request, answered or refused, gets an audit-log line.</li>
 * </ol>
 * {@link #handle} runs all of it around the guard's own model. A service whose model sits behind its own code splits
 * it in two: {@link #admit} (steps 1 to 3) before its model, {@link #answer} (5 to 7) after. {@link #asClassifier}
 * puts the guard around a model in-process. Safe for concurrent use.
 */
public final class Guard implements AutoCloseable {
    private final Classifier model;
    private final Schema schema;
    private final GuardConfig config;
    private final RequestReader reader;
    private final RateLimiter limiter;
    private final OutputHardening output;
    private final AuditLog audit;
    private final ExtractionProfile profile;
    private final ExtractionMonitor monitor;

    /**
     * A guard around a model.
     *
     * @param model     the model answered with
     * @param schema    the input schema rows are validated against (with {@code validate} on); may name more fields
     *                  than the model reads
     * @param config    the guards
     * @param reference genuine rows in the model's schema whose dependencies the detectors expect, or null
     * @throws InputException if {@code model} or {@code config} is null
     */
    public Guard(Classifier model, InputSchema schema, GuardConfig config, Dataset reference) {
        this(Validate.notNull(model, "model"), model.schema(), schema, config, reference);
    }

    /**
     * A guard for a model that another service calls itself (use {@link #admit} and {@link #answer}).
     *
     * @param modelSchema the model's inputs and classes
     * @param schema      the input schema rows are validated against (with {@code validate} on)
     * @param config      the guards
     * @param reference   genuine rows in the model's schema whose dependencies the detectors expect, or null
     * @throws InputException if {@code modelSchema} or {@code config} is null
     */
    public Guard(Schema modelSchema, InputSchema schema, GuardConfig config, Dataset reference) {
        this(null, modelSchema, schema, config, reference);
    }

    private Guard(Classifier model, Schema modelSchema, InputSchema schema, GuardConfig config, Dataset reference) {
        // The reference rows teach the detectors (a calibration of about a second): only when they watch.
        this(model, modelSchema, schema, config, ExtractionProfile.of(Validate.notNull(modelSchema, "modelSchema"),
                reference == null || !Validate.notNull(config, "config").detect() ? null : reference.x()));
    }

    /**
     * A guard whose detectors use a profile learnt beforehand, so that guards over the same reference rows share one
     * calibration ({@link GuardedServer#calibrated}).
     */
    Guard(Classifier model, Schema modelSchema, InputSchema schema, GuardConfig config, ExtractionProfile profile) {
        this.model = model;
        this.schema = Validate.notNull(modelSchema, "modelSchema");
        this.config = Validate.notNull(config, "config");
        Validate.notNull(profile, "profile");
        Validate.isTrue(profile.width() == modelSchema.width(), "the profile was learnt for " + profile.width()
                + " features; the model has " + modelSchema.width());
        org.mlsec.data.MissingValues recorded = model instanceof org.mlsec.model.LocalModel
                && ((org.mlsec.model.LocalModel) model).provenance() != null
                ? ((org.mlsec.model.LocalModel) model).provenance().missing() : null;
        this.reader = new RequestReader(this.schema, config.validate() ? schema : null,
                recorded == null ? Map.of() : recorded.fills());
        this.limiter = new RateLimiter(config.ratePerSecond(), config.burst(), config.quotaRows(), config.maxClients());
        this.output = config.outputHardening();
        this.audit = config.auditLog() == null ? null : new AuditLog(Path.of(config.auditLog()));
        // With detection off the profile only scales distances nobody watches: as without reference rows.
        this.profile = config.detect() ? profile : ExtractionProfile.of(modelSchema, null);
        this.monitor = new ExtractionMonitor(this.profile, config.alertPolicy(), config.maxClients());
    }

    /**
     * One request's outcome: the HTTP status it is answered with, the JSON body ({@link #json()}, or as maps and
     * lists {@link #body()}), the headers to send with it, the extraction alerts it raised and the rows it held. An
     * answered request (200) also has the labels (class indices) and the hardened probabilities (when asked for).
     */
    public static final class Decision {
        private final int status;
        private final Map<String, Object> error;
        private final Map<String, String> headers;
        private final List<String> alerts;
        private final int rows;
        private final int[] labels;
        private final double[][] probabilities;
        private final List<String> classes;

        private Decision(int status, Map<String, Object> error, Map<String, String> headers, List<String> alerts,
                         int rows, int[] labels, double[][] probabilities, List<String> classes) {
            this.status = status;
            this.error = error;
            this.headers = Map.copyOf(headers);
            this.alerts = List.copyOf(alerts);
            this.rows = rows;
            this.labels = labels;
            this.probabilities = probabilities;
            this.classes = classes;
        }

        /**
         * The HTTP status: 200 when answered, else the refusal's (401, 403, 408, 413, 429, 4xx for invalid rows, 503).
         *
         * @return the status code
         */
        public int status() {
            return status;
        }

        /**
         * Whether the model's answer is given.
         *
         * @return true for status 200
         */
        public boolean answered() {
            return status == 200;
        }

        /**
         * Headers to answer with (Retry-After on a 429).
         *
         * @return header name to value, possibly empty
         */
        public Map<String, String> headers() {
            return headers;
        }

        /**
         * The keys of the extraction alerts this request raised ({@link ExtractionAlert#key()}).
         *
         * @return the alert keys, empty when none was raised
         */
        public List<String> alerts() {
            return alerts;
        }

        /**
         * Rows read from the request (0 when it was refused before they were).
         *
         * @return the row count
         */
        public int rows() {
            return rows;
        }

        /**
         * The predicted class indices, into the model schema's classes.
         *
         * @return a copy of the labels, one per row, or null when refused
         */
        public int[] labels() {
            return labels == null ? null : labels.clone();
        }

        /**
         * The hardened probabilities, one row of class probabilities per request row.
         *
         * @return the probabilities, or null when refused or not asked for
         */
        public double[][] probabilities() {
            return probabilities;
        }

        /**
         * The refusal's one-line message.
         *
         * @return the message, or null when answered
         */
        public String error() {
            return error == null ? null : (String) error.get("error");
        }

        /**
         * The body: {@code {"prediction": [...]}} (and {@code "probability"}) when answered, {@code {"error": ...}}
         * with {@code row}, {@code field} and {@code rule} where they apply when refused.
         *
         * @return the body as JSON text
         */
        public String json() {
            if (error != null) {
                try {
                    return Json.MAPPER.writeValueAsString(error);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    return "{\"error\":\"cannot write the answer\"}";
                }
            }
            ObjectNode body = Json.MAPPER.createObjectNode();
            ArrayNode pred = body.putArray("prediction");
            ArrayNode probs = probabilities == null ? null : body.putArray("probability");
            for (int i = 0; i < labels.length; i++) {
                addLabel(pred, classes.get(labels[i]));
                if (probs != null) {
                    ArrayNode row = probs.addArray();
                    for (double v : probabilities[i]) {
                        row.add(v);
                    }
                }
            }
            return body.toString();
        }

        /**
         * {@link #json()} as maps and lists.
         *
         * @return the body, unmodifiable when refused
         * @throws MlsecException if the answer cannot be read back (not expected)
         */
        @SuppressWarnings("unchecked")
        public Map<String, Object> body() {
            if (error != null) {
                return java.util.Collections.unmodifiableMap(error);
            }
            try {
                return Json.MAPPER.readValue(json(), Map.class);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new MlsecException("cannot read back the answer: " + e.getOriginalMessage(), e);
            }
        }

        private static void addLabel(ArrayNode arr, String label) {
            double v = Values.parse(label);
            if (Double.isNaN(v)) {
                arr.add(label);
            } else if (v == Math.rint(v)) {
                arr.add((long) v);
            } else {
                arr.add(v);
            }
        }
    }

    /** A request {@link #admit} let through: whose it is and its rows, to be {@link #answer answered}. */
    public static final class Ticket {
        private final String client;
        private final String endpoint;
        private final double[][] rows;
        private final boolean probabilities;
        private final long started;

        private Ticket(String client, String endpoint, double[][] rows, boolean probabilities, long started) {
            this.client = client;
            this.endpoint = endpoint;
            this.rows = rows;
            this.probabilities = probabilities;
            this.started = started;
        }

        /**
         * The client: its API key's name, or its address.
         *
         * @return the client's name
         */
        public String client() {
            return client;
        }

        /**
         * The validated rows, in the model's schema order: what the model is to be called on.
         *
         * @return the rows (not copied)
         */
        public double[][] rows() {
            return rows;
        }
    }

    /**
     * What {@link #admit} decided: a ticket to answer, or the refusal (already audited).
     *
     * @param ticket  the admitted request, or null when refused
     * @param refusal the refusal to send, or null when admitted
     */
    public record Admission(Ticket ticket, Decision refusal) {
        /**
         * Whether the request was let through.
         *
         * @return true when there is a ticket to answer
         */
        public boolean admitted() {
            return ticket != null;
        }
    }

    /** A refused in-process query (see {@link #asClassifier}): the decision says why. */
    public static final class Refused extends MlsecException {
        private final transient Decision decision;

        Refused(Decision decision) {
            super(decision.status() + ": " + decision.error());
            this.decision = decision;
        }

        /**
         * The refusal: its status, message and headers.
         *
         * @return the decision (not serialized with the exception)
         */
        public Decision decision() {
            return decision;
        }
    }

    /** Where a request's rows come from; reading them may refuse the request. */
    @FunctionalInterface
    interface Rows {
        double[][] read();
    }

    /**
     * Runs every guard and the model on a JSON body: a list of records {@code [{"FEATURE": value, ...}]}, or one.
     *
     * @param address       the caller's address (the client when no API keys are configured)
     * @param apiKey        the key the caller sent, or null
     * @param json          the request body
     * @param probabilities whether probabilities are asked for ({@code /predict_proba}) or labels only
     * @return the answer or the refusal, already audited
     * @throws IllegalStateException if this guard has no model of its own
     * @throws RuntimeException      what the model throws (audited as 500)
     */
    public Decision handle(String address, String apiKey, String json, boolean probabilities) {
        return handle(address, apiKey, false, () -> reader.read(json, config.maxBatch()), probabilities);
    }

    /**
     * {@link #handle(String, String, String, boolean)} on records already parsed: field name to value.
     *
     * @param address       the caller's address (the client when no API keys are configured)
     * @param apiKey        the key the caller sent, or null
     * @param records       the records, field name to value
     * @param probabilities whether probabilities are asked for or labels only
     * @return the answer or the refusal, already audited
     * @throws IllegalStateException if this guard has no model of its own
     */
    public Decision handle(String address, String apiKey, List<Map<String, Object>> records, boolean probabilities) {
        return handle(address, apiKey, false, () -> reader.read(Json.MAPPER.valueToTree(records), config.maxBatch()),
                probabilities);
    }

    /** {@link #handle(String, String, String, boolean)} on a body read only once the client is let through. */
    Decision handleBody(String address, String apiKey, java.util.function.Supplier<String> body, boolean probabilities) {
        return handle(address, apiKey, false, () -> reader.read(body.get(), config.maxBatch()), probabilities);
    }

    /** {@link #admit(String, String, String, boolean)} on a body read only once the client is let through. */
    Admission admitText(String address, String apiKey, java.util.function.Supplier<String> body, boolean probabilities) {
        return admit(address, apiKey, false, () -> reader.read(body.get(), config.maxBatch()), probabilities);
    }

    /** @param inProcess the address is an in-process client's name, which no API key is asked of */
    Decision handle(String address, String apiKey, boolean inProcess, Rows rows, boolean probabilities) {
        if (model == null) {
            throw new IllegalStateException("this guard has no model of its own: use admit and answer");
        }
        Admission a = admit(address, apiKey, inProcess, rows, probabilities);
        if (!a.admitted()) {
            return a.refusal();
        }
        Ticket t = a.ticket();
        double[][] p;
        int[] labels;
        try {
            p = model.hasProbabilities() ? model.predictProba(t.rows) : null;
            labels = p == null ? model.predict(t.rows) : null;
        } catch (RuntimeException e) {
            fail(t, 500);
            throw e;
        }
        return answer(t, p, labels);
    }

    /**
     * The audit line of an admitted request that the model did not answer: the service's own error status.
     *
     * @param ticket the admitted request
     * @param status the status the service answered it with (e.g. 500 or 502)
     */
    public void fail(Ticket ticket, int status) {
        log(ticket.client, ticket.endpoint, ticket.rows.length, status, List.of(), ticket.started);
    }

    /** An admitted request refused after all (the model's answer was unusable), audited. */
    Decision refuse(Ticket ticket, ApiError e) {
        return refuse(ticket.client, ticket.endpoint, ticket.rows.length, e, List.of(), ticket.started);
    }

    /**
     * Steps 1 to 3 for a service that calls its model itself: authenticates, limits and validates a JSON body. Then
     * call the model on the admitted request and pass its answer to {@link #answer}.
     *
     * @param address       the caller's address (the client when no API keys are configured)
     * @param apiKey        the key the caller sent, or null
     * @param json          the request body: a list of records, or one
     * @param probabilities whether probabilities are asked for or labels only
     * @return the ticket, or the refusal (already audited)
     */
    public Admission admit(String address, String apiKey, String json, boolean probabilities) {
        return admit(address, apiKey, false, () -> reader.read(json, config.maxBatch()), probabilities);
    }

    /**
     * {@link #admit(String, String, String, boolean)} on a body read only once the client is let through, and refused
     * (413) beyond {@code max_body_bytes}; {@code declaredLength} is the Content-Length, or -1.
     */
    Admission admitBody(String address, String apiKey, long declaredLength, java.util.function.Supplier<String> body,
                        boolean probabilities) {
        return admit(address, apiKey, false, () -> {
            if (declaredLength > config.maxBodyBytes()) {
                throw new ApiError(413, "body of " + declaredLength + " bytes exceeds the limit of " + config.maxBodyBytes());
            }
            String text = body.get();
            if (text.length() > config.maxBodyBytes()) {
                throw new ApiError(413, "body of " + text.length() + " characters exceeds the limit of "
                        + config.maxBodyBytes() + " bytes");
            }
            return reader.read(text, config.maxBatch());
        }, probabilities);
    }

    Admission admit(String address, String apiKey, boolean inProcess, Rows source, boolean probabilities) {
        long t0 = System.nanoTime();
        String endpoint = probabilities ? "predict_proba" : "predict";
        String client = "?";
        int n = 0;
        try {
            client = inProcess ? address : authenticate(address, apiKey);
            if (audit != null && audit.failing() && "refuse".equals(config.onAuditFailure())) {
                throw new ApiError(503, "the audit log cannot be written; refusing requests until it can");
            }
            if (monitor.blocked(client)) {
                throw new ApiError(403, "blocked: this client triggered an extraction alert");
            }
            double wait = limiter.acquire(client);
            if (wait > 0) {
                throw new ApiError(429, "rate limit: retry after " + Math.ceil(wait) + " s")
                        .header("Retry-After", Long.toString((long) Math.ceil(wait)));
            }
            if (probabilities && !output.servesProbabilities()) {
                throw new ApiError(403, "this server answers labels only: use /predict");
            }
            double[][] x = source.read();
            n = x.length;
            if (!limiter.charge(client, n)) {
                throw new ApiError(429, "quota exhausted: this client has used its rows");
            }
            return new Admission(new Ticket(client, endpoint, x, probabilities, t0), null);
        } catch (ApiError e) {
            return new Admission(null, refuse(client, endpoint, n, e, List.of(), t0));
        } catch (RuntimeException e) {
            log(client, endpoint, n, statusOf(e), List.of(), t0);
            throw e;
        }
    }

    /**
     * Steps 5 to 7: the detectors, the hardening and the audit line for the model's answer to an admitted request.
     *
     * @param ticket the admitted request
     * @param proba  the model's own probabilities of the ticket's rows, or null for a label-only model
     * @param labels the model's class indices: required when {@code proba} is null; when both are given these are
     *               the answer's labels (a service whose decision is not the most probable class keeps its own)
     * @return the answer, or the refusal (403) when the request raised an alert under {@code on_alert: block};
     *         audited either way
     * @throws InputException if the answer does not have one row per admitted row, or names a class index the model
     *                        lacks (that one audited as 500)
     */
    public Decision answer(Ticket ticket, double[][] proba, int[] labels) {
        Validate.notNull(ticket, "ticket");
        int n = ticket.rows.length;
        Validate.isTrue(proba == null ? labels != null && labels.length == n
                        : proba.length == n && (labels == null || labels.length == n),
                "the model's answer must have one row per admitted row (" + n + ")");
        List<String> raised = List.of();
        try {
            if (config.detect()) {
                ExtractionMonitor.Verdict verdict = monitor.observe(ticket.client, ticket.rows, proba);
                raised = verdict.alerts().stream().map(ExtractionAlert::key).toList();
                if (verdict.throttle()) {
                    limiter.slow(ticket.client, 10);
                }
                if (verdict.refuse()) {
                    // The request that raises the alert gets no answers either: one batch can hold a whole attack
                    // (equation solving needs only d + 1 rows).
                    throw new ApiError(403, "blocked: this request raised an extraction alert " + raised);
                }
            }
            int[] k = new int[n];
            double[][] shown = ticket.probabilities && proba != null ? new double[n][] : null;
            for (int i = 0; i < n; i++) {
                k[i] = labels != null ? labels[i] : Classifier.argmax(proba[i]);
                Validate.isTrue(k[i] >= 0 && k[i] < schema.classes().size(), "the model answered class index " + k[i]
                        + "; it has " + schema.classes().size() + " classes");
                if (shown != null) {
                    shown[i] = output.harden(proba[i]);
                }
            }
            log(ticket.client, ticket.endpoint, n, 200, raised, ticket.started);
            return new Decision(200, null, Map.of(), raised, n, k, shown, schema.classes());
        } catch (ApiError e) {
            return refuse(ticket.client, ticket.endpoint, n, e, raised, ticket.started);
        } catch (RuntimeException e) {
            log(ticket.client, ticket.endpoint, n, 500, raised, ticket.started);
            throw e;
        }
    }

    /**
     * The guard around its own model, in-process, for {@code client}: every call to {@code predict} or
     * {@code predictProba} is a request that is validated, limited, watched by the detectors, hardened and audited,
     * and a refused one throws {@link Refused}. {@link Classifier#queries()} counts the rows answered.
     *
     * @param client the name the calls are limited, watched and audited under
     * @return the guarded classifier
     * @throws IllegalStateException if this guard has no model of its own
     */
    public Classifier asClassifier(String client) {
        if (model == null) {
            throw new IllegalStateException("this guard has no model of its own");
        }
        Validate.notNull(client, "client");
        return new GuardedClassifier(this, client);
    }

    /** The in-process guarded call: the decision, or {@link Refused}. */
    Decision query(String client, double[][] rows, boolean probabilities) {
        Decision d = handle(client, null, true, () -> reader.check(rows, config.maxBatch()), probabilities);
        if (!d.answered()) {
            throw new Refused(d);
        }
        return d;
    }

    Schema schema() {
        return schema;
    }

    boolean servesProbabilities() {
        return output.servesProbabilities() && (model == null || model.hasProbabilities());
    }

    /** The API key's client, or the address when no keys are configured. */
    private String authenticate(String address, String apiKey) {
        if (!config.apiKeys().isEmpty()) {
            if (apiKey == null) {
                throw new ApiError(401, "missing API key (header X-API-Key)");
            }
            String name = config.apiKeys().get(apiKey);
            if (name == null) {
                throw new ApiError(401, "unknown API key");
            }
            return name;
        }
        return address == null ? "?" : address;
    }

    private Decision refuse(String client, String endpoint, int n, ApiError e, List<String> raised, long t0) {
        log(client, endpoint, n, e.status, raised, t0);
        return new Decision(e.status, e.body, e.headers, raised, n, null, null, schema.classes());
    }

    private static int statusOf(RuntimeException e) {
        return e instanceof io.javalin.http.HttpResponseException h ? h.getStatus() : 500;
    }

    private void log(String client, String endpoint, int n, int status, List<String> raised, long t0) {
        if (audit != null) {
            double seconds = (System.nanoTime() - t0) / 1e9;
            audit.write(new AuditLog.Entry(System.currentTimeMillis(), client, endpoint, n, status, raised,
                    Math.round(seconds * 1e6) / 1e3));
        }
    }

    /**
     * The input schema's fields the model does not read, as one line.
     *
     * @return the note, or null when the schemas fit
     */
    public String schemaNote() {
        return reader.schemaNote;
    }

    /**
     * What the implausible-rows detector can see, when detection is on.
     *
     * @return the note, or null when there is nothing to say
     */
    public String detectorNote() {
        return config.detect() ? profile.note() : null;
    }

    /**
     * The guards' settings.
     *
     * @return the settings this guard was made with
     */
    public GuardConfig config() {
        return config;
    }

    RateLimiter limiter() {
        return limiter;
    }

    AuditLog audit() {
        return audit;
    }

    /** Flushes every audit line. */
    @Override
    public void close() {
        if (audit != null) {
            audit.close();
        }
    }
}
