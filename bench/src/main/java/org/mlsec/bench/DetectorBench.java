package org.mlsec.bench;

import java.nio.file.Path;
import java.util.Arrays;
import org.mlsec.Progress;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.Dataset;
import org.mlsec.data.Split;
import org.mlsec.defences.detector.ExtractionDetector;
import org.mlsec.defences.detector.ExtractionProfile;
import org.mlsec.demo.LaymanBrothers;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

/**
 * The extraction detectors' cost, as the guarded server pays it: building the profile from 15,000 reference rows
 * (the broken-dependencies calibration included), once at start, and observing single-row requests with the model's
 * probabilities over 5 clients (nanoseconds per row). On the built-in data (or DATA.csv, label DEFAULT, ID dropped).
 * Median of 3 after a warm-up.
 */
public final class DetectorBench {
    public static void main(String[] args) {
        Dataset data = args.length > 0 ? CsvReader.read(Path.of(args[0]), CsvOptions.labelled("DEFAULT", "ID"))
                : LaymanBrothers.generate(30_000, 42);
        Split s = Split.random(data, 0.5, 1);
        LocalModel m = Trainer.train(s.train(), TrainConfig.defaults(Algorithm.RF).withTrees(20).withSeed(3), "bench",
                Progress.NONE);
        double[][] ref = s.test().x();
        double[][] rows = s.train().x();
        double[][] proba = m.predictProba(rows);
        double[] build = new double[3];
        double[] observe = new double[3];
        for (int r = -1; r < 3; r++) {
            long t0 = System.nanoTime();
            ExtractionProfile p = ExtractionProfile.of(data.schema(), ref);
            long t1 = System.nanoTime();
            ExtractionDetector[] clients = new ExtractionDetector[5];
            for (int c = 0; c < clients.length; c++) {
                clients[c] = p.newDetector();
            }
            long alerts = 0;
            long t2 = System.nanoTime();
            for (int i = 0; i < rows.length; i++) {
                alerts += clients[i % clients.length].observe(new double[][] {rows[i]}, new double[][] {proba[i]}).size();
            }
            long t3 = System.nanoTime();
            if (r >= 0) {
                build[r] = (t1 - t0) / 1e9;
                observe[r] = (t3 - t2) / (double) rows.length;
            }
            if (r == 2) {
                System.out.printf("broken-dependencies threshold %.3f; %d alerts on %d genuine rows%n",
                        p.dependenceThreshold(), alerts, rows.length);
            }
        }
        Arrays.sort(build);
        Arrays.sort(observe);
        System.out.printf("extraction profile of %d rows x %d features: %.2f s; observe: %.0f ns per single-row request"
                + " (5 clients, %d rows)%n", ref.length, data.schema().width(), build[1], observe[1], rows.length);
    }
}
