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
 */
final class BodyDeadline implements AutoCloseable {
    /** Status logged for a connection the client dropped before its body arrived. */
    static final int DROPPED = 499;
    private final long deadlineMs;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mlsec-body-deadline");
        t.setDaemon(true);
        return t;
    });

    BodyDeadline(long deadlineMs) {
        this.deadlineMs = deadlineMs;
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
            return ctx.body();
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
            if (e instanceof java.util.concurrent.TimeoutException || e.getCause() instanceof java.util.concurrent.TimeoutException) {
                throw new ApiError(408, "the request body arrived too slowly");
            }
            // The client went away mid-body: logged as 499 (nginx's "client closed request"); nobody reads the answer.
            throw new ApiError(DROPPED, "the connection closed before the body arrived");
        } finally {
            if (task != null) {
                task.cancel(false);
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
