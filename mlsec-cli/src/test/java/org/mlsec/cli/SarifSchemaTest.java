package org.mlsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.internal.Json;

/** The audit's and the scanner's SARIF validate against the official SARIF 2.1.0 schema (fetched by .ci/run). */
class SarifSchemaTest {
    static final Path SCHEMA = Path.of("../target/sarif/sarif-2.1.0-rtm.5.json");

    @TempDir
    Path dir;

    static Set<ValidationMessage> validate(Path sarif) throws IOException {
        try (InputStream in = Files.newInputStream(SCHEMA)) {
            JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
            return schema.validate(Json.MAPPER.readTree(sarif.toFile()));
        }
    }

    @Test
    void auditAndScanSarifAreValid() throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(SCHEMA), "the SARIF schema is not in target/sarif (.ci/run fetches it)");
        Path data = dir.resolve("clients.csv");
        Cli.run("data", "generate", "--rows", "2000", "--out", data.toString());
        Cli.run("audit", "--data", data.toString(), "--label", "DEFAULT", "--drop", "ID", "--budget", "quick", "--out",
                dir.resolve("audit").toString());
        assertEquals(Set.of(), validate(dir.resolve("audit/report.sarif")));

        Path evil = dir.resolve("evil.pkl");
        Files.write(evil, "cos\nsystem\n(S'id'\ntR.".getBytes(StandardCharsets.ISO_8859_1));
        Path sarif = dir.resolve("scan.sarif");
        Cli.run("scan", evil.toString(), "--format", "sarif", "--out", sarif.toString());
        assertEquals(Set.of(), validate(sarif));

        Path broken = dir.resolve("broken.sarif");
        Files.writeString(broken, Files.readString(sarif).replace("\"2.1.0\"", "\"9.9\""));
        org.junit.jupiter.api.Assertions.assertFalse(validate(broken).isEmpty(), "the validator rejects a wrong version");
    }
}
