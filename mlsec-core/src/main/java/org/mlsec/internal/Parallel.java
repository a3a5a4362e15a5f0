package org.mlsec.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import org.mlsec.MlsecException;

/**
 * Runs independent tasks on all cores (or a given number of threads); results keep their order. The worker threads
 * get a large stack: tree searches recurse once per tree level, and a model file may hold trees thousands of levels
 * deep (up to {@code Tree.MAX_DEPTH}).
 */
public final class Parallel {
    /** Stack of a worker thread; reserved, not committed, until used. */
    private static final long STACK_BYTES = 256L << 20;

    private Parallel() {
    }

    public static int threads(int requested) {
        return requested > 0 ? requested : Runtime.getRuntime().availableProcessors();
    }

    @SuppressWarnings("unchecked")
    public static <T> List<T> map(int n, int threads, IntFunction<T> task) {
        Object[] out = new Object[n];
        int t = Math.max(1, Math.min(threads(threads), n));
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable work = () -> {
            int i;
            while (failure.get() == null && (i = next.getAndIncrement()) < n) {
                try {
                    out[i] = task.apply(i);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }
        };
        Thread[] workers = new Thread[t];
        for (int k = 0; k < t; k++) {
            workers[k] = new Thread(null, work, "mlsec-worker-" + k, STACK_BYTES);
            workers[k].setDaemon(true);
            workers[k].start();
        }
        try {
            for (Thread w : workers) {
                w.join();
            }
        } catch (InterruptedException e) {
            failure.compareAndSet(null, e);
            for (Thread w : workers) {
                w.interrupt();
            }
            Thread.currentThread().interrupt();
            throw new MlsecException("interrupted", e);
        }
        Throwable c = failure.get();
        if (c instanceof RuntimeException) {
            throw (RuntimeException) c;
        }
        if (c instanceof Error) {
            throw (Error) c;
        }
        if (c != null) {
            throw new MlsecException(String.valueOf(c), c);
        }
        return new ArrayList<>((List<T>) Arrays.asList(out));
    }
}
