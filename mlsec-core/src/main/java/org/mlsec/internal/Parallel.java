package org.mlsec.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.mlsec.MlsecException;

/** Runs independent tasks on all cores (or a given number of threads); results keep their order. */
public final class Parallel {
    private Parallel() {
    }

    public static int threads(int requested) {
        return requested > 0 ? requested : Runtime.getRuntime().availableProcessors();
    }

    @SuppressWarnings("unchecked")
    public static <T> List<T> map(int n, int threads, IntFunction<T> task) {
        Object[] out = new Object[n];
        int t = threads(threads);
        if (t == 1 || n == 1) {
            for (int i = 0; i < n; i++) {
                out[i] = task.apply(i);
            }
        } else {
            ForkJoinPool pool = new ForkJoinPool(t);
            try {
                pool.submit(() -> IntStream.range(0, n).parallel().forEach(i -> out[i] = task.apply(i))).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MlsecException("interrupted", e);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof RuntimeException) {
                    throw (RuntimeException) c;
                }
                if (c instanceof Error) {
                    throw (Error) c;
                }
                throw new MlsecException(String.valueOf(c), c);
            } finally {
                pool.shutdown();
            }
        }
        return new ArrayList<>((List<T>) Arrays.asList(out));
    }
}
