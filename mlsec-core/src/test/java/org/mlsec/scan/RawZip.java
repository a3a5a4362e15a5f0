package org.mlsec.scan;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/** Zips written byte by byte, so tests can build what ZipOutputStream refuses to (descriptors on STORED, lies). */
final class RawZip {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream central = new ByteArrayOutputStream();
    private int count;

    /** A STORED entry; {@code flags} 0x808 is what torch.save writes (data descriptor, UTF-8 names). */
    RawZip stored(String name, byte[] data, int flags, boolean listed, long crcOverride) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        CRC32 c = new CRC32();
        c.update(data);
        long crc = crcOverride >= 0 ? crcOverride : c.getValue();
        boolean descriptor = (flags & 0x08) != 0;
        int offset = out.size();
        le(out, 0x04034b50, 4);
        le(out, 20, 2);
        le(out, flags, 2);
        le(out, 0, 2);
        le(out, 0, 4);
        le(out, descriptor ? 0 : crc, 4);
        le(out, descriptor ? 0 : data.length, 4);
        le(out, descriptor ? 0 : data.length, 4);
        le(out, n.length, 2);
        le(out, 0, 2);
        out.writeBytes(n);
        out.writeBytes(data);
        if (descriptor) {
            le(out, 0x08074b50, 4);
            le(out, crc, 4);
            le(out, data.length, 4);
            le(out, data.length, 4);
        }
        if (listed) {
            le(central, 0x02014b50, 4);
            le(central, 20, 2);
            le(central, 20, 2);
            le(central, flags, 2);
            le(central, 0, 2);
            le(central, 0, 4);
            le(central, crc, 4);
            le(central, data.length, 4);
            le(central, data.length, 4);
            le(central, n.length, 2);
            le(central, 0, 2);
            le(central, 0, 2);
            le(central, 0, 2);
            le(central, 0, 2);
            le(central, 0, 4);
            le(central, offset, 4);
            central.writeBytes(n);
            count++;
        }
        return this;
    }

    RawZip stored(String name, byte[] data) {
        return stored(name, data, 0, true, -1);
    }

    byte[] bytes() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(out.toByteArray());
        int cd = all.size();
        all.writeBytes(central.toByteArray());
        le(all, 0x06054b50, 4);
        le(all, 0, 2);
        le(all, 0, 2);
        le(all, count, 2);
        le(all, count, 2);
        le(all, central.size(), 4);
        le(all, cd, 4);
        le(all, 0, 2);
        return all.toByteArray();
    }

    static void le(ByteArrayOutputStream o, long v, int n) {
        for (int i = 0; i < n; i++) {
            o.write((int) (v >>> (8 * i)) & 0xff);
        }
    }
}
