package org.mlsec.server;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.EndPoint;

/**
 * A total deadline for receiving a request body. The idle timeout only cuts a connection that sends nothing;
 * a body that drips one byte just under it, or a chunked body that never ends, would hold a thread for as long
 * as the client likes. Reading the body is given {@code deadlineMs}: after it the connection is closed, the read
 * fails, the thread is free again, and the request is logged as 408.
 * <p>
 * A minimum data rate ({@code min_body_bytes_per_second}) cuts a body that keeps arriving, but too slowly, well before
 * the deadline (408, and the connection is closed {@value #CLOSE_AFTER_MS} ms later). Its clock starts at the body's
 * first byte and it allows a grace of {@link #RATE_GRACE_MS} ms: a body is too slow when, at a read, fewer than {@code rate × (elapsed − grace)} bytes have
 * arrived. A body that has arrived in full (its Content-Length reached) is never too slow. Without the grace (Jetty's
 * own minimum request data rate, measured from the first byte) a small body sent in two pieces 200 ms apart, or one
 * whose end-of-body read is delayed by a few milliseconds on a loaded host, fell below the rate and was refused.
 */
final class BodyDeadline implements AutoCloseable {
    /** Status logged for a connection the client dropped before its body arrived. */
    static final int DROPPED = 499;
    /** The first second after a body's first byte is not held to the minimum rate: rate × 1 s bytes are free. */
    static final long RATE_GRACE_MS = 1_000;
    /** How long the 408 of a too-slow body has to be written before its connection is closed. */
    private static final long CLOSE_AFTER_MS = 200;
    private final long deadlineMs;
    private final long minBytesPerSecond;
    private final long maxBodyBytes;
    private final long maxDecompressedBytes;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mlsec-body-deadline");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param maxBodyBytes         bytes on the wire (compressed or not, chunked or not) beyond which the body is refused
     * @param maxDecompressedBytes bytes a gzip body may inflate to, counted as it inflates
     * @param minBytesPerSecond    the minimum data rate on the wire after the grace (0: none)
     */
    BodyDeadline(long deadlineMs, long maxBodyBytes, long maxDecompressedBytes, long minBytesPerSecond) {
        this.deadlineMs = deadlineMs;
        this.minBytesPerSecond = minBytesPerSecond;
        this.maxBodyBytes = maxBodyBytes;
        this.maxDecompressedBytes = maxDecompressedBytes;
    }

    /** The request body, read within the deadline; a 408 {@link ApiError} when it is not all there in time. */
    String body(Context ctx) {
        org.eclipse.jetty.server.Request base = org.eclipse.jetty.server.Request.getBaseRequest(ctx.req());
        EndPoint endPoint = base == null ? null : base.getHttpChannel().getEndPoint();
        java.util.concurrent.atomic.AtomicBoolean cut = new java.util.concurrent.atomic.AtomicBoolean();
        ScheduledFuture<?> task = endPoint == null ? null : timer.schedule(() -> {
            cut.set(true);
            endPoint.close();
        }, deadlineMs, TimeUnit.MILLISECONDS);
        try {
            return read(ctx);
        } catch (ApiError e) {
            if (e.status == 408 && endPoint != null) {
                // Too slow: the 408 is sent, then the connection closed. Jetty would otherwise keep reading and
                // discarding the rest of the body for as long as the client trickles it in.
                timer.schedule((Runnable) endPoint::close, CLOSE_AFTER_MS, TimeUnit.MILLISECONDS);
            }
            throw e;
        } catch (Corrupt e) {
            if (cut.get()) {
                throw new ApiError(408, "the request body did not arrive within " + deadlineMs + " ms");
            }
            throw new ApiError(400, "corrupt gzip body: " + e.getMessage());
        } catch (Exception e) { // Javalin (Kotlin) also throws Jetty's checked IOExceptions from body()
            if (cut.get()) {
                throw new ApiError(408, "the request body did not arrive within " + deadlineMs + " ms");
            }
            if (e instanceof io.javalin.http.HttpResponseException h) {
                if (h.getStatus() == HttpStatus.REQUEST_TIMEOUT.getCode()) {
                    throw new ApiError(408, "the request body arrived too slowly");
                }
                throw h;
            }
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof java.util.concurrent.TimeoutException) {
                    throw new ApiError(408, "the request body arrived too slowly");
                }
                // Jetty's own refusal while the body is read: below the minimum data rate (408), a malformed chunk (400)
                if (c instanceof org.eclipse.jetty.http.BadMessageException b) {
                    throw new ApiError(b.getCode() == 408 ? 408 : b.getCode() >= 400 && b.getCode() < 500 ? b.getCode()
                            : 400, b.getCode() == 408 ? "the request body arrived too slowly"
                            : "malformed request body: " + b.getReason());
                }
            }
            // The client went away mid-body: logged as 499 (nginx's "client closed request"); nobody reads the answer.
            throw new ApiError(DROPPED, "the connection closed before the body arrived");
        } finally {
            if (task != null) {
                task.cancel(false);
            }
        }
    }

    /** An inflater's complaint about the gzip stream itself (not about the connection under it): a 400. */
    static final class Corrupt extends java.io.IOException {
        Corrupt(String message) {
            super(message);
        }
    }

    /** An I/O failure of the connection, told apart from the inflater's own. */
    private static final class Wire extends java.io.IOException {
        Wire(java.io.IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /**
     * The body as text: identity or gzip (415 for any other coding), at most {@code maxBodyBytes} on the wire and,
     * inflated, at most {@code maxDecompressedBytes}, both counted while reading (a 413 as soon as one is passed), so a
     * small gzip of a huge array is refused after inflating only the allowed bytes.
     */
    private String read(Context ctx) throws java.io.IOException {
        return read(ctx.header("Content-Encoding"), ctx.req().getContentLengthLong(), ctx.req().getInputStream());
    }

    /**
     * {@link #read(Context)} without HTTP: the body of a request whose {@code Content-Encoding} header is
     * {@code contentEncoding} (null: none) and whose Content-Length is {@code declared} (-1: none), read from
     * {@code body}. Throws an {@link ApiError} (413, 415, 408), a {@link Corrupt} for a gzip stream that is not one
     * (400), or the stream's own IOException.
     */
    String read(String contentEncoding, long declared, java.io.InputStream body) throws java.io.IOException {
        String coding = contentEncoding == null ? "identity" : contentEncoding.trim().toLowerCase(java.util.Locale.ROOT);
        boolean gzip = coding.equals("gzip") || coding.equals("x-gzip");
        if (!gzip && !coding.equals("identity") && !coding.isEmpty()) {
            throw new ApiError(415, "Content-Encoding '" + coding + "' is not supported; send identity or gzip");
        }
        if (declared > maxBodyBytes) {
            throw new ApiError(413, "body of " + declared + " bytes exceeds the limit of " + maxBodyBytes);
        }
        Counted raw = new Counted(body, maxBodyBytes, "body", "");
        raw.minRate(minBytesPerSecond, declared);
        java.io.InputStream in = raw;
        if (gzip) {
            try {
                in = new Counted(new java.util.zip.GZIPInputStream(raw, 8192), maxDecompressedBytes,
                        "decompressed body", " (max_decompressed_body_bytes)");
            } catch (Wire e) {
                throw (java.io.IOException) e.getCause();
            } catch (java.io.IOException e) { // not a gzip header, or nothing at all
                throw new Corrupt(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            }
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
            }
        } catch (Wire e) {
            throw (java.io.IOException) e.getCause();
        } catch (ApiError e) {
            throw e;
        } catch (java.io.IOException e) {
            if (!gzip) {
                throw e;
            }
            throw new Corrupt(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A stream that refuses (413) once more than {@code limit} bytes came through it, and tags I/O errors as wire errors. */
    private static final class Counted extends java.io.FilterInputStream {
        private final long limit;
        private final String what;
        private final String setting;
        private final boolean wire;
        private long count;
        private long rate;
        private long declared = -1;
        private long firstByte;

        /** Holds the stream to {@code bytesPerSecond} (0: no minimum) after the grace, up to {@code declared} bytes. */
        void minRate(long bytesPerSecond, long declaredLength) {
            this.rate = bytesPerSecond;
            this.declared = declaredLength;
        }

        /** 408 when, past the grace after the first byte, fewer bytes have come than the rate asks for. */
        private void checkRate() {
            if (rate <= 0 || count == 0 || (declared >= 0 && count >= declared)) {
                return;
            }
            long elapsedMs = (System.nanoTime() - firstByte) / 1_000_000;
            double owed = elapsedMs <= RATE_GRACE_MS ? 0 : (double) rate * (elapsedMs - RATE_GRACE_MS) / 1000;
            if (count < owed) {
                throw new ApiError(408, "the request body arrived too slowly: " + count + " bytes in " + elapsedMs
                        + " ms, under min_body_bytes_per_second " + rate + " after a grace of " + RATE_GRACE_MS + " ms")
                        .header("Connection", "close");
            }
        }

        Counted(java.io.InputStream in, long limit, String what, String setting) {
            super(in);
            this.limit = limit;
            this.what = what;
            this.setting = setting;
            this.wire = !(in instanceof java.util.zip.GZIPInputStream);
        }

        @Override
        public int read() throws java.io.IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n <= 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
            checkRate();
            int n;
            try {
                n = super.read(b, off, len);
            } catch (Wire | ApiError e) {
                throw e;
            } catch (java.io.IOException e) {
                throw wire ? new Wire(e) : e;
            }
            if (n > 0) {
                if (count == 0) {
                    firstByte = System.nanoTime();
                }
                count += n;
                if (count > limit) {
                    throw new ApiError(413, what + " exceeds the limit of " + limit + " bytes" + setting);
                }
            }
            return n;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
