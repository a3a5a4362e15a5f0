package org.mlsec.spark.ml;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.RandomForestClassifier;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Models;

/**
 * Benchmark (bench/spark): Spark ML pipelines (StringIndexer on EDUCATION and MARRIAGE read as text and on the
 * label, OneHotEncoder, VectorAssembler, classifier) trained by Spark on the real credit data (all 30,000 rows),
 * saved, read back by mlsec as one model over the named columns; the CSV is then read by mlsec's own reader into
 * that model's schema and P(class index 1) compared with Spark's own {@code transform}, row by row (matched by ID).
 */
public final class SparkPipelineAgreementBench {
    static final List<String> TEXT = List.of("EDUCATION", "MARRIAGE");

    public static void main(String[] args) throws Exception {
        Path csv = Path.of(args.length > 0 ? args[0] : "../shared/data/default_credit_card.csv");
        SparkSession spark = SparkSession.builder().master("local[2]").appName("pipeline-agreement")
                .config("spark.ui.enabled", "false").getOrCreate();
        Path dir = Files.createTempDirectory("mlsec-pipelines");
        try {
            Dataset<Row> df = spark.read().option("header", "true").option("inferSchema", "true").csv(csv.toString());
            for (String t : TEXT) {
                df = df.withColumn(t, functions.col(t).cast("string"));
            }
            df = df.withColumn("DEFAULT", functions.col("DEFAULT").cast("string")).cache();
            List<String> assembled = new ArrayList<>();
            for (String c : df.columns()) {
                if (!c.equals("ID") && !c.equals("DEFAULT")) {
                    assembled.add(TEXT.contains(c) ? c + "_vec" : c);
                }
            }
            PipelineStage[] prep = {
                new StringIndexer().setInputCols(TEXT.toArray(new String[0]))
                        .setOutputCols(new String[] {"EDUCATION_idx", "MARRIAGE_idx"}),
                new StringIndexer().setInputCol("DEFAULT").setOutputCol("label").setStringOrderType("alphabetDesc"),
                new OneHotEncoder().setInputCols(new String[] {"EDUCATION_idx", "MARRIAGE_idx"})
                        .setOutputCols(new String[] {"EDUCATION_vec", "MARRIAGE_vec"}),
                new VectorAssembler().setInputCols(assembled.toArray(new String[0])).setOutputCol("features")};
            System.out.printf("real data: %d rows%n", df.count());
            check("random forest (20 trees, depth 8)", prep, new RandomForestClassifier().setNumTrees(20).setMaxDepth(8)
                    .setSeed(1), df, csv, dir.resolve("rf"));
            check("GBT (10 rounds, depth 4)", prep, new GBTClassifier().setMaxIter(10).setMaxDepth(4).setSeed(1), df,
                    csv, dir.resolve("gbt"));
            check("logistic regression", prep, new LogisticRegression().setRegParam(0.01), df, csv, dir.resolve("lr"));
        } finally {
            spark.stop();
        }
    }

    static void check(String name, PipelineStage[] prep, PipelineStage clf, Dataset<Row> df, Path csv, Path dir)
            throws Exception {
        PipelineStage[] stages = java.util.Arrays.copyOf(prep, prep.length + 1);
        stages[prep.length] = clf;
        PipelineModel pm = new Pipeline().setStages(stages).fit(df);
        pm.write().save(dir.toString());
        long t0 = System.nanoTime();
        LocalModel m = Models.load(dir);
        double readSeconds = (System.nanoTime() - t0) / 1e9;
        Map<Long, Double> spark = new HashMap<>();
        for (Row r : pm.transform(df).select("ID", "probability").collectAsList()) {
            spark.put(((Number) r.get(0)).longValue(), ((Vector) r.get(1)).apply(1));
        }
        org.mlsec.data.Dataset d = CsvReader.read(csv, m.schema(), CsvOptions.labelled("DEFAULT"));
        org.mlsec.data.Dataset ids = CsvReader.read(csv, CsvOptions.labelled("DEFAULT").withTypes(java.util.Set.of(),
                java.util.Set.of("ID")));
        int idAt = ids.schema().indexOf("ID");
        double[][] p = m.predictProba(d.x());
        double max = 0;
        for (int i = 0; i < p.length; i++) {
            max = Math.max(max, Math.abs(p[i][1] - spark.get((long) ids.row(i)[idAt])));
        }
        System.out.printf("| %s | %d | %d | %.3g | %.2f s |%n", name, p.length, m.schema().width(), max, readSeconds);
        if (max > 1e-9) {
            throw new IllegalStateException(name + ": mlsec and Spark differ by " + max);
        }
    }
}
