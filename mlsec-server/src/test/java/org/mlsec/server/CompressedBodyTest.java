package org.mlsec.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.Progress;
import org.mlsec.data.Dataset;
import org.mlsec.demo.LaymanBrothers;
import org.mlsec.defences.preprocessor.InputSchema;
import org.mlsec.internal.Json;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

/**
 * Issue 20, item 6: a gzip body is bounded by what it inflates to, counted while inflating. A 10 MB gzip of a 10 GiB
 * JSON array used to run 108 s to 5.4 GB; now it is a 413 after inflating max_decompressed_body_bytes.
 */
class CompressedBodyTest {
    @TempDir
    static Path dir;
    static Dataset data;
    static LocalModel model;
    static InputSchema schema;
    GuardedServer server;

    @BeforeAll
    static void train() {
        Path f = dir.resolve("clients.csv");
        org.mlsec.data.CsvWriter.write(LaymanBrothers.generate(400, 7), f);
        data = org.mlsec.data.CsvReader.read(f, org.mlsec.data.CsvOptions.labelled("DEFAULT", "ID"));
        model = Trainer.train(data, TrainConfig.defaults(Algorithm.LR), "t", Progress.NONE);
        schema = InputSchema.infer(data);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** The compressed bytes may be large (64 MiB); what they inflate to is bounded at 8 MiB, the default. */
    void start(Path audit) {
        GuardConfig c = new GuardConfig(true, 1000, 64L << 20, Map.of(), false, 0, 0, 0, "probabilities", 2, 0, 0,
                false, "log", audit == null ? null : audit.toString());
        assertEquals(GuardConfig.DEFAULT_MAX_DECOMPRESSED_BODY_BYTES, c.maxDecompressedBodyBytes());
        server = new GuardedServer(model, schema, c).start("127.0.0.1", 0);
    }

    static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(b)) {
            g.write(plain);
        }
        return b.toByteArray();
    }

    /**
     * A gzip of a JSON array of {@code members × 16 MiB} of records: one maximally compressed member, repeated (gzip
     * members may be concatenated, and GZIPInputStream reads them all as one stream).
     */
    static byte[] bomb(int members) throws IOException {
        byte[] chunk = new byte[16 << 20];
        // A record padded with spaces (still valid JSON) compresses close to deflate's 1,032:1 limit.
        byte[] rec = ("{\"LIMIT_BAL\":1}" + " ".repeat(4096 - 16) + ",").getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = rec[i % rec.length];
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(gzip("[".getBytes(StandardCharsets.US_ASCII)));
        ByteArrayOutputStream one = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(one, 1 << 16) {
            {
                def.setLevel(Deflater.BEST_COMPRESSION);
            }
        }) {
            g.write(chunk);
        }
        byte[] member = one.toByteArray();
        for (int i = 0; i < members; i++) {
            b.write(member);
        }
        return b.toByteArray();
    }

    /** Sends a raw request (the body written from another thread, since the server may answer before it is all sent). */
    record Answer(int status, String body) {
    }

    Answer send(String encoding, byte[] body, boolean chunked) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            String head = "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\n"
                    + (encoding == null ? "" : "Content-Encoding: " + encoding + "\r\n")
                    + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + body.length + "\r\n") + "\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            Thread writer = new Thread(() -> {
                try {
                    for (int off = 0; off < body.length; off += 1 << 16) {
                        int n = Math.min(1 << 16, body.length - off);
                        if (chunked) {
                            out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        }
                        out.write(body, off, n);
                        if (chunked) {
                            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                        }
                    }
                    if (chunked) {
                        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    out.flush();
                } catch (IOException closedByServer) {
                    // the server answered and closed before the whole body was sent: what a refusal should do
                }
            });
            writer.setDaemon(true);
            writer.start();
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(response.substring(9, 12));
            int split = response.indexOf("\r\n\r\n");
            String text = response.substring(split + 4);
            if (response.substring(0, split).toLowerCase().contains("transfer-encoding: chunked")) {
                text = text.substring(text.indexOf("\r\n") + 2, text.lastIndexOf("\r\n0\r\n"));
            }
            return new Answer(status, text.trim());
        }
    }

    String row() {
        return "[" + new GuardedServerTest.HttpClassifierBody(model).of(data.row(0)) + "]";
    }

    @Test
    void aTenMegabyteGzipOfTenGibibytesIsRefusedQuicklyWithBoundedMemory() throws Exception {
        Path audit = dir.resolve("bomb.jsonl");
        start(audit);
        byte[] bomb = bomb(640); // 640 × 16 MiB = 10 GiB inflated
        assertTrue(bomb.length > 5_000_000 && bomb.length < 20_000_000, "bomb of " + bomb.length + " bytes");
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long before = rt.totalMemory() - rt.freeMemory();
        long t0 = System.nanoTime();
        Answer a = send("gzip", bomb, false);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long after = rt.totalMemory() - rt.freeMemory();
        System.err.printf("gzip of %,d bytes (10 GiB inflated) refused in %.2f s, heap +%d MiB%n", bomb.length, seconds,
                (after - before) >> 20);
        assertEquals(413, a.status(), a.body());
        JsonNode err = Json.MAPPER.readTree(a.body());
        assertTrue(err.path("error").asText().contains("max_decompressed_body_bytes"), a.body());
        assertTrue(seconds < 10, "refused after " + seconds + " s");
        // 8 MiB inflated, at most a few copies of it: far from the 10 GiB (or even 1 GiB) it would inflate to.
        assertTrue(after - before < 512L << 20, "heap grew by " + ((after - before) >> 20) + " MiB");
        server.close();
        server = null;
        List<String> lines = java.nio.file.Files.readAllLines(audit);
        assertEquals(1, lines.size(), lines.toString());
        assertEquals(413, Json.MAPPER.readTree(lines.get(0)).path("status").asInt());
    }

    @Test
    void aGzipBodyIsAnsweredAsItsPlainTextIs() throws Exception {
        start(null);
        Answer plain = send(null, row().getBytes(StandardCharsets.UTF_8), false);
        Answer zipped = send("gzip", gzip(row().getBytes(StandardCharsets.UTF_8)), false);
        Answer chunked = send("gzip", gzip(row().getBytes(StandardCharsets.UTF_8)), true);
        assertEquals(200, plain.status(), plain.body());
        assertEquals(plain, zipped);
        assertEquals(plain, chunked);
    }

    @Test
    void aChunkedBombIsCappedTheSameWay() throws Exception {
        start(null);
        Answer a = send("gzip", bomb(64), true);
        assertEquals(413, a.status(), a.body());
        assertTrue(a.body().contains("max_decompressed_body_bytes"), a.body());
    }

    @Test
    void aChunkedPlainBodyIsCappedByMaxBodyBytes() throws Exception {
        GuardConfig c = new GuardConfig(true, 1000, 4096, Map.of(), false, 0, 0, 0, "probabilities", 2, 0, 0,
                false, "log", null);
        server = new GuardedServer(model, schema, c).start("127.0.0.1", 0);
        byte[] big = new byte[1 << 20];
        Arrays.fill(big, (byte) ' ');
        Answer a = send(null, big, true);
        assertEquals(413, a.status(), a.body());
        assertTrue(a.body().contains("4096"), a.body());
    }

    @Test
    void otherEncodingsAre415AndCorruptGzipIs400() throws Exception {
        start(null);
        for (String coding : List.of("br", "deflate", "compress", "gzip, br")) {
            Answer a = send(coding, row().getBytes(StandardCharsets.UTF_8), false);
            assertEquals(415, a.status(), coding + ": " + a.body());
            assertTrue(a.body().contains("Content-Encoding"), a.body());
        }
        Answer notGzip = send("gzip", row().getBytes(StandardCharsets.UTF_8), false);
        assertEquals(400, notGzip.status(), notGzip.body());
        assertTrue(notGzip.body().contains("corrupt gzip"), notGzip.body());
        byte[] good = gzip(row().getBytes(StandardCharsets.UTF_8));
        Answer truncated = send("gzip", Arrays.copyOf(good, good.length - 9), false);
        assertEquals(400, truncated.status(), truncated.body());
        byte[] flipped = good.clone();
        flipped[12] ^= 0x55;
        flipped[13] ^= 0x55;
        Answer corrupt = send("gzip", flipped, false);
        assertEquals(400, corrupt.status(), corrupt.body());
    }
}
