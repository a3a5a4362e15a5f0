package org.mlsec.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugin.MojoExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad configuration is a one-line build error naming the parameter; the sample builds under src/it do the rest. */
class MojoConfigurationTest {
    @TempDir
    Path dir;

    <T extends AbstractMlsecMojo> T setUp(T m) {
        m.basedir = dir.toFile();
        m.outputDirectory = dir.resolve("target/mlsec").toFile();
        return m;
    }

    @Test
    void skipDoesNothing() throws Exception {
        CanaryMojo m = setUp(new CanaryMojo());
        m.skip = true;
        m.execute(); // no model configured, and yet no error
        assertFalse(Files.exists(dir.resolve("target/mlsec")));
    }

    @Test
    void missingAndBadParametersAreNamed() {
        CanaryMojo c = setUp(new CanaryMojo());
        assertEquals("mlsec:canary: <model> is required", assertThrows(MojoExecutionException.class, c::execute).getMessage());
        c.model = new File("nowhere.mlsec");
        assertEquals("mlsec:canary: <model> nowhere.mlsec does not exist",
                assertThrows(MojoExecutionException.class, c::execute).getMessage());

        ScanMojo s = setUp(new ScanMojo());
        s.failOnSeverity = "severe";
        assertTrue(assertThrows(MojoExecutionException.class, s::execute).getMessage()
                .startsWith("mlsec:scan: <failOnSeverity> must be low, medium, high, critical or none"));

        AuditMojo a = setUp(new AuditMojo());
        a.failOn = "high";
        a.budget = "huge";
        assertEquals("mlsec:audit: <budget> must be quick, standard or thorough, got 'huge'",
                assertThrows(MojoExecutionException.class, a::execute).getMessage());

        VerifyMojo v = setUp(new VerifyMojo());
        assertTrue(assertThrows(MojoExecutionException.class, v::execute).getMessage().startsWith("mlsec:verify: no <models>"));
    }

    @Test
    void libraryInputErrorsBecomeBuildErrorsWithoutStackTraces() throws IOException {
        Path model = Files.writeString(dir.resolve("model.mlsec"), "{\"format\":\"mlsec-model\"}");
        Path canaries = Files.writeString(dir.resolve("canaries.json"), "not json");
        CanaryMojo c = setUp(new CanaryMojo());
        c.model = model.toFile();
        c.canaries = canaries.toFile();
        MojoExecutionException e = assertThrows(MojoExecutionException.class, c::execute);
        assertTrue(e.getMessage().startsWith("mlsec:canary: "), e.getMessage());
        assertEquals(null, e.getCause());
    }

    @Test
    void globsSelectFilesRelativeToTheProject() throws Exception {
        for (String f : List.of("src/main/resources/a.pkl", "src/main/resources/deep/b.onnx", "target/classes/c.pkl",
                "src/test/resources/d.pkl", "models/e.pkl")) {
            Files.createDirectories(dir.resolve(f).getParent());
            Files.writeString(dir.resolve(f), "x");
        }
        ScanMojo s = setUp(new ScanMojo());
        assertEquals(List.of("src/main/resources/a.pkl", "src/main/resources/deep/b.onnx", "target/classes/c.pkl"),
                s.files(ScanMojo.DEFAULT_INCLUDES, List.of()).stream().map(s::shown).toList());
        assertEquals(List.of("models/e.pkl", "src/main/resources/a.pkl"),
                s.files(List.of("models", "src/**/*.pkl"), List.of("src/test/**")).stream().map(s::shown).toList());
    }

    @Test
    void resourcesCopiedToTargetClassesAreScannedOnce() throws Exception {
        for (String f : List.of("src/main/resources/m.pkl", "target/classes/m.pkl", "src/main/resources/n.pkl",
                "target/classes/n.pkl")) {
            Files.createDirectories(dir.resolve(f).getParent());
            Files.writeString(dir.resolve(f), f.endsWith("n.pkl") && f.startsWith("target") ? "changed" : "same");
        }
        ScanMojo s = setUp(new ScanMojo());
        assertEquals(List.of("src/main/resources/m.pkl", "src/main/resources/n.pkl", "target/classes/n.pkl"),
                s.files(ScanMojo.DEFAULT_INCLUDES, List.of()).stream().map(s::shown).toList(),
                "an identical copy is left out; a copy that differs is scanned too");
    }
}
