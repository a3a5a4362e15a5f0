package org.mlsec.server;

import org.mlsec.defences.detector.ClientRegistry;

/**
 * Token buckets per client: {@code rate} requests per second on average, {@code burst} at once; and row quotas.
 * The buckets live in a {@link ClientRegistry}, so their number is bounded.
 */
final class RateLimiter {
    private final double rate;
    private final double burst;
    private final long quota;
    private final ClientRegistry<Bucket> buckets;

    private static final class Bucket {
        double tokens;
        long last = System.nanoTime();
        long rows;
        double slowdown = 1;

        Bucket(double tokens) {
            this.tokens = tokens;
        }
    }

    RateLimiter(double rate, int burst, long quota, int maxClients) {
        this.buckets = new ClientRegistry<>(maxClients);
        this.rate = rate;
        this.burst = Math.max(1, burst);
        this.quota = quota;
    }

    /** Seconds to wait before the client may send again: 0 when allowed now (the request is then counted). */
    double acquire(String client) {
        if (rate <= 0) {
            return 0;
        }
        Bucket b = buckets.get(client, c -> new Bucket(burst));
        synchronized (b) {
            long now = System.nanoTime();
            b.tokens = Math.min(burst, b.tokens + (now - b.last) / 1e9 * rate / b.slowdown);
            b.last = now;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return 0;
            }
            return (1 - b.tokens) / (rate / b.slowdown);
        }
    }

    /** False when the rows would exceed the client's quota (then they are not counted). */
    boolean charge(String client, int rows) {
        if (quota <= 0) {
            return true;
        }
        Bucket b = buckets.get(client, c -> new Bucket(burst));
        synchronized (b) {
            if (b.rows + rows > quota) {
                return false;
            }
            b.rows += rows;
            return true;
        }
    }

    /** Throttles a client (after an alert): its refill rate is divided by {@code factor}. */
    void slow(String client, double factor) {
        Bucket b = buckets.get(client, c -> new Bucket(burst));
        synchronized (b) {
            b.slowdown = Math.max(b.slowdown, factor);
        }
    }

    /** Clients tracked now, and evicted since start. */
    int clients() {
        return buckets.size();
    }

    long evictions() {
        return buckets.evictions();
    }
}
