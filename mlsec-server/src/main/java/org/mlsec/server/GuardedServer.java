package org.mlsec.server;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlsec.data.Column;
import org.mlsec.defences.preprocessor.InputSchema;
import org.mlsec.internal.Json;
import org.mlsec.model.Classifier;

/**
 * The guarded model server. {@code POST /predict} takes a JSON list of records and answers
 * {@code {"prediction": [...]}} like the talk's Flask app; {@code POST /predict_proba} adds {@code "probability"};
 * {@code GET /health}, {@code GET /metrics} (Prometheus text) and {@code GET /openapi.json} describe it.
 * <p>
 * As a guarding proxy ({@link #proxy}) the same server stands in front of an existing scoring API: each request is
 * {@link Guard#admit admitted} (authenticated, limited, validated: nothing that fails reaches the upstream), the
 * validated rows are sent to the {@link UpstreamModel}, and its answer goes through {@link Guard#answer} (the
 * detectors, output hardening, the audit line). An upstream that fails is answered 502, 503 or 504 with the cause.
 */
public final class GuardedServer implements AutoCloseable {
    static {
        // Jetty and Javalin log their start-up at INFO; the CLI says what matters itself.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
    }

    private final Classifier model;
    private final UpstreamModel upstream;
    private final GuardConfig config;
    private final Guard guard;
    private final RateLimiter limiter;
    private final AuditLog audit;
    private final ForwardedFor forwarded;
    private final BodyDeadline deadline;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests;
    private final Counter rows;
    private final Counter rejections;
    private final Counter alerts;
    private final Histogram latency;
    private final Javalin app;

    /**
     * A server around a model, with no reference rows for the detectors.
     *
     * @param model  the model answered with
     * @param schema the input schema rows are validated against (with {@code validate} on)
     * @param config the guards
     * @throws org.mlsec.InputException if {@code model} or {@code config} is null
     */
    public GuardedServer(Classifier model, InputSchema schema, GuardConfig config) {
        this(model, schema, config, null);
    }

    /**
     * A server around a model. It does not listen before {@link #start}.
     *
     * @param model     the model answered with
     * @param schema    the input schema rows are validated against (with {@code validate} on)
     * @param config    the guards
     * @param reference genuine rows (in the model's schema) whose feature dependencies the detector expects, or null
     * @throws org.mlsec.InputException if {@code model} or {@code config} is null
     */
    public GuardedServer(Classifier model, InputSchema schema, GuardConfig config, org.mlsec.data.Dataset reference) {
        this(org.mlsec.internal.Validate.notNull(model, "model"), null, schema, config, reference);
    }

    /**
     * A guarding proxy: every guard of the server in front of another service's scoring API.
     *
     * @param upstream  the API requests are forwarded to (its schema names the features sent and its classes)
     * @param schema    the input schema rows are validated against before anything is forwarded
     * @param config    the guards (with {@code upstream_timeout_ms} and {@code upstream_max_in_flight})
     * @param reference genuine rows in the upstream's schema whose dependencies the detectors expect, or null
     * @return the proxy, not yet listening ({@link #start})
     * @throws org.mlsec.InputException if {@code upstream} or {@code config} is null
     */
    public static GuardedServer proxy(UpstreamModel upstream, InputSchema schema, GuardConfig config,
                                      org.mlsec.data.Dataset reference) {
        return new GuardedServer(null, org.mlsec.internal.Validate.notNull(upstream, "upstream"), schema, config,
                reference);
    }

    /**
     * A server around a model whose extraction detectors use a profile learnt beforehand: servers over the same
     * reference rows then share one calibration (about a second each) instead of each learning its own. It does not
     * listen before {@link #start}.
     *
     * @param model   the model answered with
     * @param schema  the input schema rows are validated against (with {@code validate} on)
     * @param config  the guards
     * @param profile what the detectors expect, from {@link org.mlsec.defences.detector.ExtractionProfile#of} on the
     *                model's schema and genuine rows (unused with {@code detect} off)
     * @return the server, not yet listening
     * @throws org.mlsec.InputException if an argument is null or the profile has another width than the model
     */
    public static GuardedServer calibrated(Classifier model, InputSchema schema, GuardConfig config,
                                           org.mlsec.defences.detector.ExtractionProfile profile) {
        org.mlsec.internal.Validate.notNull(model, "model");
        return new GuardedServer(model, null, config, new Guard(model, model.schema(), schema, config, profile));
    }

    private GuardedServer(Classifier model, UpstreamModel upstream, InputSchema schema, GuardConfig config,
                          org.mlsec.data.Dataset reference) {
        this(model, upstream, config, model != null ? new Guard(model, schema, config, reference)
                : new Guard(upstream.schema(), schema, config, reference));
    }

    private GuardedServer(Classifier model, UpstreamModel upstream, GuardConfig config, Guard guard) {
        this.model = model;
        this.upstream = upstream;
        this.config = config;
        this.guard = guard;
        this.limiter = guard.limiter();
        this.audit = guard.audit();
        this.forwarded = new ForwardedFor(config.effectiveProxies());
        this.deadline = new BodyDeadline(config.requestDeadlineMs(), config.maxBodyBytes(),
                config.maxDecompressedBodyBytes(), config.minBodyBytesPerSecond());
        requests = Counter.builder().name("mlsec_requests_total").help("Requests by endpoint and status")
                .labelNames("endpoint", "status").register(registry);
        rows = Counter.builder().name("mlsec_rows_total").help("Rows scored").register(registry);
        rejections = Counter.builder().name("mlsec_rejections_total").help("Refused requests by HTTP status")
                .labelNames("status").register(registry);
        alerts = Counter.builder().name("mlsec_alerts_total").help("Extraction alerts by detector")
                .labelNames("detector").register(registry);
        latency = Histogram.builder().name("mlsec_request_seconds").help("Request latency").labelNames("endpoint")
                .register(registry);
        app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.http.maxRequestSize = config.maxBodyBytes();
            // A body that stops arriving is the client's fault: 408, not Javalin's default 500.
            cfg.jetty.timeoutStatus = 408;
            // The minimum body rate is BodyDeadline's, with a grace: Jetty's own, measured from the first byte with
            // none, refused small bodies sent in two pieces or read late on a loaded host.
            cfg.jetty.modifyHttpConfiguration(h -> h.setMinRequestDataRate(0));
            // Requests Jetty refuses before any handler runs (431, a bad Content-Length, CL+TE, a malformed chunk)
            // still get their audit line.
            cfg.jetty.modifyServer(s -> s.setRequestLog(this::auditRejected));
        });
        app.post("/predict", ctx -> predict(ctx, false));
        app.post("/predict_proba", ctx -> predict(ctx, true));
        app.get("/health", ctx -> json(ctx, 200, health()));
        registerCallbacks();
        app.get("/metrics", this::metrics);
        app.get("/openapi.json", ctx -> json(ctx, 200, openApi()));
    }

    /**
     * What the implausible-rows detector can see, said once at start when detection is on: it checks the feature pairs
     * the reference shows strongly correlated, so on data without them only rows with several extreme features alarm
     * it, and uniform queries inside the ranges go unnoticed by it (the other detectors still apply). Null when
     * there is nothing to say.
     *
     * @return the note, or null
     */
    public String detectorNote() {
        return guard.detectorNote();
    }

    /**
     * The input schema's fields (and the rules that mention them) that are not inputs of the model and are ignored,
     * as one line.
     *
     * @return the note, or null when the schema fits the model
     */
    public String schemaNote() {
        return guard.schemaNote();
    }

    /**
     * Starts listening, with the idle timeout of the settings on every connector.
     *
     * @param host the address to bind (an address or a name that resolves; {@code 0.0.0.0} for every interface)
     * @param port the port, 0 to 65535 (0: any free port, see {@link #port()})
     * @return this server
     * @throws org.mlsec.InputException if the host does not resolve or the port is out of range
     * @throws RuntimeException         Javalin's, if the port cannot be bound
     */
    public GuardedServer start(String host, int port) {
        try {
            java.net.InetAddress.getByName(org.mlsec.internal.Validate.notNull(host, "host"));
        } catch (java.net.UnknownHostException e) {
            throw new org.mlsec.InputException("host '" + host + "' is not a valid address or a name that resolves");
        }
        if (port < 0 || port > 65535) {
            throw new org.mlsec.InputException("port must be 0 to 65535, got " + port);
        }
        app.start(host, port);
        // A client that stalls mid-request holds a connection (and, while a body is read, a thread): cut it off.
        for (org.eclipse.jetty.server.Connector c : app.jettyServer().server().getConnectors()) {
            if (c instanceof org.eclipse.jetty.server.AbstractConnector) {
                ((org.eclipse.jetty.server.AbstractConnector) c).setIdleTimeout(config.idleTimeoutMs());
            }
        }
        return this;
    }

    /**
     * The port listened on: the one given to {@link #start}, or the one chosen for port 0.
     *
     * @return the port
     */
    public int port() {
        return app.port();
    }

    /** One prediction request through the {@link Guard}; the server adds the HTTP, the metrics and the headers. */
    private void predict(Context ctx, boolean proba) {
        long t0 = System.nanoTime();
        String endpoint = proba ? "predict_proba" : "predict";
        int status = 500;
        try {
            // With API keys the key names the client; the address (behind trusted proxies) only without them.
            String address = config.apiKeys().isEmpty()
                    ? forwarded.client(ctx.req().getRemoteAddr(), ctx.header("X-Forwarded-For")) : ctx.req().getRemoteAddr();
            Guard.Decision d = upstream == null
                    ? guard.handleBody(address, ctx.header("X-API-Key"), () -> deadline.body(ctx), proba)
                    : forward(guard.admitText(address, ctx.header("X-API-Key"), () -> deadline.body(ctx), proba));
            status = d.status();
            for (String a : d.alerts()) {
                alerts.labelValues(a).inc();
            }
            d.headers().forEach(ctx::header);
            if (d.answered()) {
                rows.inc(d.rows());
            } else {
                rejections.labelValues(Integer.toString(status)).inc();
            }
            ctx.status(status).contentType("application/json").result(d.json());
        } catch (io.javalin.http.HttpResponseException e) {
            status = e.getStatus();
            throw e;
        } finally {
            requests.labelValues(endpoint, Integer.toString(status)).inc();
            latency.labelValues(endpoint).observe((System.nanoTime() - t0) / 1e9);
            ctx.req().setAttribute(AUDITED, Boolean.TRUE);
        }
    }

    /** A proxied request: an admitted one is sent upstream and its answer guarded; a refused one never leaves. */
    private Guard.Decision forward(Guard.Admission a) {
        if (!a.admitted()) {
            return a.refusal();
        }
        Guard.Ticket t = a.ticket();
        org.mlsec.model.remote.HttpClassifier.Answer answer;
        try {
            answer = upstream.call(t.rows());
        } catch (UpstreamModel.Failure f) {
            ApiError e = new ApiError(f.status(), f.getMessage());
            if (f.status() == 503) {
                e.header("Retry-After", "1");
            }
            return guard.refuse(t, e);
        }
        return guard.answer(t, answer.probabilities(), answer.labels());
    }

    /** Request attribute set once the handler has written the request's audit line. */
    private static final String AUDITED = "mlsec.audited";

    /** Jetty's request log: an audit line for every refused request no handler logged (Jetty-level rejections). */
    private void auditRejected(org.eclipse.jetty.server.Request req, org.eclipse.jetty.server.Response resp) {
        if (audit == null || req.getAttribute(AUDITED) != null) {
            return;
        }
        int status = resp.getCommittedMetaData() != null ? resp.getCommittedMetaData().getStatus() : resp.getStatus();
        if (status < 400) {
            return;
        }
        String uri = req.getRequestURI();
        String endpoint = "/predict".equals(uri) ? "predict" : "/predict_proba".equals(uri) ? "predict_proba" : "other";
        audit.write(new AuditLog.Entry(System.currentTimeMillis(), String.valueOf(req.getRemoteAddr()), endpoint, 0,
                status, List.of("rejected-by-jetty"), 0));
    }

    private Map<String, Object> health() {
        Map<String, Object> h = new LinkedHashMap<>();
        boolean auditOk = audit == null || !audit.failing();
        h.put("status", auditOk ? "ok" : "refuse".equals(config.onAuditFailure()) ? "refusing" : "degraded");
        h.put("features", guard.schema().width());
        if (upstream != null) {
            h.put("upstream", upstream.endpoint().toString());
        }
        h.put("clients", limiter.clients());
        h.put("max_clients", config.maxClients());
        if (audit != null) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("status", auditOk ? "ok" : "failing");
            a.put("on_failure", config.onAuditFailure());
            a.put("lines_written", audit.written());
            a.put("lines_lost", audit.lost());
            if (audit.lastError() != null) {
                a.put("last_error", audit.lastError());
            }
            h.put("audit_log", a);
        }
        return h;
    }

    private void registerCallbacks() {
        io.prometheus.metrics.core.metrics.GaugeWithCallback.builder().name("mlsec_clients")
                .help("Clients whose rate-limit state is kept").callback(cb -> cb.call(limiter.clients())).register(registry);
        io.prometheus.metrics.core.metrics.CounterWithCallback.builder().name("mlsec_client_evictions")
                .help("Least recently seen clients evicted at max_clients").callback(cb -> cb.call(limiter.evictions()))
                .register(registry);
        if (audit != null) {
            io.prometheus.metrics.core.metrics.CounterWithCallback.builder().name("mlsec_audit_lines_lost")
                    .help("Audit-log lines that could not be written").callback(cb -> cb.call(audit.lost())).register(registry);
            io.prometheus.metrics.core.metrics.GaugeWithCallback.builder().name("mlsec_audit_failing")
                    .help("1 while the audit log cannot be written").callback(cb -> cb.call(audit.failing() ? 1 : 0))
                    .register(registry);
        }
    }

    private void metrics(Context ctx) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PrometheusTextFormatWriter(false).write(out, registry.scrape());
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(out.toByteArray());
    }

    private static void json(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(Json.MAPPER.writeValueAsString(body));
        } catch (IOException e) {
            ctx.status(500).result("{\"error\":\"cannot write the answer\"}");
        }
    }

    private Map<String, Object> openApi() {
        Map<String, Object> props = new LinkedHashMap<>();
        for (Column c : guard.schema().features()) {
            props.put(c.name(), c.isCategorical() ? Map.of("enum", c.categories())
                    : Map.of("type", c.type() == org.mlsec.data.ColumnType.INTEGER ? "integer" : "number"));
        }
        Map<String, Object> record = Map.of("type", "object", "required", guard.schema().featureNames(), "properties", props,
                "additionalProperties", false);
        Map<String, Object> request = Map.of("content", Map.of("application/json", Map.of("schema",
                Map.of("type", "array", "maxItems", config.maxBatch(), "items", record))));
        Map<String, Object> ok = Map.of("description", "predictions", "content", Map.of("application/json",
                Map.of("schema", Map.of("type", "object", "properties", Map.of("prediction", Map.of("type", "array"),
                        "probability", Map.of("type", "array"))))));
        Map<String, Object> responses = new LinkedHashMap<>();
        responses.put("200", ok);
        for (String code : upstream == null ? List.of("400", "401", "403", "413", "422", "429")
                : List.of("400", "401", "403", "413", "422", "429", "502", "503", "504")) {
            responses.put(code, Map.of("description", "refused; the JSON body names the error, row, field and rule"));
        }
        Map<String, Object> post = Map.of("requestBody", request, "responses", responses);
        Map<String, Object> paths = new LinkedHashMap<>();
        paths.put("/predict", Map.of("post", post));
        paths.put("/predict_proba", Map.of("post", post));
        paths.put("/health", Map.of("get", Map.of("responses", Map.of("200", Map.of("description", "alive")))));
        paths.put("/metrics", Map.of("get", Map.of("responses", Map.of("200", Map.of("description", "Prometheus text")))));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("openapi", "3.0.3");
        doc.put("info", Map.of("title", "mlsec guarded model server", "version", org.mlsec.Version.get()));
        doc.put("paths", paths);
        return doc;
    }

    /** Stops serving and flushes every audit entry. */
    @Override
    public void close() {
        app.stop();
        deadline.close();
        guard.close();
    }
}
