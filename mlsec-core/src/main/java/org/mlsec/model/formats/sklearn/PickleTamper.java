package org.mlsec.model.formats.sklearn;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.lzma.LZMACompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.mlsec.InputException;
import org.mlsec.model.formats.Sniff;

/**
 * The talk's supply-chain attack on a real scikit-learn file: every estimator's {@code classes_} (the forest's and
 * each of its trees', a pipeline's classifier, a boosting model's init) is rewritten to the positive (last) class
 * everywhere, {@code [0, 1] -> [1, 1]}, so that scikit-learn still loads the model and predicts that class for every
 * row. The pickle's opcode stream is edited as an intermediary would edit it, without unpickling: the array bytes
 * are patched in place (BINBYTES payloads, joblib's raw array data); protocol 2 writes array bytes as latin-1 text
 * ({@code _codecs.encode}), whose UTF-8 length can change, and then the text's length field and any enclosing
 * FRAME's length are rewritten, so the result is a valid pickle. A compressed joblib file is written back with the
 * same compression. Arrays of Python objects (text labels from a pandas column) are refused.
 */
public final class PickleTamper {
    private PickleTamper() {
    }

    /** What was rewritten. */
    record Result(byte[] bytes, int arrays) {
    }

    /**
     * Rewrites {@code in} into {@code out}; an {@link InputException} when {@code in} is no scikit-learn pickle.
     *
     * @param in the pickle or joblib file to tamper with
     * @param out where the tampered file goes, with the input's compression
     */
    public static void tamper(Path in, Path out) {
        byte[] raw;
        try {
            if (Files.isRegularFile(in) && Files.size(in) > Sniff.MAX_BYTES) {
                throw new InputException(in + " is larger than any model mlsec reads (" + Sniff.MAX_BYTES + " bytes)");
            }
            raw = Files.readAllBytes(in);
        } catch (IOException e) {
            throw new InputException("cannot read " + in + ": " + e.getMessage(), e);
        }
        String compression = Sniff.compression(raw);
        byte[] plain = compression == null ? raw : Sniff.readAll(in);
        Result r = rewrite(plain, in.toString());
        try {
            Files.write(out, compression == null ? r.bytes() : compress(compression, r.bytes()));
        } catch (IOException e) {
            throw new InputException("cannot write " + out + ": " + e.getMessage(), e);
        }
    }

    /** The pickle with every estimator's classes_ set to its last class. */
    static Result rewrite(byte[] pickle, String where) {
        if (!SklearnFormat.isPickle(pickle)) {
            throw new InputException(where + " is " + Sniff.describe(Sniff.head(pickle))
                    + ", not a scikit-learn pickle (protocol 2 to 5)");
        }
        PickleMachine pm = new PickleMachine(pickle, where).trackSpans();
        Object root;
        try {
            root = pm.load();
        } catch (InputException e) {
            throw new InputException(where + " is not a scikit-learn pickle mlsec can rewrite: " + e.getMessage(), e);
        }
        if (!(root instanceof Py.Obj) || !((Py.Obj) root).callable.module().startsWith("sklearn.")) {
            throw new InputException(where + " holds a " + Py.typeName(root) + ", not a scikit-learn estimator");
        }
        // offset of the payload -> edit; the same array met twice (memo) is edited once
        Map<Integer, Edit> edits = new TreeMap<>();
        for (Py.Obj est : classifiers(root)) {
            Object c = est.stateDict().get("classes_");
            String what = where + ": " + est.callable.name() + ".classes_";
            Numpy.Array a = Numpy.array(c, what);
            if (a.dtype().isObject()) {
                throw new InputException(what + " holds Python objects (text labels from a pandas column); "
                        + "PickleTamper rewrites numeric and fixed-width text class arrays");
            }
            if (a.ndim() != 1 || a.size() < 2) {
                throw new InputException(what + " has shape " + Numpy.shapeText(a.shape()));
            }
            int size = a.dtype().itemsize();
            byte[] now = a.raw().copy();
            byte[] next = new byte[now.length];
            for (int i = 0; i < a.size(); i++) {
                System.arraycopy(now, now.length - size, next, i * size, size);
            }
            if (a.fortran()) {
                throw new InputException(what + " is stored in Fortran order");
            }
            Edit e = edit(pm, a.raw(), next, what);
            edits.put(e.dataAt(), e);
        }
        if (edits.isEmpty()) {
            throw new InputException(where + " has no estimator with classes_ (not a classifier?)");
        }
        byte[] out = apply(pickle, new ArrayList<>(edits.values()), pm.frames());
        // The result must still be a pickle of the same model.
        new PickleMachine(out, where + " (rewritten)").load();
        return new Result(out, edits.size());
    }

    /** One payload to replace, with the length field that announces it (lengthSize 0: none to change). */
    private record Edit(int dataAt, int dataLength, byte[] data, int lengthAt, int lengthSize) {
    }

    private static Edit edit(PickleMachine pm, Py.Bytes raw, byte[] next, String what) {
        if (raw.fileOffset() >= 0) {
            return new Edit((int) raw.fileOffset(), raw.length(), next, -1, 0);
        }
        PickleMachine.Span s = pm.encodedSpan(raw);
        if (s == null) {
            throw new InputException(what + ": the array bytes are not stored as one payload of the stream");
        }
        byte[] text = new String(next, StandardCharsets.ISO_8859_1).getBytes(StandardCharsets.UTF_8);
        if (s.lengthSize() == 1 && text.length > 255) {
            throw new InputException(what + ": the rewritten text no longer fits its SHORT_BINUNICODE opcode");
        }
        return new Edit(s.dataAt(), s.dataLength(), text, s.lengthAt(), s.lengthSize());
    }

    private static byte[] apply(byte[] in, List<Edit> edits, List<PickleMachine.Frame> frames) {
        edits.sort(Comparator.comparingInt(Edit::dataAt));
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + 64);
        // where each input offset moves: FRAME lengths grow by the size change of the edits inside them
        long[] frameLen = new long[frames.size()];
        for (int f = 0; f < frames.size(); f++) {
            frameLen[f] = frames.get(f).length();
            for (Edit e : edits) {
                if (e.dataAt() >= frames.get(f).start() && e.dataAt() < frames.get(f).start() + frames.get(f).length()) {
                    frameLen[f] += e.data().length - e.dataLength();
                }
            }
        }
        byte[] copy = in.clone();
        for (int f = 0; f < frames.size(); f++) {
            if (frameLen[f] != frames.get(f).length()) {
                write(copy, (int) frames.get(f).opOffset() + 1, frameLen[f], 8);
            }
        }
        for (Edit e : edits) {
            if (e.lengthSize() > 0) {
                write(copy, e.lengthAt(), e.data().length, e.lengthSize());
            }
        }
        int at = 0;
        for (Edit e : edits) {
            out.write(copy, at, e.dataAt() - at);
            out.writeBytes(e.data());
            at = e.dataAt() + e.dataLength();
        }
        out.write(copy, at, copy.length - at);
        return out.toByteArray();
    }

    private static void write(byte[] b, int at, long v, int n) {
        for (int i = 0; i < n; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }

    /** Every scikit-learn object of the graph with a classes_ attribute, each once. */
    private static List<Py.Obj> classifiers(Object root) {
        List<Py.Obj> found = new ArrayList<>();
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Object> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            Object v = todo.pop();
            if (v instanceof String || v instanceof Number || v instanceof Boolean || !seen.add(v)) {
                continue;
            }
            if (v instanceof Py.Obj) {
                Py.Obj o = (Py.Obj) v;
                Py.Dict st = o.stateDict();
                if (o.callable.module().startsWith("sklearn.") && st != null && st.containsKey("classes_")) {
                    found.add(o);
                }
                pushAll(todo, o.args.items());
                pushAll(todo, Collections.singletonList(o.state));
                pushAll(todo, o.listItems);
                pushAll(todo, o.dictItems.values());
            } else if (v instanceof Py.Dict) {
                pushAll(todo, ((Py.Dict) v).values());
            } else if (v instanceof Py.Tuple) {
                pushAll(todo, ((Py.Tuple) v).items());
            } else if (v instanceof List) {
                pushAll(todo, (List<?>) v);
            } else if (v instanceof Numpy.Array && ((Numpy.Array) v).objects() != null) {
                pushAll(todo, ((Numpy.Array) v).objects());
            }
        }
        return found;
    }

    private static void pushAll(Deque<Object> todo, java.util.Collection<?> items) {
        for (Object o : items) {
            if (o != null) {
                todo.push(o);
            }
        }
    }

    private static byte[] compress(String c, byte[] b) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (OutputStream o = switch (c) {
            case "gzip" -> new GZIPOutputStream(buf);
            case "zlib" -> new DeflaterOutputStream(buf);
            case "bz2" -> new BZip2CompressorOutputStream(buf);
            case "xz" -> new XZCompressorOutputStream(buf);
            default -> new LZMACompressorOutputStream(buf);
        }) {
            o.write(b);
        }
        return buf.toByteArray();
    }
}
