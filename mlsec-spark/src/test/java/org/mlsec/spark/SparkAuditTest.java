package org.mlsec.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.InputException;
import org.mlsec.cli.Main;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.Dataset;
import org.mlsec.data.MissingValues;
import org.mlsec.data.Schema;
import org.mlsec.data.Table;
import org.mlsec.data.TableReader;
import org.mlsec.defences.detector.DataDiff;
import org.mlsec.defences.detector.Fairness;
import org.mlsec.defences.detector.Subgroups;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Models;

/**
 * The audit's checks that read every row run as Spark jobs over the table where it lives ({@link SparkTable}): the
 * diff against a trusted snapshot, its subgroups and fairness give exactly the figures of the same rows in memory,
 * while only a seeded sample is read onto the driver for the checks that train and attack models.
 */
class SparkAuditTest {
    static final Path T = Path.of("src/test/resources/tables");
    static TableReader tables;
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void start() {
        tables = new SparkReferenceEngine(TestSpark.local(), false, 1).tables().orElseThrow();
        model = dir.resolve("target.mlsec");
        assertEquals(0, Main.run("train", "--data", T.resolve("members.csv").toString(), "--label", "DEFAULT",
                "--drop", "ID", "--test-fraction", "0", "--trees", "8", "--out", model.toString()));
    }

    static CsvOptions options() {
        return new CsvOptions(',', "DEFAULT", Set.of("ID"), Set.of(), Set.of(), MissingValues.ERROR);
    }

    @Test
    void everyRowCheckOnSparkTablesGivesWhatTheRowsGiveInMemory() {
        LocalModel m = Models.load(model);
        Schema s = m.schema();
        Dataset before = CsvReader.read(T.resolve("members.csv"), s, options());
        Dataset after = CsvReader.read(T.resolve("non-members.csv"), s, options());
        Table pb = tables.table(T.resolve("members.parquet").toString(), s, options());
        Table parts = tables.table(T.resolve("non-members-csv").toString(), s, options());
        assertEquals(300, parts.rows());
        assertEquals(DataDiff.features(before, after), DataDiff.features(pb, parts));
        assertEquals(Subgroups.changed(before, after, 1, 30, 5), Subgroups.changed(pb, parts, 1, 30, 5));
        assertEquals(Fairness.measure(m, after, List.of("SEX", "AGE"), "0", 5),
                Fairness.measure(m, parts, List.of("SEX", "AGE"), "0", 5));
        assertEquals(org.mlsec.defences.detector.DataBackdoorDetector.spikes(Table.of(after)),
                org.mlsec.defences.detector.DataBackdoorDetector.spikes(parts));
    }

    @Test
    void aSampleIsTheSameRowsWhateverTheFilesAndAllRowsWhenTheTableIsSmaller() {
        Schema s = Models.load(model).schema();
        Dataset pq = tables.sample(T.resolve("non-members.parquet").toString(), s, options(), 120, 7).data();
        Dataset csv = tables.sample(T.resolve("non-members-csv").toString(), s, options(), 120, 7).data();
        assertEquals(120, pq.rows());
        assertArrayEquals(pq.x(), csv.x(), "one file or two parts: the same rows, in table order");
        assertNotEquals(List.of(pq.x()[0]), List.of(tables.sample(T.resolve("non-members.parquet").toString(), s,
                options(), 120, 8).data().x()[0]), "another seed, other rows");
        Dataset all = CsvReader.read(T.resolve("non-members.csv"), s, options());
        assertArrayEquals(all.x(), tables.sample(T.resolve("non-members.parquet").toString(), s, options(), 300, 7)
                .data().x());
    }

    @Test
    void aBadCellInAPartitionIsOneLineNamingTheTableAndPartition() {
        Schema s = Models.load(model).schema();
        String where = T.resolve("empty-cells.parquet").toString();
        var e = assertThrows(InputException.class, () -> tables.table(where, s, options()).profile());
        assertTrue(e.getMessage().startsWith(where + ", partition "), e.getMessage());
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }

    @Test
    void auditOnSparkReadsEveryRowForTheDiffAndFairnessEvenFromASample() throws Exception {
        String[] audit = {"audit", "--model", model.toString(), "--label", "DEFAULT", "--drop", "ID",
            "--protected", "SEX,AGE", "--only", "poisoning", "--budget", "quick", "--fail-on", "critical"};
        Path local = dir.resolve("local");
        Path spark = dir.resolve("spark");
        assertEquals(0, Main.run(SparkCliTest.concat(audit, "--data", T.resolve("non-members.csv").toString(),
                "--reference", T.resolve("members.csv").toString(), "--out", local.toString())));
        assertEquals(0, Main.run(SparkCliTest.concat(audit, "--data", T.resolve("non-members-csv").toString(),
                "--reference", T.resolve("members.parquet").toString(), "--engine", "spark", "--master", "local[2]",
                "--sample-rows", "100", "--out", spark.toString())));
        List<JsonNode> l = poisoning(local);
        List<JsonNode> s = poisoning(spark);
        assertEquals(3, l.size(), l.toString()); // the diff and one fairness finding per protected attribute
        assertEquals(l, s);
        assertEquals(300, s.get(0).get("metrics").get("rows_compared").asLong());
        assertEquals(300, s.get(1).get("metrics").get("rows_measured").asLong());
    }

    @Test
    void auditOnSparkCountsValueSpikesOverEveryRowEvenFromASample() throws Exception {
        String[] audit = {"audit", "--model", model.toString(), "--label", "DEFAULT", "--drop", "ID", "--only",
            "backdoor", "--budget", "quick", "--fail-on", "critical"};
        Path local = dir.resolve("local-bd");
        Path spark = dir.resolve("spark-bd");
        assertEquals(0, Main.run(SparkCliTest.concat(audit, "--data", T.resolve("non-members.csv").toString(),
                "--out", local.toString())));
        assertEquals(0, Main.run(SparkCliTest.concat(audit, "--data", T.resolve("non-members.parquet").toString(),
                "--engine", "spark", "--master", "local[2]", "--sample-rows", "100", "--out", spark.toString())));
        JsonNode l = backdoor(local);
        JsonNode s = backdoor(spark);
        for (String key : List.of("value_spikes", "value_spike_findings", "rows_counted")) {
            assertEquals(l.get(key), s.get(key), key);
        }
        assertEquals(300, s.get("rows_counted").asLong());
    }

    static JsonNode backdoor(Path out) throws java.io.IOException {
        JsonNode r = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        for (JsonNode f : r.get("findings")) {
            if (f.get("threat").asText().equals("backdoor")) {
                return f.get("metrics");
            }
        }
        throw new AssertionError("no backdoor finding: " + r);
    }

    static List<JsonNode> poisoning(Path out) throws java.io.IOException {
        JsonNode r = SparkCliTest.withoutTimes(new ObjectMapper().readTree(out.resolve("report.json").toFile()));
        List<JsonNode> found = new ArrayList<>();
        r.get("findings").forEach(f -> {
            if (f.get("threat").asText().equals("poisoning")) {
                found.add(f);
            }
        });
        return found;
    }
}
