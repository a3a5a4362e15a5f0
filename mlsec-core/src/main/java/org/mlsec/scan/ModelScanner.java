package org.mlsec.scan;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.mlsec.InputException;
import org.mlsec.internal.Json;
import org.mlsec.model.ModelIo;
import org.mlsec.model.formats.Sniff;

/**
 * The static model-file scanner: recognises each file by its bytes (not its name), reads it as a stream, and judges
 * what loading it would do, without ever executing, importing or deserializing it. Formats: Python pickles
 * (protocols 0-5, joblib/dill, concatenated), PyTorch zip and legacy checkpoints, NumPy .npy/.npz, Java
 * serialization, ONNX, Keras (.keras, .h5) and mlsec's own model files. Anything else is reported as skipped.
 */
public final class ModelScanner {
    /** An archive entry that expands beyond this is reported instead of read. */
    static final long MAX_ENTRY_BYTES = 64L << 30;

    private ModelScanner() {
    }

    /**
     * Scans files and folders. Folders are walked following symbolic links that stay inside the folder; a link that
     * leaves it, a FIFO, a device or an unreadable file is reported as skipped (never opened, never waited on).
     *
     * @param paths files and folders a user named
     * @return the findings, the files scanned and those skipped or unreadable
     */
    public static ScanReport scan(List<Path> paths) {
        ScanReport report = new ScanReport();
        for (Path p : paths) {
            if (!Files.exists(p) && !Files.isSymbolicLink(p)) {
                throw new InputException("no such file or folder: " + p);
            }
            if (Files.isDirectory(p)) {
                Walk.folder(p, report);
            } else {
                scanFile(p, report, true);
            }
        }
        return report;
    }

    /**
     * Scans files that a search selected rather than a user named (a build's include globs): each is judged as a file
     * found in a folder, so a plain text, JSON or signature file beside the models is "not a model file" and leaves
     * the verdict intact, while an unrecognised binary file is still a gap.
     *
     * @param files the files a search selected
     * @return the findings, the files scanned and those skipped or unreadable
     */
    public static ScanReport scanFound(List<Path> files) {
        ScanReport report = new ScanReport();
        for (Path p : files) {
            if (Files.isDirectory(p)) {
                Walk.folder(p, report);
            } else {
                scanFile(p, report, false);
            }
        }
        return report;
    }

    /** One file; {@code named} when the user named it (then anything not understood is a gap, whatever its name). */
    static void scanFile(Path file, ScanReport report, boolean named) {
        String source = file.toString();
        java.nio.file.attribute.BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
        } catch (IOException e) {
            report.skipped.add(new ScanReport.Note(ScanReport.UNREADABLE, "cannot read its attributes: "
                    + e.getMessage(), source));
            return;
        }
        if (!attrs.isRegularFile()) {
            report.skipped.add(new ScanReport.Note(ScanReport.SPECIAL_FILE,
                    "a FIFO, device or socket: not read (a model file is a regular file)", source));
            return;
        }
        if (!Files.isReadable(file)) {
            report.skipped.add(new ScanReport.Note(ScanReport.UNREADABLE, "permission denied", source));
            return;
        }
        int before = report.findings.size();
        try (java.nio.channels.SeekableByteChannel ch = Files.newByteChannel(file)) {
            Format f = scanChannel(ch, file.getFileName().toString(), source, report, named ? Claim.NAMED : Claim.FOLDER);
            if (f == Format.PICKLE) {
                checkEstimator(file, source, report, before);
            }
        } catch (IOException e) {
            report.errors.add(new ScanReport.Note("unparseable", "cannot read: " + Budget.describe(e), source));
        }
    }

    /** Scans bytes held in memory as a file of that name would be scanned (tests and fuzzing). */
    static ScanReport scanBytes(byte[] data, String name) {
        ScanReport report = new ScanReport();
        scanChannel(new org.apache.commons.compress.utils.SeekableInMemoryByteChannel(data), name, name, report,
                Claim.NAMED);
        return report;
    }

    /**
     * One file's content: zip and 7z through random access, everything else as a stream. An exception is never
     * thrown out: read errors become "unparseable" notes, and a bug in mlsec becomes an "internal error" note, so
     * the file is never reported clean. The format, or null when skipped or not read.
     */
    private static Format scanChannel(java.nio.channels.SeekableByteChannel ch, String name, String source,
                                      ScanReport report, Claim claim) {
        Budget budget = new Budget(source, report);
        try {
            byte[] head = new byte[HEAD];
            java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(head);
            while (bb.hasRemaining() && ch.read(bb) > 0) {
                // the first bytes decide the format
            }
            head = java.util.Arrays.copyOf(head, bb.position());
            Format f = Format.detect(head, name);
            // HDF5 finds its superblock after a user block of any size, which may be a whole other file
            long h5 = f == Format.HDF5 ? -1 : Hdf5Attributes.signature(ch, 512);
            ch.position(0);
            if (f == Format.ZIP || f == Format.SEVEN_Z) {
                Archives.seekable(f, ch, name, source, report, budget, 0);
            } else if (f == Format.HDF5 || (f == Format.UNKNOWN && h5 >= 0)) {
                KerasScanner.scanH5(ch, source, report); // read at the offsets its structure gives
                f = Format.HDF5;
                h5 = -1;
            } else {
                f = scanAny(java.nio.channels.Channels.newInputStream(ch), name, source, report, budget, 0, claim);
                if (f == null) {
                    return null;
                }
            }
            if (h5 >= 0 && !(f == Format.HDF5 || report.findings.stream().anyMatch(x -> x.rule() == Rule.POLYGLOT
                    && x.source().equals(source)))) { // (scanAny has scanned both when the signature was in its head)
                polyglot(f, h5, source, report);
                ch.position(0);
                KerasScanner.scanH5(ch, source, report);
            }
            report.scanned.add(source);
            return f;
        } catch (IOException e) {
            report.errors.add(new ScanReport.Note("unparseable", "cannot read: " + Budget.describe(e), source));
        } catch (InputException e) {
            report.errors.add(new ScanReport.Note("unparseable", Budget.describe(e), source));
        } catch (RuntimeException | StackOverflowError e) {
            report.errors.add(new ScanReport.Note("unparseable", INTERNAL + e.getClass().getName() + ": "
                    + Budget.describe(e), source));
        }
        return null;
    }

    private static void polyglot(Format f, long h5, String source, ScanReport report) {
        report.findings.add(new Finding(Rule.POLYGLOT, Severity.MEDIUM, "read as " + f.name().toLowerCase(Locale.ROOT)
                + " by its first bytes, and as HDF5 (a Keras .h5 model) by its superblock at offset " + h5
                + ": both were scanned", "structure", "", source, "mlsec.ModelScanner"));
    }

    /** Bytes read to tell a format: enough for an HDF5 signature after a user block of up to 2 KiB. */
    static final int HEAD = 2048 + 8;

    /** How an error note that is a bug of mlsec's (not of the file) begins. */
    static final String INTERNAL = "internal error: ";

    /** How strongly a stream claims to be a model: named by the user, found in a folder, or an archive entry. */
    enum Claim { NAMED, FOLDER, ENTRY }

    /**
     * Any stream: compression layers removed (every joblib compressor, nested), the format told by its bytes, the
     * right scanner run. The format, or null when the stream was skipped (noted when it matters).
     */
    static Format scanAny(InputStream raw, String name, String source, ScanReport report, Budget budget, int depth,
                           Claim claim) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        byte[] head = peek(in, HEAD);
        String compression = Sniff.compression(head);
        String plainName = name;
        int layers = 0;
        while (compression != null && !looksLikeZlibFalsePositive(compression, head, name)) {
            if (++layers > Budget.MAX_DEPTH) {
                budget.tooDeep(source);
                return Format.UNKNOWN;
            }
            in = new BufferedInputStream(budget.track(Sniff.decompress(compression, in, Budget.MAX_DECODER_KIB), source), 1 << 16);
            plainName = plainName.replaceAll("(?i)\\.(gz|z|zlib|bz2|xz|lzma)$", "");
            head = peek(in, HEAD);
            compression = Sniff.compression(head);
        }
        Format f = Format.detect(head, plainName);
        if (f == Format.UNKNOWN) {
            if (claim == Claim.NAMED || (claim == Claim.FOLDER && !Walk.plainlyNotAModel(name, head))
                    || (claim == Claim.ENTRY && Format.modelName(name))) {
                report.skipped.add(new ScanReport.Note(ScanReport.UNSUPPORTED, head.length == 0 ? "empty file"
                        : "not a model format mlsec understands (" + org.mlsec.model.formats.Sniff.describe(head)
                        + ")", source));
            } else if (claim == Claim.FOLDER) {
                report.skipped.add(new ScanReport.Note(ScanReport.NOT_A_MODEL, "a text or documentation file",
                        source));
            }
            return null;
        }
        int h5 = f == Format.HDF5 ? -1 : Format.userBlockHdf5(head);
        if (h5 > 0) { // also an HDF5 file after a user block: both loaders' readings are scanned, from one copy
            byte[] all = in.readNBytes(KerasScanner.IN_MEMORY + 1);
            if (all.length <= KerasScanner.IN_MEMORY) {
                scanStream(f, new java.io.ByteArrayInputStream(all), plainName, source, report, budget, depth);
                polyglot(f, h5, source, report);
                KerasScanner.scanH5(new org.apache.commons.compress.utils.SeekableInMemoryByteChannel(all), source,
                        report);
                return f;
            }
            report.skipped.add(new ScanReport.Note(ScanReport.UNSUPPORTED, "also an HDF5 file after a user block at"
                    + " offset " + h5 + ", larger than " + (KerasScanner.IN_MEMORY >> 20) + " MiB inside another file:"
                    + " scanned as " + f.name().toLowerCase(Locale.ROOT) + " only", source));
            in = new BufferedInputStream(new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(all), in),
                    1 << 16);
        }
        scanStream(f, new java.io.FilterInputStream(in) {
            @Override
            public void close() {
                // JSON readers close what they read; the rest is drained below
            }
        }, plainName, source, report, budget, depth);
        drain(in);
        return f;
    }

    /** zlib's two-byte header matches ordinary text now and then ("x^"); a named .npy or text is not zlib. */
    private static boolean looksLikeZlibFalsePositive(String compression, byte[] head, String name) {
        return "zlib".equals(compression) && head.length > 2 && Format.detect(head, name) != Format.UNKNOWN
                && Format.detect(head, name) != Format.PICKLE;
    }

    static void scanStream(Format f, InputStream in, String name, String source, ScanReport report, Budget budget,
                           int depth) throws IOException {
        switch (f) {
            case PICKLE:
                new PickleScanner(in, source, report.findings::add, budget, depth).scan();
                break;
            case NUMPY:
                NumpyScanner.scan(in, source, report, budget, depth);
                break;
            case ZIP: case SEVEN_Z:
                Archives.fromStream(f, in, source, report, budget, depth);
                break;
            case TAR:
                Archives.tar(in, source, report, budget, depth);
                break;
            case JAVA:
                JavaSerializationScanner.scan(in, source, report);
                break;
            case ONNX:
                OnnxScanner.scan(in, source, report);
                break;
            case HDF5:
                KerasScanner.scanH5(in, source, report);
                break;
            case SAFETENSORS:
                Safetensors.scan(in, source, report);
                break;
            case MLSEC:
                scanMlsec(in, source, report);
                break;
            default:
                break;
        }
    }

    static void drain(InputStream b) throws IOException {
        byte[] buf = new byte[1 << 16];
        while (b.read(buf) > 0) {
            // the rest of an entry the format scanner did not need
        }
    }

    /**
     * A pickle that holds a scikit-learn estimator is also read by the model reader, which interprets every opcode
     * as the unpickler (and joblib) would, against a stricter allow-list, and skips joblib's array bytes as joblib
     * does. Two things follow. When the opcode scan flagged only medium-or-lower doubts (the raw array bytes after
     * joblib's wrapper look like broken opcodes to a stream scanner) and the reader reads the whole file, those
     * doubts are withdrawn: the file is exactly an allow-listed estimator. And the estimator's class list is checked
     * for the talk's tampering: a {@code classes_} array that names a class twice loads and predicts, but never the
     * missing class. Pickles that are not estimators the reader knows keep the opcode scan's verdict.
     */
    private static void checkEstimator(Path file, String source, ScanReport report, int firstFinding) {
        List<Finding> mine = report.findings.subList(firstFinding, report.findings.size());
        if (!mine.stream().allMatch(x -> x.severity().compareTo(Severity.MEDIUM) <= 0)) {
            return; // something high or critical stands whatever the reader says
        }
        org.mlsec.model.LocalModel m;
        try {
            m = org.mlsec.model.Models.loadAsIs(file);
        } catch (InputException e) {
            return; // not an estimator the reader knows: the opcode scan has said what there is to say
        }
        if (m.provenance().imported() == null || !m.provenance().imported().format().startsWith("scikit-learn")) {
            return;
        }
        mine.clear();
        repeatedClass(m.classes(), source, report, "classes_", "sklearn.ClassesCheck");
    }

    /** A HIGH finding when a class list names a class twice; true when it did. */
    private static boolean repeatedClass(List<String> classes, String source, ScanReport report, String where,
                                         String scanner) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String c : classes) {
            if (!seen.add(c)) {
                report.findings.add(new Finding(Rule.MALFORMED, Severity.HIGH, "the class list " + classes
                        + " names class '" + c + "' twice: the model can never answer the missing class (the talk's"
                        + " tampering)", where, c, source, scanner));
                return true;
            }
        }
        return false;
    }

    private static void scanMlsec(InputStream in, String source, ScanReport report) throws IOException {
        try {
            JsonNode root = Json.MAPPER.readTree(in);
            ModelIo.fromTree(root);
            List<String> classes = new java.util.ArrayList<>();
            for (JsonNode c : root.at("/schema/classes")) {
                classes.add(c.asText());
            }
            repeatedClass(classes, source, report, "schema.classes", "mlsec.MlsecModelScanner");
        } catch (InputException e) {
            report.findings.add(new Finding(Rule.MALFORMED, Severity.MEDIUM, "malformed mlsec model: " + e.getMessage(),
                    "structure", "", source, "mlsec.MlsecModelScanner"));
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            report.findings.add(new Finding(Rule.MALFORMED, Severity.MEDIUM, "malformed mlsec model: not valid JSON ("
                    + e.getOriginalMessage() + ")", "structure", "", source, "mlsec.MlsecModelScanner"));
        }
    }

    static byte[] peek(BufferedInputStream in, int n) throws IOException {
        in.mark(n);
        byte[] head = in.readNBytes(n);
        in.reset();
        return head;
    }

    static String cString(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.ISO_8859_1);
    }

    /** The formats recognised by their first bytes. */
    enum Format {
        PICKLE, NUMPY, ZIP, SEVEN_Z, TAR, JAVA, ONNX, HDF5, SAFETENSORS, MLSEC, UNKNOWN;

        /** Names that loaders hand to pickle (or to torch.load / joblib.load, which unpickle). */
        static boolean modelName(String name) {
            String n = name.toLowerCase(Locale.ROOT);
            return n.matches(".*\\.(pkl|pickle|joblib|dill|sav|pt|pth|bin|ckpt|npy|npz|h5|hdf5|keras|onnx"
                    + "|safetensors|model|mdl|p|pck|pcl|db|tar|zip|7z|gz|bz2|xz|lzma)$") || n.endsWith("data.pkl");
        }

        static Format detect(byte[] h, String name) {
            String n = name.toLowerCase(Locale.ROOT);
            if (h.length >= 4 && h[0] == 'P' && h[1] == 'K' && ((h[2] == 3 && h[3] == 4) || (h[2] == 5 && h[3] == 6)
                    || (h[2] == 7 && h[3] == 8))) {
                return ZIP;
            }
            if (h.length >= 6 && h[0] == '7' && h[1] == 'z' && (h[2] & 0xff) == 0xBC && (h[3] & 0xff) == 0xAF
                    && h[4] == 0x27 && h[5] == 0x1C) {
                return SEVEN_Z;
            }
            if (h.length >= 6 && (h[0] & 0xff) == 0x93 && new String(h, 1, 5, StandardCharsets.ISO_8859_1).equals("NUMPY")) {
                return NUMPY;
            }
            if (h.length >= 4 && (h[0] & 0xff) == 0xAC && (h[1] & 0xff) == 0xED && h[2] == 0 && h[3] == 5) {
                return JAVA;
            }
            if (h.length >= 8 && (h[0] & 0xff) == 0x89 && h[1] == 'H' && h[2] == 'D' && h[3] == 'F') {
                return HDF5;
            }
            if (h.length >= 262 && new String(h, 257, 5, StandardCharsets.ISO_8859_1).equals("ustar")) {
                return TAR;
            }
            if (h.length >= 2 && (h[0] & 0xff) == 0x80 && h[1] >= 0 && h[1] <= 5) {
                return PICKLE;
            }
            if (Safetensors.looksLike(h)) {
                return SAFETENSORS;
            }
            if (looksLikeJson(h) && new String(h, StandardCharsets.ISO_8859_1).contains("\"mlsec-model\"")) {
                return MLSEC;
            }
            if (n.endsWith(".onnx")) {
                return ONNX;
            }
            if (userBlockHdf5(h) > 0) {
                return HDF5;
            }
            if (n.matches(".*\\.(pkl|pickle|joblib|dill|sav|pt|pth|bin|ckpt|p|pck|pcl|mdl|model)$")
                    || n.endsWith("data.pkl")) {
                // pickle.load starts at any opcode: a pickle needs no PROTO (FRAME, SHORT_BINUNICODE, NEWTRUE...)
                return h.length == 0 || PickleScanner.isOpcode(h[0] & 0xff) ? PICKLE : UNKNOWN;
            }
            return UNKNOWN;
        }

        /**
         * An HDF5 file may start with a user block: the library looks for its signature at 512, 1024, 2048, ...
         * Where these first bytes show one, or -1.
         */
        static int userBlockHdf5(byte[] h) {
            for (int at = 512; at + 8 <= h.length; at *= 2) {
                if ((h[at] & 0xff) == 0x89 && h[at + 1] == 'H' && h[at + 2] == 'D' && h[at + 3] == 'F') {
                    return at;
                }
            }
            return -1;
        }

        private static boolean looksLikeJson(byte[] h) {
            for (byte b : h) {
                if (!Character.isWhitespace(b)) {
                    return b == '{';
                }
            }
            return false;
        }
    }
}
