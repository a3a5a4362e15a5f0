package org.mlsec.defences.integrity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.Result;

class ModelSigningTest {
    static final Path FIXTURES = Path.of("../../shared/fixtures/model-signing");

    @TempDir
    Path dir;

    static PublicKey referenceKey() {
        return Pem.readPublic(FIXTURES.resolve("signing-key-pub.pem"));
    }

    static void assumeFixtures() {
        Assumptions.assumeTrue(Files.isDirectory(FIXTURES), "model-signing fixtures not in ../shared");
    }

    /** A copy we may modify (the fixtures are read-only). */
    Path copy(String version) throws IOException {
        Path to = dir.resolve(version);
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(FIXTURES.resolve(version))) {
            for (Path p : s.toList()) {
                Files.copy(p, to.resolve(p.getFileName()));
                to.resolve(p.getFileName()).toFile().setWritable(true);
            }
        }
        return to;
    }

    @Test
    void acceptsTheReferenceToolsBundlesOfEveryFormatVersion() {
        assumeFixtures();
        Path v100 = FIXTURES.resolve("v1.0.0-elliptic-key");
        Result r = ModelSigning.verify(v100.resolve("signme-1"), v100.resolve("model.sig"), referenceKey(), List.of(), false);
        assertFalse(r.finding(), r.details().toString());
        for (String v : List.of("v1.0.1-elliptic-key", "v1.1.0-elliptic-key")) {
            Path m = FIXTURES.resolve(v);
            List<String> ignore = ModelSigning.relativeIgnores(m, List.of(m.resolve("ignore-me").toString()), m.resolve("model.sig"));
            Result rv = ModelSigning.verify(m, m.resolve("model.sig"), referenceKey(), ignore, false);
            assertFalse(rv.finding(), v + ": " + rv.details());
            assertEquals(2.0, rv.metric("files"));
        }
    }

    @Test
    void rejectsAChangedByteAMissingFileAndAnUnsignedOne() throws IOException {
        assumeFixtures();
        Path m = copy("v1.1.0-elliptic-key");
        Path sig = m.resolve("model.sig");
        List<String> ignore = ModelSigning.relativeIgnores(m, List.of(), sig);
        Files.writeString(m.resolve("signme-2"), "signme-X");
        Result r = ModelSigning.verify(m, sig, referenceKey(), ignore, false);
        assertTrue(r.finding() && r.details().get(0).startsWith("changed: signme-2"), r.details().toString());

        Files.delete(m.resolve("signme-2"));
        r = ModelSigning.verify(m, sig, referenceKey(), ignore, false);
        assertTrue(r.details().get(0).startsWith("missing: signme-2"), r.details().toString());

        Files.copy(FIXTURES.resolve("v1.1.0-elliptic-key/signme-2"), m.resolve("signme-2"));
        Files.writeString(m.resolve("extra.bin"), "x");
        r = ModelSigning.verify(m, sig, referenceKey(), ignore, false);
        assertTrue(r.finding() && r.details().get(0).startsWith("added: extra.bin"), r.details().toString());
        assertFalse(ModelSigning.verify(m, sig, referenceKey(), ignore, true).finding(), "unsigned files tolerated");
    }

    @Test
    void rejectsAnotherKeyAndATruncatedBundle() throws IOException {
        assumeFixtures();
        PublicKey other = ModelSigning.generateKeyPair().getPublic();
        Path v100 = FIXTURES.resolve("v1.0.0-elliptic-key");
        Result r = ModelSigning.verify(v100.resolve("signme-1"), v100.resolve("model.sig"), other, List.of(), false);
        assertTrue(r.finding() && r.details().get(0).contains("does not verify"), r.details().toString());
        Path m = FIXTURES.resolve("v1.1.0-elliptic-key");
        r = ModelSigning.verify(m, m.resolve("model.sig"), other, List.of("ignore-me"), false);
        assertTrue(r.details().get(0).contains("another key"), r.details().toString());

        Path cut = dir.resolve("cut.sig");
        byte[] b = Files.readAllBytes(m.resolve("model.sig"));
        Files.write(cut, java.util.Arrays.copyOf(b, b.length / 2));
        r = ModelSigning.verify(m, cut, referenceKey(), List.of("ignore-me"), false);
        assertTrue(r.finding() && r.details().get(0).contains("malformed or truncated"), r.details().toString());
    }

    @Test
    void signsAndVerifiesAFolderRoundTrip() throws IOException {
        KeyPair k = ModelSigning.generateKeyPair();
        Path model = dir.resolve("model");
        Files.createDirectories(model.resolve("weights"));
        Files.writeString(model.resolve("config.json"), "{}");
        Files.write(model.resolve("weights/part-1.bin"), new byte[1 << 20]);
        Files.writeString(model.resolve(".gitignore"), "ignored by default");
        Path sig = model.resolve("model.sig");
        Files.writeString(sig, ModelSigning.sign(model, k.getPrivate(), k.getPublic(),
                ModelSigning.relativeIgnores(model, List.of(), sig)));
        Result ok = ModelSigning.verify(model, sig, k.getPublic(), List.of(), false);
        assertFalse(ok.finding(), ok.details().toString());
        assertEquals(2.0, ok.metric("files"));
        Files.write(model.resolve("weights/part-1.bin"), new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
        Result bad = ModelSigning.verify(model, sig, k.getPublic(), List.of(), false);
        assertTrue(bad.finding() && bad.details().get(0).startsWith("changed: weights/part-1.bin"), bad.details().toString());
    }

    /** A bundle built by hand from the specification verifies, so the two sides agree on PAE and digests. */
    @Test
    void verifiesABundleBuiltByHandFromTheSpecification() throws Exception {
        KeyPair k = ModelSigning.generateKeyPair();
        Path file = dir.resolve("model.bin");
        Files.writeString(file, "weights");
        String fileDigest = HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest("weights".getBytes(StandardCharsets.UTF_8)));
        String subject = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(HexFormat.of().parseHex(fileDigest)));
        String statement = "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"model.bin\","
                + "\"digest\":{\"sha256\":\"" + subject + "\"}}],\"predicateType\":\"https://model_signing/signature/v1.0\","
                + "\"predicate\":{\"serialization\":{\"method\":\"files\",\"hash_type\":\"sha256\",\"allow_symlinks\":false},"
                + "\"resources\":[{\"name\":\".\",\"algorithm\":\"sha256\",\"digest\":\"" + fileDigest + "\"}]}}";
        byte[] payload = statement.getBytes(StandardCharsets.UTF_8);
        String pae = "DSSEv1 28 application/vnd.in-toto+json " + payload.length + " " + statement;
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(k.getPrivate());
        s.update(pae.getBytes(StandardCharsets.UTF_8));
        String bundle = "{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\",\"verificationMaterial\":"
                + "{\"publicKey\":{\"hint\":\"" + ModelSigning.hint(k.getPublic()) + "\"},\"tlogEntries\":[]},"
                + "\"dsseEnvelope\":{\"payload\":\"" + Base64.getEncoder().encodeToString(payload) + "\","
                + "\"payloadType\":\"application/vnd.in-toto+json\",\"signatures\":[{\"sig\":\""
                + Base64.getEncoder().encodeToString(s.sign()) + "\",\"keyid\":\"\"}]}}";
        Path sig = dir.resolve("model.sig");
        Files.writeString(sig, bundle);
        Result r = ModelSigning.verify(file, sig, k.getPublic(), List.of(), false);
        assertFalse(r.finding(), r.details().toString());
    }

    @Test
    void keyHintIsTheReferenceToolsHint() throws IOException {
        assumeFixtures();
        String bundle = Files.readString(FIXTURES.resolve("v1.1.0-elliptic-key/model.sig"));
        assertTrue(bundle.contains(ModelSigning.hint(referenceKey())));
    }
}
