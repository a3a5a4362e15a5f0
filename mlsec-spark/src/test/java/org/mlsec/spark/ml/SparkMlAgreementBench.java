package org.mlsec.spark.ml;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.classification.DecisionTreeClassifier;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.RandomForestClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.demo.LaymanBrothers;
import org.mlsec.model.LocalModel;

/**
 * Benchmark (bench/spark): Spark ML classifiers trained by Spark on the real credit data (all 30,000 rows), saved,
 * read back by {@link SparkMlModels}; prints the largest difference between mlsec's P(default) and Spark's own
 * {@code transform} over every row, and the read time.
 */
public final class SparkMlAgreementBench {
    public static void main(String[] args) throws Exception {
        Path data = Path.of(args.length > 0 ? args[0] : "../shared/data/default_credit_card.csv");
        org.mlsec.data.Dataset d = CsvReader.read(data, new CsvOptions(',', "DEFAULT", Set.of("ID"), Set.of(),
                Set.copyOf(LaymanBrothers.COLUMNS)));
        SparkSession spark = SparkSession.builder().master("local[2]").appName("agreement")
                .config("spark.ui.enabled", "false").getOrCreate();
        Path dir = Files.createTempDirectory("mlsec-sparkml");
        try {
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < d.rows(); i++) {
                rows.add(RowFactory.create((double) d.y()[i], Vectors.dense(d.row(i))));
            }
            Dataset<Row> df = spark.createDataFrame(rows, new StructType(new StructField[] {
                new StructField("label", DataTypes.DoubleType, false, Metadata.empty()),
                new StructField("features", new VectorUDT(), false, Metadata.empty())})).cache();
            System.out.printf("real data: %d rows, %d features%n", d.rows(), d.schema().width());
            check("random forest (30 trees, depth 10, 0.7 of features)", new RandomForestClassifier().setNumTrees(30)
                    .setMaxDepth(10).setFeatureSubsetStrategy("0.7").setSeed(1).fit(df), df, dir.resolve("rf"));
            check("decision tree (depth 10)", new DecisionTreeClassifier().setMaxDepth(10).setSeed(1).fit(df), df,
                    dir.resolve("dt"));
            check("GBT (20 rounds, depth 4)", new GBTClassifier().setMaxIter(20).setMaxDepth(4).setSeed(1).fit(df), df,
                    dir.resolve("gbt"));
            check("logistic regression", new LogisticRegression().setRegParam(0.01).fit(df), df, dir.resolve("lr"));
        } finally {
            spark.stop();
        }
    }

    static <M extends Model<M> & MLWritable> void check(String name, M model, Dataset<Row> df, Path dir)
            throws Exception {
        model.write().save(dir.toString());
        long t0 = System.nanoTime();
        LocalModel m = SparkMlModels.read(dir);
        double readSeconds = (System.nanoTime() - t0) / 1e9;
        List<Row> out = model.transform(df).select("features", "probability").collectAsList();
        double[][] x = new double[out.size()][];
        for (int i = 0; i < x.length; i++) {
            x[i] = ((Vector) out.get(i).getAs(0)).toArray();
        }
        double[][] p = m.predictProba(x);
        double max = 0;
        for (int i = 0; i < x.length; i++) {
            max = Math.max(max, Math.abs(p[i][1] - ((Vector) out.get(i).getAs(1)).apply(1)));
        }
        System.out.printf("| %s | %d | %.3g | %.2f s |%n", name, x.length, max, readSeconds);
        if (max > 1e-9) {
            throw new IllegalStateException(name + ": mlsec and Spark differ by " + max);
        }
    }
}
