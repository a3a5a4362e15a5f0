package org.mlsec.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.plugin.Plugin;
import java.util.List;
import org.mlsec.data.Values;
import org.mlsec.internal.Json;
import org.mlsec.internal.Validate;

/**
 * A {@link Guard} in front of a scoring route of someone else's Javalin app. The app keeps its route and its model;
 * the plugin adds a before-handler and an after-handler on the route's path:
 * <ul>
 * <li>before: the client (its {@code X-API-Key}, or its address) and the JSON body (at most {@code max_body_bytes},
 * read only once the client is let through) go through {@link Guard#admit}.
 * A refused request is answered with the guard's JSON error and its status, and the app's handler never runs;</li>
 * <li>after: the app's answer, Flask-style {@code {"prediction": [...], "probability": [[...], ...]}} (probability
 * optional), goes through {@link Guard#answer} — the detectors, output hardening, the audit line — and replaces it.
 * An answer that is not of that shape is refused with 502 naming the cause (and audited); an app's own error status
 * is passed on unchanged (and audited).</li>
 * </ul>
 * Register with {@code Javalin.create(cfg -> cfg.registerPlugin(new GuardPlugin(guard, "/score", true)))}.
 */
public final class GuardPlugin extends Plugin<Void> {
    /** Context attribute that carries an admitted request's ticket from before to after. */
    private static final String TICKET = "mlsec.guard.ticket";
    private final Guard guard;
    private final String path;
    private final boolean probabilities;

    /**
     * @param guard         the guards (its model schema names the route's classes)
     * @param path          the app's scoring route
     * @param probabilities whether the route serves probabilities (audited as predict_proba) or labels only
     */
    public GuardPlugin(Guard guard, String path, boolean probabilities) {
        this.guard = Validate.notNull(guard, "guard");
        this.path = Validate.notNull(path, "path");
        this.probabilities = probabilities;
    }

    @Override
    public void onInitialize(JavalinConfig config) {
        config.router.mount(r -> {
            r.before(path, this::before);
            r.after(path, this::after);
        });
    }

    @Override
    public String name() {
        return "mlsec-guard " + path;
    }

    @Override
    public boolean repeatable() {
        return true;
    }

    private void before(Context ctx) {
        if (!"POST".equals(ctx.method().name())) {
            return;
        }
        Guard.Admission a = guard.admitBody(ctx.req().getRemoteAddr(), ctx.header("X-API-Key"), ctx.contentLength(),
                ctx::body, probabilities);
        if (a.admitted()) {
            ctx.attribute(TICKET, a.ticket());
        } else {
            write(ctx, a.refusal());
            ctx.skipRemainingHandlers();
        }
    }

    private void after(Context ctx) {
        Guard.Ticket t = ctx.attribute(TICKET);
        if (t == null) {
            return;
        }
        ctx.attribute(TICKET, null);
        if (ctx.statusCode() != 200) {
            guard.fail(t, ctx.statusCode());
            return;
        }
        Answer answer;
        try {
            answer = Answer.read(ctx.result(), t.rows().length, guard.schema().classes());
        } catch (ApiError e) {
            write(ctx, guard.refuse(t, e));
            return;
        }
        write(ctx, guard.answer(t, answer.proba, answer.labels));
    }

    private static void write(Context ctx, Guard.Decision d) {
        d.headers().forEach(ctx::header);
        ctx.status(d.status()).contentType("application/json").result(d.json());
    }

    /** The app's answer as the model's: probabilities when given, else class indices. */
    private record Answer(double[][] proba, int[] labels) {
        static Answer read(String body, int rows, List<String> classes) {
            JsonNode root;
            try {
                root = body == null ? null : Json.MAPPER.readTree(body);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new ApiError(502, "the scoring route answered malformed JSON: " + Json.describe(e));
            }
            JsonNode pred = root == null ? null : root.get("prediction");
            if (pred == null || !pred.isArray() || pred.size() != rows) {
                throw new ApiError(502, "the scoring route's answer has no \"prediction\" list of " + rows + " labels");
            }
            JsonNode prob = root.get("probability");
            if (prob != null && prob.isArray() && prob.size() == rows) {
                double[][] p = new double[rows][classes.size()];
                for (int i = 0; i < rows; i++) {
                    JsonNode r = prob.get(i);
                    if (!r.isArray() || r.size() != classes.size()) {
                        throw new ApiError(502, "the scoring route's probability row " + i + " does not have "
                                + classes.size() + " classes");
                    }
                    for (int k = 0; k < classes.size(); k++) {
                        p[i][k] = r.get(k).isNumber() ? r.get(k).asDouble() : Double.NaN;
                        if (!Double.isFinite(p[i][k])) {
                            throw new ApiError(502, "the scoring route's probability row " + i + " holds " + r.get(k)
                                    + ", not a finite number");
                        }
                    }
                }
                return new Answer(p, null);
            }
            int[] labels = new int[rows];
            for (int i = 0; i < rows; i++) {
                JsonNode v = pred.get(i);
                String text = v.isNumber() ? Values.format(v.asDouble()) : Values.canonical(v.asText());
                labels[i] = classes.indexOf(text);
                if (labels[i] < 0) {
                    throw new ApiError(502, "the scoring route answered label '" + text + "', not one of " + classes);
                }
            }
            return new Answer(null, labels);
        }
    }
}
