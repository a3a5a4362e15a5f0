package org.mlsec.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.InputException;
import org.mlsec.internal.LimitedInputStream;

/** Hostile and careless CSV files of issue 20: each fails early, naming the file and the line. */
class CsvHardeningTest {
    @TempDir
    Path dir;

    InputException reading(byte[] content) throws IOException {
        Path f = dir.resolve("bad.csv");
        Files.write(f, content);
        return assertThrows(InputException.class, () -> CsvReader.read(f, CsvOptions.labelled("y")));
    }

    @Test
    void aLatin1ByteIsReportedOnItsOwnLine() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write("name,x,y\n".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < 5_000; i++) {
            b.write(("a" + i + "," + i + "," + (i % 2) + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        b.write(new byte[] {'M', (byte) 0xfc, 'l', 'l', 'e', 'r', ',', '1', ',', '0', '\n'}); // "Müller" in Latin-1
        b.write("z,2,1\n".getBytes(StandardCharsets.US_ASCII));
        String m = reading(b.toByteArray()).getMessage();
        assertTrue(m.contains("bad.csv line 5002, byte 2: not UTF-8"), m);
    }

    @Test
    void anEndlessLineFailsAtTheLimitNamingTheLine() throws IOException {
        Path f = dir.resolve("long.csv");
        try (var out = Files.newOutputStream(f)) {
            out.write("x,y\n1,0\n".getBytes(StandardCharsets.US_ASCII));
            byte[] junk = new byte[1 << 20];
            java.util.Arrays.fill(junk, (byte) '7');
            for (int i = 0; i < 17; i++) {
                out.write(junk);
            }
        }
        InputException e = assertThrows(InputException.class, () -> CsvReader.read(f, CsvOptions.labelled("y")));
        assertTrue(e.getMessage().contains("long.csv line 3: longer than"), e.getMessage());
    }

    @Test
    void aHeaderWithTooManyColumnsIsRefusedAndTheNoLabelErrorIsShort() throws IOException {
        StringBuilder h = new StringBuilder("c0");
        for (int i = 1; i <= CsvReader.MAX_COLUMNS; i++) {
            h.append(",c").append(i);
        }
        String m = reading((h + "\n").getBytes(StandardCharsets.US_ASCII)).getMessage();
        assertTrue(m.contains("bad.csv line 1: more than 100000 fields"), m);
        StringBuilder wide = new StringBuilder("c0");
        for (int i = 1; i < 5_000; i++) {
            wide.append(",c").append(i);
        }
        m = reading((wide + "\n" + "1,".repeat(4_999) + "1\n").getBytes(StandardCharsets.US_ASCII)).getMessage();
        assertTrue(m.contains("no label column 'y'") && m.contains("(5000 columns)") && m.length() < 400, m);
    }

    @Test
    void aDecompressionLimitCountsTheExpandedBytes() throws IOException {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
            g.write(new byte[1 << 20]);
        }
        assertTrue(gz.size() < 10_000, "a small file");
        InputStream in = new LimitedInputStream(new GZIPInputStream(new ByteArrayInputStream(gz.toByteArray())), 100_000,
                "m.json.gz expands beyond 100000 bytes");
        InputException e = assertThrows(InputException.class, in::readAllBytes);
        assertEquals("m.json.gz expands beyond 100000 bytes", e.getMessage());
    }
}
