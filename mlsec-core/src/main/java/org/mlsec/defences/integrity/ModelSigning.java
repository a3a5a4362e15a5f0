package org.mlsec.defences.integrity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.mlsec.InputException;
import org.mlsec.MlsecException;
import org.mlsec.Result;
import org.mlsec.internal.Json;
import org.mlsec.report.Threat;

/**
 * Signs and verifies model files and folders in the OpenSSF model-signing format (the {@code model_signing} tool,
 * key mode): a Sigstore bundle v0.3 whose DSSE envelope carries an in-toto Statement v1 listing every file's
 * SHA-256. The signature is ECDSA over the DSSE pre-authentication encoding; bundles made by either tool verify
 * with the other.
 */
public final class ModelSigning {
    static final String BUNDLE_MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";
    static final String PAYLOAD_TYPE = "application/vnd.in-toto+json";
    static final String STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
    static final String PREDICATE_TYPE = "https://model_signing/signature/v1.0";
    static final long MAX_BUNDLE_BYTES = 64L << 20;

    private ModelSigning() {
    }

    /**
     * A fresh ECDSA P-256 key pair.
     *
     * @return the key pair
     */
    public static KeyPair generateKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new MlsecException("cannot generate an EC key: " + e.getMessage(), e);
        }
    }

    /** DSSE pre-authentication encoding: "DSSEv1 len(type) type len(body) body". */
    static byte[] pae(String type, byte[] body) {
        byte[] head = ("DSSEv1 " + type.getBytes(StandardCharsets.UTF_8).length + " " + type + " " + body.length + " ")
                .getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + body.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(body, 0, out, head.length, body.length);
        return out;
    }

    /**
     * Paths to ignore, relative to the model folder, from user arguments (given from the working folder or the model).
     *
     * @param model the model file or folder
     * @param args the paths the user gave
     * @param signature the signature file, ignored too (may be null)
     * @return the paths relative to the model folder
     */
    public static List<String> relativeIgnores(Path model, Collection<String> args, Path signature) {
        Set<String> out = new LinkedHashSet<>();
        Path root = model.toAbsolutePath().normalize();
        List<String> all = new ArrayList<>(args);
        if (signature != null) {
            all.add(signature.toString());
        }
        for (String a : all) {
            Path abs = Path.of(a).toAbsolutePath().normalize();
            if (abs.startsWith(root) && !abs.equals(root)) {
                out.add(root.relativize(abs).toString().replace('\\', '/'));
            } else if (!Path.of(a).isAbsolute() && !a.startsWith("..")) {
                out.add(Path.of(a).normalize().toString().replace('\\', '/'));
            }
        }
        return new ArrayList<>(out);
    }

    /**
     * Signs the model file or folder; returns the bundle's JSON text.
     *
     * @param model the model file or folder
     * @param key the signing key
     * @param publicKey the matching public key, whose hint the bundle carries
     * @param ignore paths relative to the model folder to leave out
     * @return the bundle's JSON text
     */
    public static String sign(Path model, PrivateKey key, PublicKey publicKey, List<String> ignore) {
        Set<String> ignores = new LinkedHashSet<>(Manifest.GIT_PATHS);
        ignores.addAll(ignore);
        Map<String, byte[]> files = Manifest.of(model, ignores);
        ObjectNode statement = Json.MAPPER.createObjectNode();
        statement.put("_type", STATEMENT_TYPE);
        ObjectNode subject = statement.putArray("subject").addObject();
        Path name = model.toAbsolutePath().normalize().getFileName();
        subject.put("name", name == null ? "model" : name.toString());
        subject.putObject("digest").put("sha256", HexFormat.of().formatHex(Manifest.digestOfDigests(files.values())));
        statement.put("predicateType", PREDICATE_TYPE);
        ObjectNode predicate = statement.putObject("predicate");
        ObjectNode ser = predicate.putObject("serialization");
        ser.put("method", "files");
        ser.put("hash_type", "sha256");
        ser.put("allow_symlinks", false);
        ArrayNode ig = ser.putArray("ignore_paths");
        ignores.forEach(ig::add);
        ArrayNode resources = predicate.putArray("resources");
        files.forEach((n, d) -> resources.addObject().put("name", n).put("algorithm", "sha256")
                .put("digest", HexFormat.of().formatHex(d)));
        byte[] payload = Json.pretty(statement).getBytes(StandardCharsets.UTF_8);
        byte[] sig;
        try {
            Signature s = Signature.getInstance(Pem.signatureAlgorithm(key));
            s.initSign(key);
            s.update(pae(PAYLOAD_TYPE, payload));
            sig = s.sign();
        } catch (GeneralSecurityException e) {
            throw new MlsecException("cannot sign: " + e.getMessage(), e);
        }
        ObjectNode bundle = Json.MAPPER.createObjectNode();
        bundle.put("mediaType", BUNDLE_MEDIA_TYPE);
        ObjectNode vm = bundle.putObject("verificationMaterial");
        vm.putObject("publicKey").put("hint", hint(publicKey));
        vm.putArray("tlogEntries");
        ObjectNode env = bundle.putObject("dsseEnvelope");
        env.put("payload", Base64.getEncoder().encodeToString(payload));
        env.put("payloadType", PAYLOAD_TYPE);
        env.putArray("signatures").addObject().put("sig", Base64.getEncoder().encodeToString(sig)).put("keyid", "");
        return bundle.toString();
    }

    /**
     * Lowercase hex SHA-256 of the public key's PEM text, as the reference tool's key hint.
     *
     * @param key the public key
     * @return 64 hex digits
     */
    public static String hint(PublicKey key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(Pem.publicKey(key).getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Verifies a model against a bundle. Problems with the model path or key file are {@link InputException}s; a
     * signature that does not hold is a finding whose details say exactly why (each changed, missing or added file).
     *
     * @param model the model file or folder
     * @param signature the bundle
     * @param key the signer's public key
     * @param ignore paths relative to the model folder to leave out
     * @param ignoreUnsigned whether files the bundle does not name are tolerated
     * @return the figures, a finding when the signature does not hold
     */
    public static Result verify(Path model, Path signature, PublicKey key, List<String> ignore, boolean ignoreUnsigned) {
        if (!Files.exists(model, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new InputException("no such model path: " + model);
        }
        return verify(model, null, signature, key, ignore, ignoreUnsigned);
    }

    /**
     * Verifies the bytes of a single-file model that the caller has already read (and will load): the check and
     * the load see the same bytes, so a file swapped after the check is never used. {@code model} names the file.
     *
     * @param model the model file (names it in messages)
     * @param content its bytes as read
     * @param signature the bundle
     * @param key the signer's public key
     * @return the figures, a finding when the signature does not hold
     */
    public static Result verify(Path model, byte[] content, Path signature, PublicKey key) {
        org.mlsec.internal.Validate.notNull(content, "content");
        return verify(model, content, signature, key, List.of(), false);
    }

    /**
     * {@link #verify(Path, byte[], Path, PublicKey)} on a bundle the caller has already read too (an upload, a
     * bundle kept in memory); {@code signature} only names it in the result.
     *
     * @param model the model file (names it in messages)
     * @param content its bytes as read
     * @param signature names the bundle
     * @param bundle the bundle's bytes
     * @param key the signer's public key
     * @return the figures, a finding when the signature does not hold
     */
    public static Result verify(Path model, byte[] content, Path signature, byte[] bundle, PublicKey key) {
        org.mlsec.internal.Validate.notNull(content, "content");
        org.mlsec.internal.Validate.notNull(bundle, "bundle");
        return verify(model, content, signature, bundle, key, List.of(), false);
    }

    private static Result verify(Path model, byte[] content, Path signature, PublicKey key, List<String> ignore,
                                 boolean ignoreUnsigned) {
        byte[] bytes;
        try {
            if (Files.size(signature) > MAX_BUNDLE_BYTES) {
                return fail(result(model, signature), "the signature file is larger than any bundle ("
                        + Files.size(signature) + " bytes)");
            }
            bytes = Files.readAllBytes(signature);
        } catch (NoSuchFileException e) {
            throw new InputException("no such signature file: " + signature);
        } catch (IOException e) {
            return fail(result(model, signature), "the signature file is not a JSON Sigstore bundle (malformed or "
                    + "truncated): " + e.getMessage().split("\n")[0]);
        }
        return verify(model, content, signature, bytes, key, ignore, ignoreUnsigned);
    }

    private static Result.Builder result(Path model, Path signature) {
        return Result.of(Threat.SUPPLY_CHAIN, "signature-verify").metric("model", model.toString())
                .metric("signature", signature.toString());
    }

    private static Result verify(Path model, byte[] content, Path signature, byte[] bytes, PublicKey key,
                                 List<String> ignore, boolean ignoreUnsigned) {
        Result.Builder r = result(model, signature);
        if (bytes.length > MAX_BUNDLE_BYTES) {
            return fail(r, "the signature file is larger than any bundle (" + bytes.length + " bytes)");
        }
        JsonNode bundle;
        try {
            bundle = Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            return fail(r, "the signature file is not a JSON Sigstore bundle (malformed or truncated): "
                    + e.getMessage().split("\n")[0]);
        }
        if (bundle == null || !bundle.isObject() || !bundle.path("mediaType").asText().startsWith("application/vnd.dev.sigstore.bundle")) {
            return fail(r, "the signature file is not a Sigstore bundle (no Sigstore mediaType)");
        }
        JsonNode env = bundle.path("dsseEnvelope");
        if (!PAYLOAD_TYPE.equals(env.path("payloadType").asText())) {
            return fail(r, "the bundle's envelope is not an in-toto DSSE envelope (payloadType '"
                    + env.path("payloadType").asText() + "')");
        }
        String expectedHint = bundle.at("/verificationMaterial/publicKey/hint").asText("");
        if (!expectedHint.isEmpty() && !expectedHint.equals(hint(key))) {
            return fail(r, "the bundle was signed with another key (key hint " + expectedHint + ", this key's is "
                    + hint(key) + ")");
        }
        byte[] payload;
        byte[] sig;
        try {
            payload = Base64.getDecoder().decode(env.path("payload").asText());
            sig = Base64.getDecoder().decode(env.path("signatures").path(0).path("sig").asText());
        } catch (IllegalArgumentException e) {
            return fail(r, "the bundle's payload or signature is not valid base64 (truncated?)");
        }
        if (payload.length == 0 || sig.length == 0) {
            return fail(r, "the bundle has no payload or no signature");
        }
        try {
            Signature s = Signature.getInstance(Pem.signatureAlgorithm(key));
            s.initVerify(key);
            s.update(pae(PAYLOAD_TYPE, payload));
            if (!s.verify(sig)) {
                return fail(r, "the signature does not verify with this public key: wrong key, or the signed manifest was altered");
            }
        } catch (java.security.SignatureException e) {
            return fail(r, "the signature is malformed: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new MlsecException("cannot verify: " + e.getMessage(), e);
        }
        JsonNode st;
        try {
            st = Json.MAPPER.readTree(payload);
        } catch (IOException e) {
            return fail(r, "the signed payload is not JSON");
        }
        if (!STATEMENT_TYPE.equals(st.path("_type").asText()) || !PREDICATE_TYPE.equals(st.path("predicateType").asText())) {
            return fail(r, "the signed statement is not a model-signing v1.0 statement (" + st.path("predicateType").asText() + ")");
        }
        JsonNode ser = st.at("/predicate/serialization");
        if (!"files".equals(ser.path("method").asText()) || !"sha256".equals(ser.path("hash_type").asText())) {
            return fail(r, "unsupported serialization: method '" + ser.path("method").asText() + "', hash '"
                    + ser.path("hash_type").asText() + "' (mlsec verifies method files with sha256)");
        }
        Map<String, String> signed = new TreeMap<>(Manifest.BY_COMPONENTS);
        List<byte[]> inOrder = new ArrayList<>();
        for (JsonNode res : st.at("/predicate/resources")) {
            String d = res.path("digest").asText().toLowerCase(java.util.Locale.ROOT);
            if (!"sha256".equals(res.path("algorithm").asText()) || d.length() != 64
                    || !d.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return fail(r, "resource '" + Manifest.escaped(res.path("name").asText()) + "' has no SHA-256 digest"
                        + " (64 hex digits)");
            }
            String n = res.path("name").asText();
            String bad = Manifest.unsafeName(n);
            if (bad != null) {
                return fail(r, "resource '" + Manifest.escaped(n) + "' " + bad);
            }
            if (signed.put(n, d) != null) {
                return fail(r, "resource '" + Manifest.escaped(n) + "' is listed twice in the signed manifest");
            }
            inOrder.add(HexFormat.of().parseHex(d));
        }
        String subject = st.at("/subject/0/digest/sha256").asText();
        if (!HexFormat.of().formatHex(Manifest.digestOfDigests(inOrder)).equals(subject)) {
            return fail(r, "the statement is inconsistent: its subject digest is not the digest of its files' digests");
        }
        Set<String> ignores = new LinkedHashSet<>(Manifest.GIT_PATHS);
        ignores.addAll(ignore);
        for (JsonNode p : ser.path("ignore_paths")) {
            ignores.add(p.asText());
        }
        Map<String, byte[]> actual;
        try {
            actual = content != null ? Map.of(".", Manifest.sha256(content))
                    : ignoreUnsigned ? Manifest.ofNames(model, signed.keySet()) : Manifest.of(model, ignores);
        } catch (Manifest.UnsignableException e) {
            return fail(r, e.getMessage());
        }
        String fileName = model.getFileName() == null ? model.toString() : model.getFileName().toString();
        int changed = 0;
        int missing = 0;
        int added = 0;
        for (Map.Entry<String, String> e : signed.entrySet()) {
            byte[] d = actual.get(e.getKey());
            if (d == null) {
                missing++;
                r.detail("missing: " + shown(e.getKey(), fileName) + " is signed but not in the model");
            } else if (!HexFormat.of().formatHex(d).equals(e.getValue())) {
                changed++;
                r.detail("changed: " + shown(e.getKey(), fileName) + " (signed sha256 " + e.getValue() + ", now "
                        + HexFormat.of().formatHex(d) + ")");
            }
        }
        for (String n : actual.keySet()) {
            if (!signed.containsKey(n)) {
                added++;
                r.detail("added: " + Manifest.escaped(n) + " is not signed (allow unsigned files to accept it)");
            }
        }
        return r.finding(changed + missing + added > 0).metric("files", signed.size()).metric("changed", changed)
                .metric("missing", missing).metric("added", added).build();
    }

    private static String shown(String name, String fileName) {
        return Manifest.escaped(".".equals(name) ? fileName : name);
    }

    private static Result fail(Result.Builder r, String why) {
        return r.finding(true).detail(why).build();
    }
}
