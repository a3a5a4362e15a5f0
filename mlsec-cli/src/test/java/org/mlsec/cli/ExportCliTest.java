package org.mlsec.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.data.Column;
import org.mlsec.data.ColumnType;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.internal.Json;
import org.mlsec.model.LocalModel;
import org.mlsec.model.ModelIo;
import org.mlsec.model.Models;
import org.mlsec.model.Provenance;
import org.mlsec.model.onnx.OnnxClassifier;
import org.mlsec.model.tree.ForestModel;
import org.mlsec.model.tree.Tree;

class ExportCliTest {
    @TempDir
    static Path dir;
    static Path data;

    @BeforeAll
    static void generate() {
        data = dir.resolve("clients.csv");
        Cli r = Cli.run("data", "generate", "--rows", "3000", "--seed", "5", "--out", data.toString());
        assertEquals(0, r.code(), r.err());
    }

    static JsonNode json(Path f) throws IOException {
        return Json.MAPPER.readTree(f.toFile());
    }

    @Test
    void everyAlgorithmExportsAndRunsInOnnxRuntimeAsItDoesHere() throws IOException {
        for (String algo : List.of("rf", "gbt", "lr", "tree")) {
            Path model = dir.resolve(algo + ".mlsec");
            Cli t = Cli.run("train", "--data", data.toString(), "--label", "DEFAULT", "--drop", "ID", "--algo", algo,
                    "--trees", "20", "--out", model.toString());
            assertEquals(0, t.code(), t.err());
            Path onnx = dir.resolve(algo + ".onnx");
            Path report = dir.resolve(algo + "-export.json");
            Cli e = Cli.run("export", "--model", model.toString(), "--format", "onnx", "--out", onnx.toString(),
                    "--json", report.toString());
            assertEquals(0, e.code(), algo + ": " + e.err());
            assertTrue(e.out().contains("Wrote " + onnx) && e.out().contains("the same label on every row"), e.out());
            JsonNode j = json(report);
            assertEquals("onnx", j.get("format").asText());
            assertEquals(onnx.toString(), j.get("out").asText());
            assertTrue(j.get("nodes").asInt() >= 1);
            assertEquals(10_000, j.get("rows_checked").asInt());
            assertTrue(j.get("max_abs_difference").asDouble() <= 1e-6, j.toString());
            assertEquals(List.of("0", "1"), List.of(Json.MAPPER.treeToValue(j.get("classes"), String[].class)));
            assertEquals(Files.size(onnx), j.get("bytes").asLong());

            LocalModel m = Models.load(model);
            Dataset d = CsvReader.read(data, m.schema(), CsvOptions.labelled("DEFAULT", "ID"));
            double[][] rows = Arrays.copyOf(d.x(), 2_000);
            try (OnnxClassifier c = new OnnxClassifier(onnx, m.schema())) {
                assertArrayEquals(m.predict(rows), c.predict(rows), algo);
                double[][] p = c.predictProba(rows);
                double[][] q = m.predictProba(rows);
                for (int i = 0; i < rows.length; i++) {
                    assertArrayEquals(q[i], p[i], 1e-6, algo + " row " + i);
                }
            }
        }
    }

    @Test
    void checksOnTheGivenDataWhenAsked() throws IOException {
        Path model = dir.resolve("gbt-data.mlsec");
        assertEquals(0, Cli.run("train", "--data", data.toString(), "--label", "DEFAULT", "--drop", "ID", "--algo",
                "gbt", "--trees", "10", "--out", model.toString()).code());
        Path report = dir.resolve("data-export.json");
        Cli e = Cli.run("export", "--model", model.toString(), "--out", dir.resolve("gbt-data.onnx").toString(),
                "--data", data.toString(), "--json", report.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("3000 rows of " + data), e.out());
        assertEquals(3_000, json(report).get("rows_checked").asInt());
    }

    @Test
    void badInputExitsTwo() throws IOException {
        Path model = dir.resolve("lr-bad.mlsec");
        assertEquals(0, Cli.run("train", "--data", data.toString(), "--label", "DEFAULT", "--drop", "ID", "--algo",
                "lr", "--out", model.toString()).code());
        Path out = dir.resolve("never.onnx");
        Cli r = Cli.run("export", "--model", model.toString(), "--format", "pmml", "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unsupported export format 'pmml'"), r.err());

        r = Cli.run("export", "--model", data.toString(), "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("not a model format mlsec reads"), r.err());

        r = Cli.run("export", "--model", model.toString(), "--out", out.toString(), "--rows", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--rows must be positive"), r.err());

        // A tree deeper than ONNX Runtime can load is refused with the reason, not written.
        Path deep = dir.resolve("deep.mlsec");
        ModelIo.save(deepTree(1_500), deep);
        r = Cli.run("export", "--model", deep.toString(), "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("1500 levels deep") && r.err().contains("--max-depth"), r.err());
        assertFalse(Files.exists(out));

        r = Cli.run("export", "--out", out.toString());
        assertEquals(2, r.code(), "missing --model is a usage error");
    }

    static ForestModel deepTree(int depth) {
        int n = 2 * depth + 1;
        int[] feature = new int[n];
        double[] threshold = new double[n];
        int[] left = new int[n];
        int[] right = new int[n];
        double[] value = new double[2 * n];
        Arrays.fill(feature, -1);
        Arrays.fill(left, -1);
        Arrays.fill(right, -1);
        for (int d = 0; d < depth; d++) {
            feature[2 * d] = 0;
            threshold[2 * d] = d;
            left[2 * d] = 2 * d + 1;
            right[2 * d] = 2 * d + 2;
            value[2 * (2 * d + 1) + d % 2] = 1;
        }
        value[2 * (n - 1)] = 1;
        Schema s = new Schema(List.of(Column.numeric("x", ColumnType.NUMERIC, 0, 2 * depth)), "y", List.of("0", "1"));
        return new ForestModel(ForestModel.DECISION_TREE, s, Provenance.imported("test", "1", "decision_tree", Map.of(),
                List.of("x"), -1, null), List.of(new Tree(feature, threshold, left, right, value, 2, new int[n],
                new double[n])));
    }
}
