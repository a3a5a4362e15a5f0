package org.mlsec.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.mlsec.data.Column;
import org.mlsec.data.Values;
import org.mlsec.defences.detector.ExtractionAlert;
import org.mlsec.defences.detector.ExtractionMonitor;
import org.mlsec.defences.detector.ExtractionProfile;
import org.mlsec.defences.postprocessor.OutputHardening;
import org.mlsec.defences.preprocessor.InputSchema;
import org.mlsec.internal.Json;
import org.mlsec.model.Classifier;

/**
 * The guarded model server. {@code POST /predict} takes a JSON list of records and answers
 * {@code {"prediction": [...]}} like the talk's Flask app; {@code POST /predict_proba} adds {@code "probability"};
 * {@code GET /health}, {@code GET /metrics} (Prometheus text) and {@code GET /openapi.json} describe it.
 */
public final class GuardedServer implements AutoCloseable {
    static {
        // Jetty and Javalin log their start-up at INFO; the CLI says what matters itself.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
    }

    private final Classifier model;
    private final GuardConfig config;
    private final RequestReader reader;
    private final RateLimiter limiter;
    private final OutputHardening output;
    private final AuditLog audit;
    private final ExtractionProfile profile;
    private final ExtractionMonitor monitor;
    private final ForwardedFor forwarded;
    private final BodyDeadline deadline;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests;
    private final Counter rows;
    private final Counter rejections;
    private final Counter alerts;
    private final Histogram latency;
    private final Javalin app;

    public GuardedServer(Classifier model, InputSchema schema, GuardConfig config) {
        this(model, schema, config, null);
    }

    /** @param reference genuine rows (in the model's schema) whose feature dependencies the detector expects */
    public GuardedServer(Classifier model, InputSchema schema, GuardConfig config, org.mlsec.data.Dataset reference) {
        this.model = model;
        this.config = config;
        org.mlsec.data.MissingValues recorded = model instanceof org.mlsec.model.LocalModel
                && ((org.mlsec.model.LocalModel) model).provenance() != null
                ? ((org.mlsec.model.LocalModel) model).provenance().missing() : null;
        this.reader = new RequestReader(model.schema(), config.validate() ? schema : null,
                recorded == null ? java.util.Map.of() : recorded.fills());
        this.limiter = new RateLimiter(config.ratePerSecond(), config.burst(), config.quotaRows(), config.maxClients());
        this.forwarded = new ForwardedFor(config.effectiveProxies());
        this.deadline = new BodyDeadline(config.requestDeadlineMs());
        this.output = config.outputHardening();
        this.audit = config.auditLog() == null ? null : new AuditLog(Path.of(config.auditLog()));
        this.profile = ExtractionProfile.of(model.schema(), reference == null ? null : reference.x());
        this.monitor = new ExtractionMonitor(profile, config.alertPolicy(), config.maxClients());
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
            // A body dripping in below this rate is cut off (408) however long the idle timeout.
            cfg.jetty.modifyHttpConfiguration(h -> h.setMinRequestDataRate(config.minBodyBytesPerSecond()));
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
        app.exception(ApiError.class, (e, ctx) -> {
            rejections.labelValues(Integer.toString(e.status)).inc();
            json(ctx, e.status, e.body);
        });
    }

    /**
     * The input schema's fields (and the rules that mention them) that are not inputs of the model and are ignored,
     * as one line; null when the schema fits the model.
     */
    /**
     * What the implausible-rows detector can see, said once at start when detection is on: it checks the feature pairs
     * the reference shows strongly correlated, so on data without them only rows with several extreme features alarm
     * it, and uniform queries inside the ranges go unnoticed by it (the other detectors still apply). Null when
     * there is nothing to say.
     */
    public String detectorNote() {
        return config.detect() ? profile.note() : null;
    }

    public String schemaNote() {
        return reader.schemaNote;
    }

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

    public int port() {
        return app.port();
    }

    private void predict(Context ctx, boolean proba) {
        long t0 = System.nanoTime();
        String endpoint = proba ? "predict_proba" : "predict";
        String client = "?";
        int status = 200;
        int n = 0;
        List<String> raised = List.of();
        try {
            client = identify(ctx);
            if (audit != null && audit.failing() && "refuse".equals(config.onAuditFailure())) {
                throw new ApiError(503, "the audit log cannot be written; refusing requests until it can");
            }
            if (monitor.blocked(client)) {
                throw new ApiError(403, "blocked: this client triggered an extraction alert");
            }
            double wait = limiter.acquire(client);
            if (wait > 0) {
                ctx.header("Retry-After", Long.toString((long) Math.ceil(wait)));
                throw new ApiError(429, "rate limit: retry after " + Math.ceil(wait) + " s");
            }
            if (proba && !output.servesProbabilities()) {
                throw new ApiError(403, "this server answers labels only: use /predict");
            }
            double[][] x = reader.read(deadline.body(ctx), config.maxBatch());
            n = x.length;
            if (!limiter.charge(client, n)) {
                throw new ApiError(429, "quota exhausted: this client has used its rows");
            }
            double[][] p = model.hasProbabilities() ? model.predictProba(x) : null;
            int[] labels = p == null ? model.predict(x) : null;
            if (config.detect()) {
                ExtractionMonitor.Verdict verdict = monitor.observe(client, x, p);
                raised = verdict.alerts().stream().map(ExtractionAlert::key).toList();
                for (String a : raised) {
                    alerts.labelValues(a).inc();
                }
                if (verdict.throttle()) {
                    limiter.slow(client, 10);
                }
                if (verdict.refuse()) {
                    // The request that raises the alert gets no answers either: one batch can hold a whole attack
                    // (equation solving needs only d + 1 rows).
                    throw new ApiError(403, "blocked: this request raised an extraction alert " + raised);
                }
            }
            ObjectNode body = Json.MAPPER.createObjectNode();
            ArrayNode pred = body.putArray("prediction");
            ArrayNode probs = proba ? body.putArray("probability") : null;
            for (int i = 0; i < n; i++) {
                int k = p != null ? Classifier.argmax(p[i]) : labels[i];
                addLabel(pred, model.classes().get(k));
                if (probs != null && p != null) {
                    ArrayNode row = probs.addArray();
                    for (double v : output.harden(p[i])) {
                        row.add(v);
                    }
                }
            }
            rows.inc(n);
            ctx.status(200).contentType("application/json").result(body.toString());
        } catch (ApiError e) {
            status = e.status;
            throw e;
        } catch (io.javalin.http.HttpResponseException e) {
            status = e.getStatus();
            throw e;
        } catch (Exception e) {
            status = 500;
            throw e;
        } finally {
            requests.labelValues(endpoint, Integer.toString(status)).inc();
            double seconds = (System.nanoTime() - t0) / 1e9;
            latency.labelValues(endpoint).observe(seconds);
            ctx.req().setAttribute(AUDITED, Boolean.TRUE);
            if (audit != null) {
                audit.write(new AuditLog.Entry(System.currentTimeMillis(), client, endpoint, n, status, raised,
                        Math.round(seconds * 1e6) / 1e3));
            }
        }
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

    /** The API key's client, or the peer address (X-Forwarded-For only behind a trusted proxy). */
    private String identify(Context ctx) {
        if (!config.apiKeys().isEmpty()) {
            String key = ctx.header("X-API-Key");
            if (key == null) {
                throw new ApiError(401, "missing API key (header X-API-Key)");
            }
            String name = config.apiKeys().get(key);
            if (name == null) {
                throw new ApiError(401, "unknown API key");
            }
            return name;
        }
        return forwarded.client(ctx.req().getRemoteAddr(), ctx.header("X-Forwarded-For"));
    }

    private Map<String, Object> health() {
        Map<String, Object> h = new LinkedHashMap<>();
        boolean auditOk = audit == null || !audit.failing();
        h.put("status", auditOk ? "ok" : "refuse".equals(config.onAuditFailure()) ? "refusing" : "degraded");
        h.put("features", model.schema().width());
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
        for (Column c : model.schema().features()) {
            props.put(c.name(), c.isCategorical() ? Map.of("enum", c.categories())
                    : Map.of("type", c.type() == org.mlsec.data.ColumnType.INTEGER ? "integer" : "number"));
        }
        Map<String, Object> record = Map.of("type", "object", "required", model.schema().featureNames(), "properties", props,
                "additionalProperties", false);
        Map<String, Object> request = Map.of("content", Map.of("application/json", Map.of("schema",
                Map.of("type", "array", "maxItems", config.maxBatch(), "items", record))));
        Map<String, Object> ok = Map.of("description", "predictions", "content", Map.of("application/json",
                Map.of("schema", Map.of("type", "object", "properties", Map.of("prediction", Map.of("type", "array"),
                        "probability", Map.of("type", "array"))))));
        Map<String, Object> responses = new LinkedHashMap<>();
        responses.put("200", ok);
        for (String code : List.of("400", "401", "403", "413", "422", "429")) {
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
        if (audit != null) {
            audit.close();
        }
    }
}
