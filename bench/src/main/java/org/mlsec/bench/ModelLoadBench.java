package org.mlsec.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Models;

/**
 * Load time and memory of imported models (issue: your own models): each file given is read with
 * {@link Models#load} once to warm up, then 3 times (median); memory is the heap the loaded model keeps after a full
 * GC, and the peak heap while loading. Usage: ModelLoadBench FILE...
 */
public final class ModelLoadBench {
    public static void main(String[] args) throws Exception {
        for (String a : args) {
            Path f = Path.of(a);
            Models.load(f);
            double[] t = new double[3];
            for (int r = 0; r < 3; r++) {
                long t0 = System.nanoTime();
                Models.load(f);
                t[r] = (System.nanoTime() - t0) / 1e9;
            }
            Runtime rt = Runtime.getRuntime();
            long before = used(rt);
            var peak = new java.util.concurrent.atomic.AtomicLong();
            Thread watch = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    peak.accumulateAndGet(rt.totalMemory() - rt.freeMemory(), Math::max);
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            watch.start();
            LocalModel m = Models.load(f);
            watch.interrupt();
            watch.join();
            long kept = used(rt) - before;
            var trees = org.mlsec.model.Inspection.inspect(m).trees();
            long nodes = trees == null ? 0 : trees.nodes();
            System.out.printf("mlsec %s: %.1f MB, %s, %d nodes, load %.3f s, kept heap %.0f MB, peak heap %.0f MB%n",
                    m.provenance().imported() == null ? "mlsec" : m.provenance().imported().format(),
                    Files.size(f) / 1e6, m.kind(), nodes, ForestBench.median(t), kept / 1e6,
                    (peak.get() - before) / 1e6);
            if (m.predict(new double[][] {new double[m.schema().width()]}).length != 1) {
                throw new IllegalStateException();
            }
        }
    }

    private static long used(Runtime rt) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
