package org.mlsec.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.mlsec.data.CsvWriter;
import org.mlsec.data.Dataset;
import org.mlsec.demo.LaymanBrothers;

/**
 * Makes the table fixtures of {@link SparkTablesTest} with real Spark (run from the module dir:
 * {@code java <opens> -cp <test classpath> org.mlsec.spark.SparkTableFixtures src/test/resources/tables}): 600
 * Layman Brothers rows split into members (the first 300) and non-members, each written by Spark's own Parquet
 * writer with mixed column types (ID long, LIMIT_BAL double, EDUCATION text, the rest int), by Spark's CSV writer
 * as a folder of two parts (non-members), and by mlsec's CSV writer (the local-mode twins). Broken tables: a column
 * missing, a numeric column as text, empty cells (null AGE, NaN LIMIT_BAL) and an infinite number.
 */
public final class SparkTableFixtures {
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "src/test/resources/tables");
        SparkSession spark = org.mlsec.spark.ml.SparkMlFixtures.session();
        try {
            Dataset all = LaymanBrothers.generate(600, 11);
            Dataset members = all.subset(range(0, 300));
            Dataset nonMembers = all.subset(range(300, 600));
            Files.createDirectories(out);
            CsvWriter.write(members, out.resolve("members.csv"));
            CsvWriter.write(nonMembers, out.resolve("non-members.csv"));
            parquet(spark, members, out.resolve("members.parquet"), null);
            parquet(spark, nonMembers, out.resolve("non-members.parquet"), null);
            csvParts(spark, nonMembers, out.resolve("non-members-csv"));
            parquet(spark, nonMembers, out.resolve("missing-column.parquet"), "drop:AGE");
            parquet(spark, nonMembers, out.resolve("wrong-type.parquet"), "text:AGE");
            parquet(spark, nonMembers, out.resolve("empty-cells.parquet"), "empty");
            parquet(spark, nonMembers, out.resolve("infinite.parquet"), "infinite");
        } finally {
            spark.stop();
        }
    }

    static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }

    /** The columns with their Spark types: ID long, LIMIT_BAL double, EDUCATION text, others int. */
    static DataType type(String column, String twist) {
        if (("text:" + column).equals(twist)) {
            return DataTypes.StringType;
        }
        return switch (column) {
            case "ID" -> DataTypes.LongType;
            case "LIMIT_BAL" -> DataTypes.DoubleType;
            case "EDUCATION" -> DataTypes.StringType;
            default -> DataTypes.IntegerType;
        };
    }

    static org.apache.spark.sql.Dataset<Row> frame(SparkSession spark, Dataset d, String twist) {
        List<String> names = new ArrayList<>();
        d.schema().features().forEach(c -> names.add(c.name()));
        names.add(d.schema().label());
        List<StructField> fields = new ArrayList<>();
        for (String n : names) {
            if (!("drop:" + n).equals(twist)) {
                fields.add(DataTypes.createStructField(n, type(n, twist), true));
            }
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < d.rows(); i++) {
            List<Object> v = new ArrayList<>();
            for (int j = 0; j < names.size(); j++) {
                String n = names.get(j);
                if (("drop:" + n).equals(twist)) {
                    continue;
                }
                double x = j < d.schema().width() ? d.row(i)[j] : Double.parseDouble(d.schema().classes().get(d.y()[i]));
                DataType t = type(n, twist);
                Object o = t == DataTypes.LongType ? (Object) (long) x : t == DataTypes.DoubleType ? (Object) x
                        : t == DataTypes.StringType ? (Object) Long.toString((long) x) : (Object) (int) x;
                if ("empty".equals(twist) && n.equals("AGE") && (i == 4 || i == 8)) {
                    o = null;
                }
                if ("empty".equals(twist) && n.equals("LIMIT_BAL") && i == 2) {
                    o = Double.NaN;
                }
                if ("infinite".equals(twist) && n.equals("LIMIT_BAL") && i == 6) {
                    o = Double.POSITIVE_INFINITY;
                }
                v.add(o);
            }
            rows.add(RowFactory.create(v.toArray()));
        }
        return spark.createDataFrame(rows, new StructType(fields.toArray(new StructField[0])));
    }

    static void parquet(SparkSession spark, Dataset d, Path dir, String twist) throws IOException {
        delete(dir);
        frame(spark, d, twist).coalesce(1).write().mode(SaveMode.ErrorIfExists).parquet(dir.toString());
    }

    static void csvParts(SparkSession spark, Dataset d, Path dir) throws IOException {
        delete(dir);
        frame(spark, d, null).repartitionByRange(2, org.apache.spark.sql.functions.col("ID")).sortWithinPartitions("ID").write().option("header", "true")
                .csv(dir.toString());
    }

    static void delete(Path dir) throws IOException {
        org.mlsec.spark.ml.SparkMlFixtures.delete(dir);
    }
}
