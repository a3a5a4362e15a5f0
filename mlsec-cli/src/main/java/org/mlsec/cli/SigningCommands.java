package org.mlsec.cli;

import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECPublicKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.mlsec.MlsecException;
import org.mlsec.Result;
import org.mlsec.defences.integrity.Manifest;
import org.mlsec.defences.integrity.ModelSigning;
import org.mlsec.defences.integrity.Pem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** keygen, sign and verify: OpenSSF model-signing compatible signatures (key mode). */
final class SigningCommands {
    private SigningCommands() {
    }

    @Command(name = "keygen", mixinStandardHelpOptions = true,
            description = "Make an ECDSA P-256 key pair (PEM): private-key.pem (readable by you only) and public-key.pem.")
    static final class Keygen implements Callable<Integer> {
        @Option(names = "--out", paramLabel = "DIR", required = true, description = "Folder for the two key files.")
        Path out;

        @Option(names = "--force", description = "Replace existing key files.")
        boolean force;

        @Override
        public Integer call() {
            Path priv = out.resolve("private-key.pem");
            Path pub = out.resolve("public-key.pem");
            Pem.writeKeyPair(ModelSigning.generateKeyPair(), priv, pub, force);
            System.out.println("Wrote " + priv + " (keep it secret) and " + pub + " (share it with whoever verifies).");
            return Main.OK;
        }
    }

    @Command(name = "sign", mixinStandardHelpOptions = true,
            description = {"Sign a model file or folder: a Sigstore bundle listing every file's SHA-256,",
                    "verifiable by mlsec verify and by the OpenSSF model_signing tool."})
    static final class Sign implements Callable<Integer> {
        @Parameters(paramLabel = "MODEL_PATH", description = "Model file or folder.")
        Path model;

        @Option(names = "--private-key", paramLabel = "PEM", required = true, description = "EC private key (PKCS#8 PEM).")
        Path privateKey;

        @Option(names = "--signature", paramLabel = "FILE", defaultValue = "model.sig", description = "Bundle to write (default: ${DEFAULT-VALUE}).")
        Path signature;

        @Option(names = "--ignore-paths", paramLabel = "PATH", arity = "1..*", description = "Files or folders inside the model not to sign.")
        List<String> ignore = new ArrayList<>();

        @Override
        public Integer call() {
            org.mlsec.internal.AtomicFiles.refuseInput(signature, "--signature", model, privateKey);
            PrivateKey key = Pem.readPrivate(privateKey);
            String bundle = ModelSigning.sign(model, key, publicOf(key), ModelSigning.relativeIgnores(model, ignore, signature));
            org.mlsec.internal.AtomicFiles.write(signature,
                    o -> o.write(bundle.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            System.out.println("Signed " + model + "; signature in " + signature + ".");
            return Main.OK;
        }

        static PublicKey publicOf(PrivateKey key) {
            try {
                ECPrivateKey ec = (ECPrivateKey) key;
                var params = ec.getParams();
                var point = org.mlsec.defences.integrity.EcMath.multiply(params, ec.getS());
                return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, params));
            } catch (java.security.GeneralSecurityException e) {
                throw new MlsecException("cannot derive the public key: " + e.getMessage(), e);
            }
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Verify a model file or folder against its signature; exit 1 naming every changed, missing",
                    "or added file, a wrong key, or a malformed bundle."})
    static final class Verify implements Callable<Integer> {
        @Parameters(paramLabel = "MODEL_PATH", description = "Model file or folder.")
        Path model;

        @Option(names = "--signature", paramLabel = "FILE", required = true, description = "The bundle.")
        Path signature;

        @Option(names = "--public-key", paramLabel = "PEM", required = true, description = "EC public key (PEM).")
        Path publicKey;

        @Option(names = "--ignore-paths", paramLabel = "PATH", arity = "1..*", description = "Files or folders inside the model to leave out.")
        List<String> ignore = new ArrayList<>();

        @Option(names = {"--ignore-unsigned-files", "--ignore_unsigned_files"}, description = "Accept files that are not in the signature.")
        boolean ignoreUnsigned;

        @Mixin
        JsonOption json;

        @Override
        public Integer call() {
            Result r = ModelSigning.verify(model, signature, Pem.readPublic(publicKey),
                    ModelSigning.relativeIgnores(model, ignore, signature), ignoreUnsigned);
            if (r.finding()) {
                System.out.println("FAILED: " + Manifest.escaped(model.toString()) + " does not match its signature " + signature + ":");
                r.details().forEach(l -> System.out.println("  " + l));
            } else {
                System.out.printf("OK: %s matches its signature (%d files).%n", Manifest.escaped(model.toString()), (int) r.metric("files"));
            }
            Output.json(json, r.toJson());
            return r.finding() ? Main.FINDINGS : Main.OK;
        }
    }
}
