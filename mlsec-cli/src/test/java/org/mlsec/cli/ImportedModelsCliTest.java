package org.mlsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command on the user's own model: files made by scikit-learn, XGBoost, LightGBM, ONNX and PMML exporters,
 * copied under a name that says nothing of their format, inspected, evaluated, attacked white-box, audited and
 * checked with canaries on the real credit data.
 */
class ImportedModelsCliTest {
    static final Path FIXTURES = Path.of("../mlsec-core/src/test/resources/fixtures");

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"xgboost/binary.json", "xgboost/binary.ubj", "lightgbm/binary.model.txt",
        "onnx/rf_binary.onnx", "onnx/gb_binary.onnx", "pmml/sklearn-forest.pmml.gz", "pmml/xgboost-binary.pmml"})
    void everyCommandWorksWhiteBoxOnAnImportedModel(String fixture) throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(RealDataTest.REAL), "the real data is not in ../shared");
        String real = RealDataTest.REAL.toString();
        Path model = Files.copy(FIXTURES.resolve(fixture), dir.resolve("model.bin"));

        Path inspect = dir.resolve("inspect.json");
        Cli i = Cli.run("inspect", "--model", model.toString(), "--json", inspect.toString());
        assertEquals(0, i.code(), i.err());
        assertTrue(i.out().contains("read from "), i.out());
        JsonNode ij = CliTest.json(inspect);
        assertTrue(ij.get("trees").asInt() > 0 && ij.has("format") && ij.has("sha256"), ij.toString());

        Path eval = dir.resolve("eval.json");
        Cli e = Cli.run("evaluate", "--model", model.toString(), "--data", real, "--label", "DEFAULT", "--json",
                eval.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(CliTest.json(eval).get("accuracy").asDouble() > 0.8, e.out());

        Path evade = dir.resolve("evade.json");
        Cli v = Cli.run("attack", "evade", "--model", model.toString(), "--data", real, "--label", "DEFAULT",
                "--from", "1", "--to", "0", "--rows", "8", "--method", "tree", "--immutable", "SEX,AGE",
                "--json", evade.toString());
        assertEquals(0, v.code(), v.err());
        JsonNode vj = CliTest.json(evade);
        assertEquals("tree", vj.get("method").asText());
        assertTrue(vj.get("success_rate").asDouble() > 0.5, vj.toString());

        Path canaries = dir.resolve("canaries.json");
        Cli cr = Cli.run("canary", "record", "--model", model.toString(), "--data", real, "--out", canaries.toString());
        assertEquals(0, cr.code(), cr.err());
        Cli cc = Cli.run("canary", "check", "--model", model.toString(), "--canaries", canaries.toString());
        assertEquals(0, cc.code(), cc.out() + cc.err());

        Path out = dir.resolve("audit");
        Cli a = Cli.run("audit", "--model", model.toString(), "--data", real, "--label", "DEFAULT", "--drop", "ID",
                "--budget", "quick", "--only", "supply-chain,model-inversion,evasion", "--out", out.toString());
        assertTrue(a.code() == 0 || a.code() == 1, a.err());
        JsonNode report = CliTest.json(out.resolve("report.json"));
        boolean exposure = false;
        boolean whiteBoxEvasion = false;
        for (JsonNode f : report.get("findings")) {
            exposure |= f.get("threat").asText().equals("model-inversion") && f.get("title").asText().contains("exposes");
            whiteBoxEvasion |= f.get("threat").asText().equals("evasion")
                    && f.path("metrics").path("method").asText().equals("tree");
        }
        assertTrue(exposure && whiteBoxEvasion, report.get("findings").toString());
    }
}
