package org.mlsec.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit report opened in a real browser (headless Chromium, installed by .ci/run): every section is rendered, every
 * chart is a non-empty SVG, nothing is fetched from the network and the console stays clean. The screenshot is kept
 * as a build artefact in target/report-screenshot.png.
 */
class ReportBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @TempDir
    Path dir;

    List<String> chromium(String... args) {
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + dir.resolve("profile"), "--enable-logging=stderr", "--v=0"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    String run(List<String> cmd, Path stderr) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectError(stderr.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium did not finish");
        return out;
    }

    @Test
    void reportRendersInHeadlessChromium() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "chromium is not installed (.ci/run installs it)");
        Path data = dir.resolve("clients.csv");
        Cli.run("data", "generate", "--rows", "3000", "--out", data.toString());
        Path out = dir.resolve("audit");
        Cli.run("audit", "--data", data.toString(), "--label", "DEFAULT", "--drop", "ID", "--protected", "SEX,AGE",
                "--budget", "quick", "--out", out.toString());
        String url = out.resolve("report.html").toUri().toString();
        Path log = dir.resolve("chromium.log");
        String dom = run(chromium("--dump-dom", url), log);
        for (String id : List.of("scorecard", "supply-chain", "membership-inference", "backdoor", "model-inversion",
                "poisoning", "model-stealing", "evasion")) {
            assertTrue(dom.contains("id=\"" + id + "\""), "section " + id);
        }
        int svgs = dom.split("<svg", -1).length - 1;
        assertTrue(svgs >= 3, "charts rendered: " + svgs);
        assertTrue(dom.contains("<path") || dom.contains("<rect"), "charts are not empty");
        String console = Files.readString(log);
        assertFalse(console.contains("CONSOLE") && console.toLowerCase().contains("error"), console);
        assertFalse(console.contains("net::ERR"), "the report fetched something: " + console);

        Path shot = Path.of("target/report-screenshot.png");
        Files.createDirectories(shot.getParent());
        run(chromium("--window-size=1280,2400", "--screenshot=" + shot.toAbsolutePath(), url), dir.resolve("shot.log"));
        assertTrue(Files.size(shot) > 20_000, "screenshot written");
    }
}
