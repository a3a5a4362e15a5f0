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
 * Append-only JSON-lines log of requests, decisions and alerts. Entries are queued (a request never waits for the
 * disk) and written by one thread in batches: it wakes on the first entry, lets a burst gather for a few
 * milliseconds, writes everything queued as whole lines and flushes — one wake-up and one write per batch rather
 * than per request. Nothing is lost silently: an entry that cannot be written (a full disk, a queue full because
 * the disk stalls) is counted in {@link #lost()} and the log reports {@link #failing()}, which the server turns
 * into 503s or an alarm as configured. {@link #close()} drains every entry before returning.
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
    /** Entries waiting for the disk at most; beyond it an entry is counted lost (and the log reports failing). */
    static final int MAX_QUEUED = 100_000;
    private final Path file;
    private final LinkedBlockingQueue<Entry> queue = new LinkedBlockingQueue<>(MAX_QUEUED);
    private final Thread writer;
    private BufferedWriter out;
    private volatile IOException failure;
    private volatile boolean failing;
    private final java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong lost = new java.util.concurrent.atomic.AtomicLong();

    AuditLog(Path file) {
        this.file = file;
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            out = open(file);
        } catch (IOException e) {
            throw new MlsecException("cannot open the audit log " + file + ": " + e.getMessage(), e);
        }
        writer = new Thread(this::run, "mlsec-audit-log");
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Opens for appending. A log cut mid-line (the process killed during a write) gets a newline first, so the
     * partial line stays alone and every later line is whole JSON.
     */
    private static BufferedWriter open(Path file) throws IOException {
        BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        long size = Files.size(file);
        if (size > 0) {
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.READ)) {
                java.nio.ByteBuffer last = java.nio.ByteBuffer.allocate(1);
                ch.read(last, size - 1);
                if (last.get(0) != '\n') {
                    w.write('\n');
                    w.flush();
                }
            }
        }
        return w;
    }

    /** Queues an entry; false (and the entry counted lost) when the writer is failing or too far behind. */
    boolean write(Entry entry) {
        if (!queue.offer(entry)) {
            lost.incrementAndGet();
            failing = true;
            return false;
        }
        return true;
    }

    /** Whether the last write failed or entries were lost since (cleared by the next successful write). */
    boolean failing() {
        return failing;
    }

    /** Lines written, and lines lost (a failed write, or a full queue), since start. */
    long written() {
        return written.get();
    }

    long lost() {
        return lost.get();
    }

    /** The last write error, or null. */
    String lastError() {
        IOException f = failure;
        return f == null ? null : String.valueOf(f.getMessage());
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
                boolean stop = batch.get(batch.size() - 1) == STOP;
                if (stop) {
                    batch.remove(batch.size() - 1);
                }
                writeBatch(batch);
                batch.clear();
                if (stop) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes whole lines and flushes; on an error the batch is counted lost and the file reopened next time. */
    private void writeBatch(java.util.List<Entry> batch) {
        if (batch.isEmpty()) {
            return;
        }
        try {
            if (out == null) {
                out = open(file);
            }
            StringBuilder sb = new StringBuilder(batch.size() * 160);
            for (Entry e : batch) {
                sb.append(e.toJson()).append('\n');
            }
            out.write(sb.toString());
            out.flush();
            written.addAndGet(batch.size());
            failing = false;
        } catch (IOException e) {
            failure = e;
            failing = true;
            lost.addAndGet(batch.size());
            try {
                if (out != null) {
                    out.close();
                }
            } catch (IOException ignored) {
                // already failing; the count of lost lines says what matters
            }
            out = null;
        }
    }

    @Override
    public void close() {
        try {
            queue.put(STOP);
            writer.join(30_000);
            if (out != null) {
                out.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            failure = e;
            failing = true;
        }
        if (lost.get() > 0) {
            throw new MlsecException("the audit log lost " + lost.get() + " lines"
                    + (failure == null ? "" : " (" + failure.getMessage() + ")"));
        }
    }
}
