package org.mlsec.scan;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Walks every opcode of Python pickles (protocols 0 to 5, several concatenated in one stream) without executing
 * anything: it keeps a symbolic stack and memo just detailed enough to resolve what GLOBAL, INST and STACK_GLOBAL
 * import, through PUT/GET and MEMOIZE indirection. Large byte payloads (tensors, arrays) are skipped, not read into
 * memory. Structural problems are findings, never exceptions.
 */
final class PickleScanner {
    static final String NAME = "mlsec.PickleScanner";
    /** Strings longer than this are not kept (a module or attribute name is far shorter). */
    private static final int MAX_KEPT_STRING = 4096;

    /** A value on the symbolic stack: a string we know, or something else. */
    private static final Object OTHER = new Object();
    private static final Object MARK = new Object();

    /** Symbolic stack entries kept at most. */
    static final int MAX_STACK = 1 << 20;
    /** Memo entries kept at most (only strings and explicit PUTs are stored; MEMOIZE of anything else is counted). */
    static final int MAX_MEMO = 1 << 20;
    /** The protocol opcodes (pickletools' table), any of which may begin a pickle. */
    private static final String OPCODES = "(.0125BCFGIJKLMNPQRSTUVXabcdeghijlopqrstu}])\u0080\u0081\u0082\u0083"
            + "\u0084\u0085\u0086\u0087\u0088\u0089\u008a\u008b\u008c\u008d\u008e\u008f\u0090\u0091"
            + "\u0092\u0093\u0094\u0095\u0096\u0097\u0098";

    private final CountingInput in;
    private final String source;
    private final Consumer<Finding> sink;
    private final Budget budget;
    private final int depth;
    private int pickles;
    private long frameEnd = -1;
    private boolean stackReported;
    private boolean legacyTorch;
    /** torch.serialization's MAGIC_NUMBER 0x1950a86a20f9469cfc6c, as LONG1 writes it (little-endian). */
    private static final byte[] TORCH_MAGIC = {0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9, 0x20, 0x6a,
        (byte) 0xa8, 0x50, 0x19};

    PickleScanner(InputStream in, String source, Consumer<Finding> sink) {
        this(in, source, sink, null, 0);
    }

    /** A scanner whose inner pickles and archives are charged to {@code budget} (may be null), {@code depth} deep. */
    PickleScanner(InputStream in, String source, Consumer<Finding> sink, Budget budget, int depth) {
        this.in = new CountingInput(in);
        this.source = source;
        this.sink = sink;
        this.budget = budget;
        this.depth = depth;
    }

    static boolean isOpcode(int b) {
        return OPCODES.indexOf((char) b) >= 0;
    }

    /** Scans to the end of the stream; returns the number of complete pickles seen. */
    int scan() throws IOException {
        while (true) {
            int first = in.read();
            if (first < 0) {
                if (pickles == 0) {
                    structural("empty: no pickle opcodes at all");
                }
                return pickles;
            }
            if (!scanOne(first)) {
                return pickles;
            }
            pickles++;
            if (legacyTorch && pickles == 5) {
                return pickles; // magic, protocol, sys_info, the model, storage keys: raw tensor bytes follow
            }
        }
    }

    /** One pickle up to STOP; false when the stream ended or broke inside it (already reported). */
    private boolean scanOne(int op) throws IOException {
        List<Object> stack = new ArrayList<>();
        Memo memo = new Memo();
        boolean first = true;
        frameEnd = -1;
        long previous = -1;
        while (true) {
            if (op < 0) {
                structural("truncated: the stream ends before STOP at offset " + in.position());
                return false;
            }
            long at = in.position() - 1;
            if (frameEnd >= 0 && at >= frameEnd) {
                if (at > frameEnd) {
                    framing("the opcode at offset " + previous + " straddles the end of its frame at offset "
                            + frameEnd + " (CPython's buffered unpickler reads what a frame-aware reader does not)");
                }
                frameEnd = -1;
            }
            previous = at;
            try {
                switch (op) {
                    case 0x80: { // PROTO
                        int proto = in.readByte();
                        if (!first) {
                            structural("PROTO in the middle of a pickle at offset " + at);
                        }
                        if (proto > 5) {
                            structural("unknown pickle protocol " + proto + " at offset " + at);
                        }
                        break;
                    }
                    case '.': // STOP
                        if (frameEnd >= 0 && at + 1 != frameEnd) {
                            framing("the frame declared to end at offset " + frameEnd + " holds a STOP at offset " + at
                                    + ": its length disagrees with the opcodes inside");
                        }
                        return true;
                    case '(':
                        push(stack, MARK);
                        break;
                    case '0':
                        pop(stack, at);
                        break;
                    case '1':
                        popMark(stack, at);
                        break;
                    case '2':
                        push(stack, stack.isEmpty() ? OTHER : stack.get(stack.size() - 1));
                        break;
                    case 'F': case 'I': case 'L':
                        in.readLine();
                        push(stack, OTHER);
                        break;
                    case 'J':
                        in.skipExactly(4);
                        push(stack, OTHER);
                        break;
                    case 'K':
                        in.skipExactly(1);
                        push(stack, OTHER);
                        break;
                    case 'M':
                        in.skipExactly(2);
                        push(stack, OTHER);
                        break;
                    case 'G':
                        in.skipExactly(8);
                        push(stack, OTHER);
                        break;
                    case 'N': case 0x88: case 0x89: case ')': case ']': case '}': case 0x8f:
                        push(stack, OTHER);
                        break;
                    case 'P':
                        in.readLine();
                        push(stack, OTHER);
                        break;
                    case 'Q':
                        pop(stack, at);
                        push(stack, OTHER);
                        break;
                    case 'S': { // STRING 'text'
                        String s = unquote(in.readLine());
                        innerText(s, at);
                        push(stack, s);
                        break;
                    }
                    case 'V': {
                        String s = in.readLine();
                        innerText(s, at);
                        push(stack, s);
                        break;
                    }
                    case 'T': case 'X':
                        push(stack, payload(in.readLength(4), at, true));
                        break;
                    case 'U': case 0x8c:
                        push(stack, payload(in.readLength(1), at, true));
                        break;
                    case 0x8d:
                        push(stack, payload(in.readLength(8), at, true));
                        break;
                    case 'B':
                        push(stack, payload(in.readLength(4), at, false));
                        break;
                    case 'C':
                        push(stack, payload(in.readLength(1), at, false));
                        break;
                    case 0x8e: case 0x96:
                        push(stack, payload(in.readLength(8), at, false));
                        break;
                    case 0x8a: { // LONG1; the legacy torch.save magic number is one
                        byte[] b = in.readExactly((int) in.readLength(1));
                        legacyTorch |= pickles == 0 && java.util.Arrays.equals(b, TORCH_MAGIC);
                        push(stack, OTHER);
                        break;
                    }
                    case 0x8b:
                        in.skipExactly(in.readLength(4));
                        push(stack, OTHER);
                        break;
                    case 'a': case 'b':
                        pop(stack, at);
                        break;
                    case 's':
                        pop(stack, at);
                        pop(stack, at);
                        break;
                    case 'e': case 'u': case 0x90:
                        popMark(stack, at);
                        break;
                    case 'R': // REDUCE: callable(args)
                        pop(stack, at);
                        pop(stack, at);
                        push(stack, OTHER);
                        break;
                    case 'c': { // GLOBAL module\nname\n
                        String module = in.readLine();
                        String name = in.readLine();
                        global(module, name, "GLOBAL", at);
                        push(stack, OTHER);
                        break;
                    }
                    case 'i': { // INST module\nname\n, arguments since the mark
                        String module = in.readLine();
                        String name = in.readLine();
                        global(module, name, "INST", at);
                        popMark(stack, at);
                        push(stack, OTHER);
                        break;
                    }
                    case 0x93: { // STACK_GLOBAL: module and name from the stack
                        Object name = pop(stack, at);
                        Object module = pop(stack, at);
                        if (module instanceof String && name instanceof String) {
                            global((String) module, (String) name, "STACK_GLOBAL", at);
                        } else {
                            sink.accept(new Finding(Rule.PICKLE_DYNAMIC_GLOBAL, Severity.CRITICAL,
                                    "STACK_GLOBAL at offset " + at + " imports a name that is not a plain string",
                                    "STACK_GLOBAL", "?", source, NAME));
                        }
                        push(stack, OTHER);
                        break;
                    }
                    case 'd': case 'l': case 't': case 0x91: case 'o':
                        popMark(stack, at);
                        push(stack, OTHER);
                        break;
                    case 0x85:
                        pop(stack, at);
                        push(stack, OTHER);
                        break;
                    case 0x86: case 0x81:
                        pop(stack, at);
                        pop(stack, at);
                        push(stack, OTHER);
                        break;
                    case 0x87: case 0x92:
                        pop(stack, at);
                        pop(stack, at);
                        pop(stack, at);
                        push(stack, OTHER);
                        break;
                    case 0x82: case 0x83: case 0x84: { // EXT1/2/4: a callable from the extension registry
                        in.skipExactly(op == 0x82 ? 1 : op == 0x83 ? 2 : 4);
                        sink.accept(new Finding(Rule.PICKLE_UNKNOWN_CALLABLE, Severity.MEDIUM,
                                "EXT opcode at offset " + at + " imports a callable from the copyreg extension registry",
                                "EXT", "?", source, NAME));
                        push(stack, OTHER);
                        break;
                    }
                    case 0x94: // MEMOIZE: memo[len(memo)] = top
                        memo.memoize(top(stack));
                        break;
                    case 'p':
                        memo.put(parseIndex(in.readLine(), at), top(stack));
                        break;
                    case 'q':
                        memo.put(in.readByte(), top(stack));
                        break;
                    case 'r':
                        memo.put(in.readLength(4), top(stack));
                        break;
                    case 'g':
                        push(stack, get(memo, parseIndex(in.readLine(), at), at));
                        break;
                    case 'h':
                        push(stack, get(memo, in.readByte(), at));
                        break;
                    case 'j':
                        push(stack, get(memo, in.readLength(4), at));
                        break;
                    case 0x95: { // FRAME: the next n bytes hold whole opcodes
                        long n = in.readLength(8);
                        if (frameEnd >= 0 && at < frameEnd) {
                            framing("a FRAME at offset " + at + " begins inside the frame that ends at " + frameEnd);
                        }
                        frameEnd = in.position() + n;
                        break;
                    }
                    case 0x97:
                        push(stack, OTHER);
                        break;
                    case 0x98:
                        break;
                    default:
                        structural(String.format("invalid opcode 0x%02x at offset %d", op, at));
                        return false;
                }
            } catch (EOFException e) {
                structural("truncated: the stream ends inside an opcode at offset " + at);
                return false;
            }
            first = false;
            op = in.read();
        }
    }

    /**
     * Verdicts already reached in this stream, by module and name: a pickle that repeats one long dotted import
     * (each judged over every prefix and suffix of its path) is judged once; at most {@link #MEMO} are kept.
     */
    private final java.util.Map<String, java.util.Optional<Severity>> verdicts = new java.util.HashMap<>();
    private static final int MEMO = 4096;

    private Severity judge(String module, String name) {
        String key = module + '\u0000' + name;
        java.util.Optional<Severity> v = verdicts.get(key);
        if (v == null) {
            v = java.util.Optional.ofNullable(PickleRules.judge(module, name));
            if (verdicts.size() < MEMO) {
                verdicts.put(key, v);
            }
        }
        return v.orElse(null);
    }

    private void global(String module, String name, String operator, long at) {
        Severity s = judge(module, name);
        if (s == null) {
            return;
        }
        String what = PickleRules.normalise(module) + "." + name;
        Rule rule = s == Severity.MEDIUM ? Rule.PICKLE_UNKNOWN_CALLABLE : Rule.PICKLE_DANGEROUS_CALLABLE;
        String description = s == Severity.MEDIUM
                ? "imports " + what + ", which is not on the allow-list for model files (" + operator + " at offset " + at + ")"
                : "imports " + what + ", which can run code or touch the system when the file is loaded (" + operator
                + " at offset " + at + ")";
        sink.accept(new Finding(rule, s, description, operator, what, source, NAME));
    }

    private void structural(String what) {
        sink.accept(new Finding(Rule.MALFORMED, Severity.MEDIUM, "malformed pickle: " + what, "structure", "",
                source, NAME));
    }

    private Object pop(List<Object> stack, long at) {
        if (stack.isEmpty()) {
            structural("stack underflow at offset " + at);
            return OTHER;
        }
        return stack.remove(stack.size() - 1);
    }

    private static Object top(List<Object> stack) {
        return stack.isEmpty() ? OTHER : stack.get(stack.size() - 1);
    }

    private void popMark(List<Object> stack, long at) {
        while (!stack.isEmpty()) {
            if (stack.remove(stack.size() - 1) == MARK) {
                return;
            }
        }
        structural("no MARK to pop back to at offset " + at);
    }

    private Object get(Memo memo, long index, long at) {
        Object v = memo.get(index);
        if (v == null) {
            structural("GET of memo entry " + index + " that was never stored, at offset " + at);
            return OTHER;
        }
        return v;
    }

    private long parseIndex(String s, long at) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            structural("memo index '" + s + "' is not a number at offset " + at);
            return -1;
        }
    }

    /**
     * A bytes or str argument of {@code length} bytes. Short strings are kept (they may name a module); anything that
     * starts like a pickle (raw, base64 or hex), or a zip (a torch.save payload for {@code _load_from_bytes}), is
     * scanned as one, streaming, one level deeper; everything else is skipped, never read into memory.
     */
    private Object payload(long length, long at, boolean text) throws IOException {
        int headLength = (int) Math.min(length, 64);
        byte[] head = in.readExactly(headLength);
        long rest = length - headLength;
        Inner kind = text && Inner.latin1Pickle(head) ? Inner.LATIN1 : Inner.of(head);
        if (kind != null) {
            inner(kind, new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(head), in.slice(rest)), at);
            return OTHER;
        }
        if (text && length <= MAX_KEPT_STRING) {
            byte[] all = java.util.Arrays.copyOf(head, (int) length);
            byte[] tail = in.readExactly((int) rest);
            System.arraycopy(tail, 0, all, headLength, tail.length);
            return new String(all, StandardCharsets.UTF_8);
        }
        in.skipExactly(rest);
        return OTHER;
    }

    /** A protocol-0 string argument (already in memory) that holds an encoded pickle. */
    private void innerText(String s, long at) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        Inner kind = Inner.of(java.util.Arrays.copyOf(b, Math.min(b.length, 64)));
        if (kind != null) {
            inner(kind, new java.io.ByteArrayInputStream(b), at);
        }
    }

    private void inner(Inner kind, InputStream body, long at) throws IOException {
        String where = source + " (inner " + kind.name().toLowerCase(java.util.Locale.ROOT) + " at offset " + at + ")";
        try {
            if (depth + 1 > Budget.MAX_DEPTH) {
                framingLike(where);
            } else if (kind == Inner.ZIP) {
                if (budget != null) {
                    Archives.fromStream(ModelScanner.Format.ZIP, body, where, budget.report(), budget, depth + 1);
                }
            } else {
                new PickleScanner(kind.decode(body), where, sink, budget, depth + 1).scan();
            }
        } catch (IllegalArgumentException e) {
            // not base64 or hex after all: the bytes were data
        }
        ModelScanner.drain(body);
    }

    private void framingLike(String where) {
        sink.accept(new Finding(Rule.MALFORMED, Severity.HIGH, "pickles nested more than " + Budget.MAX_DEPTH
                + " deep: the innermost were not scanned", "structure", "", where, NAME));
    }

    private void framing(String what) {
        sink.accept(new Finding(Rule.MALFORMED, Severity.HIGH, "pickle framing broken: " + what, "FRAME", "",
                source, NAME));
    }

    /** Pushes onto the symbolic stack; past its bound (a hostile pickle) the oldest half is dropped, once reported. */
    private void push(List<Object> stack, Object v) {
        if (stack.size() >= MAX_STACK) {
            if (!stackReported) {
                stackReported = true;
                sink.accept(new Finding(Rule.MALFORMED, Severity.HIGH, "pickle stack deeper than " + MAX_STACK
                        + " entries: no model needs that; names built from what was dropped count as dynamic",
                        "structure", "", source, NAME));
            }
            stack.subList(0, stack.size() / 2).clear();
        }
        stack.add(v);
    }

    /** Protocol 0 STRING arguments are Python literals: 'text' or "text". */
    private static String unquote(String s) {
        if (s.length() >= 2 && (s.charAt(0) == '\'' || s.charAt(0) == '"') && s.charAt(s.length() - 1) == s.charAt(0)) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }

    /** A stream that counts its position and reads pickle argument encodings. */
    static final class CountingInput {
        private final InputStream in;
        private long position;

        CountingInput(InputStream in) {
            this.in = in;
        }

        long position() {
            return position;
        }

        int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                position++;
            }
            return b;
        }

        int readByte() throws IOException {
            int b = read();
            if (b < 0) {
                throw new EOFException();
            }
            return b;
        }

        /** An unsigned little-endian length or index of 1, 2, 4 or 8 bytes. */
        long readLength(int bytes) throws IOException {
            long v = 0;
            for (int i = 0; i < bytes; i++) {
                v |= (long) readByte() << (8 * i);
            }
            if (v < 0) {
                throw new EOFException();
            }
            return v;
        }

        /** A newline-terminated argument (protocol 0), at most 64 KiB. */
        String readLine() throws IOException {
            StringBuilder sb = new StringBuilder();
            while (true) {
                int b = readByte();
                if (b == '\n') {
                    return sb.toString();
                }
                if (sb.length() < 65536) {
                    sb.append((char) b);
                }
            }
        }

        /** The next {@code n} bytes as a stream, counted as they are read. */
        InputStream slice(long n) {
            return new InputStream() {
                private long left = n;

                @Override
                public int read() throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int b = CountingInput.this.read();
                    left -= b >= 0 ? 1 : 0;
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int r = in.read(b, off, (int) Math.min(len, left));
                    if (r > 0) {
                        left -= r;
                        position += r;
                    }
                    return r;
                }
            };
        }

        byte[] readExactly(int n) throws IOException {
            byte[] b = in.readNBytes(n);
            position += b.length;
            if (b.length < n) {
                throw new EOFException();
            }
            return b;
        }

        void skipExactly(long n) throws IOException {
            long left = n;
            while (left > 0) {
                long s = in.skip(left);
                if (s <= 0) {
                    if (in.read() < 0) {
                        position += n - left;
                        throw new EOFException();
                    }
                    s = 1;
                }
                left -= s;
            }
            position += n;
        }
    }

    /** The memo, bounded: strings and explicit PUTs are kept up to {@link #MAX_MEMO}; MEMOIZE of a non-string is counted. */
    private static final class Memo {
        private final Map<Long, Object> kept = new HashMap<>();
        private long size;
        private boolean overflow;

        void memoize(Object v) {
            put(size, v);
        }

        void put(long index, Object v) {
            boolean fresh = !kept.containsKey(index);
            if (v == OTHER && index == size) {
                kept.remove(index);
            } else if (kept.size() < MAX_MEMO) {
                kept.put(index, v);
            } else {
                overflow = true;
            }
            if (fresh && index >= size) {
                size = index + 1;
            }
        }

        Object get(long index) {
            Object v = kept.get(index);
            return v != null ? v : index >= 0 && (index < size || overflow) ? OTHER : null;
        }
    }

    /**
     * How an inner pickle (or torch.save zip) is carried in a bytes or str argument. LATIN1 is a binary pickle kept
     * as a str, each byte one character ({@code pickle.loads(s.encode("latin-1"))}): in a binary pickle's UTF-8 str
     * its PROTO byte 0x80 reads C2 80.
     */
    enum Inner {
        RAW, BASE64, HEX, ZIP, LATIN1;

        /** Whether a str argument's UTF-8 bytes start like a binary pickle kept one character per byte. */
        static boolean latin1Pickle(byte[] h) {
            return h.length >= 3 && (h[0] & 0xff) == 0xc2 && (h[1] & 0xff) == 0x80 && h[2] >= 2 && h[2] <= 5;
        }

        static Inner of(byte[] h) {
            String t = new String(h, StandardCharsets.ISO_8859_1);
            if (h.length >= 2 && (h[0] & 0xff) == 0x80 && h[1] >= 2 && h[1] <= 5) {
                return RAW;
            }
            if (h.length >= 4 && h[0] == 'P' && h[1] == 'K' && h[2] == 3 && h[3] == 4) {
                return ZIP;
            }
            if (t.matches("(?s)c[A-Za-z_][A-Za-z0-9_.]*\n[A-Za-z_].*")) {
                return RAW; // protocol 0, starting with GLOBAL
            }
            if (t.matches("(?s)gA[I-X][A-Za-z0-9+/=\\s].*") || t.startsWith("UEsDB")) {
                return BASE64;
            }
            if (t.matches("(?s)(80|80 )0[2-5].*") || t.matches("(?s)800[2-5].*") || t.toLowerCase(java.util.Locale.ROOT)
                    .startsWith("504b0304")) {
                return HEX;
            }
            return null;
        }

        InputStream decode(InputStream in) {
            switch (this) {
                case BASE64:
                    return java.util.Base64.getMimeDecoder().wrap(in);
                case LATIN1:
                    return new InputStream() {
                        @Override
                        public int read() throws IOException {
                            return latin1(in);
                        }
                    };
                case HEX:
                    return new InputStream() {
                        @Override
                        public int read() throws IOException {
                            int hi = digit(in);
                            int lo = hi < 0 ? -1 : digit(in);
                            return hi < 0 || lo < 0 ? -1 : hi << 4 | lo;
                        }
                    };
                default:
                    return in;
            }
        }

        /** The next character of UTF-8 text as a byte; the end at a character past U+00FF (latin-1 has none). */
        private static int latin1(InputStream in) throws IOException {
            int b = in.read();
            if (b < 0x80) {
                return b;
            }
            int c = (b & 0xe0) == 0xc0 ? in.read() : -1;
            return c < 0 || (c & 0xc0) != 0x80 || (b & 0x1f) > 3 ? -1 : (b & 0x1f) << 6 | c & 0x3f;
        }

        private static int digit(InputStream in) throws IOException {
            while (true) {
                int c = in.read();
                if (c < 0) {
                    return -1;
                }
                int d = Character.digit(c, 16);
                if (d >= 0) {
                    return d;
                }
                if (!Character.isWhitespace(c)) {
                    return -1;
                }
            }
        }
    }
}
