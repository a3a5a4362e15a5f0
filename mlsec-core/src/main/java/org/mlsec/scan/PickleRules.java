package org.mlsec.scan;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a pickle in an ML model file may import, and what it must not: one maintained list,
 * {@code pickle-globals.tsv} next to this class, each line a verdict (CRITICAL, HIGH, ALLOW), a name
 * ({@code module.attribute}, or {@code module.*} for a module and its submodules) and why. A name on no line is
 * MEDIUM. Dotted attribute names are resolved as the unpickler resolves them ({@code getattr} step by step): every
 * object on the way is judged, and since an attribute of a module can be another module the module imported
 * ({@code sklearn.datasets._base} + {@code os.system} is {@code os.system}), every suffix of the path is judged as a
 * module path too. The worst verdict wins.
 */
final class PickleRules {
    /** The list's entries, in file order: name to verdict (null for ALLOW). */
    static final Map<String, Severity> LIST = load();
    /**
     * The same entries sorted, for every lookup. A coverage-guided fuzzer (Jazzer) follows each missed map lookup
     * by looking for the keys around the missed one: on a sorted map that is two O(log n) searches, on a hash map
     * it walks the entries, which made that walk 84% of the keras fuzz target's time (docs/benchmarks.md).
     */
    private static final TreeMap<String, Severity> SORTED = new TreeMap<>(LIST);
    /** The longest entry's length: a longer name is no entry, and needs no lookup. */
    private static final int LONGEST = LIST.keySet().stream().mapToInt(String::length).max().orElse(0);

    /** Whether {@code name} is an entry, allowed or not. */
    private static boolean has(String name) {
        return name.length() <= LONGEST && SORTED.containsKey(name);
    }

    /** The verdict of entry {@code name}; null when it is allowed or no entry. */
    private static Severity entry(String name) {
        return name.length() <= LONGEST ? SORTED.get(name) : null;
    }

    private PickleRules() {
    }

    private static Map<String, Severity> load() {
        Map<String, Severity> m = new LinkedHashMap<>();
        try (InputStream in = PickleRules.class.getResourceAsStream("pickle-globals.tsv");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                if (f.length < 3 || f[2].isBlank()) {
                    throw new IllegalStateException("pickle-globals.tsv: '" + line + "' needs a verdict, a name and why");
                }
                if (Arrays.asList(f[1].split("\\.", -1)).contains("")) {
                    throw new IllegalStateException("pickle-globals.tsv: '" + f[1] + "' has an empty dotted part");
                }
                m.put(f[1], "ALLOW".equals(f[0]) ? null : Severity.valueOf(f[0]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Collections.unmodifiableMap(m);
    }

    /** Python 2 pickles name builtins "__builtin__". */
    static String normalise(String module) {
        return "__builtin__".equals(module) ? "builtins" : module;
    }

    /** The verdict on importing {@code name} (possibly dotted) from {@code module}; null when allowed. */
    static Severity judge(String module, String name) {
        String m = normalise(module);
        if (m.length() + name.length() > MAX_NAME || dots(m) + dots(name) > MAX_DOTS) {
            return Severity.HIGH; // no importable name is that long: a name built to slow or confuse the scanner
        }
        String[] parts = name.split("\\.", -1);
        Severity worst = chain(m, parts); // the getattr chain: module.a, module.a.b, ...
        // an attribute path can pass through a module the imported module imported: judge each suffix as a module
        for (int j = 0; j < parts.length - 1; j++) {
            worst = max(worst, suffixes(parts, j));
        }
        return worst;
    }

    /**
     * The worst verdict of {@link #one} along the getattr chain {@code module.parts[0]}, {@code module.parts[0].parts[1]},
     * ..., the longest module entry covering the chain carried from one step to the next (as {@link #suffixes}).
     */
    static Severity chain(String module, String[] parts) {
        Severity worst = null;
        String object = module;
        String best = bestModuleEntry(module + ".x"); // the longest entry among the module's prefixes
        for (String part : parts) {
            String full = object + "." + part;
            worst = max(worst, verdict(full, part, best));
            object = full;
            best = longer(object, best);
        }
        return worst;
    }

    /** {@code best}, or the entry for module path {@code m} when there is one ("m.*" first), which is longer. */
    private static String longer(String m, String best) {
        if (has(m + ".*")) {
            return m + ".*";
        }
        return has(m) && entry(m) != null ? m : best;
    }

    /**
     * The worst HIGH or CRITICAL verdict of {@link #one} on the paths that start at part {@code j} taken as a module
     * ({@code parts[j..i-1]} importing {@code parts[i]}, for every i > j), or null. The longest module entry covering
     * each path is carried from one i to the next instead of searched again, so a path of n parts costs n lookups
     * where one-by-one costs n squared. Empty parts ("a..b") need no special case: no entry is empty or has an empty
     * part ({@link #load} refuses one), so the string prefixes {@link #bestModuleEntry} walks and the part prefixes
     * carried here find the same entries.
     */
    static Severity suffixes(String[] parts, int j) {
        Severity worst = null;
        StringBuilder mod = new StringBuilder(parts[j]);
        String best = null; // the longest entry among the prefixes parts[j..k] of the module path, as bestModuleEntry
        for (int i = j + 1; i < parts.length; i++) {
            String m = mod.toString();
            best = longer(m, best);
            Severity s = verdict(m + "." + parts[i], parts[i], best);
            if (s == Severity.CRITICAL || s == Severity.HIGH) {
                worst = max(worst, s);
            }
            mod.append('.').append(parts[i]);
        }
        return worst;
    }

    /** Longest module-plus-name judged, and most dots; real qualified names are far shorter. */
    static final int MAX_NAME = 512;
    static final int MAX_DOTS = 24;

    private static int dots(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            n += s.charAt(i) == '.' ? 1 : 0;
        }
        return n;
    }

    private static Severity max(Severity a, Severity b) {
        return a == null ? b : b == null ? a : a.compareTo(b) >= 0 ? a : b;
    }

    /** One step: the exact entry, else the longest module entry, else dunder access HIGH, else MEDIUM. */
    static Severity one(String module, String name) {
        String full = module + "." + name;
        return verdict(full, name, has(full) ? null : bestModuleEntry(full));
    }

    /** {@link #one}'s rule for {@code full} (a module and {@code name}) given its longest module entry {@code best}. */
    private static Severity verdict(String full, String name, String best) {
        if (has(full)) {
            return entry(full);
        }
        if (best != null && entry(best) != null) {
            return entry(best); // a denied module (or a denied name used as a module) stays denied
        }
        if (name.startsWith("__") && !"__newobj__".equals(name) && !"__reduce__".equals(name)) {
            return Severity.HIGH; // dunder access (such as __getattribute__) is how gadgets reach further
        }
        return best != null ? null : Severity.MEDIUM;
    }

    /** The longest "x.*" entry covering the dotted name's module path, or an exact entry used as a module. */
    private static String bestModuleEntry(String dotted) {
        String p = dotted;
        int dot;
        while ((dot = p.lastIndexOf('.')) > 0) {
            p = p.substring(0, dot);
            if (has(p + ".*")) {
                return p + ".*";
            }
            if (has(p) && entry(p) != null) {
                return p;
            }
        }
        return null;
    }
}
