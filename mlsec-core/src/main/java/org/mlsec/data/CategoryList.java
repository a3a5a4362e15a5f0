package org.mlsec.data;

import java.util.AbstractList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

/**
 * The categories of a column: an immutable list whose {@link #indexOf} is a hash lookup, built on first use, rather
 * than a scan. A column of millions of categories (issue 20: 3,000,000) is then looked up in constant time per value.
 */
public final class CategoryList extends AbstractList<String> implements RandomAccess {
    private final String[] values;
    private volatile Map<String, Integer> index;

    private CategoryList(String[] values) {
        this.values = values;
    }

    /**
     * The categories as such a list (the same list when it is one already).
     *
     * @param categories the categories in index order; no nulls
     * @return an immutable list of them
     */
    public static CategoryList of(List<String> categories) {
        if (categories instanceof CategoryList c) {
            return c;
        }
        String[] v = categories.toArray(new String[0]);
        for (String s : v) {
            java.util.Objects.requireNonNull(s, "category");
        }
        return new CategoryList(v);
    }

    @Override
    public String get(int i) {
        return values[i];
    }

    @Override
    public int size() {
        return values.length;
    }

    /**
     * The index of a category, by hash.
     *
     * @param o the category
     * @return its first index, or -1
     */
    @Override
    public int indexOf(Object o) {
        Map<String, Integer> m = index;
        if (m == null) {
            m = new HashMap<>(values.length * 4 / 3 + 1);
            for (int i = values.length - 1; i >= 0; i--) {
                m.put(values[i], i);
            }
            index = m;
        }
        Integer i = m.get(o);
        return i == null ? -1 : i;
    }

    @Override
    public boolean contains(Object o) {
        return indexOf(o) >= 0;
    }
}
