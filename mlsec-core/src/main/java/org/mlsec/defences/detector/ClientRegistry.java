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

    /**
     * The client's state, created (and the least recently used client evicted if full) when absent.
     *
     * @param client the client's identity
     * @param create makes the state of a client seen for the first time (or again after eviction)
     * @return the client's kept or newly created state
     */
    public synchronized V get(String client, Function<String, V> create) {
        V v = map.get(client);
        if (v == null) {
            v = create.apply(client);
            map.put(client, v);
        }
        return v;
    }

    /**
     * The client's state without creating it; counts as a use.
     *
     * @param client the client's identity
     * @return the client's state, or null when none is kept
     */
    public synchronized V peek(String client) {
        return map.get(client);
    }

    /**
     * Sets the client's state (a use), evicting the least recently used client if full.
     *
     * @param client the client's identity
     * @param value the state to keep for it
     */
    public synchronized void put(String client, V value) {
        map.put(client, value);
    }

    /** @return how many clients' state is kept now */
    public synchronized int size() {
        return map.size();
    }

    /** @return the most clients kept at once */
    public int capacity() {
        return capacity;
    }

    /** @return how many clients were evicted so far to stay within the capacity */
    public long evictions() {
        return evictions.get();
    }
}
