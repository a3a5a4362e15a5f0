package org.mlsec.scan;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The text attributes of an HDF5 file's root group, read from the file's structure as the HDF5 library reads them
 * (HDF5 File Format Specification 3.0): the superblock (versions 0 to 3) gives the root group's object header; its
 * header messages (object header versions 1 and 2, following continuation blocks) hold the attribute messages
 * (versions 1 to 3); a string attribute's value is inline (fixed-length) or in a global heap collection
 * (variable-length, as h5py writes a Python {@code str}). This is where Keras keeps a model's architecture
 * ({@code model_config}) wherever in the file the writer put it, so nothing hides past a search window.
 *
 * <p>Only what locates those values is read, every offset and size is checked against the file, and the walk is
 * bounded (messages, continuation blocks, value sizes). What this reader does not follow — dense attribute storage (a
 * fractal heap, written by {@code libver="latest"} past eight attributes), shared messages, other superblock versions
 * — is reported as unsupported, so the scan says "incomplete" rather than "clean"; a structure that contradicts itself
 * is malformed.
 */
final class Hdf5Attributes {
    /** Most header messages followed, all blocks together. */
    static final int MAX_MESSAGES = 100_000;
    /** Most continuation blocks followed. */
    static final int MAX_BLOCKS = 10_000;
    /** The largest attribute value read (a Keras config of a very large model is a few MiB). */
    static final int MAX_VALUE = 64 << 20;

    private static final byte[] SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    private static final int ATTRIBUTE = 0x000C;
    private static final int CONTINUATION = 0x0010;
    private static final int ATTRIBUTE_INFO = 0x0015;

    /** The structure is not what HDF5 writes: malformed. */
    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message);
        }
    }

    /** A structure this reader does not follow: unsupported, so the scan is incomplete. */
    static final class Unsupported extends Exception {
        Unsupported(String message) {
            super(message);
        }
    }

    private final SeekableByteChannel file;
    private final long size;
    private long base;
    private int offsetSize;
    private int lengthSize;
    private int messages;
    private int blocks;
    private long blockBytes;
    private final java.util.Set<Long> blockStarts = new java.util.HashSet<>();
    private long produced;
    private long heapObjects;
    /** Each global heap collection read once: object index to its data offset and size. */
    private final Map<Long, Map<Long, long[]>> heaps = new java.util.HashMap<>();

    private Hdf5Attributes(SeekableByteChannel file) throws IOException {
        this.file = file;
        this.size = file.size();
    }

    /**
     * The root group's attributes whose values are text: name to value (several strings of one attribute joined
     * by newlines), in header order.
     *
     * @param file the HDF5 file (on disk or in memory), read at the offsets its structure gives
     * @return the text attributes
     * @throws Malformed   if the structure contradicts itself or points outside the file
     * @throws Unsupported if the attributes are stored in a way this reader does not follow
     * @throws IOException if the file cannot be read
     */
    static Map<String, String> rootTextAttributes(SeekableByteChannel file) throws Malformed, Unsupported, IOException {
        return new Hdf5Attributes(file).read();
    }

    /**
     * Where the HDF5 library finds a superblock: the first of offsets 0, 512, 1024, 2048, ... (doubling to the end)
     * that holds the signature; the bytes before it are a user block, which may be any other file (a pickle, say).
     *
     * @param file the file, read at those offsets only
     * @param from the first offset tried (0, or 512 to ask for a signature after a user block)
     * @return the offset, or -1 when the file has no HDF5 signature where the library looks
     * @throws IOException if the file cannot be read
     */
    static long signature(SeekableByteChannel file, long from) throws IOException {
        long size = file.size();
        byte[] b = new byte[SIGNATURE.length];
        for (long p = from; p + b.length <= size; p = p == 0 ? 512 : p * 2) {
            ByteBuffer bb = ByteBuffer.wrap(b);
            file.position(p);
            while (bb.hasRemaining() && file.read(bb) > 0) {
                // eight bytes
            }
            if (!bb.hasRemaining() && java.util.Arrays.equals(b, SIGNATURE)) {
                return p;
            }
        }
        return -1;
    }

    private Map<String, String> read() throws Malformed, Unsupported, IOException {
        long root = superblock();
        Map<String, String> out = new LinkedHashMap<>();
        objectHeader(root, out);
        return out;
    }

    /** Finds the superblock (at 0, 512, 1024, ...) and returns the root group's object header address. */
    private long superblock() throws Malformed, Unsupported, IOException {
        long at = signature(file, 0);
        if (at < 0) {
            throw new Malformed("no HDF5 superblock signature at offset 0, 512, 1024, ...");
        }
        int version = u8(at + 8);
        if (version == 0 || version == 1) {
            offsetSize = u8(at + 13);
            lengthSize = u8(at + 14);
            checkSizes();
            long p = at + 24 + (version == 1 ? 4 : 0);
            base = at; // as the HDF5 library does: addresses count from the signature, whatever the field says
            // base, free-space, end-of-file and driver addresses, then the root group's symbol table entry:
            // its link name offset, then its object header address
            return address(p + 4L * offsetSize + offsetSize);
        }
        if (version == 2 || version == 3) {
            offsetSize = u8(at + 9);
            lengthSize = u8(at + 10);
            checkSizes();
            long p = at + 12;
            base = at;
            return address(p + 3L * offsetSize);
        }
        throw new Unsupported("HDF5 superblock version " + version + " is not read");
    }

    private void checkSizes() throws Malformed {
        for (int s : new int[] {offsetSize, lengthSize}) {
            if (s != 2 && s != 4 && s != 8) {
                throw new Malformed("HDF5 superblock gives an offset or length size of " + s + " bytes");
            }
        }
    }

    private void objectHeader(long at, Map<String, String> out) throws Malformed, Unsupported, IOException {
        if (java.util.Arrays.equals(bytes(at, 4), new byte[] {'O', 'H', 'D', 'R'})) {
            headerV2(at, out);
            return;
        }
        int version = u8(at);
        if (version != 1) {
            throw new Malformed("the root group's object header at offset " + at + " has version " + version);
        }
        long chunk = u32(at + 8);
        // version, reserved, message count (2), reference count (4), header size (4), then 4 bytes of padding
        List<long[]> pending = new ArrayList<>();
        pending.add(new long[] {at + 16, chunk});
        while (!pending.isEmpty()) {
            long[] block = pending.remove(0);
            block(block[0], block[1]);
            long p = block[0];
            long end = block[0] + block[1];
            while (p + 8 <= end) {
                int type = u16(p);
                int length = u16(p + 2);
                int flags = u8(p + 4);
                long data = p + 8;
                if (data + length > end) {
                    throw new Malformed("a header message at offset " + p + " runs past its block");
                }
                message(type, flags, data, length, pending, out);
                p = data + length;
            }
        }
    }

    private void headerV2(long at, Map<String, String> out) throws Malformed, Unsupported, IOException {
        int version = u8(at + 4);
        int flags = u8(at + 5);
        if (version != 2) {
            throw new Malformed("an OHDR object header at offset " + at + " has version " + version);
        }
        long p = at + 6;
        if ((flags & 0x20) != 0) {
            p += 16; // access, modification, change and birth times
        }
        if ((flags & 0x10) != 0) {
            p += 4; // attribute phase change values
        }
        int sizeBytes = 1 << (flags & 3);
        long chunk = unsigned(p, sizeBytes);
        p += sizeBytes;
        boolean order = (flags & 0x04) != 0;
        List<long[]> pending = new ArrayList<>();
        pending.add(new long[] {p, chunk, 0});
        while (!pending.isEmpty()) {
            long[] b = pending.remove(0);
            long start = b[0];
            long length = b[1];
            if (b[2] == 1) { // a continuation block: OCHK signature, messages, checksum
                if (!java.util.Arrays.equals(bytes(start, 4), new byte[] {'O', 'C', 'H', 'K'})) {
                    throw new Malformed("a continuation block at offset " + start + " has no OCHK signature");
                }
                start += 4;
                length -= 8;
            }
            block(start, length);
            long q = start;
            long end = start + length;
            int header = 4 + (order ? 2 : 0);
            while (q + header <= end) {
                int type = u8(q);
                int len = u16(q + 1);
                int mflags = u8(q + 3);
                long data = q + header;
                if (data + len > end) {
                    throw new Malformed("a header message at offset " + q + " runs past its block");
                }
                List<long[]> next = new ArrayList<>();
                message(type, mflags, data, len, next, out);
                next.forEach(n -> pending.add(new long[] {n[0], n[1], 1}));
                q = data + len;
            }
        }
    }

    private void block(long start, long length) throws Malformed {
        if (++blocks > MAX_BLOCKS) {
            throw new Malformed("more than " + MAX_BLOCKS + " object header blocks");
        }
        if (length < 0 || start < 0 || start > size || length > size - start) {
            throw new Malformed("an object header block at offset " + start + " of " + length
                    + " bytes lies outside the file (" + size + " bytes)");
        }
        // The blocks of a header are disjoint parts of the file: continuations that loop back or overlap would have
        // the walk read the same messages again and again (its work is kept linear in the file's size).
        if (!blockStarts.add(start)) {
            throw new Malformed("object header continuations loop: the block at offset " + start + " is reached twice");
        }
        blockBytes += length;
        if (blockBytes > size) {
            throw new Malformed("object header blocks add up to more bytes than the file has (" + size + "): they"
                    + " overlap");
        }
    }

    private void message(int type, int flags, long data, int length, List<long[]> pending, Map<String, String> out)
            throws Malformed, Unsupported, IOException {
        if (++messages > MAX_MESSAGES) {
            throw new Malformed("more than " + MAX_MESSAGES + " header messages");
        }
        if (type == CONTINUATION) {
            pending.add(new long[] {address(data), length(data + offsetSize)});
        } else if (type == ATTRIBUTE_INFO) {
            // version, flags, [max creation index], fractal heap address: undefined when every attribute is compact
            int f = u8(data + 1);
            long heap = offset(data + 2 + ((f & 1) != 0 ? 2 : 0));
            if (!undefined(heap)) {
                throw new Unsupported("the root group keeps its attributes in dense storage (a fractal heap),"
                        + " which is not read");
            }
        } else if (type == ATTRIBUTE) {
            if ((flags & 0x02) != 0) {
                throw new Unsupported("a shared attribute message is not read");
            }
            attribute(data, length, out);
        }
    }

    private void attribute(long at, int length, Map<String, String> out) throws Malformed, Unsupported, IOException {
        long end = at + length;
        int version = u8(at);
        int flags = u8(at + 1);
        int nameSize = u16(at + 2);
        int typeSize = u16(at + 4);
        int spaceSize = u16(at + 6);
        long p = at + 8;
        if (version == 3) {
            p++; // name encoding
        } else if (version != 1 && version != 2) {
            throw new Malformed("an attribute message at offset " + at + " has version " + version);
        }
        if ((flags & 0x03) != 0) {
            throw new Unsupported("an attribute with a shared datatype or dataspace is not read");
        }
        int pad = version == 1 ? 8 : 1;
        String name = new String(bytes(p, Math.max(0, nameSize - 1)), StandardCharsets.UTF_8);
        p += align(nameSize, pad);
        long type = p;
        p += align(typeSize, pad);
        long space = p;
        p += align(spaceSize, pad);
        if (p > end) {
            throw new Malformed("attribute '" + name + "' at offset " + at + " is longer than its message");
        }
        if (out.containsKey(name)) {
            // HDF5 opens the first attribute of a name: a second one is there to be read instead by someone else
            throw new Malformed("the root group has two attributes named '" + name + "'");
        }
        long count = elements(space);
        int cls = u8(type) & 0x0f;
        long elementSize = u32(type + 4);
        if ((cls == 3 || cls == 9) && elementSize == 0) {
            throw new Malformed("attribute '" + name + "' has a string type of size 0");
        }
        if (cls == 3) { // fixed-length string
            long total = Math.multiplyExact(count, elementSize);
            if (total > MAX_VALUE || p + total > end) {
                throw new Malformed("attribute '" + name + "' holds " + total + " bytes of text, past its message");
            }
            byte[] raw = bytes(p, (int) total);
            StringBuilder text = new StringBuilder();
            for (long i = 0; i < count; i++) {
                text.append(i == 0 ? "" : "\n").append(cString(raw, (int) (i * elementSize), (int) elementSize));
            }
            out.put(name, produced(text.toString()));
        } else if (cls == 9 && (u8(type + 1) & 0x0f) == 1) { // variable-length string
            int ref = 4 + offsetSize + 4;
            if (p + count * ref > end) {
                throw new Malformed("attribute '" + name + "' lists more strings than its message holds");
            }
            StringBuilder text = new StringBuilder();
            for (long i = 0; i < count; i++) {
                long r = p + i * ref;
                text.append(i == 0 ? "" : "\n").append(heapObject(address(r + 4), u32(r + 4 + offsetSize), name));
                if (text.length() > MAX_VALUE) {
                    throw new Malformed("attribute '" + name + "' holds more than " + MAX_VALUE + " bytes of text");
                }
            }
            out.put(name, produced(text.toString()));
        }
    }

    /** Counts the text an attribute gives against the file's budget of {@link #MAX_VALUE} bytes. */
    private String produced(String text) throws Malformed {
        produced += text.length();
        if (produced > MAX_VALUE) {
            throw new Malformed("the root group's attributes hold more than " + MAX_VALUE + " bytes of text");
        }
        return text;
    }

    /** The elements of a dataspace: 1 for a scalar, the product of the dimensions otherwise. */
    private long elements(long at) throws Malformed, IOException {
        int version = u8(at);
        int rank = u8(at + 1);
        long dims = at + (version == 1 ? 8 : 4);
        if (version == 2 && u8(at + 3) == 2) {
            return 0; // the null dataspace
        }
        long n = 1;
        for (int d = 0; d < rank; d++) {
            long v = length(dims + (long) d * lengthSize);
            if (v < 0 || v > MAX_VALUE || (n = n * v) > MAX_VALUE) {
                throw new Malformed("an attribute's dataspace at offset " + at + " has too many elements");
            }
        }
        return n;
    }

    /** Object {@code index} of the global heap collection at {@code collection}, as text. */
    private String heapObject(long collection, long index, String attribute) throws Malformed, IOException {
        Map<Long, long[]> objects = heaps.get(collection);
        if (objects == null) {
            objects = collection(collection);
            heaps.put(collection, objects);
        }
        long[] object = objects.get(index);
        if (object == null) {
            throw new Malformed("attribute '" + attribute + "' names global heap object " + index
                    + ", which the collection at offset " + collection + " does not hold");
        }
        if (object[1] > MAX_VALUE) {
            throw new Malformed("attribute '" + attribute + "' is " + object[1] + " bytes long");
        }
        return new String(bytes(object[0], (int) object[1]), StandardCharsets.UTF_8);
    }

    /** The objects of the global heap collection at {@code collection}: index to data offset and size. */
    private Map<Long, long[]> collection(long collection) throws Malformed, IOException {
        if (!java.util.Arrays.equals(bytes(collection, 4), new byte[] {'G', 'C', 'O', 'L'})) {
            throw new Malformed("an attribute points to offset " + collection + ", which is not a global heap collection");
        }
        long collectionSize = length(collection + 8);
        if (collectionSize < 16 || collectionSize > size - collection) {
            throw new Malformed("the global heap collection at offset " + collection + " lies outside the file");
        }
        long end = collection + collectionSize;
        Map<Long, long[]> objects = new java.util.HashMap<>();
        long p = collection + 8 + lengthSize;
        while (p + 8 + lengthSize <= end) {
            if (++heapObjects > MAX_MESSAGES) {
                throw new Malformed("more than " + MAX_MESSAGES + " global heap objects");
            }
            int id = u16(p);
            long objectSize = length(p + 8);
            long data = p + 8 + lengthSize;
            if (id == 0) {
                break; // free space: the last object
            }
            if (objectSize < 0 || objectSize > end - data) {
                throw new Malformed("global heap object " + id + " at offset " + p + " runs past its collection");
            }
            objects.putIfAbsent((long) id, new long[] {data, objectSize});
            p = data + align(objectSize, 8);
        }
        return objects;
    }

    private static String cString(byte[] b, int from, int length) {
        int n = 0;
        while (n < length && b[from + n] != 0) {
            n++;
        }
        return new String(b, from, n, StandardCharsets.UTF_8);
    }

    private static long align(long n, int to) {
        return (n + to - 1) / to * to;
    }

    private boolean undefined(long value) {
        return offsetSize == 8 ? value == -1 : value == (1L << (8 * offsetSize)) - 1;
    }

    /** A file address: relative to the base address, checked to lie in the file. */
    private long address(long at) throws Malformed, IOException {
        long a = offset(at);
        if (undefined(a) || a < 0 || base + a >= size) {
            throw new Malformed("an address at offset " + at + " points outside the file (" + size + " bytes)");
        }
        return base + a;
    }

    private long offset(long at) throws Malformed, IOException {
        return unsigned(at, offsetSize);
    }

    private long length(long at) throws Malformed, IOException {
        return unsigned(at, lengthSize);
    }

    private int u8(long at) throws Malformed, IOException {
        return bytes(at, 1)[0] & 0xff;
    }

    private int u16(long at) throws Malformed, IOException {
        return (int) unsigned(at, 2);
    }

    private long u32(long at) throws Malformed, IOException {
        return unsigned(at, 4);
    }

    private long unsigned(long at, int n) throws Malformed, IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes(at, n)).order(ByteOrder.LITTLE_ENDIAN);
        switch (n) {
            case 1:
                return b.get() & 0xffL;
            case 2:
                return b.getShort() & 0xffffL;
            case 4:
                return b.getInt() & 0xffffffffL;
            default:
                return b.getLong();
        }
    }

    private byte[] bytes(long at, int n) throws Malformed, IOException {
        if (n < 0 || at < 0 || at > size - n) {
            throw new Malformed("the structure reads " + n + " bytes at offset " + at + ", past the end of the file ("
                    + size + " bytes)");
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        file.position(at);
        while (b.hasRemaining()) {
            if (file.read(b) < 0) {
                throw new Malformed("the file ends at offset " + (at + b.position()));
            }
        }
        return b.array();
    }
}
