package org.mlsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditCliTest {
    @TempDir
    Path dir;

    @Test
    void auditWritesTheThreeReportsWithEveryThreat() throws IOException {
        Path data = dir.resolve("clients.csv");
        Cli.run("data", "generate", "--rows", "4000", "--out", data.toString());
        Path model = dir.resolve("m.mlsec");
        Cli.run("train", "--data", data.toString(), "--label", "DEFAULT", "--drop", "ID", "--trees", "30", "--out", model.toString());
        Path out = dir.resolve("audit");
        Cli a = Cli.run("audit", "--data", data.toString(), "--label", "DEFAULT", "--drop", "ID", "--model", model.toString(),
                "--reference", data.toString(), "--protected", "SEX,AGE", "--budget", "quick", "--fail-on", "critical",
                "--out", out.toString());
        assertEquals(0, a.code(), a.err());
        JsonNode report = CliTest.json(out.resolve("report.json"));
        Set<String> threats = new HashSet<>();
        for (JsonNode f : report.get("findings")) {
            for (String k : new String[] {"threat", "severity", "atlas", "owasp", "metrics"}) {
                assertTrue(f.has(k), k + " in " + f);
            }
            threats.add(f.get("threat").asText());
        }
        assertEquals(Set.of("supply-chain", "membership-inference", "backdoor", "model-inversion", "poisoning",
                "model-stealing", "evasion"), threats);
        JsonNode sarif = CliTest.json(out.resolve("report.sarif"));
        assertEquals("2.1.0", sarif.get("version").asText());
        assertTrue(sarif.at("/runs/0/tool/driver/rules").size() >= 6);
        String html = Files.readString(out.resolve("report.html"));
        for (String id : threats) {
            assertTrue(html.contains("id=\"" + id + "\""), id);
        }
        assertTrue(html.contains("<svg") && !html.contains("<script src") && !html.contains("http://cdn"), "self-contained");
        Cli strict = Cli.run("audit", "--data", data.toString(), "--label", "DEFAULT", "--drop", "ID", "--budget", "quick",
                "--fail-on", "low", "--out", dir.resolve("a2").toString());
        assertEquals(1, strict.code(), "a low finding (no model file) fails --fail-on low");
    }

    @Test
    void defenceStudiesAreChartedUnderTheirThreats() throws IOException {
        Path data = dir.resolve("d.csv");
        Cli.run("data", "generate", "--rows", "2000", "--out", data.toString());
        Path model = dir.resolve("m.mlsec");
        Cli.run("train", "--data", data.toString(), "--label", "DEFAULT", "--drop", "ID", "--trees", "10", "--out",
                model.toString());
        // the studies: what defend membership and defend evasion wrote with --json (GoldenJsonTest's files)
        Path golden = Path.of("src/test/resources/golden");
        Path out = dir.resolve("studies");
        Cli a = Cli.run("audit", "--data", data.toString(), "--label", "DEFAULT", "--drop", "ID", "--model",
                model.toString(), "--only", "supply-chain", "--budget", "quick", "--defence-study",
                golden.resolve("defend-membership.json").toString(), "--defence-study",
                golden.resolve("defend-evasion.json").toString(), "--out", out.toString());
        assertEquals(0, a.code(), a.err());
        JsonNode report = CliTest.json(out.resolve("report.json"));
        Set<String> charted = new HashSet<>();
        for (JsonNode f : report.get("findings")) {
            if (f.at("/metrics/chart").isTextual()) {
                assertEquals("info", f.get("severity").asText());
                String study = f.get("threat").asText().equals("evasion") ? "defend-evasion" : "defend-membership";
                assertEquals(CliTest.json(golden.resolve(study + ".json")).get("defences").size(),
                        f.at("/metrics/defences").size(), f.toString());
                charted.add(f.get("threat").asText());
            }
        }
        assertEquals(Set.of("membership-inference", "evasion"), charted);
        String html = Files.readString(out.resolve("report.html"));
        for (String threat : List.of("membership-inference", "evasion")) { // not run (--only): the chart is the study's
            String section = html.substring(html.indexOf("<section id=\"" + threat + "\">"));
            section = section.substring(0, section.indexOf("</section>"));
            assertTrue(section.contains("<svg") && section.contains("defences measured"), threat + ": " + section);
        }
        Cli bad = Cli.run("audit", "--data", data.toString(), "--label", "DEFAULT", "--drop", "ID", "--only",
                "supply-chain", "--defence-study", golden.resolve("scan.json").toString(), "--out",
                dir.resolve("bad").toString());
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("scan.json: not a defence study"), bad.err());
    }

    @Test
    void auditsAModelBehindAUrl() throws IOException {
        Path data = dir.resolve("c.csv");
        Cli.run("data", "generate", "--rows", "3000", "--out", data.toString());
        Path model = dir.resolve("m.mlsec");
        Cli.run("train", "--data", data.toString(), "--label", "DEFAULT", "--drop", "ID", "--trees", "20", "--out", model.toString());
        org.mlsec.model.LocalModel m = org.mlsec.model.ModelIo.load(model);
        try (org.mlsec.server.GuardedServer server = new org.mlsec.server.GuardedServer(m, null,
                org.mlsec.server.GuardConfig.off()).start("127.0.0.1", 0)) {
            Path out = dir.resolve("remote");
            Cli a = Cli.run("audit", "--data", data.toString(), "--label", "DEFAULT", "--drop", "ID", "--target",
                    "http://127.0.0.1:" + server.port() + "/predict_proba", "--algo", "rf", "--budget", "quick",
                    "--fail-on", "critical", "--only", "backdoor,model-stealing,membership-inference", "--out", out.toString());
            assertEquals(0, a.code(), a.err());
            assertTrue(a.err().matches("(?s).*the audit sends at most [0-9,]+ rows to .* s of API time.*"), a.err());
            JsonNode report = CliTest.json(out.resolve("report.json"));
            assertTrue(report.toString().contains("model-stealing"));
            long planned = 0;
            for (JsonNode n : report.at("/context/query_plan_rows")) {
                planned += n.asLong();
            }
            assertTrue(report.at("/context/api_rows_sent").asLong() <= planned, report.get("context").toString());
            for (JsonNode f : report.get("findings")) {
                if (f.get("threat").asText().equals("membership-inference")) {
                    assertTrue(f.get("title").asText().startsWith("Stand-in trained like the model: "), f.toString());
                    assertTrue(f.at("/metrics/stand_in").asBoolean());
                }
            }
        }
    }

    @Test
    void auditsAUrlFromUnlabelledRows() throws IOException {
        Path data = dir.resolve("u.csv");
        Cli.run("data", "generate", "--rows", "2000", "--out", data.toString());
        Path model = dir.resolve("u.mlsec");
        Cli.run("train", "--data", data.toString(), "--label", "DEFAULT", "--drop", "ID", "--trees", "20", "--out", model.toString());
        org.mlsec.model.LocalModel m = org.mlsec.model.ModelIo.load(model);
        try (org.mlsec.server.GuardedServer server = new org.mlsec.server.GuardedServer(m, null,
                org.mlsec.server.GuardConfig.off()).start("127.0.0.1", 0)) {
            String url = "http://127.0.0.1:" + server.port() + "/predict_proba";
            Path out = dir.resolve("unlabelled");
            // The label column is dropped: the auditor has the rows, not the outcomes.
            Cli a = Cli.run("audit", "--data", data.toString(), "--drop", "ID,DEFAULT", "--target", url, "--algo", "rf",
                    "--budget", "quick", "--fail-on", "critical", "--only", "backdoor,model-stealing", "--out", out.toString());
            assertEquals(0, a.code(), a.err());
            assertTrue(a.err().contains("learnt the API's classes [0, 1]"), a.err());
            assertTrue(a.err().contains("2000 rows are labelled with the API's answers"), a.err());
            assertTrue(Files.readString(out.resolve("report.json")).contains("model-stealing"));
            Cli poisoning = Cli.run("audit", "--data", data.toString(), "--drop", "ID,DEFAULT", "--target", url,
                    "--only", "poisoning", "--out", out.toString());
            assertEquals(2, poisoning.code(), poisoning.err());
            assertTrue(poisoning.err().contains("need --label COLUMN"), poisoning.err());
        }
    }
}
