package org.mlsec.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.mlsec.MlsecException;

/**
 * The talk's third-party scoring API, run for real: {@code talk_api.py} (Flask + scikit-learn, packaged with the CLI)
 * trains a scikit-learn random forest on a CSV file at start and answers {@code POST /predict} as the talk's service
 * does. The demo guards it with {@code mlsec serve --upstream}; the tests attack and audit it. It needs
 * {@code /usr/bin/python3} with Flask and scikit-learn (Debian's {@code python3-flask}, {@code python3-sklearn}).
 */
final class TalkApi implements AutoCloseable {
    static final String PYTHON = "/usr/bin/python3";

    private final Process process;
    private final int port;

    private TalkApi(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Why the API cannot run here, or null when it can.
     *
     * @return the reason, one line
     */
    static String unavailable() {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            return PYTHON + " is not installed";
        }
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import flask, sklearn").redirectErrorStream(true).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "python3 took over a minute to import flask and sklearn";
            }
            return p.exitValue() == 0 ? null : "python3 has no flask or no scikit-learn (Debian: python3-flask python3-sklearn)";
        } catch (IOException e) {
            return "python3 cannot be started: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /**
     * Starts the API on a free local port and waits until it answers {@code /health} (it trains first).
     *
     * @param data  the training CSV (numeric features and the label)
     * @param label the label column
     * @param dir   a folder for the script and its log
     * @param args  more arguments of the script ({@code --trees 5 --max-depth 3 --min-leaf 100} for the talk's forest)
     * @return the running API; close it to stop it
     * @throws MlsecException if it exits or does not answer within 60 s (its log is quoted)
     */
    static TalkApi start(Path data, String label, Path dir, String... args) throws IOException {
        Path script = dir.resolve("talk_api.py");
        try (InputStream in = TalkApi.class.getResourceAsStream("talk_api.py")) {
            if (in == null) {
                throw new MlsecException("talk_api.py is missing from the CLI's resources");
            }
            Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(PYTHON, script.toString(), "--data", data.toString(), "--label",
                label, "--port", Integer.toString(port)));
        command.addAll(List.of(args));
        Path log = dir.resolve("talk_api.log");
        TalkApi api = new TalkApi(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .start(), port);
        try {
            api.awaitHealthy(log);
            return api;
        } catch (RuntimeException | IOException e) {
            api.close();
            throw e;
        }
    }

    private void awaitHealthy(Path log) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new MlsecException("the Flask API exited with status " + process.exitValue() + ": " + tail(log));
            }
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(url("/health")).toURL().openConnection();
                c.setConnectTimeout(1000);
                c.setReadTimeout(2000);
                if (c.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still training
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MlsecException("interrupted while waiting for the Flask API");
            }
        }
        throw new MlsecException("the Flask API did not answer within 60 s: " + tail(log));
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
        return lines.isEmpty() ? "(no output)" : String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
    }

    /**
     * An address of the API.
     *
     * @param path such as {@code /predict}
     * @return the URL
     */
    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** Stops the API (and waits for it). */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
