package org.mlsec.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.CsvWriter;
import org.mlsec.data.Dataset;
import org.mlsec.demo.LaymanBrothers;
import org.mlsec.internal.Json;
import org.mlsec.model.LocalModel;
import org.mlsec.model.ModelIo;
import org.mlsec.model.Models;

/**
 * {@code mlsec serve} as it runs: a separate JVM started with the command line, answering over HTTP until it is
 * stopped. A schema of the full data guards a model of some of its columns; a model of another library and an ONNX
 * graph run through ONNX Runtime are served; {@code serve --upstream} guards one served model as a proxy.
 */
class ServeProcessTest {
    static final String SUBSET = "LIMIT_BAL,AGE,PAY_0,PAY_2,BILL_AMT1,PAY_AMT1";
    static final Path FIXTURES = Path.of("../mlsec-core/src/test/resources/fixtures");

    @TempDir
    Path dir;
    final List<Process> started = new ArrayList<>();
    final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : started) {
            p.destroy();
            if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    /** A running {@code mlsec serve}: its port and what it said on stderr. */
    record Served(int port, Path err) {
        String said() throws IOException {
            return Files.readString(err);
        }
    }

    Served serve(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.mlsec.cli.Main", "serve", "--port", "0"));
        cmd.addAll(List.of(args));
        int n = started.size();
        Path out = dir.resolve("serve" + n + ".out");
        Path err = dir.resolve("serve" + n + ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        started.add(p);
        Pattern port = Pattern.compile("on http://127\\.0\\.0\\.1:(\\d+) ");
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            Matcher m = port.matcher(Files.readString(out));
            if (m.find()) {
                return new Served(Integer.parseInt(m.group(1)), err);
            }
            if (!p.isAlive()) {
                throw new AssertionError("serve exited with " + p.exitValue() + ": " + Files.readString(err));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("serve did not start within 60 s: " + Files.readString(err));
    }

    HttpResponse<String> post(Served s, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The rows as JSON records of the named columns, their values as the CSV has them. */
    static String records(Path csv, List<String> columns, int from, int to) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        List<String> header = List.of(lines.get(0).split(","));
        StringBuilder sb = new StringBuilder("[");
        for (int i = from; i < to; i++) {
            String[] cells = lines.get(i + 1).split(",", -1);
            sb.append(i > from ? "," : "").append("{");
            for (int j = 0; j < columns.size(); j++) {
                sb.append(j > 0 ? "," : "").append('"').append(columns.get(j)).append("\":")
                        .append(cells[header.indexOf(columns.get(j))]);
            }
            sb.append("}");
        }
        return sb.append("]").toString();
    }

    Path clients() {
        Path f = dir.resolve("clients.csv");
        CsvWriter.write(LaymanBrothers.generate(2_000, 3), f);
        return f;
    }

    @Test
    void aFullDataSchemaGuardsASubsetModelAndAProxyGuardsTheServer() throws Exception {
        Path data = clients();
        Path model = dir.resolve("m.mlsec");
        assertEquals(0, Cli.run("train", "--data", data.toString(), "--label", "DEFAULT", "--drop", "ID", "--features",
                SUBSET, "--trees", "10", "--test-fraction", "0", "--out", model.toString()).code());
        Path schema = dir.resolve("full.json");
        assertEquals(0, Cli.run("schema", "infer", "--data", data.toString(), "--label", "DEFAULT", "--drop", "ID",
                "--out", schema.toString()).code());
        Served server = serve("--model", model.toString(), "--schema", schema.toString());
        String said = server.said();
        assertTrue(said.contains("EDUCATION") && said.contains("ignored") && !said.contains("'LIMIT_BAL'"), said);
        assertEquals(1, said.split("are not inputs of the model", -1).length - 1, "said once: " + said);
        List<String> fields = List.of(SUBSET.split(","));
        String rows = records(data, fields, 0, 50);
        HttpResponse<String> direct = post(server, "/predict_proba", rows);
        assertEquals(200, direct.statusCode(), direct.body());
        LocalModel m = ModelIo.load(model);
        Dataset d = CsvReader.read(data, m.schema(), CsvOptions.labelled("DEFAULT"));
        JsonNode j = Json.MAPPER.readTree(direct.body());
        for (int i = 0; i < 50; i++) {
            assertEquals(m.predictProba(new double[][] {d.row(i)})[0][1], j.at("/probability/" + i + "/1").asDouble(), 1e-9);
        }
        assertEquals(422, post(server, "/predict", rows.replaceFirst("\"AGE\":\\d+", "\"AGE\":500")).statusCode());

        // The proxy in front of it: the same answers, the same refusals, and the bad row never forwarded.
        Path audit = dir.resolve("proxy-audit.jsonl");
        Served proxy = serve("--upstream", "http://127.0.0.1:" + server.port() + "/predict_proba", "--schema",
                schema.toString(), "--features", SUBSET, "--classes", "0,1", "--audit-log", audit.toString());
        assertTrue(proxy.said().contains("EDUCATION"), proxy.said());
        HttpResponse<String> proxied = post(proxy, "/predict_proba", rows);
        assertEquals(200, proxied.statusCode(), proxied.body());
        assertEquals(direct.body(), proxied.body());
        HttpResponse<String> bad = post(proxy, "/predict", rows.replaceFirst("\"AGE\":\\d+", "\"AGE\":500"));
        assertEquals(422, bad.statusCode(), bad.body());
        assertTrue(bad.body().contains("\"field\":\"AGE\""), bad.body());
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port()
                + "/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(health.body().contains("\"upstream\":\"http://127.0.0.1:" + server.port()), health.body());
    }

    @Test
    void servesAnOnnxGraphThroughOnnxRuntimeAndAnXgboostModel() throws Exception {
        Path data = clients();
        Path lr = dir.resolve("lr.mlsec");
        assertEquals(0, Cli.run("train", "--data", data.toString(), "--label", "DEFAULT", "--drop", "ID", "--features",
                SUBSET, "--algo", "lr", "--test-fraction", "0", "--out", lr.toString()).code());
        Path onnx = dir.resolve("lr.onnx");
        assertEquals(0, Cli.run("export", "--model", lr.toString(), "--out", onnx.toString()).code());
        Path schema = dir.resolve("subset.json");
        Path subset = Files.write(dir.resolve("subset.csv"), Files.readAllLines(data).stream().map(l -> {
            String[] c = l.split(",");
            return String.join(",", c[1], c[5], c[6], c[7], c[12], c[18], c[24]);
        }).toList());
        assertEquals(0, Cli.run("schema", "infer", "--data", subset.toString(), "--label", "DEFAULT", "--out",
                schema.toString()).code());
        Cli noSchema = Cli.run("serve", "--model", onnx.toString(), "--port", "0");
        assertEquals(2, noSchema.code(), noSchema.err());
        assertTrue(noSchema.err().contains("runs as a black box: give --schema"), noSchema.err());
        Served s = serve("--model", onnx.toString(), "--schema", schema.toString(), "--classes", "0,1");
        assertTrue(s.said().contains("ONNX Runtime"), s.said());
        List<String> header = List.of(Files.readAllLines(subset).get(0).split(","));
        String rows = records(subset, header.subList(0, 6), 0, 20);
        HttpResponse<String> r = post(s, "/predict_proba", rows);
        assertEquals(200, r.statusCode(), r.body());
        LocalModel m = ModelIo.load(lr);
        Dataset d = CsvReader.read(subset, m.schema(), CsvOptions.labelled("DEFAULT"));
        JsonNode j = Json.MAPPER.readTree(r.body());
        for (int i = 0; i < 20; i++) {
            assertEquals(m.predictProba(new double[][] {d.row(i)})[0][1], j.at("/probability/" + i + "/1").asDouble(), 1e-4);
        }

        Assumptions.assumeTrue(Files.isRegularFile(RealDataTest.REAL), "the real data is not in ../shared");
        Path xgb = FIXTURES.resolve("xgboost/binary.json");
        LocalModel x = Models.load(xgb);
        Served xs = serve("--model", xgb.toString(), "--reference", RealDataTest.REAL.toString());
        String xrows = records(RealDataTest.REAL, x.schema().featureNames(), 0, 20);
        HttpResponse<String> xr = post(xs, "/predict", xrows);
        assertEquals(200, xr.statusCode(), xr.body());
        Dataset real = CsvReader.read(RealDataTest.REAL, x.schema(), CsvOptions.unlabelled());
        int[] want = x.predict(java.util.Arrays.copyOf(real.x(), 20));
        int[] got = new int[20];
        JsonNode xj = Json.MAPPER.readTree(xr.body()).get("prediction");
        for (int i = 0; i < 20; i++) {
            got[i] = x.schema().classIndex(xj.get(i).asText());
        }
        assertArrayEquals(want, got);
    }
}
