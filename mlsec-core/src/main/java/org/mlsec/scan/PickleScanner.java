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

    private final CountingInput in;
    private final String source;
    private final Consumer<Finding> sink;
    private int pickles;

    PickleScanner(InputStream in, String source, Consumer<Finding> sink) {
        this.in = new CountingInput(in);
        this.source = source;
        this.sink = sink;
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
        }
    }

    /** One pickle up to STOP; false when the stream ended or broke inside it (already reported). */
    private boolean scanOne(int op) throws IOException {
        List<Object> stack = new ArrayList<>();
        Map<Long, Object> memo = new HashMap<>();
        boolean first = true;
        while (true) {
            if (op < 0) {
                structural("truncated: the stream ends before STOP at offset " + in.position());
                return false;
            }
            long at = in.position() - 1;
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
                        return true;
                    case '(':
                        stack.add(MARK);
                        break;
                    case '0':
                        pop(stack, at);
                        break;
                    case '1':
                        popMark(stack, at);
                        break;
                    case '2':
                        stack.add(stack.isEmpty() ? OTHER : stack.get(stack.size() - 1));
                        break;
                    case 'F': case 'I': case 'L':
                        in.readLine();
                        stack.add(OTHER);
                        break;
                    case 'J':
                        in.skipExactly(4);
                        stack.add(OTHER);
                        break;
                    case 'K':
                        in.skipExactly(1);
                        stack.add(OTHER);
                        break;
                    case 'M':
                        in.skipExactly(2);
                        stack.add(OTHER);
                        break;
                    case 'G':
                        in.skipExactly(8);
                        stack.add(OTHER);
                        break;
                    case 'N': case 0x88: case 0x89: case ')': case ']': case '}': case 0x8f:
                        stack.add(OTHER);
                        break;
                    case 'P':
                        in.readLine();
                        stack.add(OTHER);
                        break;
                    case 'Q':
                        pop(stack, at);
                        stack.add(OTHER);
                        break;
                    case 'S': { // STRING 'text'
                        String s = in.readLine();
                        stack.add(unquote(s));
                        break;
                    }
                    case 'V':
                        stack.add(in.readLine());
                        break;
                    case 'T':
                        stack.add(readString(in.readLength(4), at));
                        break;
                    case 'U': case 0x8c:
                        stack.add(readString(in.readLength(1), at));
                        break;
                    case 'X':
                        stack.add(readString(in.readLength(4), at));
                        break;
                    case 0x8d:
                        stack.add(readString(in.readLength(8), at));
                        break;
                    case 'B':
                        in.skipExactly(in.readLength(4));
                        stack.add(OTHER);
                        break;
                    case 'C':
                        in.skipExactly(in.readLength(1));
                        stack.add(OTHER);
                        break;
                    case 0x8e: case 0x96:
                        in.skipExactly(in.readLength(8));
                        stack.add(OTHER);
                        break;
                    case 0x8a:
                        in.skipExactly(in.readLength(1));
                        stack.add(OTHER);
                        break;
                    case 0x8b:
                        in.skipExactly(in.readLength(4));
                        stack.add(OTHER);
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
                        stack.add(OTHER);
                        break;
                    case 'c': { // GLOBAL module\nname\n
                        String module = in.readLine();
                        String name = in.readLine();
                        global(module, name, "GLOBAL", at);
                        stack.add(OTHER);
                        break;
                    }
                    case 'i': { // INST module\nname\n, arguments since the mark
                        String module = in.readLine();
                        String name = in.readLine();
                        global(module, name, "INST", at);
                        popMark(stack, at);
                        stack.add(OTHER);
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
                        stack.add(OTHER);
                        break;
                    }
                    case 'd': case 'l': case 't': case 0x91: case 'o':
                        popMark(stack, at);
                        stack.add(OTHER);
                        break;
                    case 0x85:
                        pop(stack, at);
                        stack.add(OTHER);
                        break;
                    case 0x86: case 0x81:
                        pop(stack, at);
                        pop(stack, at);
                        stack.add(OTHER);
                        break;
                    case 0x87: case 0x92:
                        pop(stack, at);
                        pop(stack, at);
                        pop(stack, at);
                        stack.add(OTHER);
                        break;
                    case 0x82: case 0x83: case 0x84: { // EXT1/2/4: a callable from the extension registry
                        in.skipExactly(op == 0x82 ? 1 : op == 0x83 ? 2 : 4);
                        sink.accept(new Finding(Rule.PICKLE_UNKNOWN_CALLABLE, Severity.MEDIUM,
                                "EXT opcode at offset " + at + " imports a callable from the copyreg extension registry",
                                "EXT", "?", source, NAME));
                        stack.add(OTHER);
                        break;
                    }
                    case 0x94: // MEMOIZE
                        memo.put((long) memo.size(), top(stack));
                        break;
                    case 'p':
                        memo.put(parseIndex(in.readLine(), at), top(stack));
                        break;
                    case 'q':
                        memo.put((long) in.readByte(), top(stack));
                        break;
                    case 'r':
                        memo.put(in.readLength(4), top(stack));
                        break;
                    case 'g':
                        stack.add(get(memo, parseIndex(in.readLine(), at), at));
                        break;
                    case 'h':
                        stack.add(get(memo, in.readByte(), at));
                        break;
                    case 'j':
                        stack.add(get(memo, in.readLength(4), at));
                        break;
                    case 0x95: // FRAME
                        in.skipExactly(8);
                        break;
                    case 0x97:
                        stack.add(OTHER);
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

    private void global(String module, String name, String operator, long at) {
        Severity s = PickleRules.judge(module, name);
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

    private Object get(Map<Long, Object> memo, long index, long at) {
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

    private Object readString(long length, long at) throws IOException {
        if (length > MAX_KEPT_STRING) {
            in.skipExactly(length);
            return OTHER;
        }
        byte[] b = in.readExactly((int) length);
        return new String(b, StandardCharsets.UTF_8);
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
}
