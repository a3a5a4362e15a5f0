package org.mlsec.defences.integrity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.InputException;
import org.mlsec.Progress;
import org.mlsec.Result;
import org.mlsec.TestData;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.ModelIo;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

/** The attacks of issue 20 on signing: races, names, links, duplicates and key files. */
class SigningHardeningTest {
    static KeyPair keys;
    static LocalModel good;
    static LocalModel other;

    @TempDir
    Path dir;

    @BeforeAll
    static void models(@TempDir Path tmp) throws IOException {
        keys = ModelSigning.generateKeyPair();
        var d = TestData.layman(600, 3, tmp);
        good = Trainer.train(d, TrainConfig.defaults(Algorithm.LR), "good", Progress.NONE);
        other = Trainer.train(d, TrainConfig.defaults(Algorithm.TREE), "tampered", Progress.NONE);
    }

    Path signed(Path model) throws IOException {
        Path sig = dir.resolve(model.getFileName() + ".sig");
        Files.writeString(sig, ModelSigning.sign(model, keys.getPrivate(), keys.getPublic(), List.of()));
        return sig;
    }

    @Test
    void theModelLoadedIsTheBytesVerifiedEvenWhenTheFileIsSwappedAfterTheCheck() throws IOException {
        Path f = dir.resolve("m.json");
        ModelIo.save(good, f);
        Path sig = signed(f);
        VerifiedModel v = VerifiedModel.read(f, sig, keys.getPublic());
        ModelIo.save(other, f); // the swap, after the check and before the load
        assertTrue(v.holds(), v.signature().details().toString());
        assertEquals(good.kind(), v.load().kind());
        assertFalse(VerifiedModel.read(f, sig, keys.getPublic()).holds(), "the swapped file fails its own check");
    }

    @Test
    void aSymlinkSwappedInAfterSigningIsAFailedCheckNotABadInput() throws IOException {
        Path m = dir.resolve("folder");
        Files.createDirectories(m);
        Files.writeString(m.resolve("w.bin"), "weights");
        Path sig = signed(m);
        Path outside = dir.resolve("outside.bin");
        Files.writeString(outside, "weights");
        Files.delete(m.resolve("w.bin"));
        Files.createSymbolicLink(m.resolve("w.bin"), outside);
        for (boolean ignoreUnsigned : new boolean[] {false, true}) {
            Result r = ModelSigning.verify(m, sig, keys.getPublic(), List.of(), ignoreUnsigned);
            assertTrue(r.finding() && r.details().get(0).contains("symbolic link"), r.details().toString());
        }
        assertThrows(InputException.class, () -> ModelSigning.sign(m, keys.getPrivate(), keys.getPublic(), List.of()));
    }

    @Test
    void ignoreUnsignedFilesFollowsNoSymlinkedFolderAndNoDotDotName() throws IOException {
        Path m = dir.resolve("folder");
        Path secret = dir.resolve("secret");
        Files.createDirectories(m);
        Files.createDirectories(secret);
        Files.writeString(secret.resolve("k.bin"), "outside");
        Files.createSymbolicLink(m.resolve("sub"), secret);
        String digest = hex(sha("outside".getBytes(StandardCharsets.UTF_8)));
        Path viaLink = bundle("sub/k.bin", digest);
        Result r = ModelSigning.verify(m, viaLink, keys.getPublic(), List.of(), true);
        assertTrue(r.finding() && r.details().get(0).contains("symbolic link"), r.details().toString());
        Path viaDots = bundle("../secret/k.bin", digest);
        r = ModelSigning.verify(m, viaDots, keys.getPublic(), List.of(), true);
        assertTrue(r.finding() && r.details().get(0).contains("'..' component"), r.details().toString());
    }

    @Test
    void duplicateResourceEntriesAreRejected() throws IOException {
        Path m = folderWithOneFile();
        String d = hex(sha("a".getBytes(StandardCharsets.UTF_8)));
        Path sig = bundle(Map.entry("a.bin", d), Map.entry("a.bin", d));
        Result r = ModelSigning.verify(m, sig, keys.getPublic(), List.of(), false);
        assertTrue(r.finding() && r.details().get(0).contains("listed twice"), r.details().toString());
    }

    @Test
    void controlCharactersInNamesAreEscapedSoNoLineCanBeForged() throws IOException {
        Path m = folderWithOneFile();
        Path sig = signed(m);
        Files.writeString(m.resolve("x\nOK: forged (1 files).\u001b[2K"), "added");
        Result r = ModelSigning.verify(m, sig, keys.getPublic(), List.of(), false);
        assertTrue(r.finding());
        String line = r.details().get(0);
        assertFalse(line.contains("\n") || line.contains("\u001b"), line);
        assertTrue(line.contains("x\\u000aOK: forged"), line);
    }

    @Test
    void manifestNamesAreCheckedAsPaths() {
        assertEquals(null, Manifest.unsafeName("weights/part-1.bin"));
        assertEquals(null, Manifest.unsafeName("a\uFFFD.bin"), "U+FFFD in JSON text is a genuine character");
        assertTrue(Manifest.unsafeName("/etc/passwd") != null);
        assertTrue(Manifest.unsafeName("a//b") != null);
    }

    /** A file whose name is the given raw bytes (not UTF-8), made by the shell, since Java names files by text. */
    static Path rawName(Path folder, String octal) throws Exception {
        Process p = new ProcessBuilder("/bin/sh", "-c", "printf x > \"$(printf '" + octal + "')\"")
                .directory(folder.toFile()).redirectErrorStream(true).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(p.waitFor() == 0, "no POSIX shell to make a non-UTF-8 name");
        try (java.util.stream.Stream<Path> l = Files.list(folder)) {
            // the entry whose bytes differ from its name's UTF-8 encoding
            return l.filter(x -> !x.getFileName().equals(Path.of(x.getFileName().toString()))).findFirst().orElseThrow();
        }
    }

    @Test
    void aGenuineReplacementCharacterInANameSignsAndVerifies() throws IOException {
        Path m = dir.resolve("fffd");
        Files.createDirectories(m);
        Files.writeString(m.resolve("a\uFFFD.bin"), "genuine");
        Files.writeString(m.resolve("b.bin"), "b");
        Path sig = signed(m);
        Result r = ModelSigning.verify(m, sig, keys.getPublic(), List.of(), false);
        assertFalse(r.finding(), r.details().toString());
        Files.writeString(m.resolve("a\uFFFD.bin"), "changed");
        assertTrue(ModelSigning.verify(m, sig, keys.getPublic(), List.of(), false).finding());
    }

    @Test
    void aNonUtf8NameIsRefusedWhenSigningAndFailsVerification() throws Exception {
        Path m = dir.resolve("latin1");
        Files.createDirectories(m);
        Files.writeString(m.resolve("a.bin"), "a");
        rawName(m, "b\\377.bin");
        InputException e = assertThrows(Manifest.UnsignableException.class,
                () -> ModelSigning.sign(m, keys.getPrivate(), keys.getPublic(), List.of()));
        assertTrue(e.getMessage().contains("not UTF-8") && !e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void anUnsignedNonUtf8FileCollidingWithASignedNameFailsVerification() throws Exception {
        // The reported bypass: 'a<U+FFFD>.bin' signed, then 'a\xff.bin' added; both decode to the same text.
        Path m = dir.resolve("collide");
        Files.createDirectories(m);
        Files.writeString(m.resolve("a\uFFFD.bin"), "genuine");
        Path sig = signed(m);
        Path evil = rawName(m, "a\\377.bin");
        assertEquals(m.resolve("a\uFFFD.bin").getFileName().toString(), evil.getFileName().toString(),
                "the two names are the same text");
        Result r = ModelSigning.verify(m, sig, keys.getPublic(), List.of(), false);
        assertTrue(r.finding(), "an added file that collides must not verify: " + r.details());
        assertTrue(r.details().toString().contains("not UTF-8"), r.details().toString());
    }

    @Test
    void keygenWritesThePrivateKeyOwnerOnlyAndNeverOverwritesUnlessForced() throws IOException {
        Path priv = dir.resolve("private-key.pem");
        Path pub = dir.resolve("public-key.pem");
        Pem.writeKeyPair(keys, priv, pub, false);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(priv)));
        byte[] before = Files.readAllBytes(pub);
        Files.delete(priv);
        InputException e = assertThrows(InputException.class,
                () -> Pem.writeKeyPair(ModelSigning.generateKeyPair(), priv, pub, false));
        assertTrue(e.getMessage().contains("public-key.pem exists"), e.getMessage());
        assertFalse(Files.exists(priv), "nothing written when either file exists");
        assertArrayEquals(before, Files.readAllBytes(pub));
        Pem.writeKeyPair(ModelSigning.generateKeyPair(), priv, pub, true);
        assertFalse(java.util.Arrays.equals(before, Files.readAllBytes(pub)));
        try (var s = Files.list(dir)) {
            assertEquals(2, s.filter(p -> p.toString().endsWith(".pem")).count());
        }
        try (var s = Files.list(dir)) {
            assertFalse(s.anyMatch(p -> p.toString().endsWith(".tmp")), "no temporary file left");
        }
    }

    /** A model folder holding a.bin = "a". */
    Path folderWithOneFile() throws IOException {
        Path m = dir.resolve("folder");
        Files.createDirectories(m);
        Files.writeString(m.resolve("a.bin"), "a");
        return m;
    }

    @SafeVarargs
    private Path bundle(Map.Entry<String, String>... resources) throws IOException {
        StringBuilder res = new StringBuilder();
        MessageDigest md = md();
        for (Map.Entry<String, String> e : resources) {
            res.append(res.length() == 0 ? "" : ",").append("{\"name\":\"").append(e.getKey())
                    .append("\",\"algorithm\":\"sha256\",\"digest\":\"").append(e.getValue()).append("\"}");
            md.update(HexFormat.of().parseHex(e.getValue()));
        }
        String statement = "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"folder\","
                + "\"digest\":{\"sha256\":\"" + hex(md.digest()) + "\"}}],\"predicateType\":\"https://model_signing/signature/v1.0\","
                + "\"predicate\":{\"serialization\":{\"method\":\"files\",\"hash_type\":\"sha256\",\"allow_symlinks\":false},"
                + "\"resources\":[" + res + "]}}";
        byte[] payload = statement.getBytes(StandardCharsets.UTF_8);
        try {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(keys.getPrivate());
            s.update(ModelSigning.pae(ModelSigning.PAYLOAD_TYPE, payload));
            String bundle = "{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\",\"verificationMaterial\":"
                    + "{\"publicKey\":{\"hint\":\"" + ModelSigning.hint(keys.getPublic()) + "\"},\"tlogEntries\":[]},"
                    + "\"dsseEnvelope\":{\"payload\":\"" + Base64.getEncoder().encodeToString(payload) + "\","
                    + "\"payloadType\":\"application/vnd.in-toto+json\",\"signatures\":[{\"sig\":\""
                    + Base64.getEncoder().encodeToString(s.sign()) + "\",\"keyid\":\"\"}]}}";
            Path sig = Files.createTempFile(dir, "hand", ".sig");
            Files.writeString(sig, bundle);
            return sig;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path bundle(String name, String digest) throws IOException {
        return bundle(Map.entry(name, digest));
    }

    private static MessageDigest md() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha(byte[] b) {
        return md().digest(b);
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
