package org.mlsec.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 19: pickles are read as CPython's unpickler reads them, so none of these tricks reads as clean. */
class PickleEvasionTest {
    @TempDir
    Path dir;

    ScanReport scan(String name, byte[] bytes) throws IOException {
        return Pickles.scanAs(dir, name, bytes);
    }

    static boolean has(ScanReport r, Severity s, String module) {
        return r.findings().stream().anyMatch(f -> f.severity() == s && f.module().equals(module));
    }

    static Pickles stackGlobal(Pickles p, String module, String name) {
        return p.shortUnicode(module).shortUnicode(name).op(0x93);
    }

    @Test
    void dottedStackGlobalNamesAreResolvedAsTheUnpicklerDoes() throws IOException {
        byte[] p = stackGlobal(Pickles.protocol(4), "sklearn.datasets._base", "os.system").unicode("id").op(0x85)
                .op('R').op('.').bytes();
        ScanReport r = scan("m.pkl", p);
        assertTrue(r.findings().stream().anyMatch(f -> f.severity() == Severity.CRITICAL), r.findings().toString());
        assertEquals(1, r.exitCode());
    }

    @Test
    void evalReachedThroughDunderCallIsCritical() throws IOException {
        byte[] p = stackGlobal(Pickles.protocol(4), "builtins", "eval.__call__").unicode("1").op(0x85).op('R')
                .op('.').bytes();
        assertTrue(scan("m.pkl", p).findings().stream().anyMatch(f -> f.severity() == Severity.CRITICAL));
    }

    @ParameterizedTest
    @ValueSource(ints = {0x8c, 0x95, 'C', 0x88})
    void picklesWithoutProtoStartingWithAnyOpcodeAreScannedAlsoInsideAPtZip(int first) throws IOException {
        Pickles p = Pickles.protocol(0);
        switch (first) {
            case 0x8c -> p.shortUnicode("x").op('0');
            case 0x95 -> p.op(0x95).le(0, 8).op(0x95).le(0, 8);
            case 'C' -> p.op('C').op(1).op('x').op('0');
            default -> p.op(0x88).op('0');
        }
        byte[] evil = p.global("os", "system").unicode("id").op(0x85).op('R').op('.').bytes();
        assertEquals(first, evil[0] & 0xff);
        assertTrue(has(scan("m.pkl", evil), Severity.CRITICAL, "os.system"));
        byte[] pt = new RawZip().stored("archive/data.pkl", evil).stored("archive/version", "3\n".getBytes()).bytes();
        ScanReport r = scan("m.pt", pt);
        assertTrue(has(r, Severity.CRITICAL, "os.system"), r.findings() + " " + r.skipped());
    }

    @Test
    void framesWhoseLengthDisagreesOrThatOpcodesStraddleAreFindings() throws IOException {
        // FRAME says 3 bytes, but the unicode opcode that starts inside runs past the frame's end
        byte[] straddle = Pickles.protocol(4).op(0x95).le(3, 8).shortUnicode("abcdef").op('0').op('N').op('.').bytes();
        ScanReport r = scan("s.pkl", straddle);
        assertTrue(r.findings().stream().anyMatch(f -> f.severity() == Severity.HIGH
                && f.description().contains("straddles")), r.findings().toString());
        // FRAME says 100 bytes, the pickle stops after 2
        byte[] longer = Pickles.protocol(4).op(0x95).le(100, 8).op('N').op('.').bytes();
        assertTrue(scan("l.pkl", longer).findings().stream().anyMatch(f -> f.description().contains("disagrees")));
        // a proper frame is silent
        byte[] fine = Pickles.protocol(4).op(0x95).le(2, 8).op('N').op('.').bytes();
        assertEquals(List.of(), scan("f.pkl", fine).findings());
    }

    @Test
    void hundredMillionMemoizesUseBoundedMemory() throws IOException {
        Path f = dir.resolve("memo.pkl");
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(f), 1 << 20)) {
            o.write(new byte[] {(byte) 0x80, 4, 'N'});
            byte[] chunk = new byte[1 << 20];
            java.util.Arrays.fill(chunk, (byte) 0x94);
            for (int i = 0; i < 100; i++) {
                o.write(chunk);
            }
            o.write('.');
        }
        long t0 = System.nanoTime();
        ScanReport r = ModelScanner.scan(List.of(f));
        assertEquals(List.of(), r.findings());
        assertTrue(System.nanoTime() - t0 < 30e9, "took too long");
    }

    @Test
    void deepStacksAreBoundedAndReported() throws IOException {
        byte[] p = new byte[(PickleScanner.MAX_STACK + 10) + 3];
        java.util.Arrays.fill(p, (byte) 'N');
        p[0] = (byte) 0x80;
        p[1] = 4;
        p[p.length - 1] = '.';
        ScanReport r = scan("deep.pkl", p);
        assertTrue(r.findings().stream().anyMatch(x -> x.description().contains("stack deeper")), r.findings().toString());
    }

    @Test
    void innerPicklesInBytesStrLatin1Base64AndHexAreScanned() throws IOException {
        byte[] inner = Pickles.callProtocol2("os", "system", "id");
        byte[] raw = Pickles.protocol(4).op('C').op(inner.length).raw(new String(inner, StandardCharsets.ISO_8859_1))
                .op('.').bytes();
        assertTrue(has(scan("raw.pkl", raw), Severity.CRITICAL, "os.system"), "bytes");
        byte[] b64 = Pickles.protocol(4).unicode(Base64.getEncoder().encodeToString(inner)).op('.').bytes();
        assertTrue(has(scan("b64.pkl", b64), Severity.CRITICAL, "os.system"), "base64 str");
        byte[] hex = Pickles.protocol(4).unicode(HexFormat.of().formatHex(inner)).op('.').bytes();
        assertTrue(has(scan("hex.pkl", hex), Severity.CRITICAL, "os.system"), "hex str");
        byte[] latin1 = Pickles.protocol(4).unicode(new String(inner, StandardCharsets.ISO_8859_1)).op('.').bytes();
        assertTrue(has(scan("latin1.pkl", latin1), Severity.CRITICAL, "os.system"), "str of latin-1 characters");
        byte[] p0 = Pickles.protocol(0).raw("S'" + Base64.getEncoder().encodeToString(inner) + "'\n.").bytes();
        assertTrue(has(scan("p0.pkl", p0), Severity.CRITICAL, "os.system"), "protocol 0 string");
    }

    @Test
    void loadFromBytesIsFlaggedAndItsPayloadScanned() throws IOException {
        byte[] inner = Pickles.callProtocol2("posix", "system", "id");
        byte[] p = Pickles.protocol(2).global("torch.storage", "_load_from_bytes").op('C').op(inner.length)
                .raw(new String(inner, StandardCharsets.ISO_8859_1)).op(0x85).op('R').op('.').bytes();
        ScanReport r = scan("m.pkl", p);
        assertTrue(has(r, Severity.HIGH, "torch.storage._load_from_bytes"), r.findings().toString());
        assertTrue(has(r, Severity.CRITICAL, "posix.system"), r.findings().toString());
    }

    @Test
    void legacyTorchCheckpointsRawStoragesAreNotFalseAlarms() throws IOException {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        // torch.save(_use_new_zipfile_serialization=False): magic, protocol, sys_info, the model, storage keys, data
        b.writeBytes(Pickles.protocol(2).op(0x8a).op(10).raw("\u006c\u00fc\u009c\u0046\u00f9\u0020\u006a\u00a8\u0050\u0019")
                .op('.').bytes());
        b.writeBytes(Pickles.protocol(2).op('M').le(1001, 2).op('.').bytes());
        b.writeBytes(Pickles.protocol(2).op('}').op('.').bytes());
        b.writeBytes(Pickles.protocol(2).global("collections", "OrderedDict").op(')').op('R').op('.').bytes());
        b.writeBytes(Pickles.protocol(2).op(']').op('.').bytes());
        byte[] storage = new byte[4096];
        new SplittableRandom(3).nextBytes(storage);
        b.writeBytes(storage);
        ScanReport r = scan("pytorch_model.bin", b.toByteArray());
        assertEquals(List.of(), r.findings());
        assertEquals(0, r.exitCode());
    }
}
