package org.mlsec.defences.integrity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import org.mlsec.InputException;

/** PEM text of EC keys: public keys as SubjectPublicKeyInfo, private keys as PKCS#8, as OpenSSL writes them. */
public final class Pem {
    private Pem() {
    }

    /**
     * Wraps DER bytes as PEM text: base64 in 64-character lines between BEGIN and END lines.
     *
     * @param type the label, such as {@code PUBLIC KEY}
     * @param der the encoded key
     * @return the PEM text, ending with a newline
     */
    public static String encode(String type, byte[] der) {
        String b64 = Base64.getEncoder().encodeToString(der);
        StringBuilder sb = new StringBuilder("-----BEGIN ").append(type).append("-----\n");
        for (int i = 0; i < b64.length(); i += 64) {
            sb.append(b64, i, Math.min(b64.length(), i + 64)).append('\n');
        }
        return sb.append("-----END ").append(type).append("-----\n").toString();
    }

    /**
     * A public key as PEM ({@code PUBLIC KEY}, X.509 SubjectPublicKeyInfo).
     *
     * @param key the key
     * @return the PEM text
     */
    public static String publicKey(PublicKey key) {
        return encode("PUBLIC KEY", key.getEncoded());
    }

    /**
     * A private key as PEM ({@code PRIVATE KEY}, PKCS#8).
     *
     * @param key the key
     * @return the PEM text
     */
    public static String privateKey(PrivateKey key) {
        return encode("PRIVATE KEY", key.getEncoded());
    }

    static byte[] decode(String pem, String type, Path file) {
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int a = pem.indexOf(begin);
        int b = pem.indexOf(end);
        if (a < 0 || b < a) {
            throw new InputException(file + " is not a PEM " + type.toLowerCase() + " (no '" + begin + "' block)"
                    + (pem.contains("EC PRIVATE KEY") ? "; convert it to PKCS#8 with: openssl pkcs8 -topk8 -nocrypt" : ""));
        }
        try {
            return Base64.getMimeDecoder().decode(pem.substring(a + begin.length(), b));
        } catch (IllegalArgumentException e) {
            throw new InputException(file + ": the PEM block is not valid base64");
        }
    }

    /**
     * Writes a key pair as PEM files: the private key created owner-only (0600) from its first byte and both
     * written atomically; existing key files are replaced only when {@code force} is set (checked for both files
     * before either is written).
     *
     * @param keys the key pair
     * @param privateFile where the private key goes
     * @param publicFile where the public key goes
     * @param force whether existing key files are replaced
     */
    public static void writeKeyPair(java.security.KeyPair keys, Path privateFile, Path publicFile, boolean force) {
        org.mlsec.internal.Validate.notNull(keys, "keys");
        if (!force) {
            for (Path p : new Path[] {privateFile, publicFile}) {
                if (Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    throw new InputException(p + " exists; keys are not overwritten unless forced");
                }
            }
        }
        byte[] priv = privateKey(keys.getPrivate()).getBytes(StandardCharsets.US_ASCII);
        byte[] pub = publicKey(keys.getPublic()).getBytes(StandardCharsets.US_ASCII);
        org.mlsec.internal.AtomicFiles.write(privateFile, out -> out.write(priv), force,
                org.mlsec.internal.AtomicFiles.PRIVATE);
        org.mlsec.internal.AtomicFiles.write(publicFile, out -> out.write(pub), force, null);
    }

    /**
     * Reads an EC public key from a PEM file.
     *
     * @param file the PEM file
     * @return the key
     * @throws InputException when the file holds no EC public key
     */
    public static PublicKey readPublic(Path file) {
        try {
            byte[] der = decode(read(file), "PUBLIC KEY", file);
            PublicKey k = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
            return k;
        } catch (GeneralSecurityException e) {
            throw new InputException(file + " is not an EC public key: " + e.getMessage());
        }
    }

    /**
     * Reads an EC private key from a PKCS#8 PEM file.
     *
     * @param file the PEM file
     * @return the key
     * @throws InputException when the file holds no EC private key
     */
    public static PrivateKey readPrivate(Path file) {
        try {
            byte[] der = decode(read(file), "PRIVATE KEY", file);
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new InputException(file + " is not an EC private key (PKCS#8): " + e.getMessage());
        }
    }

    /**
     * The JCA signature algorithm model_signing pairs with the key's curve: P-256/SHA-256, P-384/SHA-384, P-521/SHA-512.
     *
     * @param key an EC key
     * @return the JCA name, such as {@code SHA256withECDSA}
     */
    public static String signatureAlgorithm(java.security.Key key) {
        if (!(key instanceof ECKey)) {
            throw new InputException("only elliptic-curve keys are supported");
        }
        int bits = ((ECKey) key).getParams().getCurve().getField().getFieldSize();
        switch (bits) {
            case 256:
                return "SHA256withECDSA";
            case 384:
                return "SHA384withECDSA";
            case 521:
                return "SHA512withECDSA";
            default:
                throw new InputException("unsupported curve of " + bits + " bits (use P-256, P-384 or P-521)");
        }
    }

    private static String read(Path file) {
        try {
            if (Files.size(file) > 1 << 20) {
                throw new InputException(file + " is too large to be a key");
            }
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new InputException("no such key file: " + file);
        } catch (IOException e) {
            throw new InputException("cannot read " + file + ": " + e.getMessage());
        }
    }
}
