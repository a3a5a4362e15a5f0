package org.mlsec;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.mlsec.data.CsvWriter;
import org.mlsec.data.Dataset;
import org.mlsec.defences.integrity.ModelSigning;
import org.mlsec.demo.LaymanBrothers;
import org.mlsec.internal.Json;
import org.mlsec.model.Algorithm;
import org.mlsec.model.ModelIo;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

/**
 * Writes the seeds of {@link ReaderFuzzTest} into src/test/resources/org/mlsec/ReaderFuzzTestInputs/TARGET/: small
 * models mlsec trains and saves, small committed fixtures of each imported format (one XGBoost JSON fixture
 * re-encoded as UBJSON), a CSV of the demo data, and a bundle signed with the fuzzing key. Run from mlsec-core with
 * the test classpath ({@code mvn -o -q test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt
 * -Dmdep.includeScope=test}, then {@code java -cp target/test-classes:target/classes:$(cat cp.txt)
 * org.mlsec.ReaderFuzzSeeds}); the bundle's ECDSA signature differs from run to run. It needs no Python: the
 * imported fixtures were made once by the scripts beside them.
 */
public final class ReaderFuzzSeeds {
    private ReaderFuzzSeeds() {
    }

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : "src/test/resources/org/mlsec/ReaderFuzzTestInputs");
        Path fixtures = Path.of("src/test/resources/fixtures");
        Dataset data = LaymanBrothers.generate(40, 42);
        Path tmp = Files.createTempDirectory("seeds");

        Path csv = tmp.resolve("data.csv");
        CsvWriter.write(data, csv);
        byte[] text = Files.readAllBytes(csv);
        for (int mode = 0; mode < 3; mode++) {
            write(root, "csv", "seed-layman-mode" + mode, concat(new byte[] {(byte) mode}, text));
        }
        write(root, "csv", "seed-quoted", "\0a,b,c\n\"1,5\",x,2\n\"q\"\"q\",2,3\r\n".getBytes(StandardCharsets.UTF_8));

        for (Algorithm a : Algorithm.values()) {
            TrainConfig c = new TrainConfig(a, 2, 3, 5, 1.0, 0.3, 1.0, 42, 1);
            Path m = tmp.resolve(a.name() + ".mlsec");
            ModelIo.save(Trainer.train(data, c, "seed", Progress.NONE), m);
            write(root, "mlsecModel", "seed-" + a.name().toLowerCase(), Files.readAllBytes(m));
        }
        write(root, "mlsecModel", "seed-tree-gzip", gzip(Files.readAllBytes(tmp.resolve("TREE.mlsec"))));

        for (String f : List.of("lr_pipeline.pkl", "lr_marriage3_ovr.pkl", "ct_lr.pkl", "ct_passthrough_tree.pkl")) {
            copy(fixtures.resolve("sklearn").resolve(f), root, "sklearn");
        }
        // refused by design (a dropped one-hot category): the refusal's own path is fuzzed too
        write(root, "sklearn", "seed-refused-ct_drop_first.pkl",
                Files.readAllBytes(fixtures.resolve("sklearn").resolve("ct_drop_first.pkl")));
        for (String f : List.of("gblinear.json", "logitraw.json", "softmax2.json")) {
            copy(fixtures.resolve("xgboost").resolve(f), root, "xgboostJson");
        }
        for (String f : List.of("gblinear.json", "logitraw.json")) {
            byte[] u = ubjson(Json.MAPPER.readTree(fixtures.resolve("xgboost").resolve(f).toFile()));
            // the target adds the opening '{'
            write(root, "xgboostUbj", "seed-" + f.replace(".json", ".ubj"), java.util.Arrays.copyOfRange(u, 1, u.length));
        }
        write(root, "lightgbm", "seed-zero-two-trees.model.txt",
                firstTrees(Files.readString(fixtures.resolve("lightgbm").resolve("zero.model.txt")), 2));
        for (String f : List.of("categorical.model.txt", "ova.model.txt")) { // not white-box: refused by design
            write(root, "lightgbm", "seed-refused-" + f, Files.readAllBytes(fixtures.resolve("lightgbm").resolve(f)));
        }
        write(root, "onnx", "seed-refused-matmul_sigmoid.onnx", // a black box, not white-box
                Files.readAllBytes(fixtures.resolve("onnx").resolve("matmul_sigmoid.onnx")));
        for (String f : List.of("lr_scaler.onnx", "lr_ovr_marriage3.onnx", "xgb_tree_ensemble_v5.onnx")) {
            copy(fixtures.resolve("onnx").resolve(f), root, "onnx");
        }
        for (String f : List.of("sklearn-logistic.pmml", "sklearn-tree.pmml")) {
            copy(fixtures.resolve("pmml").resolve(f), root, "pmml");
        }

        Path model = tmp.resolve("model.bin");
        Files.write(model, ReaderFuzzTest.CONTENT);
        String bundle = ModelSigning.sign(model, ReaderFuzzTest.KEYS.getPrivate(), ReaderFuzzTest.KEYS.getPublic(),
                List.of());
        write(root, "bundle", "seed-signed", bundle.getBytes(StandardCharsets.UTF_8));
        byte[] payload = Base64.getDecoder().decode(Json.MAPPER.readTree(bundle).at("/dsseEnvelope/payload").asText());
        write(root, "statement", "seed-signed", payload);
    }

    /** A LightGBM text model cut to its first {@code n} trees (its tree_sizes cut to match). */
    static byte[] firstTrees(String model, int n) {
        StringBuilder out = new StringBuilder();
        boolean keep = true;
        for (String line : model.split("\n", -1)) {
            if (line.startsWith("Tree=")) {
                keep = Integer.parseInt(line.substring(5)) < n;
            } else if (line.startsWith("end of trees")) {
                keep = true;
            }
            if (line.startsWith("tree_sizes=")) {
                String[] sizes = line.substring(11).split(" ");
                line = "tree_sizes=" + String.join(" ", java.util.Arrays.copyOf(sizes, n));
            }
            if (keep) {
                out.append(line).append('\n');
            }
        }
        return out.substring(0, out.length() - 1).getBytes(StandardCharsets.UTF_8);
    }

    private static void copy(Path fixture, Path root, String target) throws IOException {
        write(root, target, "seed-" + fixture.getFileName(), Files.readAllBytes(fixture));
    }

    private static void write(Path root, String target, String name, byte[] bytes) throws IOException {
        Path dir = root.resolve(target);
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), bytes);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(b);
        }
        return out.toByteArray();
    }

    /** UBJSON (Draft 12) as XGBoost writes it: arrays of numbers as typed float32 arrays, keys as strings. */
    static byte[] ubjson(JsonNode n) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        value(n, out);
        return out.toByteArray();
    }

    private static void value(JsonNode n, ByteArrayOutputStream out) {
        if (n.isObject()) {
            out.write('{');
            for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) n::fields) {
                string(e.getKey(), out);
                value(e.getValue(), out);
            }
            out.write('}');
        } else if (n.isArray()) {
            boolean numbers = n.size() > 0;
            for (JsonNode v : n) {
                numbers &= v.isNumber();
            }
            if (numbers) {
                out.write('[');
                out.write('$');
                out.write('d');
                out.write('#');
                out.write('l');
                int32(n.size(), out);
                for (JsonNode v : n) {
                    int32(Float.floatToIntBits((float) v.asDouble()), out);
                }
            } else {
                out.write('[');
                for (JsonNode v : n) {
                    value(v, out);
                }
                out.write(']');
            }
        } else if (n.isIntegralNumber()) {
            out.write('L');
            long v = n.asLong();
            for (int k = 56; k >= 0; k -= 8) {
                out.write((int) (v >>> k) & 0xff);
            }
        } else if (n.isNumber()) {
            out.write('d');
            int32(Float.floatToIntBits((float) n.asDouble()), out);
        } else if (n.isBoolean()) {
            out.write(n.asBoolean() ? 'T' : 'F');
        } else if (n.isNull()) {
            out.write('Z');
        } else {
            out.write('S');
            string(n.asText(), out);
        }
    }

    private static void string(String s, ByteArrayOutputStream out) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write('l');
        int32(b.length, out);
        out.write(b, 0, b.length);
    }

    private static void int32(int v, ByteArrayOutputStream out) {
        out.write(v >>> 24);
        out.write((v >>> 16) & 0xff);
        out.write((v >>> 8) & 0xff);
        out.write(v & 0xff);
    }
}
