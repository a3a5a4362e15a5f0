package org.mlsec.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.util.List;
import java.util.SplittableRandom;
import org.mlsec.Result;
import org.mlsec.defences.integrity.ModelSigning;

/**
 * Signing and verifying a 1 GiB model folder (8 files of 128 MiB) against the speed of SHA-256 itself
 * (MessageDigest over an in-memory buffer), with the heap used. Median of 3 after a warm-up.
 */
public final class SigningBench {
    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("mlsec-signbench");
        try {
            byte[] block = new byte[1 << 20];
            new SplittableRandom(1).nextBytes(block);
            for (int f = 0; f < 8; f++) {
                try (OutputStream out = Files.newOutputStream(dir.resolve("shard-" + f + ".bin"))) {
                    for (int i = 0; i < 128; i++) {
                        out.write(block);
                    }
                }
            }
            double gib = 1.0;
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            double[] sha = new double[3];
            double[] sign = new double[3];
            double[] verify = new double[3];
            KeyPair k = ModelSigning.generateKeyPair();
            String bundle = null;
            for (int r = -1; r < 3; r++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < 1024; i++) {
                    md.update(block);
                }
                md.digest();
                long t1 = System.nanoTime();
                bundle = ModelSigning.sign(dir, k.getPrivate(), k.getPublic(), List.of("model.sig"));
                long t2 = System.nanoTime();
                Files.writeString(dir.resolve("model.sig"), bundle);
                Result v = ModelSigning.verify(dir, dir.resolve("model.sig"), k.getPublic(), List.of("model.sig"), false);
                long t3 = System.nanoTime();
                if (v.finding()) {
                    throw new IllegalStateException(v.details().toString());
                }
                if (r >= 0) {
                    sha[r] = (t1 - t0) / 1e9;
                    sign[r] = (t2 - t1) / 1e9;
                    verify[r] = (t3 - t2) / 1e9;
                }
            }
            Runtime rt = Runtime.getRuntime();
            System.out.printf("1 GiB in 8 files: SHA-256 in memory %.2f s (%.0f MB/s); sign %.2f s (%.0f MB/s); verify %.2f s (%.0f MB/s); heap used %d MiB of max %d MiB%n",
                    ForestBench.median(sha), 1073.7 / ForestBench.median(sha), ForestBench.median(sign),
                    1073.7 / ForestBench.median(sign), ForestBench.median(verify), 1073.7 / ForestBench.median(verify),
                    (rt.totalMemory() - rt.freeMemory()) >> 20, rt.maxMemory() >> 20);
        } finally {
            try (var s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }
}
