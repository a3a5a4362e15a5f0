package org.mlsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mlsec on data nobody here wrote it for: scikit-learn's breast-cancer (569 rows, binary), wine (178 rows, 3 classes)
 * and iris (150 rows, 3 classes), and a generated 5,000-row loan file with text categories and empty cells. The files
 * and the script that made them are in src/test/resources/datasets.
 */
class AnyDataTest {
    static final Path DATA = Path.of("src/test/resources/datasets");

    @TempDir
    Path dir;

    static String csv(String name) {
        return DATA.resolve(name + ".csv").toString();
    }

    @Test
    void theDemoRunsEveryChapterThatAppliesOnThreeClassesAndSaysWhichItSkipped() throws IOException {
        Path out = dir.resolve("wine");
        Cli c = Cli.run("demo", "--data", csv("wine"), "--label", "cultivar", "--entities", "wines", "--out", out.toString(),
                "--json", out.resolve("demo.json").toString());
        assertEquals(0, c.code(), c.err());
        assertFalse(c.out().contains("client"), "the wines are not clients");
        assertFalse(c.out().contains("[0, 1]"), "the data's own classes, not the talk's");
        assertTrue(c.out().contains("at least 1 wines per leaf"), "the talk's leaf of 100 scaled to 160 rows");
        assertTrue(c.out().contains("4. Model inversion skipped: it needs a categorical column"), c.out());
        JsonNode demo = CliTest.json(out.resolve("demo.json"));
        assertTrue(demo.at("/model/test_accuracy").asDouble() > 0.8, "scaled settings learn: " + demo.get("model"));
        for (String chapter : List.of("supply_chain", "membership_inference", "backdoor", "model_stealing", "evasion")) {
            assertTrue(demo.has(chapter), chapter + " ran");
        }
        assertEquals(List.of("model_inversion", "poisoning", "model_stealing.equation"),
                iterable(demo.get("skipped").fieldNames()));
        assertTrue(demo.at("/backdoor/detection_recall").asDouble() >= 0.99, "the planted trigger found in the data");
        assertTrue(Files.exists(out.resolve("report.html")));
    }

    @Test
    void theDemoTakesTextCategoriesAndEmptyCellsWithAMissingValuePolicy() throws IOException {
        Path out = dir.resolve("mixed");
        Cli refused = Cli.run("demo", "--data", csv("mixed"), "--label", "approved", "--out", out.toString());
        assertEquals(2, refused.code());
        assertTrue(refused.err().contains("line 3, column 'income': missing value"), refused.err());
        Cli c = Cli.run("demo", "--data", csv("mixed"), "--label", "approved", "--missing", "impute-median",
                "--entities", "applicants", "--out", out.toString(), "--json", out.resolve("demo.json").toString());
        assertEquals(0, c.code(), c.err());
        JsonNode demo = CliTest.json(out.resolve("demo.json"));
        // Every chapter applies; only the talk's Flask API, which reads numbers, is left out for text categories.
        assertEquals(List.of("model_stealing.flask"), iterable(demo.get("skipped").fieldNames()), "every chapter applies: "
                + demo.get("skipped"));
        assertTrue(demo.at("/skipped/model_stealing.flask").asText().contains("has text categories"), demo.get("skipped").toString());
        assertTrue(c.out().contains("applicant's employment") || c.out().contains("applicant's city"), c.out());
        assertTrue(demo.at("/poisoning/top_subgroup").asText().contains("=="), "the poisoned group found: " + demo.get("poisoning"));
        assertTrue(demo.at("/poisoning/disparate_impact").asDouble() < 0.8, demo.get("poisoning").toString());
    }

    @Test
    void cleanModelsOfEveryFamilyRaiseNoBackdoorOrPoisoningAlarmOnAnyDataSet() throws IOException {
        String[][] sets = {{"breast_cancer", "diagnosis"}, {"wine", "cultivar"}, {"iris", "species"}, {"mixed", "approved"}};
        for (String[] s : sets) {
            for (String algo : s[0].equals("wine") ? new String[] {"rf", "gbt", "lr", "tree"}
                    : s[0].equals("mixed") ? new String[] {"gbt"} : new String[] {"rf", "lr"}) {
                Path out = dir.resolve(s[0] + "-" + algo);
                Cli a = Cli.run("audit", "--data", csv(s[0]), "--label", s[1], "--algo", algo, "--budget", "quick",
                        "--missing", "impute-median", "--only", "backdoor,evasion", "--fail-on", "medium",
                        "--out", out.toString());
                JsonNode report = CliTest.json(out.resolve("report.json"));
                for (JsonNode f : report.get("findings")) {
                    String sev = f.get("severity").asText();
                    if (f.get("threat").asText().equals("backdoor")) {
                        assertTrue(sev.equals("info") || sev.equals("low"), s[0] + " " + algo + ": " + f);
                    }
                    if (f.get("threat").asText().equals("evasion") && !s[0].equals("breast_cancer")) {
                        assertFalse(f.get("title").asText().contains("Not run"), "multi-class evasion runs: " + f);
                    }
                }
                assertTrue(a.code() == 0 || a.code() == 1, a.err());
            }
        }
    }

    @Test
    void aPlantedBackdoorIsFoundOnSmallData() throws IOException {
        Path poisoned = dir.resolve("iris-bd.csv");
        assertEquals(0, Cli.run("attack", "backdoor", "--data", csv("iris"), "--label", "species", "--trigger",
                "sepal width (cm)=44", "--target", "setosa", "--rate", "0.3", "--out", poisoned.toString()).code());
        Path model = dir.resolve("bd.mlsec");
        assertEquals(0, Cli.run("train", "--data", poisoned.toString(), "--label", "species", "--out", model.toString()).code());
        Cli scan = Cli.run("scan-model", "backdoor", "--model", model.toString(), "--data", csv("iris"), "--label", "species");
        assertEquals(1, scan.code(), scan.out());
        assertTrue(scan.out().contains("sepal width (cm)=44"), scan.out());
        Path out = dir.resolve("audit");
        Cli a = Cli.run("audit", "--data", poisoned.toString(), "--label", "species", "--model", model.toString(),
                "--only", "backdoor", "--budget", "quick", "--fail-on", "high", "--out", out.toString());
        assertEquals(1, a.code(), a.out());
    }

    @Test
    void multiClassModelsAreEvaluatedAndEvadedWhiteBox() throws IOException {
        Path model = dir.resolve("wine.mlsec");
        assertEquals(0, Cli.run("train", "--data", csv("wine"), "--label", "cultivar", "--trees", "20", "--out",
                model.toString()).code());
        Path eval = dir.resolve("eval.json");
        Cli e = Cli.run("evaluate", "--model", model.toString(), "--data", csv("wine"), "--json", eval.toString());
        assertTrue(e.out().contains("macro average of one-vs-rest"), e.out());
        JsonNode ev = CliTest.json(eval);
        assertTrue(ev.get("auc").asDouble() > 0.9 && ev.get("auc_one_vs_rest").size() == 3, ev.toString());
        Path evj = dir.resolve("evade.json");
        Cli v = Cli.run("attack", "evade", "--model", model.toString(), "--data", csv("wine"), "--to", "class_0",
                "--rows", "10", "--json", evj.toString());
        assertEquals(0, v.code(), v.err());
        JsonNode r = CliTest.json(evj);
        assertEquals("tree", r.get("method").asText(), "white-box on a local 3-class forest");
        assertEquals(1.0, r.get("success_rate").asDouble());
    }

    @Test
    void membershipOn89NonMembersComesWithItsIntervalAndTheLowestRateItSupports() throws IOException {
        Path split = dir.resolve("w");
        Files.createDirectories(split);
        List<String> lines = Files.readAllLines(DATA.resolve("wine.csv"));
        StringBuilder a = new StringBuilder(lines.get(0)).append('\n');
        StringBuilder b = new StringBuilder(lines.get(0)).append('\n');
        for (int i = 1; i < lines.size(); i++) {
            (i % 2 == 0 ? a : b).append(lines.get(i)).append('\n');
        }
        Files.writeString(split.resolve("in.csv"), a);
        Files.writeString(split.resolve("out.csv"), b);
        Path model = dir.resolve("m.mlsec");
        Cli.run("train", "--data", split.resolve("in.csv").toString(), "--label", "cultivar", "--test-fraction", "0",
                "--out", model.toString());
        Path j = dir.resolve("mi.json");
        Cli m = Cli.run("attack", "membership", "--model", model.toString(), "--members", split.resolve("in.csv").toString(),
                "--non-members", split.resolve("out.csv").toString(), "--label", "cultivar", "--method", "rmia",
                "--references", "4", "--json", j.toString());
        assertEquals(0, m.code() == 1 ? 0 : m.code(), m.err());
        JsonNode r = CliTest.json(j);
        assertEquals(89, r.get("non_members").asInt());
        assertTrue(r.get("auc_ci_low").asDouble() < r.get("auc").asDouble()
                && r.get("auc").asDouble() < r.get("auc_ci_high").asDouble(), r.toString());
        assertFalse(r.get("tpr_at_fpr_0_001_supported").asBoolean(), "0.1% of 89 is not a measurable rate");
        assertTrue(r.get("lowest_supported_fpr").asDouble() >= 10.0 / 89 - 1e-9, r.toString());
    }

    @Test
    void predictWarnsOnValuesTheModelNeverSawAndStrictRefusesThem() throws IOException {
        Path model = dir.resolve("mx.mlsec");
        assertEquals(0, Cli.run("train", "--data", csv("mixed"), "--label", "approved", "--missing", "impute-median",
                "--trees", "10", "--out", model.toString()).code());
        Path odd = dir.resolve("odd.csv");
        Files.writeString(odd, "age,income,city,employment,years_at_address,debt_ratio\n300,-5,Kampala,salaried,3,0.2\n"
                + "40,,Paris,student,1,0.1\n");
        Cli p = Cli.run("predict", "--model", model.toString(), "--data", odd.toString());
        assertEquals(0, p.code(), p.err());
        assertTrue(p.err().contains("income = 1585.32"), "filled with the training median: " + p.err());
        assertTrue(p.err().contains("age: 1 row(s) outside the training range [18, 79] (first at line 2: 300)"), p.err());
        assertTrue(p.err().contains("category the model never saw") && p.err().contains("line 3: Paris"), p.err());
        assertEquals(2, Cli.run("predict", "--model", model.toString(), "--data", odd.toString(), "--strict").code());
        Path schema = dir.resolve("s.json");
        Cli.run("schema", "infer", "--data", csv("mixed"), "--label", "approved", "--missing", "drop", "--out", schema.toString());
        Cli v = Cli.run("validate", "--schema", schema.toString(), "--data", odd.toString(), "--missing", "drop");
        assertEquals(1, v.code());
        assertTrue(v.out().contains("line 2, age = 300") && !v.out().contains("= ?"), v.out());
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> l = new java.util.ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }
}
