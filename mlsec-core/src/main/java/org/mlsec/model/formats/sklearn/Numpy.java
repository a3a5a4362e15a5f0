package org.mlsec.model.formats.sklearn;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.mlsec.InputException;

/**
 * Decodes numpy values from the inert graph {@link PickleMachine} builds, without numpy. The layouts are numpy's
 * own pickle protocol ({@code numpy/core/src/multiarray/methods.c}, {@code array_reduce} and
 * {@code array_setstate}; {@code descriptor.c}, {@code arraydescr_reduce} and {@code arraydescr_setstate}):
 * <ul>
 *   <li>an array is {@code numpy.core.multiarray._reconstruct(numpy.ndarray, (0,), b'b')} whose BUILD state is
 *       {@code (version, shape, dtype, is_fortran, data)}, data being the raw bytes or, for object arrays, a list;
 *       protocol 5 writes {@code numpy.core.numeric._frombuffer(buffer, dtype, shape, order)} instead; numpy 2
 *       names the module {@code numpy._core};</li>
 *   <li>a dtype is {@code numpy.dtype(typestr, align, copy)} with BUILD state {@code (version, byteorder,
 *       subarray, names, fields, elsize, alignment, flags[, metadata])}; a structured dtype lists its fields as
 *       {@code name -> (dtype, offset)};</li>
 *   <li>a scalar is {@code numpy.core.multiarray.scalar(dtype, raw bytes)}.</li>
 * </ul>
 * Integers, floats and booleans of any size and byte order, fixed-width text ({@code U}, {@code S}), object arrays
 * and structured dtypes of those are read; sub-array dtypes, complex numbers and dates are refused.
 */
final class Numpy {
    private Numpy() {
    }

    /** A structured dtype's field. */
    record Field(String name, DType type, int offset) {
    }

    /** A dtype: kind letter ({@code f i u b O U S V}), bytes per element, byte order and fields when structured. */
    record DType(char kind, int itemsize, boolean bigEndian, List<Field> fields) {
        DType {
            fields = fields == null ? List.of() : List.copyOf(fields);
        }

        boolean isObject() {
            return kind == 'O';
        }

        Field field(String name) {
            for (Field f : fields) {
                if (f.name().equals(name)) {
                    return f;
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return fields.isEmpty() ? (bigEndian ? ">" : "<") + kind + itemsize : "structured(" + fields.size()
                    + " fields, " + itemsize + " bytes)";
        }
    }

    /** An array: raw bytes (C or Fortran order) or, for object arrays, its items in that order. */
    record Array(DType dtype, long[] shape, boolean fortran, Py.Bytes raw, List<Object> objects) {
        long size() {
            long n = 1;
            for (long s : shape) {
                n *= s;
            }
            return n;
        }

        int ndim() {
            return shape.length;
        }

        /** Flat storage position of C-order element {@code i}. */
        private long storage(long i) {
            if (!fortran || shape.length < 2) {
                return i;
            }
            long rest = i;
            long[] idx = new long[shape.length];
            for (int d = shape.length - 1; d >= 0; d--) {
                idx[d] = rest % shape[d];
                rest /= shape[d];
            }
            long p = 0;
            for (int d = shape.length - 1; d >= 0; d--) {
                p = p * shape[d] + idx[d];
            }
            return p;
        }

        /** Every element as a double, in C order. */
        double[] doubles(String what) {
            long n = size();
            double[] out = new double[(int) n];
            for (long i = 0; i < n; i++) {
                out[(int) i] = number(element(i), what);
            }
            return out;
        }

        /** Every element as a long, in C order (integers and booleans only). */
        long[] longs(String what) {
            long n = size();
            long[] out = new long[(int) n];
            for (long i = 0; i < n; i++) {
                Object v = element(i);
                if (v instanceof Long) {
                    out[(int) i] = (Long) v;
                } else if (v instanceof Boolean) {
                    out[(int) i] = (Boolean) v ? 1 : 0;
                } else {
                    throw new InputException(what + " holds " + Py.typeName(v) + " values, expected integers");
                }
            }
            return out;
        }

        /** Every element as a Java value (Long, Double, Boolean, String or a Python object), in C order. */
        List<Object> elements() {
            long n = size();
            List<Object> out = new ArrayList<>((int) n);
            for (long i = 0; i < n; i++) {
                out.add(element(i));
            }
            return out;
        }

        Object element(long i) {
            long p = storage(i);
            if (objects != null) {
                return objects.get((int) p);
            }
            return decode(dtype, raw, p * dtype.itemsize());
        }

        /** One field of a structured array, as doubles, in C order. */
        double[] field(String name, String what) {
            Field f = dtype.field(name);
            if (f == null) {
                throw new InputException(what + " has no field '" + name + "'");
            }
            long n = size();
            double[] out = new double[(int) n];
            for (long i = 0; i < n; i++) {
                out[(int) i] = number(decode(f.type(), raw, storage(i) * dtype.itemsize() + f.offset()),
                        what + "." + name);
            }
            return out;
        }
    }

    static double number(Object v, String what) {
        if (v instanceof Double) {
            return (Double) v;
        }
        if (v instanceof Long) {
            return (Long) v;
        }
        if (v instanceof Boolean) {
            return (Boolean) v ? 1 : 0;
        }
        if (v instanceof Py.Obj) {
            Object s = scalar(v, what);
            if (s != v) {
                return number(s, what);
            }
        }
        throw new InputException(what + " holds a " + Py.typeName(v) + ", expected a number");
    }

    /** One element of a plain dtype at a byte position of the buffer. */
    static Object decode(DType t, Py.Bytes raw, long at) {
        int n = t.itemsize();
        if (at < 0 || at + n > raw.length()) {
            throw new InputException("array data ends before element at byte " + at);
        }
        switch (t.kind()) {
            case 'f': {
                long bits = bits(raw, at, n, t.bigEndian());
                if (n == 8) {
                    return Double.longBitsToDouble(bits);
                }
                if (n == 4) {
                    return (double) Float.intBitsToFloat((int) bits);
                }
                break;
            }
            case 'i': {
                long bits = bits(raw, at, n, t.bigEndian());
                return n == 8 ? bits : (bits << (64 - 8 * n)) >> (64 - 8 * n);
            }
            case 'u': {
                long bits = bits(raw, at, n, t.bigEndian());
                if (n == 8 && bits < 0) {
                    throw new InputException("an unsigned 64-bit value beyond 2^63");
                }
                return bits;
            }
            case 'b':
                return raw.get(at) != 0;
            case 'U': {
                StringBuilder sb = new StringBuilder();
                for (int c = 0; c + 4 <= n; c += 4) {
                    int cp = (int) bits(raw, at + c, 4, t.bigEndian());
                    if (cp == 0) {
                        break;
                    }
                    if (!Character.isValidCodePoint(cp)) {
                        throw new InputException("text array with an invalid character");
                    }
                    sb.appendCodePoint(cp);
                }
                return sb.toString();
            }
            case 'S': {
                int len = 0;
                while (len < n && raw.get(at + len) != 0) {
                    len++;
                }
                return new String(raw.buffer(), raw.offset() + (int) at, len, StandardCharsets.ISO_8859_1);
            }
            default:
                break;
        }
        throw new InputException("numpy dtype " + t + " is not read");
    }

    private static long bits(Py.Bytes raw, long at, int n, boolean big) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            int b = raw.get(at + (big ? i : n - 1 - i)) & 0xff;
            v = (v << 8) | b;
        }
        return v;
    }

    // ---- from the pickle graph

    static boolean isArray(Object v) {
        if (v instanceof Array) {
            return true;
        }
        if (v instanceof Py.Obj) {
            String n = ((Py.Obj) v).callable.name();
            String m = ((Py.Obj) v).callable.module();
            return (n.equals("_reconstruct") || n.equals("_frombuffer")) && m.startsWith("numpy");
        }
        return false;
    }

    /** The array a value stands for; an {@link InputException} naming {@code what} if it is none. */
    static Array array(Object v, String what) {
        if (v instanceof Array) {
            return (Array) v;
        }
        if (!(v instanceof Py.Obj) || !isArray(v)) {
            throw new InputException(what + " is a " + Py.typeName(v) + ", expected a numpy array");
        }
        Py.Obj o = (Py.Obj) v;
        Array a;
        if (o.callable.name().equals("_frombuffer")) {
            if (o.args.size() != 4) {
                throw new InputException(what + ": _frombuffer with " + o.args.size() + " arguments");
            }
            DType t = dtype(o.args.get(1), what);
            long[] shape = shape(o.args.get(2), what);
            Object order = o.args.get(3);
            a = new Array(t, shape, "F".equals(order), bytes(o.args.get(0), what), null);
        } else {
            Object st = o.state;
            List<Object> s = Py.items(st);
            if (s == null || (s.size() != 5 && s.size() != 4)) {
                throw new InputException(what + ": numpy array state is a " + Py.typeName(st)
                        + (s == null ? "" : " of " + s.size()) + ", expected (version, shape, dtype, fortran, data)");
            }
            int k = s.size() == 5 ? 1 : 0;
            long[] shape = shape(s.get(k), what);
            DType t = dtype(s.get(k + 1), what);
            boolean fortran = Boolean.TRUE.equals(s.get(k + 2)) || Long.valueOf(1).equals(s.get(k + 2));
            Object d = s.get(k + 3);
            if (t.isObject()) {
                List<Object> items = Py.items(d);
                if (items == null) {
                    throw new InputException(what + ": object array data is a " + Py.typeName(d));
                }
                // an object array may hold None (null): List.copyOf would throw on it
                a = new Array(t, shape, fortran, null, java.util.Collections.unmodifiableList(new ArrayList<>(items)));
            } else {
                a = new Array(t, shape, fortran, bytes(d, what), null);
            }
        }
        long count = count(a.shape(), what);
        if (a.objects() != null) {
            if (a.objects().size() != count) {
                throw new InputException(what + ": array of shape " + shapeText(a.shape()) + " holds "
                        + a.objects().size() + " objects");
            }
        } else if (a.dtype().isObject() || count * a.dtype().itemsize() != a.raw().length()) {
            throw new InputException(what + ": array of shape " + shapeText(a.shape()) + " and dtype " + a.dtype()
                    + " has " + (a.raw() == null ? 0 : a.raw().length()) + " bytes of data, expected "
                    + count * a.dtype().itemsize());
        }
        return a;
    }

    private static Py.Bytes bytes(Object d, String what) {
        if (d instanceof Py.Bytes) {
            return (Py.Bytes) d;
        }
        if (d instanceof String) { // Python 2 pickles: str data, read as latin-1
            String s = (String) d;
            byte[] b = new byte[s.length()];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) s.charAt(i);
            }
            return Py.Bytes.of(b);
        }
        throw new InputException(what + ": array data is a " + Py.typeName(d) + ", expected bytes");
    }

    static long count(long[] shape, String what) {
        long n = 1;
        for (long s : shape) {
            if (s < 0) {
                throw new InputException(what + ": negative array dimension " + s);
            }
            if (s > 0 && n > PickleMachine.MAX_ARRAY_ELEMENTS / s) {
                throw new InputException(what + ": array of shape " + shapeText(shape) + " has more than "
                        + PickleMachine.MAX_ARRAY_ELEMENTS + " elements");
            }
            n *= s;
        }
        return n;
    }

    static long[] shape(Object v, String what) {
        if (v instanceof Long) {
            return new long[] {(Long) v};
        }
        List<Object> items = Py.items(v);
        if (items == null || items.size() > 32) {
            throw new InputException(what + ": array shape is a " + Py.typeName(v));
        }
        long[] s = new long[items.size()];
        for (int i = 0; i < s.length; i++) {
            if (!(items.get(i) instanceof Long)) {
                throw new InputException(what + ": array dimension " + i + " is a " + Py.typeName(items.get(i)));
            }
            s[i] = (Long) items.get(i);
        }
        count(s, what);
        return s;
    }

    static String shapeText(long[] shape) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            b.append(i > 0 ? ", " : "").append(shape[i]);
        }
        return b.append(shape.length == 1 ? ",)" : ")").toString();
    }

    /** A dtype from its pickled form {@code numpy.dtype(typestr, align, copy)} plus BUILD state. */
    static DType dtype(Object v, String what) {
        return dtype(v, what, 0);
    }

    private static DType dtype(Object v, String what, int depth) {
        if (depth > 8) {
            throw new InputException(what + ": dtype nested more than 8 levels");
        }
        if (!(v instanceof Py.Obj) || !((Py.Obj) v).type().equals("numpy.dtype")) {
            throw new InputException(what + ": dtype is a " + Py.typeName(v) + ", expected numpy.dtype");
        }
        Py.Obj o = (Py.Obj) v;
        if (o.args.size() < 1 || !(o.args.get(0) instanceof String)) {
            throw new InputException(what + ": numpy.dtype without a type string");
        }
        String ts = (String) o.args.get(0);
        if (ts.isEmpty()) {
            throw new InputException(what + ": empty dtype string");
        }
        char kind = ts.charAt(0);
        int size;
        try {
            size = ts.length() > 1 ? Integer.parseInt(ts.substring(1)) : -1;
        } catch (NumberFormatException e) {
            throw new InputException(what + ": dtype '" + PickleMachine.shorten(ts) + "' is not read");
        }
        List<Object> st = Py.items(o.state);
        boolean big = false;
        List<Field> fields = new ArrayList<>();
        if (st != null && st.size() >= 6) {
            Object order = st.get(1);
            big = ">".equals(order);
            if (st.get(2) != null) {
                throw new InputException(what + ": sub-array dtypes are not read");
            }
            if (st.get(5) instanceof Long && (Long) st.get(5) > 0) {
                size = (int) Math.min(Integer.MAX_VALUE, (Long) st.get(5));
            }
            List<Object> names = Py.items(st.get(3));
            if (names != null) {
                if (!(st.get(4) instanceof Py.Dict)) {
                    throw new InputException(what + ": structured dtype without fields");
                }
                Py.Dict fd = (Py.Dict) st.get(4);
                for (Object n : names) {
                    List<Object> f = Py.items(fd.get(n));
                    if (!(n instanceof String) || f == null || f.size() < 2 || !(f.get(1) instanceof Long)) {
                        throw new InputException(what + ": structured dtype field " + Py.typeName(n)
                                + " is malformed");
                    }
                    DType ft = dtype(f.get(0), what, depth + 1);
                    long off = (Long) f.get(1);
                    fields.add(new Field((String) n, ft, (int) Math.min(Integer.MAX_VALUE, Math.max(-1, off))));
                }
            }
        }
        if (kind == 'U' && st == null && size > 0) {
            size *= 4;
        }
        if (kind == 'O') {
            size = 8;
        }
        if (size <= 0 || size > 1 << 20 || "fiubOUSV".indexOf(kind) < 0) {
            throw new InputException(what + ": numpy dtype '" + PickleMachine.shorten(ts) + "' is not read");
        }
        if ("fiu".indexOf(kind) >= 0 && size != 1 && size != 2 && size != 4 && size != 8 || kind == 'f' && size < 4) {
            throw new InputException(what + ": numpy dtype '" + PickleMachine.shorten(ts) + "' is not read");
        }
        for (Field f : fields) {
            if (f.offset() < 0 || (long) f.offset() + f.type().itemsize() > size || f.type().isObject()
                    || !f.type().fields().isEmpty()) {
                throw new InputException(what + ": structured dtype field '" + f.name() + "' at offset "
                        + f.offset() + " does not fit in " + size + " bytes");
            }
        }
        if (kind == 'V' && fields.isEmpty()) {
            throw new InputException(what + ": raw void dtype without fields is not read");
        }
        return new DType(kind, size, big, fields);
    }

    /** A numpy scalar ({@code scalar(dtype, bytes)}) as a Java value; other values are returned as they are. */
    static Object scalar(Object v, String what) {
        if (!(v instanceof Py.Obj) || !((Py.Obj) v).callable.name().equals("scalar")
                || !((Py.Obj) v).callable.module().startsWith("numpy")) {
            return v;
        }
        Py.Obj o = (Py.Obj) v;
        if (o.args.size() != 2) {
            throw new InputException(what + ": numpy scalar with " + o.args.size() + " arguments");
        }
        DType t = dtype(o.args.get(0), what);
        if (t.isObject()) {
            return o.args.get(1);
        }
        Py.Bytes b = bytes(o.args.get(1), what);
        if (b.length() != t.itemsize() || !t.fields().isEmpty()) {
            throw new InputException(what + ": numpy scalar of " + b.length() + " bytes for dtype " + t);
        }
        return decode(t, b, 0);
    }
}
