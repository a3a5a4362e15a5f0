package org.mlsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command on the user's own model: files made by scikit-learn, XGBoost, LightGBM, ONNX and PMML exporters,
 * copied under a name that says nothing of their format, inspected, evaluated, attacked white-box, audited and
 * checked with canaries on the real credit data.
 */
class ImportedModelsCliTest {
    static final Path FIXTURES = Path.of("../mlsec-core/src/test/resources/fixtures");

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"sklearn/rf.pkl", "sklearn/gbc_binary.joblib", "sklearn/ct_rf.pkl",
        "sklearn/rf_small.joblib.xz", "xgboost/binary.json", "xgboost/binary.ubj", "lightgbm/binary.model.txt",
        "onnx/rf_binary.onnx", "onnx/gb_binary.onnx", "pmml/sklearn-forest.pmml.gz", "pmml/xgboost-binary.pmml"})
    void everyCommandWorksWhiteBoxOnAnImportedModel(String fixture) throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(RealDataTest.REAL), "the real data is not in ../shared");
        String real = RealDataTest.REAL.toString();
        Path model = Files.copy(FIXTURES.resolve(fixture), dir.resolve("model.bin"));

        Path inspect = dir.resolve("inspect.json");
        Cli i = Cli.run("inspect", "--model", model.toString(), "--json", inspect.toString());
        assertEquals(0, i.code(), i.err());
        assertTrue(i.out().contains("read from "), i.out());
        JsonNode ij = CliTest.json(inspect);
        assertTrue(ij.get("trees").asInt() > 0 && ij.has("format") && ij.has("sha256"), ij.toString());

        Path eval = dir.resolve("eval.json");
        Cli e = Cli.run("evaluate", "--model", model.toString(), "--data", real, "--label", "DEFAULT", "--json",
                eval.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(CliTest.json(eval).get("accuracy").asDouble() > 0.8, e.out());

        Path evade = dir.resolve("evade.json");
        Cli v = Cli.run("attack", "evade", "--model", model.toString(), "--data", real, "--label", "DEFAULT",
                "--from", "1", "--to", "0", "--rows", "8", "--method", "tree", "--immutable", "SEX,AGE",
                "--json", evade.toString());
        assertEquals(0, v.code(), v.err());
        JsonNode vj = CliTest.json(evade);
        assertEquals("tree", vj.get("method").asText());
        assertTrue(vj.get("success_rate").asDouble() > 0.5, vj.toString());

        Path canaries = dir.resolve("canaries.json");
        Cli cr = Cli.run("canary", "record", "--model", model.toString(), "--data", real, "--out", canaries.toString());
        assertEquals(0, cr.code(), cr.err());
        Cli cc = Cli.run("canary", "check", "--model", model.toString(), "--canaries", canaries.toString());
        assertEquals(0, cc.code(), cc.out() + cc.err());

        Path out = dir.resolve("audit");
        Cli a = Cli.run("audit", "--model", model.toString(), "--data", real, "--label", "DEFAULT", "--drop", "ID",
                "--budget", "quick", "--only", "supply-chain,model-inversion,evasion", "--out", out.toString());
        assertTrue(a.code() == 0 || a.code() == 1, a.err());
        JsonNode report = CliTest.json(out.resolve("report.json"));
        boolean exposure = false;
        boolean whiteBoxEvasion = false;
        for (JsonNode f : report.get("findings")) {
            exposure |= f.get("threat").asText().equals("model-inversion") && f.get("title").asText().contains("exposes");
            whiteBoxEvasion |= f.get("threat").asText().equals("evasion")
                    && f.path("metrics").path("method").asText().equals("tree");
        }
        assertTrue(exposure && whiteBoxEvasion, report.get("findings").toString());
    }

    /**
     * The talk's supply-chain attack on the real scikit-learn 0.22 pickle: classes_ rewritten to [1, 1] in the
     * opcode stream; the signature, the canaries and the scanner all catch it, and the model now answers "default".
     */
    @Test
    void theTalksPickleIsTamperedAndCaught() throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(RealDataTest.REAL), "the real data is not in ../shared");
        Path pickle = Path.of("../../shared/fixtures/sklearn-0.22-random-forest.pkl");
        Assumptions.assumeTrue(Files.isRegularFile(pickle), "the 0.22 pickle is not in ../shared");
        Path model = Files.copy(pickle, dir.resolve("rf.pkl"));
        // The pickle was fitted on an array: its inputs are x0..x9, the talk's eight features and SEX one-hot.
        Path data = dir.resolve("talk-matrix.csv");
        StringBuilder csv = new StringBuilder("x0,x1,x2,x3,x4,x5,x6,x7,x8,x9,DEFAULT\n");
        java.util.List<String> lines = Files.readAllLines(RealDataTest.REAL);
        java.util.List<String> header = java.util.List.of(lines.get(0).split(","));
        int[] cols = java.util.stream.Stream.of("LIMIT_BAL", "AGE", "PAY_0", "PAY_2", "PAY_3", "BILL_AMT1", "BILL_AMT2",
                "PAY_AMT1").mapToInt(header::indexOf).toArray();
        int sex = header.indexOf("SEX");
        int label = header.indexOf("DEFAULT");
        for (String line : lines.subList(1, lines.size())) {
            String[] v = line.split(",");
            for (int c : cols) {
                csv.append(v[c]).append(',');
            }
            csv.append(v[sex].equals("1") ? "1,0," : "0,1,").append(v[label]).append('\n');
        }
        Files.writeString(data, csv);

        Path keys = dir.resolve("keys");
        assertEquals(0, Cli.run("keygen", "--out", keys.toString()).code());
        Path sig = dir.resolve("rf.sig");
        assertEquals(0, Cli.run("sign", model.toString(), "--private-key", keys.resolve("private-key.pem").toString(),
                "--signature", sig.toString()).code());
        Path canaries = dir.resolve("canaries.json");
        Cli rec = Cli.run("canary", "record", "--model", model.toString(), "--data", data.toString(), "--label",
                "DEFAULT", "--out", canaries.toString());
        assertEquals(0, rec.code(), rec.err());

        Path evil = dir.resolve("evil.pkl");
        Path json = dir.resolve("tamper.json");
        Cli t = Cli.run("attack", "tamper", "--model", model.toString(), "--out", evil.toString(), "--mode",
                "flip-classes", "--data", data.toString(), "--label", "DEFAULT", "--json", json.toString());
        assertEquals(0, t.code(), t.err());
        JsonNode j = CliTest.json(json);
        assertEquals(0.82, j.get("accuracy_before").asDouble(), 0.01, "the talk's 82%");
        assertEquals(0.2212, j.get("accuracy_after").asDouble(), 0.001, "everyone is now 'default'");

        Cli v = Cli.run("verify", evil.toString(), "--signature", sig.toString(), "--public-key",
                keys.resolve("public-key.pem").toString());
        assertEquals(1, v.code(), v.out());
        Cli c = Cli.run("canary", "check", "--model", evil.toString(), "--canaries", canaries.toString());
        assertEquals(1, c.code(), c.out());
        Cli s = Cli.run("scan", evil.toString());
        assertEquals(1, s.code(), s.out());
        assertTrue(s.out().contains("names class '1' twice"), s.out());
        assertEquals(0, Cli.run("scan", model.toString()).code(), "the genuine pickle scans clean");
    }

    /** A pickle whose REDUCE would run os.system: every command refuses it by the global's name, and nothing runs. */
    @Test
    void aPickleThatCallsOsSystemIsRefusedByEveryCommandAndNeverRuns() throws IOException {
        Path marker = dir.resolve("pwned");
        String cmd = "touch " + marker;
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.write(new byte[] {(byte) 0x80, 2});
        b.writeBytes("cos\nsystem\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)); // GLOBAL os.system
        byte[] text = cmd.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        b.write('X'); // BINUNICODE
        b.writeBytes(java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(text.length).array());
        b.writeBytes(text);
        b.write((byte) 0x85); // TUPLE1
        b.write('R'); // REDUCE
        b.write('.'); // STOP
        Path evil = Files.write(dir.resolve("model.joblib"), b.toByteArray());
        Path data = Files.writeString(dir.resolve("d.csv"), "a,b,y\n1,2,0\n3,4,1\n");
        String[][] commands = {
            {"inspect", "--model", evil.toString()},
            {"evaluate", "--model", evil.toString(), "--data", data.toString(), "--label", "y"},
            {"predict", "--model", evil.toString(), "--data", data.toString()},
            {"canary", "record", "--model", evil.toString(), "--data", data.toString(), "--out", dir.resolve("c").toString()},
            {"attack", "evade", "--model", evil.toString(), "--data", data.toString(), "--label", "y", "--to", "1"},
            {"audit", "--model", evil.toString(), "--data", data.toString(), "--label", "y", "--out", dir.resolve("a").toString()},
            {"export", "--model", evil.toString(), "--format", "onnx", "--out", dir.resolve("e.onnx").toString()},
            {"serve", "--model", evil.toString(), "--port", "0"},
        };
        for (String[] c : commands) {
            Cli r = Cli.run(c);
            assertEquals(2, r.code(), String.join(" ", c) + ": " + r.err());
            assertTrue(r.err().contains("os.system"), String.join(" ", c) + ": " + r.err());
        }
        Cli s = Cli.run("scan", evil.toString());
        assertTrue(s.code() == 1 && s.out().contains("os.system"), s.out());
        assertTrue(!Files.exists(marker), "the payload ran");
    }

    /** Reference models are trained like an imported model, from the hyperparameters its file records. */
    @Test
    void membershipInferenceTrainsReferencesLikeTheImportedModel() throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(RealDataTest.REAL), "the real data is not in ../shared");
        java.util.List<String> lines = Files.readAllLines(RealDataTest.REAL);
        Path members = Files.write(dir.resolve("members.csv"), lines.subList(0, 1501));
        java.util.List<String> other = new java.util.ArrayList<>(lines.subList(0, 1));
        other.addAll(lines.subList(20_001, 21_500));
        Path nonMembers = Files.write(dir.resolve("non-members.csv"), other);
        Path model = Files.copy(FIXTURES.resolve("lightgbm/binary.model.txt"), dir.resolve("model.txt"));
        Path json = dir.resolve("mia.json");
        Cli r = Cli.run("attack", "membership", "--model", model.toString(), "--members", members.toString(),
                "--non-members", nonMembers.toString(), "--label", "DEFAULT", "--method", "rmia", "--references", "2",
                "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode j = CliTest.json(json);
        double auc = j.get("auc").asDouble();
        assertTrue(auc > 0.5 && auc < 1, j.toString());
        Cli i = Cli.run("inspect", "--model", model.toString());
        assertTrue(i.out().contains("max_depth=5") && i.out().contains("trees=100"), i.out());
    }
}
