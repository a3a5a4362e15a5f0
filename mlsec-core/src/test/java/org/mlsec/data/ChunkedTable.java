package org.mlsec.data;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A table split into random chunks of shuffled rows, each aggregation shipped by Java serialization as a cluster
 * engine ships it, and the chunks merged in a random order: what any partitioned engine may do to a table.
 */
public final class ChunkedTable implements Table {
    private final Dataset data;
    private final long seed;
    private final int chunks;

    /**
     * @param data   the rows
     * @param chunks how many chunks
     * @param seed   the shuffle and split
     */
    public ChunkedTable(Dataset data, int chunks, long seed) {
        this.data = data;
        this.chunks = chunks;
        this.seed = seed;
    }

    @Override
    public Schema schema() {
        return data.schema();
    }

    @Override
    public <T extends Serializable> T aggregate(Aggregation<T> aggregation) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = data.rows();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int k = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[k];
            order[k] = t;
        }
        List<T> parts = new ArrayList<>();
        int from = 0;
        for (int c = 0; c < chunks; c++) {
            int to = c == chunks - 1 ? n : from + r.nextInt(Math.max(1, 2 * (n - from) / (chunks - c)) + 1);
            to = Math.min(n, Math.max(from + 1, to));
            if (from >= n) {
                break;
            }
            parts.add(roundTrip(shipped(aggregation).of(data.subset(java.util.Arrays.copyOfRange(order, from, to)))));
            from = to;
        }
        while (parts.size() > 1) {
            int a = r.nextInt(parts.size());
            T x = parts.remove(a);
            int b = r.nextInt(parts.size());
            parts.set(b, aggregation.merge(x, parts.get(b)));
        }
        return parts.get(0);
    }

    @Override
    public Profile profile() {
        return aggregate(Profile.aggregation());
    }

    @SuppressWarnings("unchecked")
    private static <A> A shipped(A a) {
        return (A) roundTrip((Serializable) a);
    }

    @SuppressWarnings("unchecked")
    static <T> T roundTrip(T value) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try (ObjectOutputStream o = new ObjectOutputStream(b)) {
                o.writeObject(value);
            }
            try (ObjectInputStream i = new ObjectInputStream(new ByteArrayInputStream(b.toByteArray()))) {
                return (T) i.readObject();
            }
        } catch (IOException | ClassNotFoundException e) {
            throw new AssertionError("not shippable: " + e, e);
        }
    }
}
