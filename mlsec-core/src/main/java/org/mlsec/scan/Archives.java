package org.mlsec.scan;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.mlsec.scan.ModelScanner.Claim;
import org.mlsec.scan.ModelScanner.Format;

/**
 * Archives read as their loaders read them. A zip is read from its central directory, as Python's {@code zipfile}
 * and {@code torch.load} do (so STORED entries with data descriptors, zip64 and bogus encryption flags are all
 * read), and cross-checked against its local headers: a local entry the directory does not list, a local name
 * that differs from the directory's, overlapping entries or a CRC that does not match are findings, because a
 * streaming reader and a directory reader would see different files. 7z and tar (legacy PyTorch checkpoints) are
 * read entry by entry. Every entry goes back through {@link ModelScanner#scanAny}, so archives, compression and
 * pickles nest to any depth within the file's {@link Budget}.
 */
final class Archives {
    static final String NAME = "mlsec.ArchiveScanner";
    /** A nested archive up to this size is read in memory, a larger one through a temporary file. */
    private static final int IN_MEMORY = 64 << 20;
    private static final Set<String> KERAS_STANDARD = Set.of("config.json", "metadata.json", "model.weights.h5",
            "model.weights.npz");

    private Archives() {
    }

    /** A zip or 7z that arrives as a stream (nested, or decompressed): given random access first. */
    static void fromStream(Format f, InputStream in, String source, ScanReport report, Budget budget, int depth)
            throws IOException {
        byte[] first = in.readNBytes(IN_MEMORY);
        if (in.read() < 0) {
            seekable(f, new SeekableInMemoryByteChannel(first), source, source, report, budget, depth);
            return;
        }
        Path tmp = Files.createTempFile("mlsec-scan", ".archive");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                out.write(first);
                in.transferTo(out);
            }
            try (SeekableByteChannel ch = Files.newByteChannel(tmp)) {
                seekable(f, ch, source, source, report, budget, depth);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static void seekable(Format f, SeekableByteChannel ch, String name, String source, ScanReport report,
                         Budget budget, int depth) throws IOException {
        if (depth > Budget.MAX_DEPTH) {
            budget.tooDeep(source);
            return;
        }
        if (f == Format.SEVEN_Z) {
            sevenZ(ch, source, report, budget, depth);
        } else {
            zip(ch, name, source, report, budget, depth);
        }
    }

    private static void zip(SeekableByteChannel ch, String name, String source, ScanReport report, Budget budget,
                            int depth) throws IOException {
        ZipFile zf;
        try {
            zf = ZipFile.builder().setSeekableByteChannel(ch).setIgnoreLocalFileHeader(false).get();
        } catch (IOException | RuntimeException e) {
            report.errors.add(new ScanReport.Note("unparseable", "not a readable zip: " + Budget.describe(e), source));
            return;
        }
        List<ZipArchiveEntry> entries = Collections.list(zf.getEntries());
        crossCheck(ch, entries, source, report);
        Set<String> names = new HashSet<>();
        entries.forEach(e -> names.add(e.getName()));
        boolean keras = names.contains("config.json")
                && (names.contains("metadata.json") || name.toLowerCase(Locale.ROOT).endsWith(".keras"));
        for (ZipArchiveEntry e : entries) {
            String entrySource = source + "!" + e.getName();
            if (!budget.entry(entrySource)) {
                return;
            }
            traversal(e.getName(), entrySource, report);
            if (e.isDirectory()) {
                continue;
            }
            if (keras) {
                KerasScanner.extraFile(e.getName(), KERAS_STANDARD, entrySource, report);
            }
            InputStream data;
            if (e.getMethod() == ZipArchiveEntry.STORED) {
                data = zf.getRawInputStream(e);
            } else if (e.getMethod() == ZipArchiveEntry.DEFLATED) {
                data = new InflaterInputStream(zf.getRawInputStream(e), new Inflater(true), 1 << 16);
            } else {
                try {
                    data = zf.getInputStream(e);
                } catch (IOException | RuntimeException | LinkageError x) { // zstd and others need optional jars
                    report.skipped.add(new ScanReport.Note(ScanReport.UNSUPPORTED, "compression method "
                            + e.getMethod() + " (" + Budget.describe(x) + ")", entrySource));
                    continue;
                }
            }
            CheckedInputStream checked = new CheckedInputStream(budget.track(data, entrySource), new CRC32());
            Counting counted = new Counting(checked);
            boolean understood;
            try {
                understood = entry(e.getName(), counted, entrySource, report, budget, depth);
                ModelScanner.drain(counted);
            } catch (IOException | RuntimeException x) {
                if (x instanceof org.mlsec.InputException) {
                    throw x;
                }
                report.errors.add(new ScanReport.Note("unparseable", "cannot read entry: " + Budget.describe(x),
                        entrySource));
                continue;
            }
            if (budget.exhausted()) {
                return;
            }
            boolean encrypted = e.getGeneralPurposeBit().usesEncryption();
            if (encrypted && understood) {
                // really encrypted bytes read as nothing mlsec knows (a model-named entry is then noted as skipped)
                report.findings.add(new Finding(Rule.ARCHIVE_PROBLEM, Severity.MEDIUM, "entry '" + e.getName()
                        + "' is flagged as encrypted but holds plain model bytes: Python's zipfile refuses it, other"
                        + " loaders read it; it was scanned as stored", "zip-entry", e.getName(), entrySource, NAME));
            }
            if (!encrypted && e.getCrc() >= 0 && checked.getChecksum().getValue() != e.getCrc()) {
                report.findings.add(new Finding(Rule.MALFORMED, Severity.MEDIUM, "entry '" + e.getName()
                        + "' fails its CRC check: the bytes are not the ones the archive was written with",
                        "zip-entry", e.getName(), entrySource, NAME));
            }
            if (counted.count > Budget.RATIO_FLOOR && counted.count > Budget.MAX_RATIO * Math.max(1, e.getCompressedSize())) {
                budget.bomb(entrySource, "an entry that expands " + counted.count / Math.max(1, e.getCompressedSize())
                        + " times");
            }
        }
    }

    /** One entry: Keras configs by name, everything else by its bytes; true when its format was recognised. */
    private static boolean entry(String name, InputStream in, String source, ScanReport report, Budget budget,
                                 int depth) throws IOException {
        if (name.toLowerCase(Locale.ROOT).endsWith("config.json")) {
            KerasScanner.scanConfig(in, source, report);
            return true;
        }
        return ModelScanner.scanAny(in, name, source, report, budget, depth + 1, Claim.ENTRY) != null;
    }

    /**
     * The central directory against the local headers: each directory entry must point at a local header of the
     * same name, entries must not overlap, and no bytes between them (or before the directory) may hold a local
     * header the directory does not list; that is how one file shows a streaming reader one model and a directory
     * reader another.
     */
    private static void crossCheck(SeekableByteChannel ch, List<ZipArchiveEntry> entries, String source,
                                   ScanReport report) throws IOException {
        List<ZipArchiveEntry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(ZipArchiveEntry::getLocalHeaderOffset));
        long expected = 0;
        boolean descriptor = false;
        for (ZipArchiveEntry e : sorted) {
            long off = e.getLocalHeaderOffset();
            String entrySource = source + "!" + e.getName();
            byte[] local = read(ch, off, 30);
            if (local.length < 30 || local[0] != 'P' || local[1] != 'K' || local[2] != 3 || local[3] != 4) {
                mismatch(entrySource, "the central directory points at offset " + off + ", where there is no local"
                        + " header", report);
                continue;
            }
            int nameLength = u16(local, 26);
            int extraLength = u16(local, 28);
            byte[] localName = read(ch, off + 30, nameLength);
            if (!java.util.Arrays.equals(localName, e.getRawName())) {
                mismatch(entrySource, "the local header names '" + new String(localName, StandardCharsets.UTF_8)
                        + "' but the central directory '" + e.getName() + "'", report);
            }
            gap(ch, expected, off, descriptor, entrySource, report);
            expected = Math.max(expected, off + 30 + nameLength + extraLength + e.getCompressedSize());
            descriptor = e.getGeneralPurposeBit().usesDataDescriptor();
        }
        long directory = centralDirectoryOffset(ch);
        if (directory > 0 && !sorted.isEmpty()) {
            gap(ch, expected, directory, descriptor, source, report);
        }
    }

    private static void mismatch(String source, String what, ScanReport report) {
        report.findings.add(new Finding(Rule.ARCHIVE_PROBLEM, Severity.HIGH, "zip directory and local headers"
                + " disagree: " + what + " (readers of the two would load different files)", "zip-structure", "",
                source, NAME));
    }

    private static void gap(SeekableByteChannel ch, long from, long to, boolean descriptor, String source,
                            ScanReport report) throws IOException {
        if (to < from) {
            mismatch(source, "entries overlap (offset " + to + " lies inside the previous entry)", report);
            return;
        }
        long length = to - from;
        if (length == 0) {
            return;
        }
        byte[] g = read(ch, from, (int) Math.min(length, 1 << 20));
        if (indexOf(g, new byte[] {'P', 'K', 3, 4}) >= 0) {
            mismatch(source, "a local entry at offset " + from + " that the central directory does not list (a"
                    + " streaming reader loads it, zipfile and torch.load load the listed one)", report);
        } else if (length > (descriptor ? 24 : 0) && from > 0) {
            mismatch(source, length + " bytes at offset " + from + " that no entry accounts for", report);
        }
    }

    /** The central directory's offset from the end-of-central-directory record, or -1 (zip64 or not found). */
    private static long centralDirectoryOffset(SeekableByteChannel ch) throws IOException {
        long size = ch.size();
        int tail = (int) Math.min(size, 65_557);
        byte[] t = read(ch, size - tail, tail);
        for (int i = t.length - 22; i >= 0; i--) {
            if (t[i] == 'P' && t[i + 1] == 'K' && t[i + 2] == 5 && t[i + 3] == 6) {
                long off = u16(t, i + 16) | ((long) u16(t, i + 18) << 16);
                return off == 0xFFFFFFFFL ? -1 : off;
            }
        }
        return -1;
    }

    private static void sevenZ(SeekableByteChannel ch, String source, ScanReport report, Budget budget, int depth)
            throws IOException {
        try (SevenZFile z = SevenZFile.builder().setSeekableByteChannel(ch).setMaxMemoryLimitKiB(Budget.MAX_DECODER_KIB).get()) {
            SevenZArchiveEntry e;
            while ((e = z.getNextEntry()) != null) {
                String entrySource = source + "!" + e.getName();
                if (!budget.entry(entrySource)) {
                    return;
                }
                traversal(e.getName(), entrySource, report);
                if (e.isDirectory() || !e.hasStream()) {
                    continue;
                }
                InputStream in = budget.track(new InputStream() {
                    @Override
                    public int read() throws IOException {
                        return z.read();
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        return z.read(b, off, len);
                    }
                }, entrySource);
                entry(e.getName(), in, entrySource, report, budget, depth);
                ModelScanner.drain(in);
                if (budget.exhausted()) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof org.mlsec.InputException) {
                throw e;
            }
            report.errors.add(new ScanReport.Note("unparseable", "not a readable 7z archive: " + Budget.describe(e),
                    source));
        }
    }

    /** Tar archives, legacy PyTorch checkpoints among them (sys_info, pickle, storages, tensors). */
    static void tar(InputStream in, String source, ScanReport report, Budget budget, int depth) throws IOException {
        TarArchiveInputStream tar = new TarArchiveInputStream(in);
        TarArchiveEntry e;
        try {
            while ((e = tar.getNextEntry()) != null) {
                String entrySource = source + "!" + e.getName();
                if (!budget.entry(entrySource)) {
                    return;
                }
                traversal(e.getName(), entrySource, report);
                if (e.isSymbolicLink() || e.isLink()) {
                    traversal(e.getLinkName(), entrySource, report);
                }
                if (e.isFile()) {
                    entry(e.getName(), tar, entrySource, report, budget, depth);
                }
                if (budget.exhausted()) {
                    return;
                }
            }
        } catch (IOException | IllegalArgumentException x) {
            report.errors.add(new ScanReport.Note("unparseable", "not a readable tar: " + Budget.describe(x), source));
        }
    }

    private static void traversal(String name, String source, ScanReport report) {
        String n = name.replace('\\', '/');
        if (n.startsWith("/") || n.equals("..") || n.startsWith("../") || n.contains("/../") || n.endsWith("/..")
                || n.matches("^[A-Za-z]:.*")) {
            report.findings.add(new Finding(Rule.ARCHIVE_PROBLEM, Severity.MEDIUM,
                    "archive entry '" + name + "' would be written outside its folder (path traversal)",
                    "zip-entry", name, source, NAME));
        }
    }

    private static byte[] read(SeekableByteChannel ch, long at, int n) throws IOException {
        if (at < 0 || n <= 0) {
            return new byte[0];
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        ch.position(at);
        while (b.hasRemaining() && ch.read(b) > 0) {
            // fill
        }
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    private static int u16(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8;
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Counts the bytes an entry expands to (for the ratio check). */
    private static final class Counting extends java.io.FilterInputStream {
        long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public void close() {
            // the archive owns the stream
        }
    }
}
