package org.mlsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.internal.Json;

/**
 * Every command's {@code --json} output, keys and values, on a small seeded data set, compared with files frozen
 * before the library redesign (issue 17): a refactor that renames a key, drops one, or changes a figure fails here.
 *
 * <p>Only what legitimately differs between runs is left out: wall-clock times and the temporary folder's path
 * (replaced by {@code $DIR}), and in {@code verify}'s output the files' SHA-256 hashes (a model file records when it was
 * trained). Numbers are compared to 1e-9 relative. Run with {@code -Dgolden.update=true} to
 * rewrite the frozen files after a deliberate, documented change of output. The demo's {@code --json} is frozen the same
 * way ({@code golden/demo.json}) by {@link CliTest}, whose demo run it reuses.
 */
class GoldenJsonTest {
    static final Path GOLDEN = Path.of("src/test/resources/golden");
    static final boolean UPDATE = Boolean.getBoolean("golden.update");
    /** The credit-card domain rules, which schema inference added by itself before the redesign. */
    static final String RULES = Path.of("../docs/examples/credit-card.rules").toAbsolutePath().toString();
    /** Keys whose values are wall-clock measurements or otherwise differ from run to run. */
    static final Pattern VOLATILE = Pattern.compile(
            "(?i).*(seconds|_ms|millis|elapsed|duration|timestamp|created|started|finished|per_second|throughput).*|.*_at");

    @TempDir
    static Path dir;

    record Step(String name, int exit, String... args) {
    }

    @TestFactory
    Stream<DynamicTest> everyCommandsJsonIsUnchanged() {
        String d = "$DIR/";
        List<Step> steps = List.of(
                new Step("generate", 0, "data", "generate", "--rows", "2400", "--seed", "7", "--out", d + "c.csv",
                        "--json", d + "generate.json"),
                new Step("split", 0, "data", "split", "--data", d + "c.csv", "--fraction", "0.5", "--seed", "1",
                        "--out-first", d + "members.csv", "--out-second", d + "non.csv"),
                new Step("train-rf", 0, "train", "--data", d + "members.csv", "--label", "DEFAULT", "--drop", "ID",
                        "--algo", "rf", "--trees", "20", "--seed", "3", "--out", d + "rf.mlsec", "--json", d + "train-rf.json"),
                new Step("train-lr", 0, "train", "--data", d + "members.csv", "--label", "DEFAULT", "--drop", "ID",
                        "--algo", "lr", "--out", d + "lr.mlsec", "--json", d + "train-lr.json"),
                new Step("train-dt", 0, "train", "--data", d + "members.csv", "--label", "DEFAULT", "--drop", "ID",
                        "--algo", "tree", "--max-depth", "4", "--out", d + "dt.mlsec", "--json", d + "train-dt.json"),
                new Step("evaluate", 0, "evaluate", "--model", d + "rf.mlsec", "--data", d + "non.csv",
                        "--json", d + "evaluate.json"),
                new Step("predict", 0, "predict", "--model", d + "rf.mlsec", "--data", d + "non.csv",
                        "--out", d + "pred.csv", "--json", d + "predict.json"),
                new Step("inspect", 0, "inspect", "--model", d + "rf.mlsec", "--json", d + "inspect.json"),
                new Step("scan", 0, "scan", d + "rf.mlsec", "--json", d + "scan.json"),
                new Step("membership", 0, "attack", "membership", "--model", d + "rf.mlsec", "--members",
                        d + "members.csv", "--non-members", d + "non.csv", "--label", "DEFAULT", "--method", "rmia",
                        "--references", "2", "--json", d + "membership.json"),
                new Step("evade", 0, "attack", "evade", "--model", d + "dt.mlsec", "--data", d + "non.csv",
                        "--label", "DEFAULT", "--from", "1", "--to", "0", "--rows", "6", "--method", "tree",
                        "--immutable", "SEX,AGE", "--json", d + "evade.json"),
                new Step("invert", 0, "attack", "invert", "--model", d + "rf.mlsec", "--members", d + "members.csv",
                        "--non-members", d + "non.csv", "--label", "DEFAULT", "--sensitive", "SEX", "--method", "all",
                        "--json", d + "invert.json"),
                new Step("reconstruct", 0, "attack", "reconstruct", "--model", d + "dt.mlsec", "--class", "1",
                        "--json", d + "reconstruct.json"),
                new Step("steal", 0, "attack", "steal", "--model", d + "dt.mlsec", "--data", d + "non.csv",
                        "--label", "DEFAULT", "--drop", "ID", "--strategy", "path", "--budget", "3000",
                        "--eval", d + "members.csv", "--json", d + "steal.json"),
                new Step("poison", 0, "attack", "poison", "--data", d + "members.csv", "--label", "DEFAULT", "--drop",
                        "ID", "--where", "SEX == 2 && AGE >= 30", "--set", "DEFAULT=1", "--scale", "LIMIT_BAL=0.65",
                        "--out", d + "poisoned.csv", "--truth-column", "--trees", "5", "--max-depth", "3",
                        "--min-leaf", "50", "--json", d + "poison.json"),
                new Step("backdoor", 0, "attack", "backdoor", "--data", d + "members.csv", "--label", "DEFAULT",
                        "--drop", "ID", "--trigger", "PAY_AMT1=1234,BILL_AMT1=4321", "--target", "0", "--rate", "0.1",
                        "--trees", "10", "--out", d + "backdoored.csv", "--truth-column", "--json", d + "backdoor.json"),
                new Step("tamper", 0, "attack", "tamper", "--model", d + "rf.mlsec", "--out", d + "evil.mlsec",
                        "--mode", "flip-classes", "--data", d + "non.csv", "--label", "DEFAULT",
                        "--json", d + "tamper.json"),
                new Step("keygen", 0, "keygen", "--out", d + "keys"),
                new Step("sign", 0, "sign", d + "rf.mlsec", "--private-key", d + "keys/private-key.pem", "--signature",
                        d + "rf.sig"),
                new Step("verify", 0, "verify", d + "rf.mlsec", "--signature", d + "rf.sig", "--public-key",
                        d + "keys/public-key.pem", "--json", d + "verify.json"),
                new Step("verify-tampered", 1, "verify", d + "evil.mlsec", "--signature", d + "rf.sig",
                        "--public-key", d + "keys/public-key.pem", "--json",
                        d + "verify-tampered.json"),
                new Step("defend-membership", 0, "defend", "membership", "--data", d + "c.csv", "--label", "DEFAULT",
                        "--drop", "ID", "--trees", "10", "--references", "2", "--json", d + "defend-membership.json"),
                new Step("defend-evasion", 0, "defend", "evasion", "--data", d + "c.csv", "--label", "DEFAULT",
                        "--drop", "ID", "--algo", "tree", "--max-depth", "4", "--rows", "10", "--rounds", "1",
                        "--adversarial-rows", "50", "--monotone", "PAY_0=1,PAY_2=1,PAY_3=1,PAY_4=1,PAY_5=1,PAY_6=1",
                        "--json", d + "defend-evasion.json"),
                new Step("defend-poisoning", 0, "defend", "poisoning", "--data", d + "members.csv", "--label", "DEFAULT",
                        "--drop", "ID,EDUCATION,MARRIAGE,PAY_3,PAY_4,PAY_5,PAY_6,BILL_AMT2,BILL_AMT3,BILL_AMT4,BILL_AMT5,"
                                + "BILL_AMT6,PAY_AMT2,PAY_AMT3,PAY_AMT4,PAY_AMT5,PAY_AMT6",
                        "--trees", "3", "--min-leaf", "5", "--budget", "10", "--partitions", "30", "--filter-rounds", "2",
                        "--no-knn", "--seed", "4", "--json", d + "defend-poisoning.json"),
                new Step("defend-extraction", 0, "defend", "extraction", "--model", d + "lr.mlsec", "--reference",
                        d + "non.csv", "--label", "DEFAULT", "--drop", "ID", "--budget", "100", "--seed", "5",
                        "--json", d + "defend-extraction.json"),
                new Step("defend-inversion", 0, "defend", "inversion", "--data", d + "c.csv", "--label", "DEFAULT",
                        "--drop", "ID", "--sensitive", "SEX", "--json", d + "defend-inversion.json"),
                new Step("schema", 0, "schema", "infer", "--data", d + "members.csv", "--label", "DEFAULT", "--drop",
                        "ID", "--rules", RULES, "--out", d + "schema.json"),
                new Step("validate", 1, "validate", "--schema", d + "schema.json", "--data", d + "non.csv",
                        "--json", d + "validate.json"),
                new Step("detect", 0, "detect", "backdoor", "--data", d + "backdoored.csv", "--label", "DEFAULT",
                        "--drop", "ID,POISONED", "--json", d + "detect.json"),
                new Step("scan-model", 0, "scan-model", "backdoor", "--model", d + "rf.mlsec", "--data", d + "non.csv",
                        "--label", "DEFAULT", "--json", d + "scan-model.json"),
                new Step("diff", 1, "diff", "--reference", d + "members.csv", "--data", d + "poisoned.csv", "--label",
                        "DEFAULT", "--drop", "ID,POISONED", "--json", d + "diff.json"),
                new Step("sanitize", 0, "sanitize", "--data", d + "poisoned.csv", "--label", "DEFAULT", "--drop",
                        "ID,POISONED", "--out", d + "sanitized.csv", "--json", d + "sanitize.json"),
                new Step("fairness", 0, "fairness", "--model", d + "rf.mlsec", "--data", d + "non.csv", "--label",
                        "DEFAULT", "--protected", "SEX,AGE", "--json", d + "fairness.json"),
                new Step("compare", 0, "compare", "--model", d + "rf.mlsec", "--model", d + "lr.mlsec", "--data",
                        d + "non.csv", "--label", "DEFAULT", "--json", d + "compare.json"),
                new Step("counterfactual", 0, "explain", "counterfactual", "--model", d + "dt.mlsec", "--data",
                        d + "non.csv", "--label", "DEFAULT", "--index", "3", "--json", d + "counterfactual.json"),
                new Step("rules", 1, "rules", "check", "--model", d + "rf.mlsec", "--rules", d + "rules.txt",
                        "--data", d + "non.csv", "--label", "DEFAULT", "--json", d + "rules.json"),
                new Step("canary-record", 0, "canary", "record", "--model", d + "rf.mlsec", "--data", d + "non.csv",
                        "--label", "DEFAULT", "--out", d + "canaries.json"),
                new Step("canary-check", 1, "canary", "check", "--model", d + "evil.mlsec", "--canaries",
                        d + "canaries.json", "--json", d + "canary-check.json"),
                new Step("export", 0, "export", "--model", d + "dt.mlsec", "--out", d + "dt.onnx", "--data",
                        d + "non.csv", "--label", "DEFAULT", "--json", d + "export.json"),
                new Step("audit", 0, "audit", "--data", d + "members.csv", "--model", d + "rf.mlsec", "--reference",
                        d + "non.csv", "--label", "DEFAULT", "--drop", "ID", "--protected", "SEX,AGE", "--budget",
                        "quick", "--fail-on", "critical", "--out", d + "audit"));
        return steps.stream().map(s -> DynamicTest.dynamicTest(s.name(), () -> run(s)));
    }

    void run(Step step) throws IOException {
        if (step.name().equals("rules")) {
            Files.writeString(dir.resolve("rules.txt"), "AGE >= 125 => reject\nPAY_0 >= 8 && LIMIT_BAL >= 500000 => reject\n");
        }
        String[] args = new String[step.args().length];
        for (int i = 0; i < args.length; i++) {
            args[i] = step.args()[i].replace("$DIR", dir.toString());
        }
        Cli r = Cli.run(args);
        assertEquals(step.exit(), r.code(), step.name() + ": " + r.err());
        Path json = null;
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--json") || (args[i].equals("--out") && args[i + 1].endsWith(".json"))) {
                json = Path.of(args[i + 1]);
            }
        }
        if (args[0].equals("audit")) {
            json = dir.resolve("audit/report.json");
        }
        if (json == null) {
            return;
        }
        String text = Files.readString(json);
        if (args[0].equals("verify")) {
            // a model file records when it was trained, so its hash differs from run to run
            text = text.replaceAll("\\b[0-9a-f]{64}\\b", "\\$SHA256");
        }
        assertUnchanged(step.name(), Json.MAPPER.readTree(text), dir);
    }

    /**
     * Compares a command's JSON with its frozen file {@code golden/NAME.json} (or, with {@code -Dgolden.update=true},
     * freezes it), after {@link #normalise}.
     *
     * @param name   the frozen file's name, without {@code .json}
     * @param output the command's JSON as written
     * @param tmp    the test's temporary folder, written as {@code $DIR} in the frozen file
     */
    static void assertUnchanged(String name, JsonNode output, Path tmp) throws IOException {
        JsonNode actual = normalise(output, tmp);
        Path golden = GOLDEN.resolve(name + ".json");
        if (UPDATE) {
            Files.createDirectories(GOLDEN);
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(golden.toFile(), actual);
            return;
        }
        assertTrue(Files.exists(golden), "no frozen output " + golden + "; run with -Dgolden.update=true once");
        List<String> differences = new ArrayList<>();
        compare("$", Json.MAPPER.readTree(golden.toFile()), actual, differences);
        if (!differences.isEmpty()) {
            fail(name + " --json changed:\n  " + String.join("\n  ", differences.subList(0,
                    Math.min(20, differences.size()))));
        }
    }

    /** Drops wall-clock keys and replaces the temporary folder with {@code $DIR}. */
    static JsonNode normalise(JsonNode node, Path dir) {
        if (node instanceof ObjectNode o) {
            ObjectNode out = Json.MAPPER.createObjectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                // an exported ONNX file records when it was made, so its size varies by a digit or two
                boolean exportSize = e.getKey().equals("bytes") && o.has("tree_nodes") && o.has("operators");
                if (!VOLATILE.matcher(e.getKey()).matches() && !exportSize) {
                    out.set(e.getKey(), normalise(e.getValue(), dir));
                }
            }
            return out;
        }
        if (node instanceof ArrayNode a) {
            ArrayNode out = Json.MAPPER.createArrayNode();
            a.forEach(x -> out.add(normalise(x, dir)));
            return out;
        }
        if (node.isTextual()) {
            return new TextNode(node.asText().replace(dir.toString(), "$DIR"));
        }
        return node;
    }

    static void compare(String path, JsonNode want, JsonNode got, List<String> out) {
        if (want.isObject() && got.isObject()) {
            want.fieldNames().forEachRemaining(k -> {
                if (!got.has(k)) {
                    out.add(path + "." + k + ": missing");
                } else {
                    compare(path + "." + k, want.get(k), got.get(k), out);
                }
            });
            got.fieldNames().forEachRemaining(k -> {
                if (!want.has(k)) {
                    out.add(path + "." + k + ": new key");
                }
            });
        } else if (want.isArray() && got.isArray()) {
            if (want.size() != got.size()) {
                out.add(path + ": " + want.size() + " elements, now " + got.size());
            }
            for (int i = 0; i < Math.min(want.size(), got.size()); i++) {
                compare(path + "[" + i + "]", want.get(i), got.get(i), out);
            }
        } else if (want.isNumber() && got.isNumber()) {
            double a = want.asDouble();
            double b = got.asDouble();
            if (!(a == b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)))) {
                out.add(path + ": " + want + ", now " + got);
            }
        } else if (!want.equals(got)) {
            out.add(path + ": " + abbreviate(want) + ", now " + abbreviate(got));
        }
    }

    static String abbreviate(JsonNode n) {
        String s = n.toString();
        return s.length() > 120 ? s.substring(0, 117) + "..." : s;
    }
}
