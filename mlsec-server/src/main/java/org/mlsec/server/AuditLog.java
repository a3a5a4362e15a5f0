package org.mlsec.server;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.LinkedBlockingQueue;
import org.mlsec.MlsecException;
import org.mlsec.internal.Json;

/**
 * Append-only JSON-lines log of requests, decisions and alerts. Entries are queued (an unbounded queue: a request
 * never waits for the disk, and none is dropped) and written by one thread in batches: it wakes on the first entry,
 * lets a burst gather for a few milliseconds, writes everything queued and flushes — one wake-up and one write per
 * batch rather than per request. {@link #close()} drains every entry before returning.
 */
final class AuditLog implements AutoCloseable {
    /** One request as logged; formatted to JSON by the writer thread, off the request path. */
    record Entry(long epochMillis, String client, String endpoint, int rows, int status, java.util.List<String> alerts,
                 double ms) {
        String toJson() {
            StringBuilder sb = new StringBuilder(160);
            sb.append("{\"time\":\"").append(java.time.Instant.ofEpochMilli(epochMillis)).append("\",\"client\":");
            quote(sb, client);
            sb.append(",\"endpoint\":\"").append(endpoint).append("\",\"rows\":").append(rows)
                    .append(",\"status\":").append(status).append(",\"alerts\":[");
            for (int i = 0; i < alerts.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                quote(sb, alerts.get(i));
            }
            return sb.append("],\"ms\":").append(ms).append('}').toString();
        }

        private static void quote(StringBuilder sb, String s) {
            boolean plain = true;
            for (int i = 0; i < s.length() && plain; i++) {
                char c = s.charAt(i);
                plain = c >= 0x20 && c != '"' && c != '\\' && c < 0x7f;
            }
            if (plain) {
                sb.append('"').append(s).append('"');
                return;
            }
            try {
                sb.append(Json.MAPPER.writeValueAsString(s));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                sb.append("\"?\"");
            }
        }
    }

    private static final Entry STOP = new Entry(0, "", "", 0, 0, java.util.List.of(), 0);
    private final LinkedBlockingQueue<Entry> queue = new LinkedBlockingQueue<>();
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

    void write(Entry entry) {
        queue.add(entry);
    }

    /** How long a batch may gather after its first entry. */
    static final long GATHER_MILLIS = 2;

    private void run() {
        java.util.List<Entry> batch = new java.util.ArrayList<>(4096);
        try {
            while (true) {
                batch.add(queue.take());
                Thread.sleep(GATHER_MILLIS);
                queue.drainTo(batch);
                for (Entry e : batch) {
                    if (e == STOP) {
                        out.flush();
                        return;
                    }
                    out.write(e.toJson());
                    out.write('\n');
                }
                batch.clear();
                out.flush();
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
