package org.mlsec.spark.ml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
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
import org.mlsec.demo.LaymanBrothers;

/**
 * Makes the Spark ML fixtures of {@link SparkMlModelsTest} with real Spark (run from the module dir:
 * {@code java <opens> -cp <test classpath> org.mlsec.spark.ml.SparkMlFixtures src/test/resources/sparkml}):
 * small classifiers trained on 400 Layman Brothers rows, saved with Spark's own writer, and for 100 rows Spark's
 * own {@code transform} probabilities ({@code predictions.csv}: the features, then P(class 1)).
 */
public final class SparkMlFixtures {
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "src/test/resources/sparkml");
        SparkSession spark = session();
        try {
            org.mlsec.data.Dataset d = LaymanBrothers.generate(400, 5);
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < d.rows(); i++) {
                rows.add(RowFactory.create((double) d.y()[i], Vectors.dense(d.row(i))));
            }
            StructType schema = new StructType(new StructField[] {
                new StructField("label", DataTypes.DoubleType, false, Metadata.empty()),
                new StructField("features", new VectorUDT(), false, Metadata.empty())});
            Dataset<Row> train = spark.createDataFrame(rows, schema);
            Dataset<Row> test = spark.createDataFrame(rows.subList(0, 100), schema);
            save(out.resolve("random-forest"), new RandomForestClassifier().setNumTrees(5).setMaxDepth(6)
                    .setFeatureSubsetStrategy("0.7").setSeed(1).fit(train), test);
            save(out.resolve("decision-tree"), new DecisionTreeClassifier().setMaxDepth(5).setSeed(1).fit(train), test);
            save(out.resolve("gbt"), new GBTClassifier().setMaxIter(8).setMaxDepth(3).setSeed(1).fit(train), test);
            save(out.resolve("logistic-regression"), new LogisticRegression().setRegParam(0.01).setMaxIter(50)
                    .fit(train), test);
        } finally {
            spark.stop();
        }
    }

    /** The one-core session the fixture makers write with (stopped by them). */
    public static SparkSession session() {
        return SparkSession.builder().master("local[1]").appName("fixtures").config("spark.ui.enabled", "false")
                .getOrCreate();
    }

    /** Deletes a fixture folder before it is written again. */
    public static void delete(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static <M extends Model<M> & MLWritable> void save(Path dir, M model, Dataset<Row> test) throws IOException {
        delete(dir);
        model.write().save(dir.resolve("model").toString());
        StringBuilder csv = new StringBuilder();
        for (Row r : model.transform(test).select("features", "probability").collectAsList()) {
            Vector x = r.getAs(0);
            for (double v : x.toArray()) {
                csv.append(v).append(',');
            }
            csv.append(((Vector) r.getAs(1)).apply(1)).append('\n');
        }
        Files.writeString(dir.resolve("predictions.csv"), csv.toString());
    }
}
