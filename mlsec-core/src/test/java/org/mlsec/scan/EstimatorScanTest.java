package org.mlsec.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.model.formats.sklearn.PickleTamper;

/** Scanning the scikit-learn files the model reader opens: clean ones clean, compressed payloads and tampering found. */
class EstimatorScanTest {
    static final Path FIXTURES = Path.of("src/test/resources/fixtures/sklearn");

    @TempDir
    Path dir;

    @Test
    void genuineScikitLearnFilesOfEveryContainerScanClean() {
        for (String f : List.of("rf.pkl", "gbc_binary.pkl", "gbc_binary.joblib", "rf_small.joblib", "rf_small.joblib.gz",
                "rf_small.joblib.z", "rf_small.joblib.bz2", "rf_small.joblib.xz", "rf_small.joblib.lzma", "ct_rf.pkl")) {
            ScanReport r = ModelScanner.scan(List.of(FIXTURES.resolve(f)));
            assertEquals(List.of(), r.findings(), f);
            assertEquals(1, r.scannedFiles().size(), f);
        }
    }

    @Test
    void aCompressedPickleIsScannedAsJoblibLoadsIt() throws IOException {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.writeBytes(new byte[] {(byte) 0x80, 2});
        p.writeBytes("cposix\nsystem\n".getBytes(StandardCharsets.US_ASCII));
        p.writeBytes("X\u0004\u0000\u0000\u0000true\u0085R.".getBytes(StandardCharsets.ISO_8859_1));
        Path gz = dir.resolve("model.joblib.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(p.toByteArray());
        }
        ScanReport r = ModelScanner.scan(List.of(gz));
        assertEquals(1, r.findings().size(), r.findings().toString());
        assertEquals(Severity.CRITICAL, r.findings().get(0).severity());
        assertTrue(r.findings().get(0).description().contains("posix.system"));
    }

    @Test
    void tamperedClassesAreFoundInPicklesAndCompressedJoblibFiles() {
        for (String f : List.of("rf.pkl", "gbc_binary.pkl", "rf_small.joblib", "rf_small.joblib.xz")) {
            Path out = dir.resolve("tampered-" + f);
            PickleTamper.tamper(FIXTURES.resolve(f), out);
            ScanReport r = ModelScanner.scan(List.of(out));
            assertEquals(1, r.findings().size(), f + ": " + r.findings());
            assertEquals(Severity.HIGH, r.findings().get(0).severity());
            assertTrue(r.findings().get(0).description().contains("names class '1' twice"), f);
        }
    }
}
