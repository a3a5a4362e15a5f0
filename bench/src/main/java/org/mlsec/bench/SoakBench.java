package org.mlsec.bench;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.mlsec.Progress;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.CsvWriter;
import org.mlsec.data.Dataset;
import org.mlsec.demo.LaymanBrothers;
import org.mlsec.defences.preprocessor.InputSchema;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;
import org.mlsec.server.GuardConfig;
import org.mlsec.server.GuardedServer;

/**
 * Soak of the guarded server (issue 20): valid rows, malformed JSON, oversized, slow and gzip-bomb bodies (64 KiB
 * inflating to 64 MiB, eight times max_decompressed_body_bytes) from many distinct X-Forwarded-For clients, for
 * SECONDS. Prints requests, 5xx, RSS and load average every 10 s, and audit lines vs requests answered.
 * Usage: SoakBench SECONDS [CLIENTS]
 */
public final class SoakBench {
    public static void main(String[] args) throws Exception {
        int seconds = Integer.parseInt(args[0]);
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        Path dir = Files.createTempDirectory("soak");
        Path csv = dir.resolve("c.csv");
        CsvWriter.write(LaymanBrothers.generate(2_000, 1), csv);
        Dataset data = CsvReader.read(csv, CsvOptions.labelled("DEFAULT", "ID"));
        LocalModel model = Trainer.train(data, TrainConfig.defaults(Algorithm.RF).withTrees(20), "soak", Progress.NONE);
        Path log = dir.resolve("audit.jsonl");
        GuardConfig c = GuardConfig.defaults().withAuditLog(log.toString()).withProxies(List.of("127.0.0.1"), "refuse")
                .withLimits(10_000, 2_000, 4096);
        GuardedServer server = new GuardedServer(model, InputSchema.infer(data), c).start("127.0.0.1", 0);
        String row = model.schema().featureNames().stream().map(n -> "\"" + n + "\":" + data.row(0)[model.schema().indexOf(n)])
                .reduce((a, b) -> a + "," + b).map(s -> "[{" + s + "}]").orElseThrow();
        String oversized = "[" + " ".repeat(2 << 20) + "]";
        java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream g = new java.util.zip.GZIPOutputStream(zipped)) {
            g.write('[');
            byte[] spaces = " ".repeat(1 << 20).getBytes(StandardCharsets.US_ASCII);
            for (int k = 0; k < 64; k++) {
                g.write(spaces);
            }
        }
        byte[] bomb = zipped.toByteArray();
        AtomicLong bombs = new AtomicLong();
        HttpClient http = HttpClient.newHttpClient();
        AtomicLong sent = new AtomicLong();
        AtomicLong fivexx = new AtomicLong();
        AtomicLong answered = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        Thread[] workers = new Thread[4];
        for (int w = 0; w < workers.length; w++) {
            int id = w;
            workers[w] = new Thread(() -> {
                long i = id;
                while (System.nanoTime() < end) {
                    i += workers.length;
                    String xff = "10." + (i % clients / 65536) + "." + (i % clients / 256 % 256) + "." + (i % 256);
                    try {
                        int kind = (int) (i % 100);
                        if (kind == 99) {
                            slow(server.port());
                            sent.incrementAndGet();
                            answered.incrementAndGet();
                            continue;
                        }
                        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                                + "/predict")).header("X-Forwarded-For", xff);
                        if (kind >= 97) {
                            b.header("Content-Encoding", "gzip").POST(HttpRequest.BodyPublishers.ofByteArray(bomb));
                            bombs.incrementAndGet();
                        } else {
                            String body = kind < 80 ? row : kind < 94 ? "{malformed" : oversized;
                            b.POST(HttpRequest.BodyPublishers.ofString(body));
                        }
                        HttpResponse<Void> r = http.send(b.build(), HttpResponse.BodyHandlers.discarding());
                        sent.incrementAndGet();
                        answered.incrementAndGet();
                        if (r.statusCode() >= 500) {
                            fivexx.incrementAndGet();
                        }
                    } catch (Exception e) {
                        sent.incrementAndGet();
                    }
                }
            });
            workers[w].start();
        }
        long t0 = System.nanoTime();
        while (System.nanoTime() < end) {
            Thread.sleep(10_000);
            System.out.printf("t=%3.0f s requests %,d 5xx %,d rss %s load %s%n", (System.nanoTime() - t0) / 1e9,
                    sent.get(), fivexx.get(), rss(), Files.readString(Path.of("/proc/loadavg")).trim());
        }
        for (Thread t : workers) {
            t.join();
        }
        server.close();
        long lines;
        try (var s = Files.lines(log)) {
            lines = s.count();
        }
        System.out.printf("done: %d s, requests %,d, answered %,d, 5xx %,d, gzip bombs %,d, audit lines %,d%n", seconds,
                sent.get(), answered.get(), fivexx.get(), bombs.get(), lines);
    }

    /** A body that drips one byte every 200 ms until the server cuts it off. */
    static void slow(int port) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("POST /predict HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            try {
                for (int i = 0; i < 100; i++) {
                    out.write(' ');
                    out.flush();
                    Thread.sleep(200);
                }
            } catch (java.io.IOException cut) {
                // cut off by the server, as intended
            }
        }
    }

    static String rss() throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("VmRSS")) {
                return l.substring(6).trim();
            }
        }
        return "?";
    }
}
