package org.mlsec.defences.detector;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mlsec.Progress;
import org.mlsec.attacks.extraction.Extraction;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.CsvWriter;
import org.mlsec.data.Dataset;
import org.mlsec.demo.LaymanBrothers;
import org.mlsec.data.Split;
import org.mlsec.model.Algorithm;
import org.mlsec.model.Classifier;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

/** Detection delay of extraction strategies, and false alarms on replayed benign traffic. */
class ExtractionDetectorTest {
    static final Path REAL = Path.of("../../shared/data/default_credit_card.csv");
    static Dataset train;
    static Dataset heldOut;
    static LocalModel model;

    @BeforeAll
    static void setUp() throws Exception {
        Dataset all;
        if (Files.isRegularFile(REAL)) {
            all = CsvReader.read(REAL, CsvOptions.labelled("DEFAULT", "ID"));
        } else {
            Path f = Files.createTempFile("layman", ".csv");
            CsvWriter.write(LaymanBrothers.generate(30_000, 3), f);
            all = CsvReader.read(f, CsvOptions.labelled("DEFAULT", "ID"));
        }
        all = all.select(List.of("LIMIT_BAL", "AGE", "PAY_0", "PAY_2", "PAY_3", "BILL_AMT1", "BILL_AMT2", "PAY_AMT1", "SEX"));
        Split s = Split.random(all, 0.5, 1);
        train = s.train();
        heldOut = s.test();
        model = Trainer.train(train, TrainConfig.defaults(Algorithm.RF).withTrees(5).withMaxDepth(3).withMinLeaf(100), "t",
                Progress.NONE);
    }

    static ExtractionDetector detector() {
        return ExtractionProfile.of(model.schema(), train.x()).newDetector();
    }

    /** The number of single-row queries until the first alert (or -1). */
    static int firstAlert(List<double[]> queries, Classifier m) {
        ExtractionDetector det = detector();
        for (int q = 0; q < queries.size(); q++) {
            double[][] x = {queries.get(q)};
            if (!det.observe(x, m.predictProba(x)).isEmpty()) {
                return q + 1;
            }
        }
        return -1;
    }

    static double[] uniform(SplittableRandom rng) {
        double[] x = new double[model.schema().width()];
        for (int j = 0; j < x.length; j++) {
            var c = model.schema().feature(j);
            x[j] = c.isCategorical() ? rng.nextInt(c.categories().size()) : Math.rint(c.min() + rng.nextDouble() * (c.max() - c.min()));
        }
        return x;
    }

    static double[] marginal(SplittableRandom rng) {
        double[] x = new double[model.schema().width()];
        for (int j = 0; j < x.length; j++) {
            x[j] = heldOut.row(rng.nextInt(heldOut.rows()))[j];
        }
        return x;
    }

    @Test
    void everyExtractionStrategyIsDetectedWithin500Queries() {
        SplittableRandom rng = new SplittableRandom(1);
        List<double[]> uniform = new ArrayList<>();
        List<double[]> marginal = new ArrayList<>();
        List<double[]> sweep = new ArrayList<>();
        for (int q = 0; q < 600; q++) {
            uniform.add(uniform(rng));
            marginal.add(marginal(rng));
            double[] s = heldOut.row(0).clone();
            s[model.schema().indexOf("AGE")] = 21 + q % 59;
            s[model.schema().indexOf("LIMIT_BAL")] = 10_000 * (1 + q / 59);
            sweep.add(s);
        }
        int u = firstAlert(uniform, model);
        int m = firstAlert(marginal, model);
        int s = firstAlert(sweep, model);
        System.out.printf("first alert: uniform (equation/learn) %d, marginal (learn) %d, sweep %d%n", u, m, s);
        assertTrue(u > 0 && u <= 20, "uniform queries (equation solving draws d + 1 = 24 of them) " + u);
        assertTrue(m > 0 && m <= 500, "marginal " + m);
        assertTrue(s > 0 && s <= 500, "sweep " + s);
    }

    @Test
    void labelOnlyPathFindingIsDetectedWithin500Queries() {
        // The attack itself, run against a label-only copy of the model, its queries recorded in order.
        List<double[]> queries = new ArrayList<>();
        Classifier recorded = new Classifier() {
            @Override
            public org.mlsec.data.Schema schema() {
                return model.schema();
            }

            @Override
            public double[][] predictProba(double[][] rows) {
                throw new UnsupportedOperationException("labels only");
            }

            @Override
            public boolean hasProbabilities() {
                return false;
            }

            @Override
            public int[] predict(double[][] rows) {
                for (double[] r : rows) {
                    queries.add(r.clone());
                }
                return model.predict(rows);
            }

            @Override
            public long queries() {
                return queries.size();
            }
        };
        Dataset known = Split.random(heldOut, 0.5, 2).train();
        Extraction.extract(recorded, Extraction.Plan.of(Extraction.Strategy.PATH, known, 2_000, 42), Progress.NONE);
        int p = firstAlert(queries, model);
        System.out.printf("first alert: path-finding %d of %d queries%n", p, queries.size());
        assertTrue(p > 0 && p <= 500, "path " + p);
    }

    @Test
    void benignReplayRaisesAtMostOnePercentFalseAlarms() {
        int[] order = new int[heldOut.rows()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(2);
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int keys = 5;
        ExtractionDetector[] det = new ExtractionDetector[keys];
        for (int k = 0; k < keys; k++) {
            det[k] = detector();
        }
        int alerts = 0;
        int n = Math.min(order.length, 10_000);
        java.util.Map<ExtractionAlert, Integer> kinds = new java.util.TreeMap<>();
        for (int q = 0; q < n; q++) {
            double[][] x = {heldOut.row(order[q])};
            List<ExtractionAlert> a = det[q % keys].observe(x, model.predictProba(x));
            a.forEach(k -> kinds.merge(k, 1, Integer::sum));
            alerts += a.isEmpty() ? 0 : 1;
        }
        System.out.println("benign alert kinds: " + kinds);
        double rate = (double) alerts / n;
        System.out.printf("benign replay: %d alerts in %d queries (%.2f%%)%n", alerts, n, 100 * rate);
        assertTrue(rate <= 0.01, "false alarm rate " + rate);
    }
}
