package org.mlsec.scan;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mlsec.internal.Json;

/**
 * Keras models. A Keras v3 {@code .keras} archive's {@code config.json} names, for every layer and function, the
 * Python module it is imported from; HDF5 ({@code .h5}) files keep the same kind of config as a JSON attribute. The
 * code-loading paths checked: Lambda layers (marshalled bytecode), {@code module}/{@code fn_module} naming a module
 * that runs commands (CVE-2025-1550), {@code TorchModuleWrapper} (a pickled torch module, CVE-2025-49655),
 * {@code get_file} with a URL (CVE-2025-8747), {@code enable_unsafe_deserialization} (CVE-2025-9906), and files in the
 * archive that a loader never needs (code smuggled next to the weights).
 */
final class KerasScanner {
    static final String NAME = "mlsec.KerasScanner";
    /** Modules a Keras config must never import from. */
    private static final Set<String> CODE_MODULES = Set.of("os", "posix", "nt", "builtins", "__builtin__",
            "subprocess", "sys", "shutil", "runpy", "importlib", "socket", "pty", "code", "codeop", "pickle", "marshal",
            "ctypes", "webbrowser", "pathlib", "io", "urllib", "requests", "http", "multiprocessing", "asyncio",
            "tempfile", "types", "operator", "functools", "inspect");
    private static final Pattern LAMBDA_TEXT = Pattern.compile("\"class_name\"\\s*:\\s*\"Lambda\"");
    private static final Pattern CONFIG_START = Pattern.compile("\\{\\s*\"(class_name|module)\"\\s*:");
    /** Most bytes of an HDF5 file searched as text for model configs. */
    private static final int MAX_CONFIG = 16 << 20;
    /** HDF5 files inside another file (or compressed) up to this size are read in memory, larger ones on disk. */
    static final int IN_MEMORY = 32 << 20;
    /** The largest HDF5 file inside another file (or compressed) whose structure is read. */
    static final long MAX_SPOOL = 4L << 30;

    private KerasScanner() {
    }

    /** The config.json of a .keras archive. */
    static void scanConfig(InputStream in, String source, ScanReport report) throws IOException {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(in);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            return; // not a Keras config: some other JSON in an archive
        }
        if (root != null) {
            walk(root, source, report);
        }
    }

    static void walk(JsonNode n, String source, ScanReport report) {
        walk(n, source, report, new java.util.IdentityHashMap<>());
    }

    /**
     * Whether the text holds a URL: "://" after a scheme's last character (a letter, digit, '+', '.' or '-'). Found
     * with indexOf, in time linear in the text (a regular expression for the scheme backtracks quadratically over a
     * long run of such characters).
     */
    static boolean urlIn(String text) {
        for (int i = text.indexOf("://"); i >= 0; i = text.indexOf("://", i + 1)) {
            if (i > 0) {
                char c = text.charAt(i - 1);
                if (Character.isLetterOrDigit(c) || c == '+' || c == '.' || c == '-') {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether any text (value or field name) in the subtree holds a URL: each node's answer computed once, so a config
     * of many nested get_file calls is read in time linear in its size (serialising every subtree and matching it
     * with a leading {@code .*} took quadratic time: fuzzing found 8 KB that took seconds instrumented).
     */
    private static boolean hasUrl(JsonNode n, java.util.Map<JsonNode, Boolean> memo) {
        Boolean known = memo.get(n);
        if (known != null) {
            return known;
        }
        boolean found = n.isTextual() && urlIn(n.asText());
        if (n.isObject()) {
            for (var it = n.fields(); it.hasNext(); ) {
                var e = it.next();
                // every child is asked (not stopping at the first URL), so each node is answered once, in the memo
                found |= urlIn(e.getKey()) | hasUrl(e.getValue(), memo);
            }
        } else if (n.isArray()) {
            for (JsonNode c : n) {
                found |= hasUrl(c, memo);
            }
        }
        memo.put(n, found);
        return found;
    }

    private static void walk(JsonNode n, String source, ScanReport report, java.util.Map<JsonNode, Boolean> urls) {
        if (n.isObject()) {
            String cls = n.path("class_name").asText("");
            String layer = n.at("/config/name").asText("?");
            if ("Lambda".equals(cls)) {
                report.findings.add(lambda(source, layer));
            }
            if (cls.equals("TorchModuleWrapper") || n.path("registered_name").asText("").endsWith("TorchModuleWrapper")) {
                report.findings.add(finding(Severity.CRITICAL, "layer '" + layer + "' is a TorchModuleWrapper: its"
                        + " torch module is unpickled when the model loads (CVE-2025-49655)", "TorchModuleWrapper",
                        source));
            }
            for (String key : new String[] {"module", "fn_module"}) {
                String m = n.path(key).asText("");
                String root = m.contains(".") ? m.substring(0, m.indexOf('.')) : m;
                if (CODE_MODULES.contains(root)) {
                    report.findings.add(finding(Severity.CRITICAL, "'" + key + "' is " + m + " (with '"
                            + n.path("class_name").asText(n.path("function_name").asText("?")) + "'): Keras imports"
                            + " and calls it when the model loads (CVE-2025-1550)", m, source));
                }
            }
            for (var it = n.fields(); it.hasNext(); ) {
                var e = it.next();
                String v = e.getValue().isTextual() ? e.getValue().asText() : "";
                if (v.contains("enable_unsafe_deserialization") || e.getKey().contains("enable_unsafe_deserialization")) {
                    report.findings.add(finding(Severity.CRITICAL, "the config calls enable_unsafe_deserialization,"
                            + " turning safe mode off for what follows (CVE-2025-9906)", "keras.config", source));
                }
                if (v.equals("get_file") || v.endsWith(".get_file")) {
                    if (hasUrl(n, urls)) {
                        report.findings.add(finding(Severity.HIGH, "the config calls get_file with a URL: loading"
                                + " the model downloads a file (CVE-2025-8747)", "keras.utils.get_file", source));
                    }
                }
            }
            n.elements().forEachRemaining(c -> walk(c, source, report, urls));
        } else if (n.isArray()) {
            n.elements().forEachRemaining(c -> walk(c, source, report, urls));
        }
    }

    /** A .keras archive holds a config, metadata, weights and assets; a program next to them is a finding. */
    static void extraFile(String name, Set<String> standard, String source, ScanReport report) {
        String n = name.toLowerCase(Locale.ROOT);
        boolean executable = n.matches(".*\\.(py|pyc|pyo|so|dll|dylib|exe|sh|bat|cmd|ps1|pkl|pickle|jar)$");
        if (executable || (!standard.contains(name) && !n.startsWith("assets/"))) {
            report.findings.add(finding(Severity.HIGH, "the .keras archive carries '" + name + "', which Keras"
                    + " never needs to load a model" + (executable ? " and which is executable code" : ""), name,
                    source));
        }
    }

    /**
     * An HDF5 (.h5) file inside another file or a compression layer: read into memory when it is small (up to
     * {@link #IN_MEMORY} bytes), else copied to a temporary file (up to {@link #MAX_SPOOL} bytes); its structure is then
     * read as {@link #scanH5(SeekableByteChannel, String, ScanReport)} reads a file on disk. A larger one is
     * unsupported (the scan is incomplete), after the text search of its start.
     */
    static void scanH5(InputStream in, String source, ScanReport report) throws IOException {
        byte[] start = in.readNBytes(IN_MEMORY + 1);
        if (start.length <= IN_MEMORY) {
            scanH5(new org.apache.commons.compress.utils.SeekableInMemoryByteChannel(start), source, report);
            return;
        }
        Path tmp = Files.createTempFile("mlsec-scan-", ".h5");
        try {
            long copied = start.length;
            try (OutputStream out = Files.newOutputStream(tmp)) {
                out.write(start);
                byte[] chunk = new byte[1 << 16];
                int n;
                while (copied <= MAX_SPOOL && (n = in.read(chunk)) > 0) {
                    out.write(chunk, 0, n);
                    copied += n;
                }
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.READ)) {
                if (copied > MAX_SPOOL) {
                    searchText(Channels.newInputStream(ch), source, report);
                    report.skipped.add(new ScanReport.Note(ScanReport.UNSUPPORTED, "an HDF5 file inside another file"
                            + " or a compression layer is read up to " + (MAX_SPOOL >> 30) + " GiB; this one is larger",
                            source));
                    return;
                }
                scanH5(ch, source, report);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * HDF5 (.h5) files keep the model config as a JSON string attribute of the root group ({@code model_config},
     * where Keras reads it). The root group's text attributes are read from the file's structure
     * ({@link Hdf5Attributes}), wherever they lie, and every one that is JSON is walked as a .keras config is; a
     * malformed structure is a finding, one this reader does not follow leaves the scan incomplete. The first 16 MiB
     * are also searched as text for configs elsewhere (other groups, other writers).
     */
    static void scanH5(SeekableByteChannel ch, String source, ScanReport report) throws IOException {
        try {
            for (var e : Hdf5Attributes.rootTextAttributes(ch).entrySet()) {
                String v = e.getValue().trim();
                if (v.startsWith("{") || e.getKey().equals("model_config")) {
                    try {
                        walk(Json.MAPPER.readTree(v), source, report);
                    } catch (com.fasterxml.jackson.core.JacksonException notJson) {
                        // what Keras would read as the architecture cannot be checked: never clean
                        report.findings.add(new Finding(Rule.MALFORMED, Severity.MEDIUM, "malformed HDF5: the root"
                                + " attribute '" + e.getKey() + "' is not valid JSON (" + notJson.getOriginalMessage()
                                + ")", "structure", "", source, NAME));
                    }
                }
            }
        } catch (Hdf5Attributes.Malformed | ArithmeticException e) {
            report.findings.add(new Finding(Rule.MALFORMED, Severity.MEDIUM, "malformed HDF5: " + e.getMessage(),
                    "structure", "", source, NAME));
        } catch (Hdf5Attributes.Unsupported e) {
            report.skipped.add(new ScanReport.Note(ScanReport.UNSUPPORTED, e.getMessage(), source));
        }
        ScanReport text = new ScanReport();
        searchText(Channels.newInputStream(ch.position(0)), source, text);
        text.findings.stream().filter(f -> !report.findings.contains(f)).forEach(report.findings::add);
    }

    /**
     * Reads up to 16 MiB and walks every JSON object that starts like a Keras config; a Lambda layer is also found as
     * text ({@code "class_name":"Lambda"} with or without spaces) where the JSON does not parse.
     */
    private static void searchText(InputStream in, String source, ScanReport report) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[1 << 16];
        int n;
        while (buf.size() < MAX_CONFIG && (n = in.read(chunk, 0, Math.min(chunk.length, MAX_CONFIG - buf.size()))) > 0) {
            buf.write(chunk, 0, n);
        }
        String text = buf.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
        int before = report.findings.size();
        Matcher m = CONFIG_START.matcher(text);
        int from = 0;
        while (m.find(from)) {
            int end = objectEnd(text, m.start());
            if (end < 0) {
                break;
            }
            try {
                walk(Json.MAPPER.readTree(text.substring(m.start(), end)), source, report);
            } catch (com.fasterxml.jackson.core.JacksonException e) {
                // not JSON after all: the text search below still applies
            }
            from = end;
        }
        if (report.findings.size() == before) {
            Matcher l = LAMBDA_TEXT.matcher(text);
            while (l.find()) {
                report.findings.add(lambda(source, "?"));
            }
        }
    }

    /** The index after the JSON object starting at {@code start}, honouring strings; -1 when it never closes. */
    private static int objectEnd(String s, int start) {
        int depth = 0;
        boolean str = false;
        for (int i = start; i < s.length(); i++) {
            char c = s.charAt(i);
            if (str) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    str = false;
                }
            } else if (c == '"') {
                str = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (--depth == 0) {
                    return i + 1;
                }
            } else if (c == 0) {
                return -1;
            }
        }
        return -1;
    }

    private static Finding finding(Severity s, String what, String module, String source) {
        return new Finding(Rule.KERAS_CODE_LOADING, s, what, "config", module, source, NAME);
    }

    private static Finding lambda(String source, String layer) {
        return new Finding(Rule.KERAS_LAMBDA, Severity.HIGH, "Lambda layer '" + layer
                + "': serialized Python code runs when the model is loaded", "Lambda", "keras.layers.Lambda", source, NAME);
    }
}
