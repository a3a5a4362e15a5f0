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
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.mlsec.InputException;
import org.mlsec.internal.Json;
import org.mlsec.model.ModelIo;

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

    public static ScanReport scan(List<Path> paths) {
        ScanReport report = new ScanReport();
        for (Path p : paths) {
            if (!Files.exists(p)) {
                throw new InputException("no such file or folder: " + p);
            }
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
                        scanFile(f, report);
                    }
                } catch (IOException e) {
                    report.errors.add(new ScanReport.Note("io", "cannot list " + p + ": " + e.getMessage(), p.toString()));
                }
            } else {
                scanFile(p, report);
            }
        }
        return report;
    }

    static void scanFile(Path file, ScanReport report) {
        String source = file.toString();
        try (InputStream raw = Files.newInputStream(file); BufferedInputStream outer = new BufferedInputStream(raw, 1 << 16)) {
            byte[] head = peek(outer, 512);
            String compression = org.mlsec.model.formats.Sniff.compression(head);
            BufferedInputStream in = outer;
            LimitedInput limited = null;
            if (compression != null) {
                // joblib writes compressed pickles (zlib, gzip, bz2, xz, lzma): scan what joblib.load unpickles.
                limited = new LimitedInput(org.mlsec.model.formats.Sniff.decompress(compression, outer), MAX_DECOMPRESSED);
                in = new BufferedInputStream(limited, 1 << 16);
                head = peek(in, 512);
            }
            Format f = Format.detect(head, compression == null ? file.getFileName().toString()
                    : file.getFileName().toString().replaceAll("\\.(gz|z|bz2|xz|lzma)$", ""));
            if (f == Format.UNKNOWN) {
                report.skipped.add(new ScanReport.Note("unsupported format",
                        head.length == 0 ? "empty file" : "not a model format mlsec scans", source));
                return;
            }
            int before = report.findings.size();
            scanStream(f, in, source, report, 0);
            if (limited != null) {
                drain(in);
                if (limited.exceeded()) {
                    report.findings.add(new Finding(Rule.MALFORMED, Severity.HIGH, "the " + compression
                            + " data expands beyond " + MAX_DECOMPRESSED + " bytes (a decompression bomb); only the first"
                            + " part was scanned", "compression", compression, source, "mlsec.ModelScanner"));
                }
            }
            report.scanned.add(source);
            if (f == Format.PICKLE) {
                checkEstimator(file, source, report, before);
            }
        } catch (IOException e) {
            report.errors.add(new ScanReport.Note("io", "cannot read: " + e.getMessage(), source));
        }
    }

    private static void scanStream(Format f, InputStream in, String source, ScanReport report, int depth)
            throws IOException {
        switch (f) {
            case PICKLE:
                new PickleScanner(in, source, report.findings::add).scan();
                break;
            case NUMPY:
                NumpyScanner.scan(in, source, report);
                break;
            case ZIP:
                scanZip(in, source, report, depth);
                break;
            case TAR:
                scanTar(in, source, report, depth);
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
            case MLSEC:
                scanMlsec(in, source, report);
                break;
            default:
                break;
        }
    }

    private static void scanZip(InputStream in, String source, ScanReport report, int depth) throws IOException {
        ZipInputStream zip = new ZipInputStream(in);
        ZipEntry e;
        boolean any = false;
        while ((e = zip.getNextEntry()) != null) {
            any = true;
            String name = e.getName();
            String entrySource = source + "!" + name;
            if (name.startsWith("/") || name.contains("../") || name.startsWith("..")) {
                report.findings.add(new Finding(Rule.ARCHIVE_PROBLEM, Severity.MEDIUM,
                        "archive entry '" + name + "' would be written outside its folder (path traversal)",
                        "zip-entry", name, entrySource, "mlsec.ArchiveScanner"));
            }
            if (e.isDirectory()) {
                continue;
            }
            InputStream entry = new LimitedInput(zip, MAX_ENTRY_BYTES);
            BufferedInputStream b = new BufferedInputStream(entry, 1 << 16);
            byte[] head = peek(b, 512);
            String lower = name.toLowerCase(Locale.ROOT);
            Format f = Format.detect(head, name);
            if (lower.endsWith("config.json") && depth == 0) {
                KerasScanner.scanConfig(b, entrySource, report);
            } else if (f != Format.UNKNOWN && f != Format.MLSEC && depth < 3) {
                scanStream(f, b, entrySource, report, depth + 1);
            }
            if (((LimitedInput) entry).exceeded()) {
                report.findings.add(new Finding(Rule.ARCHIVE_PROBLEM, Severity.MEDIUM,
                        "archive entry '" + name + "' expands beyond " + (MAX_ENTRY_BYTES >> 30) + " GiB (zip bomb?)",
                        "zip-entry", name, entrySource, "mlsec.ArchiveScanner"));
            }
        }
        if (!any) {
            report.findings.add(new Finding(Rule.MALFORMED, Severity.MEDIUM, "malformed zip: no readable entries",
                    "structure", "", source, "mlsec.ArchiveScanner"));
        }
    }

    /** Legacy PyTorch checkpoints and other tar archives: ustar headers of 512 bytes, then the content. */
    private static void scanTar(InputStream in, String source, ScanReport report, int depth) throws IOException {
        while (true) {
            byte[] header = in.readNBytes(512);
            if (header.length < 512 || isZero(header)) {
                return;
            }
            String name = cString(header, 0, 100);
            long size = Long.parseLong(cString(header, 124, 12).trim().isEmpty() ? "0" : cString(header, 124, 12).trim(), 8);
            char type = (char) header[156];
            long padded = (size + 511) / 512 * 512;
            if (type == '0' || type == 0) {
                BufferedInputStream b = new BufferedInputStream(new LimitedInput(in, size), 1 << 16);
                byte[] head = peek(b, 512);
                Format f = Format.detect(head, name);
                if (f != Format.UNKNOWN && f != Format.MLSEC && depth < 3) {
                    scanStream(f, b, source + "!" + name, report, depth + 1);
                }
                drain(b);
                in.skipNBytes(padded - size);
            } else {
                in.skipNBytes(padded);
            }
        }
    }

    private static void drain(InputStream b) throws IOException {
        byte[] buf = new byte[1 << 16];
        while (b.read(buf) > 0) {
            // the rest of an entry the format scanner did not need
        }
    }

    /** Most bytes a compressed model file is decompressed to while scanning (as the model readers allow). */
    static final long MAX_DECOMPRESSED = org.mlsec.model.formats.Sniff.MAX_BYTES;

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
            m = org.mlsec.model.Models.load(file);
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

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
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
        PICKLE, NUMPY, ZIP, TAR, JAVA, ONNX, HDF5, MLSEC, UNKNOWN;

        static Format detect(byte[] h, String name) {
            String n = name.toLowerCase(Locale.ROOT);
            if (h.length >= 4 && h[0] == 'P' && h[1] == 'K' && h[2] == 3 && h[3] == 4) {
                return ZIP;
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
            if (h.length >= 2 && (h[0] & 0xff) == 0x80 && h[1] >= 2 && h[1] <= 5) {
                return PICKLE;
            }
            if (looksLikeJson(h) && new String(h, StandardCharsets.ISO_8859_1).contains("\"mlsec-model\"")) {
                return MLSEC;
            }
            if (n.endsWith(".onnx")) {
                return ONNX;
            }
            if (n.endsWith(".pkl") || n.endsWith(".pickle") || n.endsWith(".joblib") || n.endsWith(".dill")
                    || n.endsWith(".sav") || n.endsWith(".pt") || n.endsWith(".pth") || n.endsWith(".bin")
                    || n.endsWith(".ckpt") || n.endsWith(".data.pkl") || n.equals("data.pkl") || n.endsWith("/data.pkl")) {
                return h.length == 0 ? PICKLE : (protocolZeroStart(h[0]) || (h[0] & 0xff) == 0x80 ? PICKLE : UNKNOWN);
            }
            return h.length > 0 && (h[0] & 0xff) == 0x80 ? PICKLE : UNKNOWN;
        }

        private static boolean protocolZeroStart(byte b) {
            return "(cilSVIFLN]}).dKJMGUTX".indexOf((char) (b & 0xff)) >= 0;
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
