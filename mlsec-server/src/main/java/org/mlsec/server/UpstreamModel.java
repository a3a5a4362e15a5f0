package org.mlsec.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.mlsec.MlsecException;
import org.mlsec.data.Schema;
import org.mlsec.internal.Validate;
import org.mlsec.model.remote.HttpClassifier;

/**
 * The scoring API a guarding proxy stands in front of ({@link GuardedServer#proxy}): the rows a {@link Guard} admitted
 * are sent to it in its own JSON shape, and its answer read back, exactly as {@link HttpClassifier} speaks to a remote
 * model (the same configurable prediction and probability paths; by default Flask-style {@code [{...}]} answered
 * with {@code {"prediction": [...], "probability": [...]}}). Only validated rows are ever sent, re-encoded from the
 * model's schema, so a field the guard did not check never reaches the upstream.
 * <p>
 * Failures are the proxy's to explain, as an HTTP status and one line naming the cause: a refused connection, an
 * error status, an answer that is not JSON, of the wrong length, naming an unknown class or too large (more than
 * {@link #MAX_ANSWER_BYTES}) is 502; no full answer within {@code upstream_timeout_ms} is 504; more than
 * {@code upstream_max_in_flight} requests waiting for it is 503. Connections are pooled (one keep-alive HTTP/1.1
 * client), there is no lock shared between requests, and every request waits for its own answer only: a slow
 * upstream answer holds one request, never the others. Nothing is retried: the client decides.
 */
public final class UpstreamModel {
    /** The largest upstream answer read (16 MiB); a larger one is refused (502) as it arrives. */
    public static final long MAX_ANSWER_BYTES = 16L << 20;

    private final Schema schema;
    private final HttpClassifier codec;
    private final URI endpoint;
    private final java.util.Map<String, String> headers;
    private final HttpClient client;
    private final long timeoutMs;
    private final int maxInFlight;
    private final Semaphore inFlight;
    private final AtomicLong sent = new AtomicLong();

    /**
     * @param schema      the features sent (in this order) and the classes the upstream answers
     * @param config      the upstream's address, answer paths and extra headers (its batch size, retries and
     *                    timeout are not used: the proxy sends each admitted request once, within the timeout below)
     * @param timeoutMs   how long an answer may take in full
     * @param maxInFlight requests sent to the upstream at once
     */
    public UpstreamModel(Schema schema, HttpClassifier.Config config, long timeoutMs, int maxInFlight) {
        this.schema = Validate.notNull(schema, "schema");
        Validate.notNull(config, "config");
        Validate.isTrue(!schema.classes().isEmpty(), "the upstream's classes must be known");
        Validate.isTrue(timeoutMs > 0, "the upstream timeout must be positive");
        Validate.isTrue(maxInFlight > 0, "the upstream's requests in flight must be positive");
        this.codec = new HttpClassifier(schema, config);
        this.endpoint = config.endpoint();
        this.headers = config.headers();
        this.timeoutMs = timeoutMs;
        this.maxInFlight = maxInFlight;
        this.inFlight = new Semaphore(maxInFlight);
        // The client's own pool, not a direct executor: run on its selector thread, one slow answer held the others
        // (GuardingProxyTest.aSlowUpstreamIs504AndHoldsOnlyItsOwnRequest).
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(timeoutMs)).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The model a guarding proxy's {@link GuardConfig} asks for: its timeout and bound on requests in flight. */
    public static UpstreamModel of(Schema schema, HttpClassifier.Config config, GuardConfig guards) {
        return new UpstreamModel(schema, config, guards.upstreamTimeoutMs(), guards.upstreamMaxInFlight());
    }

    public Schema schema() {
        return schema;
    }

    public URI endpoint() {
        return endpoint;
    }

    /** Requests sent to the upstream so far. */
    public long sent() {
        return sent.get();
    }

    /** The upstream could not answer: the proxy's status (502, 503 or 504) and the cause. */
    public static final class Failure extends MlsecException {
        private final int status;

        Failure(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /**
     * Sends the rows (already validated) and reads the answer.
     *
     * @param rows rows in the schema's feature order
     * @return the upstream's labels and, when it gave them, probabilities
     * @throws Failure when the upstream refused, timed out, was too busy or answered something unusable
     */
    public HttpClassifier.Answer call(double[][] rows) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        try {
            if (!inFlight.tryAcquire(timeoutMs, TimeUnit.MILLISECONDS)) {
                throw new Failure(503, "the upstream " + endpoint + " already has " + maxInFlight
                        + " requests in flight (upstream_max_in_flight); retry later");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure(503, "interrupted while waiting to send to the upstream " + endpoint);
        }
        try {
            HttpRequest.Builder rb = HttpRequest.newBuilder(endpoint)
                    .timeout(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))
                    .header("Content-Type", "application/json").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(codec.requestBody(rows)));
            headers.forEach(rb::header);
            sent.incrementAndGet();
            CompletableFuture<HttpResponse<byte[]>> pending = client.sendAsync(rb.build(), info -> new Limited());
            HttpResponse<byte[]> resp;
            try {
                resp = pending.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                pending.cancel(true);
                throw timedOut();
            } catch (InterruptedException e) {
                pending.cancel(true);
                Thread.currentThread().interrupt();
                throw new Failure(503, "interrupted while waiting for the upstream " + endpoint);
            } catch (ExecutionException e) {
                throw failure(e.getCause());
            }
            String body = new String(resp.body(), StandardCharsets.UTF_8);
            if (resp.statusCode() != 200) {
                throw new Failure(502, "the upstream " + endpoint + " answered HTTP " + resp.statusCode() + ": "
                        + abbreviate(body));
            }
            try {
                return codec.read(body, rows.length);
            } catch (MlsecException e) {
                throw new Failure(502, "the upstream's answer is unusable: " + e.getMessage());
            }
        } finally {
            inFlight.release();
        }
    }

    private Failure timedOut() {
        return new Failure(504, "the upstream " + endpoint + " did not answer within " + timeoutMs
                + " ms (upstream_timeout_ms)");
    }

    private Failure failure(Throwable thrown) {
        Throwable cause = thrown;
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof HttpTimeoutException || t instanceof TooLarge || t instanceof ConnectException) {
                cause = t;
                break;
            }
        }
        if (cause instanceof HttpTimeoutException) {
            return timedOut();
        }
        if (cause instanceof TooLarge) {
            return new Failure(502, "the upstream " + endpoint + " answered more than " + MAX_ANSWER_BYTES + " bytes");
        }
        if (cause instanceof ConnectException) {
            return new Failure(502, "the upstream " + endpoint + " refused the connection");
        }
        if (cause instanceof IOException) {
            String m = cause.getMessage();
            return new Failure(502, "the upstream " + endpoint + " failed: " + (m == null ? cause.getClass().getSimpleName()
                    : abbreviate(m)));
        }
        return new Failure(502, "the upstream " + endpoint + " failed: " + cause);
    }

    private static String abbreviate(String s) {
        s = s.replace('\n', ' ').replace('\r', ' ');
        return s.length() <= 200 ? s : s.substring(0, 197) + "...";
    }

    /** An answer over {@link #MAX_ANSWER_BYTES}. */
    private static final class TooLarge extends IOException {
        TooLarge() {
            super("answer too large", null);
        }
    }

    /** Collects an answer's bytes, cancelling it once it exceeds {@link #MAX_ANSWER_BYTES}. */
    private static final class Limited implements HttpResponse.BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer b : items) {
                if (out.size() + (long) b.remaining() > MAX_ANSWER_BYTES) {
                    subscription.cancel();
                    result.completeExceptionally(new TooLarge());
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                out.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(out.toByteArray());
        }
    }
}
