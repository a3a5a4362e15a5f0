package org.mlsec.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
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
import org.mlsec.data.TableReader;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Models;

/**
 * Parquet and CSV folders read by Spark ({@link SparkTables}; fixtures made by real Spark: {@link SparkTableFixtures})
 * give exactly the rows of the local CSV twins, and bad tables are refused in one line naming the column and file.
 * The shared test session ({@link TestSpark}); the command line's {@code --engine spark} runs use it.
 */
class SparkTablesTest {
    static final Path T = Path.of("src/test/resources/tables");
    static SparkReferenceEngine engine;
    static TableReader tables;
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void start() {
        engine = new SparkReferenceEngine(TestSpark.local(), false, 1);
        tables = engine.tables().orElseThrow();
        model = dir.resolve("target.mlsec");
        assertEquals(0, Main.run("train", "--data", T.resolve("members.csv").toString(), "--label", "DEFAULT",
                "--drop", "ID", "--test-fraction", "0", "--trees", "8", "--out", model.toString()));
    }

    record Run(int code, String err) {
    }

    static Run cli(String... args) {
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        return new Run(cl.execute(args), err.toString());
    }

    static String[] attack(String members, String nonMembers, String... more) {
        String[] a = {"attack", "membership", "--model", model.toString(), "--members", T.resolve(members).toString(),
                "--non-members", T.resolve(nonMembers).toString(), "--drop", "ID", "--method", "rmia",
                "--references", "3"};
        return SparkCliTest.concat(a, more);
    }

    static CsvOptions options(MissingValues missing) {
        return new CsvOptions(',', "DEFAULT", Set.of("ID"), Set.of(), Set.of(), missing);
    }

    @Test
    void parquetAndCsvPartsOnSparkReportExactlyWhatLocalCsvReports() throws Exception {
        Path local = dir.resolve("local.json");
        Path parquet = dir.resolve("parquet.json");
        Path parts = dir.resolve("parts.json");
        assertEquals(0, cli(attack("members.csv", "non-members.csv", "--json", local.toString())).code());
        Run p = cli(attack("members.parquet", "non-members.parquet", "--engine", "spark", "--master", "local[2]",
                "--json", parquet.toString()));
        assertEquals(0, p.code(), p.err());
        Run c = cli(attack("members.csv", "non-members-csv", "--engine", "spark", "--master", "local[2]",
                "--json", parts.toString()));
        assertEquals(0, c.code(), c.err());
        assertEquals(SparkCliTest.withoutSeconds(local), SparkCliTest.withoutSeconds(parquet));
        assertEquals(SparkCliTest.withoutSeconds(local), SparkCliTest.withoutSeconds(parts));
        assertTrue(SparkReferenceEngine.running().isPresent(), "the command line used the shared session and left it running");
    }

    @Test
    void aParquetTableReadsIntoTheModelsSchemaAsItsCsvTwinDoes() {
        Schema s = Models.load(model).schema();
        Dataset csv = CsvReader.read(T.resolve("non-members.csv"), s, options(MissingValues.ERROR));
        Dataset pq = tables.read(T.resolve("non-members.parquet").toString(), s, options(MissingValues.ERROR)).data();
        assertEquals(300, pq.rows());
        assertArrayEquals(csv.x(), pq.x());
        assertArrayEquals(csv.y(), pq.y());
        assertTrue(tables.columns(T.resolve("non-members.parquet").toString(), options(MissingValues.ERROR))
                .contains("EDUCATION"));
        String uri = T.resolve("non-members.parquet").toAbsolutePath().toUri().toString();
        assertTrue(uri.startsWith("file:/") && tables.reads(uri), uri);
        assertArrayEquals(csv.x(), tables.read(uri, s, options(MissingValues.ERROR)).data().x(), "the same table by URI");
    }

    @Test
    void aFileThatIsNotParquetIsOneLine() throws java.io.IOException {
        Path bad = dir.resolve("bad.parquet");
        java.nio.file.Files.writeString(bad, "ID,AGE\n1,30\n");
        var e = assertThrows(InputException.class, () -> tables.read(bad.toString(), Models.load(model).schema(),
                options(MissingValues.ERROR)));
        assertTrue(e.getMessage().startsWith(bad + ": Spark ") && !e.getMessage().contains("\n"), e.getMessage());
    }

    /** The attack on Spark with these non-members exits 2 with one line containing {@code expected}. */
    static void assertRefused(String nonMembers, String expected) {
        Run r = cli(attack("members.parquet", nonMembers, "--engine", "spark", "--master", "local[2]"));
        assertEquals(2, r.code(), r.err());
        assertOneLine(r.err(), expected);
    }

    @Test
    void aMissingColumnIsOneLineNamingTheColumnAndTheFile() {
        assertRefused("missing-column.parquet", "missing-column.parquet has no column 'AGE', which the model needs");
    }

    @Test
    void aNumericFeatureHeldAsTextIsOneLine() {
        assertRefused("wrong-type.parquet", "wrong-type.parquet, column 'AGE': Spark type string, but the model's"
                + " feature 'AGE' is numeric");
    }

    @Test
    void nullAndNanAreMissingValuesUnderThePolicy() {
        assertRefused("empty-cells.parquet", "empty-cells.parquet row 3, column 'LIMIT_BAL': missing value");
        Schema s = Models.load(model).schema();
        String where = T.resolve("empty-cells.parquet").toString();
        var dropped = tables.read(where, s, options(MissingValues.of(MissingValues.Policy.DROP)));
        assertEquals(297, dropped.data().rows());
        assertEquals(3, dropped.droppedRows());
        var imputed = tables.read(where, s, options(MissingValues.of(MissingValues.Policy.IMPUTE_MEDIAN)));
        assertEquals(300, imputed.data().rows());
        assertEquals(2, imputed.filledCells().get("AGE"));
        assertEquals(1, imputed.filledCells().get("LIMIT_BAL"));
    }

    @Test
    void anInfiniteNumberIsNotAFiniteNumber() {
        var e = assertThrows(InputException.class, () -> tables.read(T.resolve("infinite.parquet").toString(),
                Models.load(model).schema(), options(MissingValues.ERROR)));
        assertTrue(e.getMessage().endsWith("infinite.parquet row 7, column 'LIMIT_BAL': 'Infinity' is not a finite"
                + " number (the column is numeric)"), e.getMessage());
    }

    @Test
    void withoutTheSparkEngineAParquetTableIsRefusedWithTheWayToReadIt() {
        Run r = cli(attack("members.parquet", "non-members.parquet"));
        assertEquals(2, r.code());
        assertOneLine(r.err(), "members.parquet is a Parquet file, a folder or a URI: mlsec reads those with --engine spark");
    }

    @Test
    void aMissingPathIsNoSuchFile() {
        assertRefused("nowhere.parquet", "no such file: ");
    }

    static void assertOneLine(String err, String expected) {
        String[] lines = err.strip().split("\n");
        assertEquals(1, lines.length, err);
        assertTrue(lines[0].startsWith("mlsec: error: ") && lines[0].contains(expected), err);
    }
}
