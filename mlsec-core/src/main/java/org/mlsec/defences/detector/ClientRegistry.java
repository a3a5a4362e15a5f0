package org.mlsec.defences.detector;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.mlsec.internal.Validate;

/**
 * Per-client state (rate-limit buckets, quotas, extraction detectors, blocks; not tied to HTTP: a server, a proxy or
 * an offline study keeps it alike) bounded by a configured number of
 * clients: a least-recently-used map, so a flood of distinct identities (forged addresses, say) evicts the
 * oldest idle clients instead of growing the heap without end. An evicted client starts afresh when it returns,
 * which an attacker could use to reset its own budget only by also sending more than {@code capacity} other
 * identities; the {@link #evictions()} count shows when that happens.
 *
 * @param <V> the state kept per client
 */
public final class ClientRegistry<V> {
    private final int capacity;
    private final LinkedHashMap<String, V> map;
    private final AtomicLong evictions = new AtomicLong();

    /** @param capacity clients kept at most */
    public ClientRegistry(int capacity) {
        Validate.isTrue(capacity > 0, "capacity must be positive, got " + capacity);
        this.capacity = capacity;
        this.map = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                if (size() > ClientRegistry.this.capacity) {
                    evictions.incrementAndGet();
                    return true;
                }
                return false;
            }
        };
    }

    /** The client's state, created (and the least recently used client evicted if full) when absent. */
    public synchronized V get(String client, Function<String, V> create) {
        V v = map.get(client);
        if (v == null) {
            v = create.apply(client);
            map.put(client, v);
        }
        return v;
    }

    /** The client's state, or null; counts as a use. */
    public synchronized V peek(String client) {
        return map.get(client);
    }

    /** Sets the client's state (a use). */
    public synchronized void put(String client, V value) {
        map.put(client, value);
    }

    /** Clients whose state is kept. */
    public synchronized int size() {
        return map.size();
    }

    /** The most clients kept. */
    public int capacity() {
        return capacity;
    }

    /** Clients evicted so far to stay within the capacity. */
    public long evictions() {
        return evictions.get();
    }
}
