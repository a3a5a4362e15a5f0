package org.mlsec.scan;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Pickles written byte by byte, as Python's pickle module would write them (no Python needed). */
final class Pickles {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static Pickles protocol(int p) {
        Pickles k = new Pickles();
        if (p >= 2) {
            k.op(0x80).op(p);
        }
        return k;
    }

    Pickles op(int b) {
        out.write(b);
        return this;
    }

    Pickles raw(String ascii) {
        out.writeBytes(ascii.getBytes(StandardCharsets.ISO_8859_1));
        return this;
    }

    /** GLOBAL module name (protocols 0-3). */
    Pickles global(String module, String name) {
        return op('c').raw(module + "\n" + name + "\n");
    }

    /** SHORT_BINUNICODE (protocol 4). */
    Pickles shortUnicode(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        op(0x8c).op(b.length);
        out.writeBytes(b);
        return this;
    }

    /** BINUNICODE (protocol 1+). */
    Pickles unicode(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        op('X').le(b.length, 4);
        out.writeBytes(b);
        return this;
    }

    /** BINBYTES of n zero bytes: a tensor's payload. */
    Pickles bytes(int n) {
        op('B').le(n, 4);
        out.writeBytes(new byte[n]);
        return this;
    }

    Pickles le(long v, int n) {
        for (int i = 0; i < n; i++) {
            out.write((int) (v >>> (8 * i)) & 0xff);
        }
        return this;
    }

    /** Writes the bytes as {@code dir/name} and scans that file. */
    static ScanReport scanAs(java.nio.file.Path dir, String name, byte[] bytes) throws java.io.IOException {
        java.nio.file.Path f = dir.resolve(name);
        java.nio.file.Files.write(f, bytes);
        return ModelScanner.scan(java.util.List.of(f));
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    /** os.system(command) in protocol 0, as text. */
    static byte[] systemProtocol0(String command) {
        return protocol(0).global("os", "system").raw("(S'" + command + "'\ntR.").bytes();
    }

    /** module.name(arg) in protocol 2: GLOBAL, BINPUT, BINUNICODE, TUPLE1, REDUCE. */
    static byte[] callProtocol2(String module, String name, String arg) {
        return protocol(2).global(module, name).op('q').op(0).unicode(arg).op(0x85).op('R').op('.').bytes();
    }

    /** module.name(arg) in protocol 4 through STACK_GLOBAL, module and name fetched back from the memo. */
    static byte[] callProtocol4ViaMemo(String module, String name, String arg) {
        return protocol(4).shortUnicode(module).op(0x94).op('0').shortUnicode(name).op(0x94).op('0')
                .op('h').op(0).op('h').op(1).op(0x93).op(0x94).unicode(arg).op(0x85).op('R').op('.').bytes();
    }

    /** A benign protocol-4 pickle: a dict with a tensor-sized byte string. */
    static byte[] benign(int payload) {
        return protocol(4).op('}').op(0x94).shortUnicode("weights").bytes(payload).op('s').op('.').bytes();
    }
}
