package org.mlsec.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PyTorch checkpoint whose {@code data.pkl} is 4 GiB (a pickle holding one 4 GiB bytes object, stored as torch.save
 * stores it: zip64, no compression), with an {@code os.system} call after the payload, is scanned in a JVM with a
 * 256 MiB heap: the scanner streams the entry and skips the payload, so memory stays bounded, and it still reads every
 * opcode after it. The file is sparse, so it costs no disk.
 */
class HugeEntryTest {
    static final long PAYLOAD = 4L << 30;

    @TempDir
    Path dir;

    @Test
    void theCallAfterAFourGigabytePayloadIsFoundInBoundedMemory() throws Exception {
        Path pt = dir.resolve("huge.pt");
        writeCheckpoint(pt);
        assertTrue(java.nio.file.Files.size(pt) > PAYLOAD, "the checkpoint holds the whole payload");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), HugeEntryTest.class.getName(), pt.toString())
                .redirectErrorStream(true).start();
        boolean done = p.waitFor(120, TimeUnit.SECONDS);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!done) {
            p.destroyForcibly();
        }
        assertTrue(done, "the scan did not finish within 120 s: " + out);
        assertEquals(0, p.exitValue(), "the scan under -Xmx256m failed: " + out);
        assertTrue(out.startsWith("scanned 1,") && out.contains("os.system") && out.contains("incomplete []"), out);
    }

    /** Scans the file given and prints what it found (run in the child JVM). */
    public static void main(String[] args) {
        ScanReport r = ModelScanner.scan(List.of(Path.of(args[0])));
        System.out.println("scanned " + r.scannedFiles().size() + ", findings " + r.findings() + ", incomplete "
                + r.incomplete());
    }

    /**
     * {@code archive/data.pkl}: PROTO 4, BINBYTES8 of {@link #PAYLOAD} zero bytes, POP, then {@code os.system("id")}
     * and STOP; one STORED zip64 entry, the
     * sizes in its extra fields, then the zip64 end records. The payload is a hole in a sparse file.
     */
    static void writeCheckpoint(Path file) throws IOException {
        byte[] head = ByteBuffer.allocate(11).order(ByteOrder.LITTLE_ENDIAN).put((byte) 0x80).put((byte) 4)
                .put((byte) 0x8e).putLong(PAYLOAD).array();
        byte[] tail = {'0', (byte) 0x8c, 2, 'o', 's', (byte) 0x8c, 6, 's', 'y', 's', 't', 'e', 'm', (byte) 0x93,
            (byte) 0x8c, 2, 'i', 'd', (byte) 0x85, 'R', '.'};
        long size = head.length + PAYLOAD + tail.length;
        CRC32 crc = new CRC32();
        crc.update(head);
        byte[] zeros = new byte[1 << 24];
        for (long left = PAYLOAD; left > 0; left -= zeros.length) {
            crc.update(zeros, 0, (int) Math.min(left, zeros.length));
        }
        crc.update(tail);
        byte[] name = "archive/data.pkl".getBytes(StandardCharsets.UTF_8);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            ByteBuffer local = le(30 + name.length + 20);
            local.putInt(0x04034b50).putShort((short) 45).putShort((short) 0x800).putShort((short) 0).putInt(0)
                    .putInt((int) crc.getValue()).putInt(-1).putInt(-1).putShort((short) name.length).putShort((short) 20)
                    .put(name).putShort((short) 1).putShort((short) 16).putLong(size).putLong(size);
            f.write(local.array());
            f.write(head);
            long dataEnd = f.getFilePointer() + PAYLOAD;
            f.seek(dataEnd); // the payload's zeros: a hole
            f.write(tail);
            long cdStart = f.getFilePointer();
            ByteBuffer cd = le(46 + name.length + 28);
            cd.putInt(0x02014b50).putShort((short) 45).putShort((short) 45).putShort((short) 0x800).putShort((short) 0)
                    .putInt(0).putInt((int) crc.getValue()).putInt(-1).putInt(-1).putShort((short) name.length)
                    .putShort((short) 28).putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0)
                    .putInt(-1).put(name).putShort((short) 1).putShort((short) 24).putLong(size).putLong(size).putLong(0);
            f.write(cd.array());
            long cdSize = f.getFilePointer() - cdStart;
            long eocd64 = f.getFilePointer();
            ByteBuffer end = le(56 + 20 + 22);
            end.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
                    .putLong(1).putLong(1).putLong(cdSize).putLong(cdStart);
            end.putInt(0x07064b50).putInt(0).putLong(eocd64).putInt(1);
            end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) 1).putShort((short) 1)
                    .putInt((int) cdSize).putInt(-1).putShort((short) 0);
            f.write(end.array());
        }
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
