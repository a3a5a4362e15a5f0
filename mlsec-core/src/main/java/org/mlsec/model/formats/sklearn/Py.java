package org.mlsec.model.formats.sklearn;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The inert values a pickle is interpreted into. Python's None is {@code null}, bool {@link Boolean}, int
 * {@link Long} or {@link java.math.BigInteger}, float {@link Double}, str {@link String}, list {@link PyList},
 * tuple {@link Tuple}, dict {@link Dict}, set and frozenset {@link PySet}, bytes and bytearray {@link Bytes}. A
 * global is a {@link Global} (a name, never looked up) and a call of one ({@code REDUCE}, {@code NEWOBJ},
 * {@code INST}, {@code OBJ}) is an {@link Obj}: a record of the callable, its arguments and the state {@code BUILD}
 * gave it. Nothing is ever called.
 */
final class Py {
    private Py() {
    }

    /** A global name such as {@code sklearn.tree._tree.Tree}, as GLOBAL or STACK_GLOBAL wrote it. */
    record Global(String module, String name) {
        String dotted() {
            return module + "." + name;
        }

        @Override
        public String toString() {
            return dotted();
        }
    }

    /** A Python list: mutable, since APPEND and APPENDS extend it after it was created (and memoised). */
    static final class PyList extends ArrayList<Object> {
        PyList() {
        }

        PyList(List<Object> items) {
            super(items);
        }

        @Override
        public boolean equals(Object o) {
            return this == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    /** A Python set or frozenset (only ever read as a list of items). */
    static final class PySet extends ArrayList<Object> {
        @Override
        public boolean equals(Object o) {
            return this == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    /** A Python dict, in insertion order. Keys are strings, numbers, None, booleans or flat tuples of those. */
    static final class Dict extends LinkedHashMap<Object, Object> {
        @Override
        public boolean equals(Object o) {
            return this == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    /** A Python tuple: immutable, compared by value when used as a dict key (only flat tuples may be keys). */
    record Tuple(List<Object> items) {
        Tuple {
            items = java.util.Collections.unmodifiableList(new ArrayList<>(items));
        }

        int size() {
            return items.size();
        }

        Object get(int i) {
            return items.get(i);
        }
    }

    /**
     * bytes or bytearray: a view into a buffer (the file itself for BINBYTES payloads, so that arrays are not
     * copied and {@link PickleTamper} can find where they sit), with {@code fileOffset} the payload's position in
     * the file or -1 for bytes built otherwise (such as protocol 2's {@code _codecs.encode}).
     */
    record Bytes(byte[] buffer, int offset, int length, long fileOffset) {
        Bytes {
            if (offset < 0 || length < 0 || (long) offset + length > buffer.length) {
                throw new IllegalArgumentException("bytes view out of range");
            }
        }

        static Bytes of(byte[] b) {
            return new Bytes(b, 0, b.length, -1);
        }

        byte get(long i) {
            return buffer[offset + (int) i];
        }

        byte[] copy() {
            return Arrays.copyOfRange(buffer, offset, offset + length);
        }

        String latin1() {
            return new String(buffer, offset, length, StandardCharsets.ISO_8859_1);
        }
    }

    /** Python's {@code slice(start, stop, step)} (ColumnTransformer column ranges). */
    record Slice(Object start, Object stop, Object step) {
    }

    /**
     * A call recorded, not made: {@code callable(*args)} (REDUCE, INST, OBJ) or {@code cls.__new__(cls, *args)}
     * (NEWOBJ, NEWOBJ_EX), with the state BUILD set on it and the items APPENDS/SETITEMS added to it.
     */
    static final class Obj {
        final Global callable;
        final Tuple args;
        final Dict kwargs;
        final boolean newobj;
        Object state;
        boolean built;
        final List<Object> listItems = new ArrayList<>();
        final Dict dictItems = new Dict();

        Obj(Global callable, Tuple args, Dict kwargs, boolean newobj) {
            this.callable = callable;
            this.args = args;
            this.kwargs = kwargs;
            this.newobj = newobj;
        }

        String type() {
            return callable.dotted();
        }

        /** The state as a dict (an object's {@code __dict__}), or null. */
        Dict stateDict() {
            if (state instanceof Dict) {
                return (Dict) state;
            }
            // (dict, slotstate) as pickle writes objects with __slots__ and a __dict__
            if (state instanceof Tuple && ((Tuple) state).size() == 2 && ((Tuple) state).get(0) instanceof Dict) {
                return (Dict) ((Tuple) state).get(0);
            }
            return null;
        }

        @Override
        public String toString() {
            return type() + "(...)";
        }
    }

    /** A short description of a value's type for error messages (never its content: it may be huge or cyclic). */
    static String typeName(Object v) {
        if (v == null) {
            return "None";
        }
        if (v instanceof Boolean) {
            return "bool";
        }
        if (v instanceof Long || v instanceof java.math.BigInteger) {
            return "int";
        }
        if (v instanceof Double) {
            return "float";
        }
        if (v instanceof String) {
            return "str";
        }
        if (v instanceof PyList) {
            return "list";
        }
        if (v instanceof Tuple) {
            return "tuple";
        }
        if (v instanceof Dict) {
            return "dict";
        }
        if (v instanceof PySet) {
            return "set";
        }
        if (v instanceof Bytes) {
            return "bytes";
        }
        if (v instanceof Global) {
            return "global " + v;
        }
        if (v instanceof Obj) {
            return ((Obj) v).type() + " object";
        }
        if (v instanceof Numpy.Array) {
            return "numpy array";
        }
        return v.getClass().getSimpleName();
    }

    /** The items of a list or tuple, or null. */
    static List<Object> items(Object v) {
        if (v instanceof PyList) {
            return (PyList) v;
        }
        if (v instanceof Tuple) {
            return ((Tuple) v).items();
        }
        return null;
    }

    static Map<Object, Object> dict(Object v) {
        return v instanceof Dict ? (Dict) v : null;
    }
}
