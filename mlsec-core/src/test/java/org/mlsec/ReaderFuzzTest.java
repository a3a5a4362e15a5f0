package org.mlsec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.Schema;
import org.mlsec.defences.integrity.EcMath;
import org.mlsec.defences.integrity.ModelSigning;
import org.mlsec.demo.LaymanBrothers;
import org.mlsec.internal.Json;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Models;
import org.mlsec.model.formats.ModelFormat;
import org.mlsec.model.formats.lightgbm.LightGbmFormat;
import org.mlsec.model.formats.onnx.OnnxFormat;
import org.mlsec.model.formats.pmml.PmmlFormat;
import org.mlsec.model.formats.sklearn.SklearnFormat;
import org.mlsec.model.formats.xgboost.XgboostFormat;

/**
 * Coverage-guided fuzzing of every reader of untrusted files (Jazzer), one target per reader, run with
 * {@code JAZZER_FUZZ=1} ({@code bench/fuzz-readers.sh}, docs/reliability.md). As with the scanner's
 * {@code ScannerFuzzTest}, {@code mvn verify} does not load Jazzer's agent: {@link ReaderFuzzRegressionTest} replays
 * the seeds and every input that ever failed (src/test/resources/org/mlsec/ReaderFuzzTestInputs/TARGET/) through the
 * same targets without it.
 *
 * <p>Each input must read, or be refused with an {@link InputException} whose message is one line and that is not
 * a reader's catch-all for a check it missed (a runtime exception as its cause); no other exception or error may
 * escape; each read takes under one second; a model that is read
 * answers a row of its schema. A signature bundle verifies only when it is a genuine signature, by the fuzzing key,
 * of a statement that names exactly the model's bytes.
 */
@EnabledIfEnvironmentVariable(named = "JAZZER_FUZZ", matches = "1")
class ReaderFuzzTest {
    /** The model file the signature targets check bundles against. */
    static final byte[] CONTENT = "the model file the fuzzed bundles are checked against\n"
            .getBytes(StandardCharsets.UTF_8);

    /** An ECDSA P-256 key pair fixed by its private scalar, so that seed bundles stay valid across runs. */
    static final KeyPair KEYS = fixedKeys();

    /** Whether the last input was read (a model, a dataset) or verified (a bundle), for the regression test. */
    boolean accepted;

    private static final ModelFormat SKLEARN = new SklearnFormat();
    private static final ModelFormat XGBOOST = new XgboostFormat();
    private static final ModelFormat LIGHTGBM = new LightGbmFormat();
    private static final ModelFormat ONNX = new OnnxFormat();
    private static final ModelFormat PMML = new PmmlFormat();

    static KeyPair fixedKeys() {
        try {
            AlgorithmParameters ap = AlgorithmParameters.getInstance("EC");
            ap.init(new ECGenParameterSpec("secp256r1"));
            ECParameterSpec spec = ap.getParameterSpec(ECParameterSpec.class);
            BigInteger s = new BigInteger(1, "mlsec reader fuzzing key".getBytes(StandardCharsets.US_ASCII));
            KeyFactory kf = KeyFactory.getInstance("EC");
            return new KeyPair(kf.generatePublic(new ECPublicKeySpec(EcMath.multiply(spec, s), spec)),
                    kf.generatePrivate(new ECPrivateKeySpec(s, spec)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Runs {@code read}: its result, or null when it refused the input with a clean {@link InputException}. Fails on
     * any other exception or error, on a catch-all, and when the read takes a second or more three times (the first
     * input to reach new code pays for loading and instrumenting it, and a busy machine stalls any one run).
     */
    static <T> T check(Callable<T> read) {
        long t0 = System.nanoTime();
        T out = attempt(read);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        // As ScannerFuzzTest: an input is slow when it is slow three times (the fastest run counts)
        for (int again = 0; again < 2 && ms >= 1000; again++) {
            t0 = System.nanoTime();
            out = attempt(read);
            ms = Math.min(ms, (System.nanoTime() - t0) / 1_000_000);
        }
        assertTrue(ms < 1000, "took " + ms + " ms");
        return out;
    }

    private static <T> T attempt(Callable<T> read) {
        try {
            return read.call();
        } catch (InputException e) {
            refusedCleanly(e);
            return null;
        } catch (Exception | StackOverflowError | OutOfMemoryError e) {
            throw new AssertionError("unexpected " + e, e);
        }
    }

    /**
     * A refusal that names what is wrong in one line, and not a reader's catch-all around a check it missed: those
     * keep the runtime exception they caught as the cause (a message cannot tell, as it may quote the input).
     */
    static void refusedCleanly(InputException e) {
        String m = e.getMessage();
        assertNotNull(m, "an InputException without a message");
        assertFalse(m.isBlank() || m.indexOf('\n') >= 0 || m.indexOf('\r') >= 0, "not one line: " + m);
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (c instanceof Error || (c instanceof RuntimeException && !(c instanceof MlsecException))) {
                throw new AssertionError("a catch-all, not a check: caused by " + c + ": " + m, e);
            }
        }
    }

    /** A model that was read answers a row of its own schema (each feature at its minimum, or 0, or category 0). */
    void answers(LocalModel m) {
        accepted = m != null;
        if (m == null) {
            return;
        }
        Schema s = m.schema();
        double[] row = new double[s.width()];
        for (int j = 0; j < row.length; j++) {
            double min = s.feature(j).min();
            row[j] = s.feature(j).isCategorical() || !Double.isFinite(min) ? 0 : min;
        }
        double[][] p = check(() -> m.predictProba(new double[][] {row}));
        if (p != null) {
            assertEquals(1, p.length);
            assertEquals(m.classes().size(), p[0].length, "one probability per class");
        }
    }

    @FuzzTest(maxDuration = "20m", maxExecutions = 1_000_000)
    void csv(byte[] data) {
        if (data.length == 0) {
            return;
        }
        int mode = (data[0] & 0xff) % 3;
        byte[] text = Arrays.copyOfRange(data, 1, data.length);
        Schema schema = mode == 2 ? LaymanBrothers.schema() : null;
        CsvOptions options = mode == 0 ? CsvOptions.unlabelled() : CsvOptions.labelled(LaymanBrothers.LABEL);
        CsvReader.Report r = check(() -> CsvReader.readReport(Path.of("data.csv"), new ByteArrayInputStream(text),
                schema, options));
        accepted = r != null;
        if (r != null) {
            int width = r.data().schema().width();
            for (double[] row : r.data().x()) {
                assertEquals(width, row.length);
            }
            assertEquals(mode != 0, r.data().labelled());
        }
    }

    @FuzzTest(maxDuration = "20m", maxExecutions = 1_000_000)
    void mlsecModel(byte[] data) {
        answers(check(() -> Models.load(Path.of("model.mlsec"), data)));
    }

    @FuzzTest(maxDuration = "20m", maxExecutions = 1_000_000)
    void sklearn(byte[] data) {
        answers(check(() -> SKLEARN.read(Path.of("model.pkl"), data)));
    }

    @FuzzTest(maxDuration = "20m", maxExecutions = 1_000_000)
    void xgboostJson(byte[] data) {
        answers(check(() -> XGBOOST.read(Path.of("model.json"), data)));
    }

    /** UBJSON: the bytes after the opening '{' (the importer takes a '{' and a UBJSON marker for UBJSON). */
    @FuzzTest(maxDuration = "20m", maxExecutions = 1_000_000)
    void xgboostUbj(byte[] data) {
        byte[] u = new byte[data.length + 1];
        u[0] = '{';
        System.arraycopy(data, 0, u, 1, data.length);
        answers(check(() -> XGBOOST.read(Path.of("model.ubj"), u)));
    }

    @FuzzTest(maxDuration = "20m", maxExecutions = 1_000_000)
    void lightgbm(byte[] data) {
        answers(check(() -> LIGHTGBM.read(Path.of("model.txt"), data)));
    }

    @FuzzTest(maxDuration = "20m", maxExecutions = 1_000_000)
    void onnx(byte[] data) {
        answers(check(() -> ONNX.read(Path.of("model.onnx"), data)));
    }

    @FuzzTest(maxDuration = "60m", maxExecutions = 1_000_000) // 500-900 inputs a second: XML parsing of 14-29 KB seeds
    void pmml(byte[] data) {
        answers(check(() -> PMML.read(Path.of("model.pmml"), data)));
    }

    /** The bytes as a signature file for {@link #CONTENT}: verified only when it is a genuine bundle for it. */
    @FuzzTest(maxDuration = "20m", maxExecutions = 1_000_000)
    void bundle(byte[] data) {
        Result r = check(() -> ModelSigning.verify(Path.of("model.bin"), CONTENT, Path.of("model.bin.sig"), data,
                KEYS.getPublic()));
        accepted = r != null && !r.finding();
        if (accepted) {
            genuine(data);
        }
    }

    /**
     * The bytes as the signed statement of a bundle the target signs with the fuzzing key: past the signature
     * check, the statement's every field is reached. Verified only when it names exactly {@link #CONTENT}.
     */
    @FuzzTest(maxDuration = "24m", maxExecutions = 1_000_000) // about 750 inputs a second: each is signed and verified
    void statement(byte[] data) {
        byte[] bundle = signedBundle(data);
        Result r = check(() -> ModelSigning.verify(Path.of("model.bin"), CONTENT, Path.of("model.bin.sig"), bundle,
                KEYS.getPublic()));
        accepted = r != null && !r.finding();
        if (accepted) {
            genuine(bundle);
        }
    }

    /** A bundle (model_signing's layout) whose envelope carries {@code payload}, signed with the fuzzing key. */
    static byte[] signedBundle(byte[] payload) {
        try {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(KEYS.getPrivate());
            s.update(pae(payload));
            ObjectNode b = Json.MAPPER.createObjectNode();
            b.put("mediaType", "application/vnd.dev.sigstore.bundle.v0.3+json");
            b.putObject("verificationMaterial").putObject("publicKey").put("hint", ModelSigning.hint(KEYS.getPublic()));
            ObjectNode env = b.putObject("dsseEnvelope");
            env.put("payload", Base64.getEncoder().encodeToString(payload));
            env.put("payloadType", "application/vnd.in-toto+json");
            env.putArray("signatures").addObject().put("sig", Base64.getEncoder().encodeToString(s.sign()))
                    .put("keyid", "");
            return b.toString().getBytes(StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** DSSE's pre-authentication encoding of an in-toto payload, written out here from the DSSE specification. */
    private static byte[] pae(byte[] payload) {
        String type = "application/vnd.in-toto+json";
        byte[] head = ("DSSEv1 " + type.length() + " " + type + " " + payload.length + " ")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] out = Arrays.copyOf(head, head.length + payload.length);
        System.arraycopy(payload, 0, out, head.length, payload.length);
        return out;
    }

    /**
     * What a verified bundle must be, checked without mlsec's verifier: JSON whose envelope's first signature holds
     * for its payload under the fuzzing key, the payload a statement whose resources are one file, {@code "."},
     * with the SHA-256 of {@link #CONTENT}, and whose subject digest is the digest of that digest.
     */
    static void genuine(byte[] bundle) {
        try {
            JsonNode b = Json.MAPPER.readTree(bundle);
            JsonNode env = b.path("dsseEnvelope");
            byte[] payload = Base64.getDecoder().decode(env.path("payload").asText());
            byte[] sig = Base64.getDecoder().decode(env.path("signatures").path(0).path("sig").asText());
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initVerify(KEYS.getPublic());
            s.update(pae(payload));
            assertTrue(s.verify(sig), "verified, but the signature does not hold");
            JsonNode st = Json.MAPPER.readTree(payload);
            JsonNode res = st.path("predicate").path("resources");
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(CONTENT);
            assertEquals(1, res.size(), "verified, but the statement lists " + res.size() + " files: " + res);
            assertEquals(".", res.path(0).path("name").asText(), "verified, but the file is not '.': " + res);
            assertArrayEquals(digest, HexFormat.of().parseHex(res.path(0).path("digest").asText()),
                    "verified, but the digest is another file's: " + res);
            assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(digest)),
                    st.at("/subject/0/digest/sha256").asText(), "verified, but the subject digest is wrong");
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new AssertionError("verified, but the bundle is not a genuine one: " + e, e);
        }
    }
}
