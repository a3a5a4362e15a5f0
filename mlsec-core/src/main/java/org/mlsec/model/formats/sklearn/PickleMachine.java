package org.mlsec.model.formats.sklearn;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mlsec.InputException;

/**
 * A symbolic interpreter of Python pickles (protocols 2 to 5, with the protocol 0 and 1 opcodes those streams also
 * use) that builds an inert object graph of {@link Py} values. It follows {@code pickletools}' opcode table and
 * {@code pickle.py}'s {@code _Unpickler} for what each opcode does to the stack, the mark stack and the memo, but
 * it calls nothing: a global is only a name, checked against an allow-list the moment GLOBAL, INST or STACK_GLOBAL
 * names it (any other name is refused, {@code "refuses global os.system"}), and REDUCE, NEWOBJ, INST and OBJ only
 * record the call. A few pure constructors are folded into values ({@code _codecs.encode(text, "latin1")} is how
 * protocol 2 writes bytes; {@code set}, {@code frozenset}, {@code slice}, {@code bytearray}, {@code OrderedDict}).
 * Persistent ids (PERSID, BINPERSID), out-of-band buffers (NEXT_BUFFER) and the extension registry (EXT1/2/4) are
 * refused: a model file has no use for them.
 * <p>
 * joblib writes numpy arrays as a {@code joblib.numpy_pickle.NumpyArrayWrapper} object whose raw bytes FOLLOW the
 * wrapper's BUILD in the stream (after a padding-length byte and that many padding bytes when the wrapper's state
 * has {@code numpy_array_alignment_bytes}, joblib 1.2 and later), or, for arrays of Python objects, a whole nested
 * pickle (joblib's {@code NumpyArrayWrapper.read_array}); this interpreter reads both in place of the wrapper.
 * <p>
 * Every size is bounded: memo entries, stack depth, values created, string and integer lengths, nesting of joblib's
 * inner pickles; every memo index and length is checked against what exists. A hostile stream ends in an
 * {@link InputException} naming the file, the offset and what is wrong.
 */
final class PickleMachine {
    static final int MAX_MEMO = 1 << 21;
    static final int MAX_STACK = 1 << 22;
    static final long MAX_VALUES = 4_000_000;
    static final int MAX_STRING = 1 << 27;
    static final int MAX_LONG_BYTES = 1 << 12;
    static final int MAX_NESTED_PICKLES = 8;
    static final long MAX_ARRAY_ELEMENTS = 1L << 24;

    /** A FRAME opcode: its offset and the span of bytes it announces. */
    record Frame(long opOffset, long start, long length) {
    }

    /** Where a length-prefixed text payload sits: its length field and its bytes. */
    record Span(int lengthAt, int lengthSize, int dataAt, int dataLength) {
    }

    private static final Object MARK = new Object();

    private final byte[] data;
    private final String where;
    private final List<Frame> frames = new ArrayList<>();
    /** With tracking on: the span of each text payload read, and of the text each latin-1 bytes value came from. */
    private Map<Object, Span> textSpans;
    private Map<Object, Span> encodedSpans;
    private long values;
    private int pos;

    PickleMachine(byte[] data, String where) {
        this.data = data;
        this.where = where;
    }

    /** Interprets the pickle at the start of the data; what follows its STOP is ignored, as Python does. */
    Object load() {
        pos = 0;
        return loadOne(0);
    }

    /** The FRAME opcodes met, in order (for {@link PickleTamper}). */
    List<Frame> frames() {
        return frames;
    }

    /** Records where text payloads sit, so that {@link #encodedSpan} can say where protocol 2 wrote bytes. */
    PickleMachine trackSpans() {
        textSpans = new java.util.IdentityHashMap<>();
        encodedSpans = new java.util.IdentityHashMap<>();
        return this;
    }

    /** For bytes protocol 2 wrote as {@code _codecs.encode(text, "latin1")}: where the text sits; else null. */
    Span encodedSpan(Py.Bytes b) {
        return encodedSpans == null ? null : encodedSpans.get(b);
    }

    /** Offset just after the last STOP read. */
    int end() {
        return pos;
    }

    private InputException bad(String what, long at) {
        return new InputException(where + ": malformed pickle: " + what + " at offset " + at);
    }

    private Object loadOne(int depth) {
        if (depth > MAX_NESTED_PICKLES) {
            throw bad("more than " + MAX_NESTED_PICKLES + " pickles nested in one another", pos);
        }
        List<Object> stack = new ArrayList<>();
        List<Integer> marks = new ArrayList<>();
        Map<Long, Object> memo = new HashMap<>();
        boolean first = true;
        while (true) {
            if (pos >= data.length) {
                throw new InputException(where + ": truncated pickle: the data ends at offset " + pos
                        + " before the STOP opcode");
            }
            int at = pos;
            int op = data[pos++] & 0xff;
            switch (op) {
                case 0x80: { // PROTO
                    int proto = u8(at);
                    if (!first) {
                        throw bad("PROTO in the middle of a pickle", at);
                    }
                    if (proto > 5) {
                        throw bad("unsupported pickle protocol " + proto, at);
                    }
                    break;
                }
                case 0x95: { // FRAME
                    long len = uLong(8, at);
                    if (len > data.length - pos) {
                        throw new InputException(where + ": truncated pickle: FRAME at offset " + at + " announces "
                                + len + " bytes, " + (data.length - pos) + " remain");
                    }
                    frames.add(new Frame(at, pos, len));
                    break;
                }
                case '.': // STOP
                    if (stack.size() != 1 || stack.get(0) == MARK) {
                        throw bad("STOP with " + stack.size() + " values on the stack (expected 1)", at);
                    }
                    return stack.get(0);
                case '(': // MARK
                    marks.add(stack.size());
                    push(stack, MARK, at);
                    break;
                case '0': // POP
                    pop(stack, at);
                    break;
                case '1': // POP_MARK
                    popMark(stack, marks, at);
                    break;
                case '2': // DUP
                    push(stack, top(stack, at), at);
                    break;
                case 'N':
                    push(stack, null, at);
                    break;
                case 0x88:
                    push(stack, Boolean.TRUE, at);
                    break;
                case 0x89:
                    push(stack, Boolean.FALSE, at);
                    break;
                case 'K': // BININT1
                    push(stack, (long) u8(at), at);
                    break;
                case 'M': // BININT2
                    push(stack, uLong(2, at), at);
                    break;
                case 'J': { // BININT: signed 4 bytes
                    push(stack, (long) (int) uLong(4, at), at);
                    break;
                }
                case 0x8a: // LONG1
                    push(stack, longBytes(u8(at), at), at);
                    break;
                case 0x8b: { // LONG4
                    long n = (int) uLong(4, at);
                    if (n < 0 || n > MAX_LONG_BYTES) {
                        throw bad("LONG4 of " + n + " bytes (at most " + MAX_LONG_BYTES + " accepted)", at);
                    }
                    push(stack, longBytes((int) n, at), at);
                    break;
                }
                case 'I': { // INT decimal line (also 00/01 for False/True)
                    String s = line(at);
                    if (s.equals("00")) {
                        push(stack, Boolean.FALSE, at);
                    } else if (s.equals("01")) {
                        push(stack, Boolean.TRUE, at);
                    } else {
                        push(stack, parseInt(s, at), at);
                    }
                    break;
                }
                case 'L': { // LONG decimal line, optional trailing L
                    String s = line(at);
                    push(stack, parseInt(s.endsWith("L") ? s.substring(0, s.length() - 1) : s, at), at);
                    break;
                }
                case 'F': { // FLOAT repr line
                    String s = line(at);
                    try {
                        push(stack, Double.parseDouble(s.trim()), at);
                    } catch (NumberFormatException e) {
                        throw bad("FLOAT '" + shorten(s) + "' is not a number", at);
                    }
                    break;
                }
                case 'G': // BINFLOAT: big-endian double
                    push(stack, Double.longBitsToDouble(beLong(at)), at);
                    break;
                case 'X': // BINUNICODE
                    push(stack, tracked(utf8(uLen(4, at), at), at, 4), at);
                    break;
                case 0x8c: // SHORT_BINUNICODE
                    push(stack, tracked(utf8(u8(at), at), at, 1), at);
                    break;
                case 0x8d: // BINUNICODE8
                    push(stack, tracked(utf8(uLen(8, at), at), at, 8), at);
                    break;
                case 'V': { // UNICODE raw-unicode-escape line: escapes are not decoded, so refused
                    String s = line(at);
                    if (s.indexOf('\\') >= 0) {
                        throw bad("protocol 0 UNICODE with escapes (not read)", at);
                    }
                    push(stack, s, at);
                    break;
                }
                case 'S': { // STRING quoted repr line (protocol 0, Python 2 str): read as latin-1 text
                    push(stack, unquote(line(at), at), at);
                    break;
                }
                case 'T': // BINSTRING (Python 2 str), read as latin-1 text like encoding='latin1'
                    push(stack, latin1(uLen(4, at), at), at);
                    break;
                case 'U': // SHORT_BINSTRING
                    push(stack, latin1(u8(at), at), at);
                    break;
                case 'B': // BINBYTES
                    push(stack, bytes(uLen(4, at), at), at);
                    break;
                case 'C': // SHORT_BINBYTES
                    push(stack, bytes(u8(at), at), at);
                    break;
                case 0x8e: // BINBYTES8
                    push(stack, bytes(uLen(8, at), at), at);
                    break;
                case 0x96: // BYTEARRAY8
                    push(stack, bytes(uLen(8, at), at), at);
                    break;
                case 0x97: // NEXT_BUFFER
                    throw new InputException(where + ": refuses NEXT_BUFFER at offset " + at
                            + ": the pickle needs out-of-band buffers, which a model file cannot carry");
                case 0x98: { // READONLY_BUFFER: a no-op for in-band bytes
                    Object t = top(stack, at);
                    if (!(t instanceof Py.Bytes)) {
                        throw bad("READONLY_BUFFER on a " + Py.typeName(t), at);
                    }
                    break;
                }
                case 'P': case 'Q':
                    throw new InputException(where + ": refuses " + (op == 'P' ? "PERSID" : "BINPERSID")
                            + " at offset " + at + ": persistent ids load objects from outside the file");
                case 0x82: case 0x83: case 0x84:
                    throw new InputException(where + ": refuses EXT" + (op == 0x82 ? 1 : op == 0x83 ? 2 : 4)
                            + " at offset " + at + ": the copyreg extension registry names callables by number");
                case ')':
                    push(stack, new Py.Tuple(List.of()), at);
                    break;
                case ']':
                    push(stack, new Py.PyList(), at);
                    break;
                case '}':
                    push(stack, new Py.Dict(), at);
                    break;
                case 0x8f:
                    push(stack, new Py.PySet(), at);
                    break;
                case 0x85: { // TUPLE1
                    Object a = pop(stack, at);
                    push(stack, tuple(a), at);
                    break;
                }
                case 0x86: { // TUPLE2
                    Object b = pop(stack, at);
                    Object a = pop(stack, at);
                    push(stack, tuple(a, b), at);
                    break;
                }
                case 0x87: { // TUPLE3
                    Object c = pop(stack, at);
                    Object b = pop(stack, at);
                    Object a = pop(stack, at);
                    push(stack, tuple(a, b, c), at);
                    break;
                }
                case 't': // TUPLE
                    push(stack, new Py.Tuple(popMark(stack, marks, at)), at);
                    break;
                case 'l': // LIST
                    push(stack, new Py.PyList(popMark(stack, marks, at)), at);
                    break;
                case 0x91: { // FROZENSET
                    Py.PySet s = new Py.PySet();
                    s.addAll(popMark(stack, marks, at));
                    push(stack, s, at);
                    break;
                }
                case 'd': { // DICT
                    List<Object> kv = popMark(stack, marks, at);
                    Py.Dict d = new Py.Dict();
                    setItems(d, kv, at);
                    push(stack, d, at);
                    break;
                }
                case 'a': { // APPEND
                    Object v = pop(stack, at);
                    append(top(stack, at), java.util.Collections.singletonList(v), at);
                    break;
                }
                case 'e': { // APPENDS
                    List<Object> items = popMark(stack, marks, at);
                    append(top(stack, at), items, at);
                    break;
                }
                case 's': { // SETITEM
                    Object v = pop(stack, at);
                    Object k = pop(stack, at);
                    setItems(top(stack, at), Arrays.asList(k, v), at);
                    break;
                }
                case 'u': { // SETITEMS
                    List<Object> kv = popMark(stack, marks, at);
                    setItems(top(stack, at), kv, at);
                    break;
                }
                case 0x90: { // ADDITEMS
                    List<Object> items = popMark(stack, marks, at);
                    Object s = top(stack, at);
                    if (!(s instanceof Py.PySet)) {
                        throw bad("ADDITEMS on a " + Py.typeName(s), at);
                    }
                    ((Py.PySet) s).addAll(items);
                    break;
                }
                case 'c': { // GLOBAL module\nname\n
                    String module = line(at);
                    String name = line(at);
                    push(stack, global(module, name, "GLOBAL", at), at);
                    break;
                }
                case 0x93: { // STACK_GLOBAL
                    Object name = pop(stack, at);
                    Object module = pop(stack, at);
                    if (!(module instanceof String) || !(name instanceof String)) {
                        throw new InputException(where + ": refuses STACK_GLOBAL at offset " + at
                                + ": the name it imports is a " + Py.typeName(module) + " and a " + Py.typeName(name)
                                + ", not text");
                    }
                    push(stack, global((String) module, (String) name, "STACK_GLOBAL", at), at);
                    break;
                }
                case 'i': { // INST module\nname\n with arguments since the mark
                    String module = line(at);
                    String name = line(at);
                    Py.Global g = global(module, name, "INST", at);
                    List<Object> args = popMark(stack, marks, at);
                    push(stack, call(g, new Py.Tuple(args), null, false, at), at);
                    break;
                }
                case 'o': { // OBJ: class and arguments since the mark
                    List<Object> items = popMark(stack, marks, at);
                    if (items.isEmpty()) {
                        throw bad("OBJ without a class", at);
                    }
                    Py.Global g = callable(items.get(0), "OBJ", at);
                    push(stack, call(g, new Py.Tuple(items.subList(1, items.size())), null, false, at), at);
                    break;
                }
                case 'R': { // REDUCE
                    Object args = pop(stack, at);
                    Object f = pop(stack, at);
                    if (!(args instanceof Py.Tuple)) {
                        throw bad("REDUCE with " + Py.typeName(args) + " arguments (expected a tuple)", at);
                    }
                    push(stack, call(callable(f, "REDUCE", at), (Py.Tuple) args, null, false, at), at);
                    break;
                }
                case 0x81: { // NEWOBJ
                    Object args = pop(stack, at);
                    Object cls = pop(stack, at);
                    if (!(args instanceof Py.Tuple)) {
                        throw bad("NEWOBJ with " + Py.typeName(args) + " arguments (expected a tuple)", at);
                    }
                    push(stack, call(callable(cls, "NEWOBJ", at), (Py.Tuple) args, null, true, at), at);
                    break;
                }
                case 0x92: { // NEWOBJ_EX
                    Object kwargs = pop(stack, at);
                    Object args = pop(stack, at);
                    Object cls = pop(stack, at);
                    if (!(args instanceof Py.Tuple) || !(kwargs instanceof Py.Dict)) {
                        throw bad("NEWOBJ_EX with " + Py.typeName(args) + " and " + Py.typeName(kwargs)
                                + " (expected a tuple and a dict)", at);
                    }
                    push(stack, call(callable(cls, "NEWOBJ_EX", at), (Py.Tuple) args, (Py.Dict) kwargs, true, at),
                            at);
                    break;
                }
                case 'b': { // BUILD
                    Object state = pop(stack, at);
                    Object target = top(stack, at);
                    if (!(target instanceof Py.Obj)) {
                        throw bad("BUILD on a " + Py.typeName(target), at);
                    }
                    Py.Obj o = (Py.Obj) target;
                    build(o, state);
                    if (o.callable.name().equals("NumpyArrayWrapper")) {
                        stack.set(stack.size() - 1, joblibArray(o, depth, at));
                    }
                    break;
                }
                case 'p': // PUT decimal line
                    put(memo, parseIndex(line(at), at), top(stack, at), at);
                    break;
                case 'q':
                    put(memo, u8(at), top(stack, at), at);
                    break;
                case 'r':
                    put(memo, uLong(4, at), top(stack, at), at);
                    break;
                case 0x94: // MEMOIZE
                    put(memo, memo.size(), top(stack, at), at);
                    break;
                case 'g':
                    push(stack, get(memo, parseIndex(line(at), at), at), at);
                    break;
                case 'h':
                    push(stack, get(memo, u8(at), at), at);
                    break;
                case 'j':
                    push(stack, get(memo, uLong(4, at), at), at);
                    break;
                default:
                    throw bad(String.format("unknown opcode 0x%02x", op), at);
            }
            first = false;
        }
    }

    // ---- stack, marks, memo

    private void push(List<Object> stack, Object v, int at) {
        if (stack.size() >= MAX_STACK) {
            throw bad("more than " + MAX_STACK + " values on the stack", at);
        }
        if (++values > MAX_VALUES) {
            throw new InputException(where + ": the pickle creates more than " + MAX_VALUES
                    + " values (at offset " + at + "); far beyond any scikit-learn model, refused");
        }
        stack.add(v);
    }

    private Object pop(List<Object> stack, int at) {
        if (stack.isEmpty()) {
            throw bad("stack underflow", at);
        }
        Object v = stack.remove(stack.size() - 1);
        if (v == MARK) {
            throw bad("a MARK where a value was expected", at);
        }
        return v;
    }

    private Object top(List<Object> stack, int at) {
        if (stack.isEmpty()) {
            throw bad("stack underflow", at);
        }
        Object v = stack.get(stack.size() - 1);
        if (v == MARK) {
            throw bad("a MARK where a value was expected", at);
        }
        return v;
    }

    private List<Object> popMark(List<Object> stack, List<Integer> marks, int at) {
        if (marks.isEmpty()) {
            throw bad("no MARK to pop back to", at);
        }
        int m = marks.remove(marks.size() - 1);
        if (m >= stack.size() || stack.get(m) != MARK) {
            throw bad("the MARK was consumed by another opcode", at);
        }
        List<Object> items = new ArrayList<>(stack.subList(m + 1, stack.size()));
        for (Object o : items) {
            if (o == MARK) {
                throw bad("a MARK inside a marked sequence", at);
            }
        }
        stack.subList(m, stack.size()).clear();
        return items;
    }

    private void put(Map<Long, Object> memo, long index, Object v, int at) {
        if (index < 0) {
            throw bad("negative memo index " + index, at);
        }
        if (memo.size() >= MAX_MEMO && !memo.containsKey(index)) {
            throw bad("more than " + MAX_MEMO + " memo entries", at);
        }
        memo.put(index, v);
    }

    private Object get(Map<Long, Object> memo, long index, int at) {
        if (!memo.containsKey(index)) {
            throw bad("memo entry " + index + " read before it was stored", at);
        }
        return memo.get(index);
    }

    private static Py.Tuple tuple(Object... items) {
        return new Py.Tuple(Arrays.asList(items));
    }

    private void append(Object target, List<Object> items, int at) {
        if (target instanceof Py.PyList) {
            ((Py.PyList) target).addAll(items);
        } else if (target instanceof Py.Obj) {
            ((Py.Obj) target).listItems.addAll(items);
        } else {
            throw bad("APPEND to a " + Py.typeName(target), at);
        }
    }

    private void setItems(Object target, List<Object> kv, int at) {
        if (kv.size() % 2 != 0) {
            throw bad("SETITEMS with an odd number of keys and values", at);
        }
        Map<Object, Object> d;
        if (target instanceof Py.Dict) {
            d = (Py.Dict) target;
        } else if (target instanceof Py.Obj) {
            d = ((Py.Obj) target).dictItems;
        } else {
            throw bad("SETITEM on a " + Py.typeName(target), at);
        }
        for (int i = 0; i < kv.size(); i += 2) {
            Object k = kv.get(i);
            if (!hashable(k, true)) {
                throw bad("a dict key of type " + Py.typeName(k) + " (keys must be text, numbers or flat tuples)",
                        at);
            }
            d.put(k, kv.get(i + 1));
        }
    }

    private static boolean hashable(Object k, boolean allowTuple) {
        if (k == null || k instanceof String || k instanceof Long || k instanceof BigInteger || k instanceof Double
                || k instanceof Boolean || k instanceof Py.Global) {
            return true;
        }
        if (allowTuple && k instanceof Py.Tuple) {
            for (Object o : ((Py.Tuple) k).items()) {
                if (!hashable(o, false)) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    private static void build(Py.Obj o, Object state) {
        if (o.built && o.state instanceof Py.Dict && state instanceof Py.Dict) {
            ((Py.Dict) o.state).putAll((Py.Dict) state);
        } else {
            o.state = state;
        }
        o.built = true;
    }

    // ---- globals and calls

    private Py.Global global(String module, String name, String opcode, int at) {
        AllowList.check(module, name, opcode, at, where);
        return new Py.Global(module, name);
    }

    private Py.Global callable(Object f, String opcode, int at) {
        if (!(f instanceof Py.Global)) {
            throw bad(opcode + " calls a " + Py.typeName(f) + ", not a global", at);
        }
        return (Py.Global) f;
    }

    /** A call recorded; pure constructors of plain values are folded into the value. */
    private Object call(Py.Global g, Py.Tuple args, Py.Dict kwargs, boolean newobj, int at) {
        String d = g.dotted();
        switch (d) {
            case "_codecs.encode": {
                if (args.size() < 1 || !(args.get(0) instanceof String) || (args.size() > 1
                        && !("latin1".equals(args.get(1)) || "latin-1".equals(args.get(1))))) {
                    throw bad("_codecs.encode other than of text to latin-1", at);
                }
                Py.Bytes b = latin1Bytes((String) args.get(0), at);
                if (textSpans != null && textSpans.containsKey(args.get(0))) {
                    encodedSpans.put(b, textSpans.get(args.get(0)));
                }
                return b;
            }
            case "builtins.bytes":
            case "builtins.bytearray": {
                if (args.size() == 0) {
                    return Py.Bytes.of(new byte[0]);
                }
                Object a = args.get(0);
                if (a instanceof Py.Bytes) {
                    return a;
                }
                if (a instanceof String && args.size() == 2) {
                    return latin1Bytes((String) a, at);
                }
                throw bad(d + " of a " + Py.typeName(a), at);
            }
            case "builtins.set":
            case "builtins.frozenset": {
                Py.PySet s = new Py.PySet();
                if (args.size() > 0) {
                    List<Object> items = Py.items(args.get(0));
                    if (items == null) {
                        throw bad(d + " of a " + Py.typeName(args.get(0)), at);
                    }
                    s.addAll(items);
                }
                return s;
            }
            case "builtins.slice": {
                if (args.size() < 1 || args.size() > 3) {
                    throw bad("slice with " + args.size() + " arguments", at);
                }
                if (args.size() == 1) {
                    return new Py.Slice(null, args.get(0), null);
                }
                return new Py.Slice(args.get(0), args.get(1), args.size() == 3 ? args.get(2) : null);
            }
            case "collections.OrderedDict":
                return new Py.Dict();
            default:
                return new Py.Obj(g, args, kwargs, newobj);
        }
    }

    private Py.Bytes latin1Bytes(String s, int at) {
        byte[] b = new byte[s.length()];
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0xff) {
                throw bad("latin-1 bytes with a character beyond U+00FF", at);
            }
            b[i] = (byte) c;
        }
        return Py.Bytes.of(b);
    }

    // ---- joblib

    /** The array a joblib NumpyArrayWrapper stands for, read from the bytes that follow it. */
    private Object joblibArray(Py.Obj wrapper, int depth, int at) {
        if (!"joblib.numpy_pickle".equals(wrapper.callable.module())
                && !"sklearn.externals.joblib.numpy_pickle".equals(wrapper.callable.module())) {
            return wrapper;
        }
        Py.Dict s = wrapper.stateDict();
        if (s == null) {
            throw bad("joblib NumpyArrayWrapper without a state dict", at);
        }
        Numpy.DType dtype = Numpy.dtype(s.get("dtype"), where);
        long[] shape = Numpy.shape(s.get("shape"), where);
        Object order = s.get("order");
        if (!"C".equals(order) && !"F".equals(order)) {
            throw bad("joblib array order " + Py.typeName(order) + " (expected 'C' or 'F')", at);
        }
        long count = Numpy.count(shape, where);
        if (dtype.isObject()) {
            // joblib pickles object arrays as a whole pickle of their own, right here.
            Object inner = loadOne(depth + 1);
            return Numpy.array(inner, where);
        }
        Object align = s.get("numpy_array_alignment_bytes");
        if (align != null) {
            int padding = u8(pos);
            if (padding > data.length - pos) {
                throw new InputException(where + ": truncated joblib file: array padding at offset " + pos
                        + " runs past the end");
            }
            pos += padding;
        }
        if (count > MAX_ARRAY_ELEMENTS || count * dtype.itemsize() > data.length - pos) {
            throw new InputException(where + ": truncated joblib file: an array of " + count + " x "
                    + dtype.itemsize() + " bytes at offset " + pos + ", " + (data.length - pos) + " bytes remain");
        }
        int n = (int) (count * dtype.itemsize());
        Py.Bytes raw = new Py.Bytes(data, pos, n, pos);
        pos += n;
        return new Numpy.Array(dtype, shape, "F".equals(order), raw, null);
    }

    // ---- argument readers

    private int u8(int at) {
        if (pos >= data.length) {
            throw truncated(at);
        }
        return data[pos++] & 0xff;
    }

    private long uLong(int bytes, int at) {
        if (data.length - pos < bytes) {
            throw truncated(at);
        }
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v |= (long) (data[pos++] & 0xff) << (8 * i);
        }
        return v;
    }

    /** A little-endian length that must fit in what remains of the data. */
    private int uLen(int bytes, int at) {
        long v = uLong(bytes, at);
        if (v < 0 || v > data.length - pos) {
            throw new InputException(where + ": truncated pickle: the opcode at offset " + at + " announces "
                    + (v < 0 ? "more than 2^63" : Long.toString(v)) + " bytes, " + (data.length - pos) + " remain");
        }
        return (int) v;
    }

    private long beLong(int at) {
        if (data.length - pos < 8) {
            throw truncated(at);
        }
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (data[pos++] & 0xff);
        }
        return v;
    }

    private InputException truncated(int at) {
        return new InputException(where + ": truncated pickle: the data ends inside the opcode at offset " + at);
    }

    private Object longBytes(int n, int at) {
        if (data.length - pos < n) {
            throw truncated(at);
        }
        if (n == 0) {
            return 0L;
        }
        byte[] be = new byte[n];
        for (int i = 0; i < n; i++) {
            be[n - 1 - i] = data[pos + i];
        }
        pos += n;
        BigInteger b = new BigInteger(be);
        return b.bitLength() < 64 ? (Object) b.longValue() : b;
    }

    private String tracked(String s, int at, int lengthSize) {
        if (textSpans != null) {
            textSpans.put(s, new Span(at + 1, lengthSize, at + 1 + lengthSize, pos - at - 1 - lengthSize));
        }
        return s;
    }

    private String utf8(int n, int at) {
        if (data.length - pos < n) {
            throw truncated(at);
        }
        if (n > MAX_STRING) {
            throw bad("a string of " + n + " bytes (at most " + MAX_STRING + " accepted)", at);
        }
        String s = new String(data, pos, n, StandardCharsets.UTF_8);
        pos += n;
        return s;
    }

    private String latin1(int n, int at) {
        if (data.length - pos < n) {
            throw truncated(at);
        }
        if (n > MAX_STRING) {
            throw bad("a string of " + n + " bytes (at most " + MAX_STRING + " accepted)", at);
        }
        String s = new String(data, pos, n, StandardCharsets.ISO_8859_1);
        pos += n;
        return s;
    }

    private Py.Bytes bytes(int n, int at) {
        if (data.length - pos < n) {
            throw truncated(at);
        }
        Py.Bytes b = new Py.Bytes(data, pos, n, pos);
        pos += n;
        return b;
    }

    /** A newline-terminated argument of protocol 0 opcodes, at most 64 KiB. */
    private String line(int at) {
        int start = pos;
        while (pos < data.length && data[pos] != '\n') {
            if (pos - start > 65536) {
                throw bad("an argument line longer than 64 KiB", at);
            }
            pos++;
        }
        if (pos >= data.length) {
            throw truncated(at);
        }
        String s = new String(data, start, pos - start, StandardCharsets.UTF_8);
        pos++;
        return s;
    }

    /** Longest decimal INT/LONG accepted: CPython's own default limit on int-string conversion. */
    static final int MAX_DECIMAL_DIGITS = 4300;

    private Object parseInt(String s, int at) {
        if (s.length() > MAX_DECIMAL_DIGITS + 2) {
            // Parsing is quadratic in the digits: a file of huge decimal ints would burn CPU for minutes.
            throw bad("INT of " + s.length() + " characters, beyond " + MAX_DECIMAL_DIGITS + " digits (CPython refuses"
                    + " those too)", at);
        }
        try {
            BigInteger b = new BigInteger(s.trim());
            return b.bitLength() < 64 ? (Object) b.longValue() : b;
        } catch (NumberFormatException e) {
            throw bad("INT '" + shorten(s) + "' is not a number", at);
        }
    }

    private long parseIndex(String s, int at) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw bad("memo index '" + shorten(s) + "' is not a number", at);
        }
    }

    private String unquote(String s, int at) {
        if (s.length() >= 2 && (s.charAt(0) == '\'' || s.charAt(0) == '"') && s.charAt(s.length() - 1) == s.charAt(0)) {
            if (s.indexOf('\\') >= 0) {
                throw bad("protocol 0 STRING with escapes (not read)", at);
            }
            return s.substring(1, s.length() - 1);
        }
        throw bad("STRING argument is not quoted", at);
    }

    static String shorten(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 120; i++) {
            char c = s.charAt(i);
            b.append(c < 32 || c == 127 ? '?' : c);
        }
        return s.length() > 120 ? b + "..." : b.toString();
    }
}
