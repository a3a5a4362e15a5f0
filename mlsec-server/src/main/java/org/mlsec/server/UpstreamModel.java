package org.mlsec.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * {@code upstream_max_in_flight} requests waiting for it is 503. Each request is sent and its answer read on the
 * request's own thread, blocking (no hand-off between threads, which on a busy machine costs more than the network);
 * connections are kept alive and reused (the JDK's keep-alive cache, for an upstream that speaks HTTP/1.1); there is
 * no lock shared between requests, so a slow upstream answer holds its own request only; a shared timer closes a
 * connection whose answer is not complete at its deadline. Nothing is retried: the client decides.
 */
public final class UpstreamModel {
    /** The largest upstream answer read (16 MiB); a larger one is refused (502) as it arrives. */
    public static final long MAX_ANSWER_BYTES = 16L << 20;

    /** Closes connections whose answers are late: one daemon thread for every proxy. */
    private static final ScheduledExecutorService WATCHDOG = watchdog();

    private final Schema schema;
    private final HttpClassifier codec;
    private final URI endpoint;
    private final java.util.Map<String, String> headers;
    private final long timeoutMs;
    private final int maxInFlight;
    private final Semaphore inFlight;
    private final AtomicLong sent = new AtomicLong();

    /**
     * The upstream API at {@code config}'s address, bounded in time and in requests at once.
     *
     * @param schema      the features sent (in this order) and the classes the upstream answers
     * @param config      the upstream's address, answer paths and extra headers (its batch size, retries and
     *                    timeout are not used: the proxy sends each admitted request once, within the timeout below)
     * @param timeoutMs   milliseconds an answer may take in full (positive)
     * @param maxInFlight requests sent to the upstream at once (positive)
     * @throws org.mlsec.InputException if the schema has no classes, or a bound is not positive
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
    }

    private static ScheduledExecutorService watchdog() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "mlsec-upstream-deadlines");
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        return t;
    }

    /**
     * The model a guarding proxy's {@link GuardConfig} asks for: its timeout and bound on requests in flight.
     *
     * @param schema the features sent (in this order) and the classes the upstream answers
     * @param config the upstream's address, answer paths and extra headers
     * @param guards the settings whose {@code upstream_timeout_ms} and {@code upstream_max_in_flight} apply
     * @return the upstream
     * @throws org.mlsec.InputException if the schema has no classes
     */
    public static UpstreamModel of(Schema schema, HttpClassifier.Config config, GuardConfig guards) {
        return new UpstreamModel(schema, config, guards.upstreamTimeoutMs(), guards.upstreamMaxInFlight());
    }

    /**
     * The features sent and the classes answered.
     *
     * @return the upstream's schema
     */
    public Schema schema() {
        return schema;
    }

    /**
     * Where the rows are sent.
     *
     * @return the upstream's address
     */
    public URI endpoint() {
        return endpoint;
    }

    /**
     * Requests sent to the upstream so far (answered or not).
     *
     * @return the count since this object was made
     */
    public long sent() {
        return sent.get();
    }

    /** The upstream could not answer: the proxy's status (502, 503 or 504) and the cause. */
    public static final class Failure extends MlsecException {
        /** The HTTP status the proxy answers with. */
        private final int status;

        Failure(int status, String message) {
            super(message);
            this.status = status;
        }

        /**
         * The status the proxy answers with: 502 for a refused connection or an unusable answer, 503 when too many
         * requests are in flight (or the wait for a slot is interrupted), 504 for an answer not complete in time.
         *
         * @return 502, 503 or 504
         */
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
        AtomicBoolean late = new AtomicBoolean();
        HttpURLConnection conn = null;
        ScheduledFuture<?> deadlineTask = null;
        try {
            byte[] request = codec.requestBody(rows).getBytes(StandardCharsets.UTF_8);
            int remaining = (int) Math.max(1, Math.min(Integer.MAX_VALUE,
                    TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            conn = (HttpURLConnection) endpoint.toURL().openConnection();
            HttpURLConnection c = conn;
            deadlineTask = WATCHDOG.schedule(() -> {
                late.set(true);
                c.disconnect();
            }, remaining, TimeUnit.MILLISECONDS);
            conn.setConnectTimeout(remaining);
            conn.setReadTimeout(remaining);
            conn.setInstanceFollowRedirects(false);
            conn.setUseCaches(false);
            conn.setDoOutput(true);
            conn.setRequestMethod("POST");
            conn.setRequestProperty("Content-Type", "application/json");
            conn.setRequestProperty("Accept", "application/json");
            headers.forEach(c::setRequestProperty);
            conn.setFixedLengthStreamingMode(request.length);
            sent.incrementAndGet();
            try (OutputStream out = conn.getOutputStream()) {
                out.write(request);
            }
            int status = conn.getResponseCode();
            InputStream in = status >= 400 ? conn.getErrorStream() : conn.getInputStream();
            String body = in == null ? "" : new String(readLimited(in), StandardCharsets.UTF_8);
            if (late.get()) {
                throw timedOut();
            }
            if (status != 200) {
                throw new Failure(502, "the upstream " + endpoint + " answered HTTP " + status + ": " + abbreviate(body));
            }
            try {
                return codec.read(body, rows.length);
            } catch (MlsecException e) {
                throw new Failure(502, "the upstream's answer is unusable: " + e.getMessage());
            }
        } catch (IOException e) {
            if (conn != null) {
                conn.disconnect();
            }
            throw late.get() || e instanceof SocketTimeoutException ? timedOut() : failure(e);
        } catch (IllegalArgumentException e) {
            throw new Failure(502, "the upstream " + endpoint + " cannot be reached: " + e.getMessage());
        } finally {
            if (deadlineTask != null) {
                deadlineTask.cancel(false);
            }
            inFlight.release();
        }
    }

    private Failure timedOut() {
        return new Failure(504, "the upstream " + endpoint + " did not answer within " + timeoutMs
                + " ms (upstream_timeout_ms)");
    }

    private Failure failure(IOException e) {
        if (e instanceof TooLarge) {
            return new Failure(502, "the upstream " + endpoint + " answered more than " + MAX_ANSWER_BYTES + " bytes");
        }
        if (e instanceof ConnectException) {
            return new Failure(502, "the upstream " + endpoint + " refused the connection");
        }
        String m = e.getMessage();
        return new Failure(502, "the upstream " + endpoint + " failed: " + (m == null ? e.getClass().getSimpleName()
                : abbreviate(m)));
    }

    /** The whole answer, refused (and its connection not reused) beyond {@link #MAX_ANSWER_BYTES}. */
    private static byte[] readLimited(InputStream in) throws IOException {
        try (InputStream s = in) {
            byte[] b = s.readNBytes((int) MAX_ANSWER_BYTES + 1);
            if (b.length > MAX_ANSWER_BYTES) {
                throw new TooLarge();
            }
            return b;
        }
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
}
