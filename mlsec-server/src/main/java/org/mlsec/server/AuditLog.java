package org.mlsec.server;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import org.mlsec.MlsecException;
import org.mlsec.internal.Json;

/**
 * Append-only JSON-lines log of requests, decisions and alerts. Entries are queued (an unbounded queue: a request
 * never waits for the disk, and none is dropped) and written by one thread, flushed whenever the queue runs dry and
 * on {@link #close()}, which drains every entry before returning.
 */
final class AuditLog implements AutoCloseable {
    private static final Map<String, Object> STOP = Map.of();
    private final LinkedBlockingQueue<Map<String, Object>> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private final BufferedWriter out;
    private volatile IOException failure;

    AuditLog(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new MlsecException("cannot open the audit log " + file + ": " + e.getMessage(), e);
        }
        writer = new Thread(this::run, "mlsec-audit-log");
        writer.setDaemon(true);
        writer.start();
    }

    void write(Map<String, Object> entry) {
        queue.add(entry);
    }

    private void run() {
        try {
            while (true) {
                Map<String, Object> e = queue.take();
                if (e == STOP) {
                    out.flush();
                    return;
                }
                out.write(Json.MAPPER.writeValueAsString(e));
                out.write('\n');
                if (queue.isEmpty()) {
                    out.flush();
                }
            }
        } catch (IOException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        queue.add(STOP);
        try {
            writer.join(30_000);
            out.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            failure = e;
        }
        if (failure != null) {
            throw new MlsecException("the audit log failed: " + failure.getMessage(), failure);
        }
    }
}
