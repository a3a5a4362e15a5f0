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
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZOutputFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.lzma.LZMACompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 19: containers are opened as their loaders open them, to any depth, within bounds. */
class ContainerEvasionTest {
    static final byte[] EVIL = Pickles.callProtocol2("os", "system", "id");
    static final byte[] BENIGN = Pickles.benign(16);

    @TempDir
    Path dir;

    ScanReport scan(String name, byte[] bytes) throws IOException {
        return Pickles.scanAs(dir, name, bytes);
    }

    static boolean critical(ScanReport r) {
        return r.findings().stream().anyMatch(f -> f.severity() == Severity.CRITICAL && f.module().equals("os.system"));
    }

    static byte[] zip(String name, byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(b)) {
            z.putNextEntry(new ZipEntry(name));
            z.write(data);
        }
        return b.toByteArray();
    }

    @Test
    void aCentralDirectoryPointingPastABenignLocalEntryIsAFindingAndTheListedEntryIsScanned() throws IOException {
        byte[] z = new RawZip().stored("archive/data.pkl", BENIGN, 0, false, -1)
                .stored("archive/data.pkl", EVIL).bytes();
        ScanReport r = scan("m.pt", z);
        assertTrue(critical(r), r.findings().toString());
        assertTrue(r.findings().stream().anyMatch(f -> f.severity() == Severity.HIGH
                && f.description().contains("does not list")), r.findings().toString());
        byte[] hiddenAfter = new RawZip().stored("archive/data.pkl", BENIGN).stored("x/data.pkl", EVIL, 0, false, -1)
                .bytes();
        assertTrue(scan("h.pt", hiddenAfter).findings().stream().anyMatch(f -> f.severity() == Severity.HIGH));
    }

    @Test
    void genuineTorchSaveZipsStoredWithDataDescriptorsScanWithoutError() throws IOException {
        byte[] pt = new RawZip().stored("archive/data.pkl", BENIGN, 0x808, true, -1)
                .stored("archive/data/0", new byte[64], 0x808, true, -1)
                .stored("archive/version", "3\n".getBytes(StandardCharsets.US_ASCII), 0x808, true, -1).bytes();
        ScanReport r = scan("model.pt", pt);
        assertEquals(List.of(), r.errors());
        assertEquals(List.of(), r.findings());
        assertEquals(ScanReport.CLEAN, r.exitCode());
        byte[] evil = new RawZip().stored("archive/data.pkl", EVIL, 0x808, true, -1).bytes();
        assertTrue(critical(scan("evil.pt", evil)));
    }

    @Test
    void bogusEncryptionFlagsAndCrcErrorsAreFindingsNotCrashes() throws IOException {
        ScanReport enc = scan("enc.pt", new RawZip().stored("archive/data.pkl", EVIL, 0x1, true, -1).bytes());
        assertTrue(critical(enc), enc.findings() + " " + enc.errors());
        assertTrue(enc.findings().stream().anyMatch(f -> f.description().contains("encrypted")));
        ScanReport crc = scan("crc.pt", new RawZip().stored("archive/data.pkl", BENIGN, 0, true, 12345).bytes());
        assertTrue(crc.findings().stream().anyMatch(f -> f.description().contains("CRC")), crc.findings().toString());
    }

    @Test
    void zipsNestedFourDeepAndZip64AreOpened() throws IOException {
        byte[] z = EVIL;
        for (int i = 0; i < 4; i++) {
            z = zip(i == 0 ? "data.pkl" : "inner" + i + ".zip", z);
        }
        assertTrue(critical(scan("outer.zip", z)));
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream o =
                     new org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream(b)) {
            o.setUseZip64(org.apache.commons.compress.archivers.zip.Zip64Mode.Always);
            o.putArchiveEntry(new org.apache.commons.compress.archivers.zip.ZipArchiveEntry("data.pkl"));
            o.write(EVIL);
            o.closeArchiveEntry();
        }
        assertTrue(critical(scan("z64.zip", b.toByteArray())));
    }

    @Test
    void sevenZipAndTarArchivesAreOpened() throws IOException {
        Path f = dir.resolve("m.7z");
        try (SevenZOutputFile o = new SevenZOutputFile(f.toFile())) {
            SevenZArchiveEntry e = new SevenZArchiveEntry();
            e.setName("model.pkl");
            o.putArchiveEntry(e);
            o.write(EVIL);
            o.closeArchiveEntry();
        }
        ScanReport sz = ModelScanner.scan(List.of(f));
        assertTrue(critical(sz), sz.findings() + " " + sz.errors() + " " + sz.skipped());
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(b)) {
            TarArchiveEntry e = new TarArchiveEntry("pickle");
            e.setSize(EVIL.length);
            t.putArchiveEntry(e);
            t.write(EVIL);
            t.closeArchiveEntry();
        }
        assertTrue(critical(scan("legacy.tar", b.toByteArray())));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "zlib", "bz2", "xz", "lzma"})
    void everyJoblibCompressorIsOpenedAlsoInsideAnArchive(String c) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream o = switch (c) {
            case "gzip" -> new GZIPOutputStream(b);
            case "zlib" -> new DeflaterOutputStream(b);
            case "bz2" -> new BZip2CompressorOutputStream(b);
            case "xz" -> new XZCompressorOutputStream(b);
            default -> new LZMACompressorOutputStream(b);
        }) {
            o.write(EVIL);
        }
        assertTrue(critical(scan("model.joblib", b.toByteArray())), c);
        assertTrue(critical(scan("m.zip", zip("model.joblib", b.toByteArray()))), c + " in a zip");
    }

    @Test
    void compressionNestedBeyondTheBoundIsABombFindingNotAnError() throws IOException {
        byte[] z = EVIL;
        for (int i = 0; i < Budget.MAX_DEPTH + 2; i++) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try (OutputStream o = new GZIPOutputStream(b)) {
                o.write(z);
            }
            z = b.toByteArray();
        }
        ScanReport r = scan("deep.pkl.gz", z);
        assertEquals(ScanReport.FINDINGS, r.exitCode());
        assertTrue(r.findings().stream().anyMatch(f -> f.rule() == Rule.ARCHIVE_PROBLEM), r.findings().toString());
    }

    @Test
    void theTotalByteBudgetStopsABombWithAFinding() throws IOException {
        ScanReport r = new ScanReport();
        Budget b = new Budget("f", r, 1000);
        ModelScanner.drain(b.track(new java.io.ByteArrayInputStream(new byte[5000]), "f"));
        assertTrue(b.exhausted());
        assertEquals(Severity.HIGH, r.findings().get(0).severity());
    }

    static byte[] npy(String header, byte[] data, int lengthDelta) {
        String h = header + " ".repeat(63 - (10 + header.length()) % 64) + "\n";
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        int len = h.length() + lengthDelta;
        b.write(len & 0xff);
        b.write(len >> 8);
        b.writeBytes(h.substring(0, Math.min(h.length(), len)).getBytes(StandardCharsets.ISO_8859_1));
        if (lengthDelta < 0) {
            b.writeBytes(h.substring(len).getBytes(StandardCharsets.ISO_8859_1));
        }
        b.writeBytes(data);
        return b.toByteArray();
    }

    @Test
    void npyObjectDtypesAnywhereAndNpzHeaderLengthQuirksAreSeen() throws IOException {
        assertTrue(critical(scan("a.npy", npy("{'descr': 'object', 'fortran_order': False, 'shape': (1,), }", EVIL, 0))));
        String structured = "{'descr': [('a_rather_long_field_name', '<f8'), ('another_long_one', '<i4'), ('p', '|O')],"
                + " 'fortran_order': False, 'shape': (1,), }";
        assertTrue(critical(scan("s.npy", npy(structured, EVIL, 0))), "an O field past 40 characters");
        byte[] off = npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", EVIL, -5);
        assertTrue(critical(scan("m.npz", zip("arr_0.npy", off))), "the pickle starts with spaces");
        assertEquals(List.of(), scan("f.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }",
                new byte[8], 0)).findings());
    }

    @Test
    void entriesCompressedWithMethodsNeedingAbsentLibrariesAreSkippedNotCrashes() throws IOException {
        byte[] z = new RawZip().stored("archive/data.pkl", EVIL).bytes();
        z[8] = 93; // zstd, which Commons Compress reads only with zstd-jni on the class path (found by the fuzzer)
        int cd = Archives.indexOf(z, new byte[] {'P', 'K', 1, 2});
        z[cd + 10] = 93;
        ScanReport r = scan("zstd.pt", z);
        assertEquals(ScanReport.INCOMPLETE, r.exitCode(), r.errors() + " " + r.skipped());
    }

    @Test
    void pathTraversalInTarAndZipEntriesIsReported() throws IOException {
        ScanReport r = scan("t.zip", zip("../../etc/evil.pkl", BENIGN));
        assertTrue(r.findings().stream().anyMatch(f -> f.description().contains("path traversal")));
    }
}
