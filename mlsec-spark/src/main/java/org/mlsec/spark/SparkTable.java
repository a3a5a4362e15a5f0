package org.mlsec.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.mlsec.InputException;
import org.mlsec.data.Aggregation;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.Dataset;
import org.mlsec.data.MissingValues;
import org.mlsec.data.Profile;
import org.mlsec.data.Schema;
import org.mlsec.data.Table;

/**
 * A table read by Spark where it lives, for the checks that read every row: each aggregation runs as one Spark
 * job. Every partition's rows are read on its executor by the CSV reader's rules into the table's schema (the same
 * missing-value fills everywhere, messages naming the location, partition and row), the aggregation's statistic
 * of that chunk is computed there, and the statistics are merged on the executors (a tree reduction), so only one
 * comes back: nothing of the table is held on the driver, and since every aggregation is exact, the figures are
 * those of the same rows in memory.
 */
final class SparkTable implements Table {
    private final String location;
    private final SparkTables.Selection selection;
    private final Schema schema;
    private final CsvOptions options;
    private Profile profile;

    SparkTable(String location, SparkTables.Selection selection, Schema schema, CsvOptions options) {
        this.location = location;
        this.selection = selection;
        this.schema = schema;
        this.options = options;
    }

    @Override
    public Schema schema() {
        return schema;
    }

    @Override
    public synchronized Profile profile() {
        if (profile == null) {
            profile = aggregate(Profile.aggregation());
        }
        return profile;
    }

    @Override
    public <T extends Serializable> T aggregate(Aggregation<T> aggregation) {
        Chunk<T> chunk = new Chunk<>(location, selection.names().toArray(new String[0]), selection.at(),
                new WireDataset(new Dataset(schema, new double[0][], schema.label() == null ? null : new int[0])),
                new WireOptions(options), aggregation);
        Dataset none = new Dataset(schema, new double[0][], schema.label() == null ? null : new int[0]);
        try {
            JavaRDD<Row> rows = selection.frame().javaRDD();
            if (rows.getNumPartitions() == 0) {
                return aggregation.of(none);
            }
            // Statistics are merged on the executors, two levels deep, so the driver never holds one per partition.
            return rows.mapPartitionsWithIndex(chunk, false).treeReduce(new Merge<>(aggregation), 2);
        } catch (InputException e) {
            throw e;
        } catch (Exception e) { // a task's InputException reaches the driver inside Spark's SparkException
            throw new InputException(SparkTables.inputMessage(e).orElse(location
                    + ": Spark could not aggregate its rows: " + SparkTables.firstLine(e)));
        }
    }

    /** The aggregation's merge, as Spark calls it. */
    private record Merge<T extends Serializable>(Aggregation<T> aggregation)
            implements org.apache.spark.api.java.function.Function2<T, T, T> {
        @Override
        public T call(T a, T b) {
            return aggregation.merge(a, b);
        }
    }

    /** One partition's rows read into the schema and aggregated, on the executor. */
    private record Chunk<T extends Serializable>(String location, String[] names, int[] at, WireDataset schema,
                                                 WireOptions options, Aggregation<T> aggregation)
            implements org.apache.spark.api.java.function.Function2<Integer, java.util.Iterator<Row>,
            java.util.Iterator<T>> {
        @Override
        public java.util.Iterator<T> call(Integer partition, java.util.Iterator<Row> rows) {
            if (!rows.hasNext()) { // every partition answers, so that the reduction never meets an empty one
                return List.of(aggregation.of(schema.toDataset())).iterator();
            }
            CsvReader.Report r = CsvReader.readRows(location + ", partition " + partition, List.of(names),
                    SparkTables.cells(rows, names.length, at), schema.toDataset().schema(), options.toOptions());
            return List.of(aggregation.of(r.data())).iterator();
        }
    }

    /** {@link CsvOptions} as plain fields, for the executors. */
    static final class WireOptions implements Serializable {
        private static final long serialVersionUID = 1L;
        private final char delimiter;
        private final String label;
        private final ArrayList<String> drop;
        private final ArrayList<String> categorical;
        private final ArrayList<String> numeric;
        private final String policy;
        private final HashMap<String, String> fills;

        WireOptions(CsvOptions o) {
            delimiter = o.delimiter();
            label = o.label();
            drop = new ArrayList<>(o.drop());
            categorical = new ArrayList<>(o.categorical());
            numeric = new ArrayList<>(o.numeric());
            policy = o.missing().policy().name();
            fills = new HashMap<>(o.missing().fills());
        }

        CsvOptions toOptions() {
            return new CsvOptions(delimiter, label, Set.copyOf(drop), Set.copyOf(categorical), Set.copyOf(numeric),
                    new MissingValues(MissingValues.Policy.valueOf(policy), fills));
        }
    }
}
