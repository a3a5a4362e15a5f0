package org.mlsec.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
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
        try {
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import flask, sklearn").redirectErrorStream(true).start();
            return p.waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Test
    void anAuditOfAFlaskApiFinishesWithinTheTimeItStates() throws Exception {
        Assumptions.assumeTrue(flaskAvailable(), "python3 with flask and scikit-learn is not installed");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process api = new ProcessBuilder("/usr/bin/python3", "src/test/resources/flask/talk_api.py", "--data",
                AnyDataTest.csv("iris"), "--label", "species", "--port", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(dir.resolve("flask.log").toFile()).start();
        try {
            String url = "http://127.0.0.1:" + port;
            awaitHealthy(url + "/health", api);
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
        } finally {
            api.destroy();
            if (!api.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                api.destroyForcibly();
            }
        }
    }

    static void awaitHealthy(String health, Process api) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!api.isAlive()) {
                throw new AssertionError("the Flask API exited with " + api.exitValue());
            }
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(health)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the Flask API did not start within 60 s");
    }
}
