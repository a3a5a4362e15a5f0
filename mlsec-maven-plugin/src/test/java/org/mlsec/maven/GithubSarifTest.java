package org.mlsec.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.Dataset;
import org.mlsec.internal.Json;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Models;
import org.mlsec.model.TrainConfig;
import org.mlsec.report.Audit;
import org.mlsec.report.render.ReportWriter;
import org.mlsec.scan.ModelScanner;

/**
 * The SARIF that mlsec:scan and mlsec:audit write meets GitHub code scanning's upload constraints (its "SARIF support
 * for code scanning" page): one run with {@code tool.driver.name}, rules with ids, descriptions and help text,
 * results with a known {@code ruleId}, a {@code message.text}, a {@code level} of none/note/warning/error, a
 * {@code security-severity} between 0.0 and 10.0 written as a string, at most 10 locations, and artifact URIs
 * relative to the repository root (no absolute paths, no {@code ..}); the file is under 10 MB and 25,000 results.
 */
class GithubSarifTest {
    static final Set<String> LEVELS = Set.of("none", "note", "warning", "error");

    @TempDir
    Path repo;

    @Test
    void scanSarifMeetsGithubConstraints() throws Exception {
        Path models = Files.createDirectories(repo.resolve("app/src/main/resources"));
        Files.write(models.resolve("evil.pkl"), new byte[] {(byte) 0x80, 2, 'c', 'o', 's', '\n', 's', 'y', 's', 't', 'e', 'm',
                '\n', (byte) 0x8c, 2, 'i', 'd', (byte) 0x85, 'R', '.'});
        Path file = repo.resolve("scan.sarif");
        Json.write(ModelScanner.scan(List.of(models)).toSarif(repo), file);
        JsonNode s = checkGithub(file, 1);
        assertEquals("app/src/main/resources/evil.pkl",
                s.at("/runs/0/results/0/locations/0/physicalLocation/artifactLocation/uri").asText());
    }

    @Test
    void auditSarifMeetsGithubConstraints() throws Exception {
        Path it = Path.of("src/it/audit");
        Path model = repo.resolve("module/model.mlsec");
        Files.createDirectories(model.getParent());
        Files.copy(it.resolve("src/main/resources/model.mlsec"), model);
        LocalModel m = Models.load(model);
        Dataset d = CsvReader.read(it.resolve("src/mlsec/data.csv"), m.schema(),
                new CsvOptions(',', "DEFAULT", Set.of(), Set.of(), Set.of()));
        m = Models.withRanges(m, d);
        Audit.Report r = Audit.Request.of(d).model(m).modelFile(model).trainedLike(TrainConfig.fromHyperparameters(
                Algorithm.ofKind(m.kind()), m.provenance().hyperparameters())).protect(List.of("SEX"))
                .only(List.of("supply-chain", "membership-inference", "poisoning")).budget(Audit.Budget.QUICK).run();
        Path out = repo.resolve("target/mlsec/audit");
        ReportWriter.write(r, out, repo, model);
        JsonNode s = checkGithub(out.resolve("report.sarif"), 1);
        for (JsonNode res : s.at("/runs/0/results")) {
            assertEquals("module/model.mlsec", res.at("/locations/0/physicalLocation/artifactLocation/uri").asText());
        }
    }

    /** The official SARIF 2.1.0 schema, fetched by .ci/run; without it only GitHub's constraints are checked. */
    static final Path SCHEMA = Path.of("../target/sarif/sarif-2.1.0-rtm.5.json");

    /** Checks the schema (when present) and GitHub's constraints; returns the document. At least {@code minResults} results. */
    static JsonNode checkGithub(Path file, int minResults) throws Exception {
        if (Files.isRegularFile(SCHEMA)) {
            try (var in = Files.newInputStream(SCHEMA)) {
                var schema = com.networknt.schema.JsonSchemaFactory.getInstance(com.networknt.schema.SpecVersion.VersionFlag.V4)
                        .getSchema(in);
                assertEquals(Set.of(), schema.validate(Json.MAPPER.readTree(file.toFile())));
            }
        }
        assertTrue(Files.size(file) < 10L << 20, "GitHub refuses SARIF files over 10 MB (gzipped)");
        JsonNode s = Json.MAPPER.readTree(file.toFile());
        assertEquals("2.1.0", s.get("version").asText());
        assertTrue(s.get("runs").size() >= 1 && s.get("runs").size() <= 20);
        for (JsonNode run : s.get("runs")) {
            JsonNode driver = run.at("/tool/driver");
            assertFalse(driver.path("name").asText().isEmpty(), "tool.driver.name is required");
            Set<String> ids = new HashSet<>();
            for (JsonNode rule : driver.path("rules")) {
                String id = rule.path("id").asText();
                assertFalse(id.isEmpty());
                assertTrue(ids.add(id), "duplicate rule " + id);
                assertFalse(rule.at("/shortDescription/text").asText().isEmpty(), id);
                assertFalse(rule.at("/fullDescription/text").asText().isEmpty(), id);
                assertFalse(rule.at("/help/text").asText().isEmpty(), id + " has no help text");
                securitySeverity(rule.at("/properties/security-severity"), id);
            }
            JsonNode results = run.path("results");
            assertTrue(results.size() >= minResults, results.toString());
            assertTrue(results.size() <= 25_000);
            for (JsonNode res : results) {
                String id = res.path("ruleId").asText();
                assertTrue(ids.contains(id), "result names an unknown rule " + id);
                assertFalse(res.at("/message/text").asText().isEmpty());
                assertTrue(LEVELS.contains(res.path("level").asText()), res.path("level").asText());
                securitySeverity(res.at("/properties/security-severity"), id);
                assertTrue(res.path("locations").size() >= 1 && res.path("locations").size() <= 10);
                for (JsonNode loc : res.path("locations")) {
                    JsonNode a = loc.at("/physicalLocation/artifactLocation");
                    String uri = a.path("uri").asText();
                    assertFalse(uri.startsWith("/") || uri.contains("..") || uri.contains(":") || uri.contains("\\"),
                            "not relative to the repository root: " + uri);
                    assertEquals("%SRCROOT%", a.path("uriBaseId").asText());
                }
            }
        }
        return s;
    }

    static void securitySeverity(JsonNode v, String id) {
        assertTrue(v.isTextual(), id + ": security-severity must be a string, got " + v);
        double d = Double.parseDouble(v.asText());
        assertTrue(d >= 0 && d <= 10, id + ": " + d);
    }
}
