package org.mlsec.model.formats.lightgbm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.mlsec.InputException;
import org.mlsec.model.tree.Tree;

/**
 * Reads a LightGBM text model section by section, in the layout {@code GBDT::SaveModelToString} writes: the line
 * {@code tree}; the header's {@code key=value} lines; each tree as {@code Tree=i} and its {@code key=value} lines up
 * to an empty line; {@code end of trees}; feature importances; {@code parameters:} with one {@code [name: value]}
 * line per setting up to {@code end of parameters}; and, from the Python package, {@code pandas_categorical:}.
 * Sizes are bounded: lines (by {@link Lines}), header and tree lines, trees, parameters; {@code tree_sizes}, when
 * present, must match the trees' byte sizes, as LightGBM finds its trees by them.
 */
final class ModelParser {
    /** Most trees accepted. */
    static final int MAX_TREES = 1_000_000;
    static final int MAX_HEADER_LINES = 10_000;
    /** LightGBM writes at most 22 lines per tree; room for more in later versions. */
    static final int MAX_TREE_LINES = 64;
    static final int MAX_PARAMETERS = 10_000;
    static final String END_OF_TREES = "end of trees";

    /**
     * @param trees             the trees, as the converter made them
     * @param rootCount         training rows at the first tree's root ({@code internal_count} or {@code leaf_count})
     * @param parameters        the {@code parameters:} section, name to value (empty when absent)
     * @param hasParameters     whether the file has that section
     * @param pandasCategorical the Python package recorded category values of pandas columns
     */
    record Parsed(Header header, List<Tree> trees, int rootCount, Map<String, String> parameters,
                  boolean hasParameters, boolean pandasCategorical) {
    }

    private final Lines lines;
    private final BiFunction<Header, LgbTree, Tree> converter;
    private int rootCount;

    private ModelParser(byte[] bytes, BiFunction<Header, LgbTree, Tree> converter) {
        this.lines = new Lines(bytes);
        this.converter = converter;
    }

    /**
     * Parses the file; each tree is handed to {@code converter} as soon as it is read, so that only one form of the
     * trees is held in memory.
     */
    static Parsed parse(byte[] bytes, BiFunction<Header, LgbTree, Tree> converter) {
        return new ModelParser(bytes, converter).parse();
    }

    private Parsed parse() {
        if (!lines.hasNext() || !lines.next().equals("tree")) {
            throw new InputException("the first line is not 'tree' (not a LightGBM text model)");
        }
        Map<String, String> kv = new HashMap<>();
        String line = null;
        int count = 0;
        while (lines.hasNext()) {
            line = lines.next();
            if (line.startsWith("Tree=") || line.equals(END_OF_TREES)) {
                break;
            }
            if (line.isEmpty()) {
                continue;
            }
            if (++count > MAX_HEADER_LINES) {
                throw new InputException("line " + lines.number() + ": more than " + MAX_HEADER_LINES
                        + " header lines before the first tree");
            }
            int eq = line.indexOf('=');
            String key = eq < 0 ? line : line.substring(0, eq);
            String value = eq < 0 ? "" : line.substring(eq + 1);
            if (value.indexOf('=') >= 0 && !key.equals("feature_names") && !key.equals("monotone_constraints")) {
                throw new InputException("line " + lines.number() + ": '" + Header.clip(line) + "' has more than one"
                        + " '=' (LightGBM refuses such a line too)");
            }
            if (kv.put(key, value) != null) {
                throw new InputException("line " + lines.number() + ": the header sets " + Header.clip(key)
                        + " twice");
            }
        }
        if (line == null || !(line.startsWith("Tree=") || line.equals(END_OF_TREES))) {
            throw new InputException("the file ends before its first tree (truncated?)");
        }
        Header header = Header.parse(kv);
        if (line.equals(END_OF_TREES)) {
            throw new InputException("the model has no trees");
        }
        List<Tree> trees = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        int end;
        while (true) {
            starts.add(lines.start());
            LgbTree t = tree(line, trees.size(), header);
            if (t.index() == 0) {
                rootCount = t.leaves() == 1 ? t.leafCount()[0] : t.internalCount()[0];
            }
            trees.add(converter.apply(header, t));
            if (trees.size() > MAX_TREES) {
                throw new InputException("more than " + MAX_TREES + " trees; refused");
            }
            line = nextNonEmpty();
            if (line == null) {
                throw new InputException("the file ends after tree " + (trees.size() - 1) + " without '"
                        + END_OF_TREES + "' (truncated?)");
            }
            if (line.equals(END_OF_TREES)) {
                end = lines.start();
                break;
            }
            if (!line.startsWith("Tree=")) {
                throw new InputException("line " + lines.number() + ": expected Tree=" + trees.size() + " or '"
                        + END_OF_TREES + "', found '" + Header.clip(line) + "'");
            }
        }
        checkSizes(header, starts, end);
        return trailer(header, trees);
    }

    private LgbTree tree(String line, int index, Header header) {
        String number = line.substring("Tree=".length());
        if (!number.equals(Integer.toString(index))) {
            throw new InputException("line " + lines.number() + ": '" + Header.clip(line) + "' where Tree=" + index
                    + " comes next");
        }
        Map<String, String> kv = new HashMap<>();
        while (true) {
            if (!lines.hasNext()) {
                throw new InputException("the file ends inside tree " + index + " (truncated?)");
            }
            String l = lines.next();
            if (l.isEmpty()) {
                break;
            }
            if (!lines.hasNext()) {
                throw new InputException("the file ends inside tree " + index + " (truncated?)");
            }
            if (kv.size() >= MAX_TREE_LINES) {
                throw new InputException("tree " + index + " has more than " + MAX_TREE_LINES + " lines");
            }
            int eq = l.indexOf('=');
            if (eq <= 0) {
                throw new InputException("line " + lines.number() + " in tree " + index + ": '" + Header.clip(l)
                        + "' is not key=value");
            }
            if (kv.put(l.substring(0, eq), l.substring(eq + 1)) != null) {
                throw new InputException("line " + lines.number() + ": tree " + index + " sets "
                        + Header.clip(l.substring(0, eq)) + " twice");
            }
        }
        return LgbTree.parse(index, kv, header.width(), header.features());
    }

    private String nextNonEmpty() {
        while (lines.hasNext()) {
            String l = lines.next();
            if (!l.isEmpty()) {
                return l;
            }
        }
        return null;
    }

    private static void checkSizes(Header header, List<Integer> starts, int end) {
        long[] sizes = header.treeSizes();
        if (sizes == null) {
            return;
        }
        if (sizes.length != starts.size()) {
            throw new InputException("tree_sizes lists " + sizes.length + " trees, but the file has "
                    + starts.size());
        }
        for (int i = 0; i < sizes.length; i++) {
            long actual = (i + 1 < starts.size() ? starts.get(i + 1) : end) - (long) starts.get(i);
            if (actual != sizes[i]) {
                throw new InputException("tree " + i + " is " + actual + " bytes, but tree_sizes says " + sizes[i]
                        + " (edited, or line endings changed?); LightGBM finds its trees by these sizes, so it"
                        + " would not read this file as written");
            }
        }
    }

    private Parsed trailer(Header header, List<Tree> trees) {
        Map<String, String> params = new LinkedHashMap<>();
        boolean in = false;
        boolean had = false;
        boolean pandas = false;
        while (lines.hasNext()) {
            String l = lines.next();
            if (!in && !had && l.equals("parameters:")) {
                in = true;
                had = true;
            } else if (in && l.equals("end of parameters")) {
                in = false;
            } else if (in) {
                if (l.startsWith("[") && l.endsWith("]") && l.indexOf(": ") > 1) {
                    int c = l.indexOf(": ");
                    params.put(l.substring(1, c), l.substring(c + 2, l.length() - 1));
                    if (params.size() > MAX_PARAMETERS) {
                        throw new InputException("more than " + MAX_PARAMETERS + " parameters");
                    }
                }
            } else if (l.startsWith("pandas_categorical:")) {
                String v = l.substring("pandas_categorical:".length()).trim();
                pandas = !v.equals("null") && !v.equals("[]");
            }
        }
        if (in) {
            throw new InputException("the parameters section has no 'end of parameters' line (truncated?)");
        }
        return new Parsed(header, trees, rootCount, params, had, pandas);
    }
}
