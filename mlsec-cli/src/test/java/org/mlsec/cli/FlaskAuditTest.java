package org.mlsec.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `audit --target` against a third-party scoring API: the talk's Flask + scikit-learn service, started by the test
 * with Debian's python3-flask and python3-sklearn (installed by .ci/run; the test is skipped without them). The audit
 * states its query plan and API time before it starts, and finishes within it.
 */
class FlaskAuditTest {
    @TempDir
    Path dir;

    static boolean flaskAvailable() {
        return TalkApi.unavailable() == null;
    }

    @Test
    void anAuditOfAFlaskApiFinishesWithinTheTimeItStates() throws Exception {
        Assumptions.assumeTrue(flaskAvailable(), "python3 with flask and scikit-learn is not installed");
        try (TalkApi api = TalkApi.start(Path.of(AnyDataTest.csv("iris")), "species", dir)) {
            String url = api.url("");
            Path out = dir.resolve("audit");
            long t0 = System.nanoTime();
            Cli a = Cli.run("audit", "--data", AnyDataTest.csv("iris"), "--label", "species", "--target", url + "/predict",
                    "--algo", "rf", "--budget", "quick", "--only", "membership-inference,backdoor,model-stealing,evasion",
                    "--fail-on", "critical", "--out", out.toString());
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertTrue(a.code() == 0, a.err());
            Matcher m = Pattern.compile("it takes at most about (\\d+) s").matcher(a.err());
            assertTrue(m.find(), a.err());
            double stated = Double.parseDouble(m.group(1));
            JsonNode report = CliTest.json(out.resolve("report.json"));
            long planned = 0;
            for (JsonNode n : report.at("/context/query_plan_rows")) {
                planned += n.asLong();
            }
            long sent = report.at("/context/api_rows_sent").asLong();
            System.out.printf("audit of the Flask API: %.1f s, stated at most about %.0f s; %d of at most %d rows sent%n",
                    seconds, stated, sent, planned);
            assertTrue(sent > 0 && sent <= planned, sent + " rows sent, " + planned + " planned");
            // "About": the local part is one timed training scaled; a few seconds of slack for JIT and start-up.
            assertTrue(seconds <= stated + 5, seconds + " s against the stated " + stated + " s");
            assertTrue(report.toString().contains("Stand-in trained like the model"), "the stand-in is named");
        }
    }
}
