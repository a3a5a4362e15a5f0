package org.mlsec.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.mlsec.scan.ModelScanner;
import org.mlsec.scan.ScanReport;

/**
 * Scanner throughput on a 1 GiB protocol-4 pickle of numeric arrays (64 NumPy arrays of 16 MiB, as
 * {@code pickle.dump} writes a dict of arrays), in the page cache. Median of 3 after a warm-up.
 */
public final class ScanBench {
    public static void main(String[] args) throws IOException {
        Path f = Files.createTempFile("mlsec-scanbench", ".pkl");
        try {
            write(f, 64, 16 << 20);
            long size = Files.size(f);
            double[] t = new double[3];
            for (int r = -1; r < 3; r++) {
                long t0 = System.nanoTime();
                ScanReport rep = ModelScanner.scan(List.of(f));
                long t1 = System.nanoTime();
                if (!rep.findings().isEmpty()) {
                    throw new IllegalStateException(rep.findings().toString());
                }
                if (r >= 0) {
                    t[r] = (t1 - t0) / 1e9;
                }
            }
            double s = ForestBench.median(t);
            System.out.printf("plain pickle file, %d MiB (tensor bytes skipped by seeking): %.3f s, %.0f MB/s%n",
                    size >> 20, s, size / 1e6 / s);
            // The same pickle as data.pkl of a PyTorch-style zip (stored): every byte now streams through the scanner.
            Path z = Files.createTempFile("mlsec-scanbench", ".pt");
            try {
                try (var zip = new java.util.zip.ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(z), 1 << 20))) {
                    zip.setLevel(0);
                    zip.putNextEntry(new java.util.zip.ZipEntry("archive/data.pkl"));
                    Files.copy(f, zip);
                    zip.closeEntry();
                }
                for (int r = -1; r < 3; r++) {
                    long t0 = System.nanoTime();
                    ScanReport rep = ModelScanner.scan(List.of(z));
                    long t1 = System.nanoTime();
                    if (!rep.findings().isEmpty() || rep.scannedFiles().size() != 1) {
                        throw new IllegalStateException(rep.findings().toString());
                    }
                    if (r >= 0) {
                        t[r] = (t1 - t0) / 1e9;
                    }
                }
                s = ForestBench.median(t);
                System.out.printf("same pickle inside a zip (.pt), every byte read: %.3f s, %.0f MB/s%n", s,
                        Files.size(z) / 1e6 / s);
            } finally {
                Files.deleteIfExists(z);
            }
        } finally {
            Files.deleteIfExists(f);
        }
    }

    public static void write(Path f, int arrays, int bytes) throws IOException {
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(f), 1 << 20)) {
            o.write(new byte[] {(byte) 0x80, 4, '}', (byte) 0x94, '('});
            byte[] block = new byte[bytes];
            for (int i = 0; i < arrays; i++) {
                str(o, "layer" + i);
                // numpy.core.multiarray._reconstruct(numpy.ndarray, (0,), b'b') then BUILD with the raw bytes
                glob(o, "numpy.core.multiarray", "_reconstruct");
                glob(o, "numpy", "ndarray");
                o.write(new byte[] {'K', 0, (byte) 0x85, 'C', 1, 'b', (byte) 0x87, 'R', '('});
                o.write(new byte[] {'K', 1, 'J'});
                le(o, bytes / 8, 4);
                o.write(new byte[] {(byte) 0x85});
                glob(o, "numpy", "dtype");
                str(o, "f8");
                o.write(new byte[] {(byte) 0x88, (byte) 0x88, (byte) 0x87, 'R', (byte) 0x89});
                o.write(0x8e);
                le(o, bytes, 8);
                o.write(block);
                o.write(new byte[] {'t', 'b'});
            }
            o.write(new byte[] {'u', '.'});
        }
    }

    static void glob(OutputStream o, String module, String name) throws IOException {
        str(o, module);
        str(o, name);
        o.write(0x93);
    }

    static void str(OutputStream o, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        o.write(0x8c);
        o.write(b.length);
        o.write(b);
    }

    static void le(OutputStream o, long v, int n) throws IOException {
        for (int i = 0; i < n; i++) {
            o.write((int) (v >>> (8 * i)) & 0xff);
        }
    }
}
