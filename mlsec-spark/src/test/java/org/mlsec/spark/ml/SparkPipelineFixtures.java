package org.mlsec.spark.ml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.RandomForestClassifier;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.mlsec.demo.LaymanBrothers;

/**
 * Makes the Spark ML pipeline fixtures of {@link SparkMlPipelineTest} with real Spark (run as
 * {@link SparkMlFixtures} is, with this class): 400 Layman Brothers rows as named columns (EDUCATION and MARRIAGE
 * as text, DEFAULT as text "0"/"1", the rest numbers), and pipelines saved with Spark's own writer:
 * {@code StringIndexer} on the two text features and on the label (alphabetDesc, so "1" is class 0),
 * {@code OneHotEncoder}, {@code VectorAssembler}, then a random forest, a logistic regression or a GBT; and one
 * pipeline with a {@code SQLTransformer} stage, which mlsec refuses. {@code data.csv} holds the first 100 rows'
 * columns and Spark's own {@code transform} probability of each pipeline's class 1 ({@code p_rf}, {@code p_lr},
 * {@code p_gbt}).
 */
public final class SparkPipelineFixtures {
    static final List<String> TEXT = List.of("EDUCATION", "MARRIAGE");

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "src/test/resources/sparkml/pipelines");
        SparkSession spark = org.mlsec.spark.ml.SparkMlFixtures.session();
        try {
            org.mlsec.data.Dataset d = LaymanBrothers.generate(400, 9);
            List<String> names = new ArrayList<>(d.schema().featureNames());
            names.remove("ID");
            List<StructField> fields = new ArrayList<>();
            for (String n : names) {
                fields.add(DataTypes.createStructField(n, TEXT.contains(n) ? DataTypes.StringType
                        : DataTypes.DoubleType, false));
            }
            fields.add(DataTypes.createStructField("DEFAULT", DataTypes.StringType, false));
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < d.rows(); i++) {
                List<Object> v = new ArrayList<>();
                for (String n : names) {
                    double x = d.row(i)[d.schema().indexOf(n)];
                    v.add(TEXT.contains(n) ? (Object) Long.toString((long) x) : (Object) x);
                }
                v.add(d.schema().classes().get(d.y()[i]));
                rows.add(RowFactory.create(v.toArray()));
            }
            Dataset<Row> train = spark.createDataFrame(rows, new StructType(fields.toArray(new StructField[0])));
            List<String> assembled = new ArrayList<>();
            for (String n : names) {
                assembled.add(TEXT.contains(n) ? n + "_vec" : n);
            }
            StringIndexer features = new StringIndexer().setInputCols(TEXT.toArray(new String[0]))
                    .setOutputCols(new String[] {"EDUCATION_idx", "MARRIAGE_idx"});
            StringIndexer label = new StringIndexer().setInputCol("DEFAULT").setOutputCol("label")
                    .setStringOrderType("alphabetDesc");
            OneHotEncoder oneHot = new OneHotEncoder().setInputCols(new String[] {"EDUCATION_idx", "MARRIAGE_idx"})
                    .setOutputCols(new String[] {"EDUCATION_vec", "MARRIAGE_vec"});
            VectorAssembler assembler = new VectorAssembler().setInputCols(assembled.toArray(new String[0]))
                    .setOutputCol("features");
            Dataset<Row> test = train.limit(100);
            StringBuilder csv = new StringBuilder(String.join(",", names) + ",DEFAULT,p_rf,p_lr,p_gbt\n");
            List<Row> raw = test.collectAsList();
            double[][] p = new double[3][];
            p[0] = save(out.resolve("rf"), new PipelineStage[] {features, label, oneHot, assembler,
                new RandomForestClassifier().setNumTrees(5).setMaxDepth(6).setSeed(1)}, train, test);
            p[1] = save(out.resolve("lr"), new PipelineStage[] {features, label, oneHot, assembler,
                new LogisticRegression().setRegParam(0.01).setMaxIter(50)}, train, test);
            p[2] = save(out.resolve("gbt"), new PipelineStage[] {features, label, oneHot, assembler,
                new GBTClassifier().setMaxIter(6).setMaxDepth(3).setSeed(1)}, train, test);
            for (int i = 0; i < raw.size(); i++) {
                Row r = raw.get(i);
                for (int j = 0; j < r.size(); j++) {
                    Object v = r.get(j);
                    csv.append(v instanceof Double x ? org.mlsec.data.Values.format(x) : v).append(',');
                }
                csv.append(p[0][i]).append(',').append(p[1][i]).append(',').append(p[2][i]).append('\n');
            }
            Files.writeString(out.resolve("data.csv"), csv.toString());
            SparkMlFixtures.delete(out.resolve("sql"));
            new Pipeline().setStages(new PipelineStage[] {
                new SQLTransformer().setStatement("SELECT *, AGE * 2 AS AGE2 FROM __THIS__"),
                new VectorAssembler().setInputCols(new String[] {"AGE2", "LIMIT_BAL"}).setOutputCol("features"),
                label, new LogisticRegression().setMaxIter(5)}).fit(train).write().save(out.resolve("sql").toString());
        } finally {
            spark.stop();
        }
    }

    /** Fits and saves the pipeline; Spark's probability of class index 1 for the test rows. */
    static double[] save(Path dir, PipelineStage[] stages, Dataset<Row> train, Dataset<Row> test) throws IOException {
        SparkMlFixtures.delete(dir);
        PipelineModel m = new Pipeline().setStages(stages).fit(train);
        m.write().save(dir.toString());
        List<Row> got = m.transform(test).select("probability").collectAsList();
        double[] p = new double[got.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = ((Vector) got.get(i).get(0)).apply(1);
        }
        return p;
    }
}
