package org.mlsec.model.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.mlsec.MlsecException;
import org.mlsec.data.Column;
import org.mlsec.data.Schema;
import org.mlsec.data.Values;
import org.mlsec.internal.Json;
import org.mlsec.internal.Validate;
import org.mlsec.model.Classifier;

/**
 * A model behind an HTTP JSON scoring API. By default it speaks the shape of a typical Flask endpoint:
 * {@code POST} a JSON list of records {@code [{"FEATURE": value, ...}, ...]} and read {@code {"prediction": [...]}}
 * and, when present, {@code "probability"} (a list of per-class lists, or of positive-class numbers).
 * Rows go in batches; connection failures, 429 and 5xx answers are retried with exponential back-off.
 */
public final class HttpClassifier implements Classifier {
    /**
     * @param endpoint         the scoring URL
     * @param predictionPath   where the labels are in the answer (dotted path; default "prediction")
     * @param probabilityPath  where the probabilities are (default "probability"; null: label-only)
     * @param batchSize        rows per request
     * @param retries          retries of a failed request
     * @param backoff          first wait before a retry; doubles each time
     * @param timeout          per request
     * @param headers          extra headers, such as an API key
     */
    public record Config(URI endpoint, String predictionPath, String probabilityPath, int batchSize, int retries,
                         Duration backoff, Duration timeout, Map<String, String> headers) {
        /**
         * Checks the endpoint is an http(s) URL, the batch size positive and the retries not negative; null headers are
         * none.
         *
         * @param endpoint the scoring URL
         * @param predictionPath where the labels are in the answer (dotted path; default "prediction")
         * @param probabilityPath where the probabilities are (default "probability"; null: label-only)
         * @param batchSize rows per request
         * @param retries retries of a failed request
         * @param backoff first wait before a retry; doubles each time
         * @param timeout per request
         * @param headers extra headers, such as an API key
         */
        public Config {
            Validate.notNull(endpoint, "endpoint URL");
            Validate.isTrue("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme()),
                    "the endpoint must be an http(s) URL, got " + endpoint);
            Validate.positive(batchSize, "batch size");
            Validate.atLeast(retries, 0, "retries");
            headers = headers == null ? Map.of() : Map.copyOf(headers);
        }

        /**
         * The defaults: paths "prediction" and "probability", 100 rows per request, 3 retries from 200 ms, 30 s
         * timeout.
         *
         * @param endpoint the scoring URL
         * @return the configuration
         */
        public static Config of(URI endpoint) {
            return new Config(endpoint, "prediction", "probability", 100, 3, Duration.ofMillis(200),
                    Duration.ofSeconds(30), Map.of());
        }

        /**
         * This configuration with another batch size.
         *
         * @param n rows per request, positive
         * @return the new configuration
         */
        public Config withBatchSize(int n) {
            return new Config(endpoint, predictionPath, probabilityPath, n, retries, backoff, timeout, headers);
        }

        /**
         * This configuration with other retries.
         *
         * @param n retries of a failed request, not negative
         * @param firstWait the first wait before a retry
         * @return the new configuration
         */
        public Config withRetries(int n, Duration firstWait) {
            return new Config(endpoint, predictionPath, probabilityPath, batchSize, n, firstWait, timeout, headers);
        }

        /**
         * This configuration reading the answer at other paths.
         *
         * @param prediction dotted path of the labels
         * @param probability dotted path of the probabilities, null for a label-only API
         * @return the new configuration
         */
        public Config withPaths(String prediction, String probability) {
            return new Config(endpoint, prediction, probability, batchSize, retries, backoff, timeout, headers);
        }

        /**
         * This configuration sending one more header (replacing one of the same name).
         *
         * @param name the header's name
         * @param value its value
         * @return the new configuration
         */
        public Config withHeader(String name, String value) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.put(name, value);
            return new Config(endpoint, predictionPath, probabilityPath, batchSize, retries, backoff, timeout, h);
        }
    }

    private final Schema schema;
    private final Config config;
    private final HttpClient client;
    private final AtomicLong queries = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();

    /**
     * A client of the API in {@code config}; nothing is sent until the first query.
     *
     * @param schema the features sent (in this order) and the classes the answers are mapped to
     * @param config the address and request settings
     */
    public HttpClassifier(Schema schema, Config config) {
        this.schema = schema;
        this.config = config;
        this.client = HttpClient.newBuilder().connectTimeout(config.timeout()).build();
    }

    @Override
    public Schema schema() {
        return schema;
    }

    @Override
    public long queries() {
        return queries.get();
    }

    /**
     * HTTP requests sent, retries included.
     *
     * @return the count so far
     */
    public long requests() {
        return requests.get();
    }

    @Override
    public boolean hasProbabilities() {
        return config.probabilityPath() != null;
    }

    @Override
    public int[] predict(double[][] rows) {
        int[] out = new int[rows.length];
        forEachBatch(rows, (from, answer) -> {
            JsonNode labels = field(answer, config.predictionPath(), "prediction");
            for (int i = 0; i < labels.size(); i++) {
                out[from + i] = classOf(labels.get(i));
            }
        });
        return out;
    }

    /**
     * The API's answers to the rows as class names (canonical text), without mapping them to the schema's classes:
     * how classes are learnt from an API whose classes are not known yet. Each row counts as a query.
     *
     * @param rows the rows, as the schema's features
     * @return one canonical class name per row
     */
    public java.util.List<String> answers(double[][] rows) {
        String[] out = new String[rows.length];
        forEachBatch(rows, (from, answer) -> {
            JsonNode labels = field(answer, config.predictionPath(), "prediction");
            for (int i = 0; i < labels.size() && from + i < out.length; i++) {
                out[from + i] = labelText(labels.get(i));
            }
        });
        return java.util.List.of(out);
    }

    @Override
    public double[][] predictProba(double[][] rows) {
        if (!hasProbabilities()) {
            throw new MlsecException("the endpoint is configured as label-only");
        }
        int k = schema.classes().size();
        double[][] out = new double[rows.length][];
        forEachBatch(rows, (from, answer) -> {
            JsonNode probs = answer.at(pointer(config.probabilityPath()));
            if (probs.isMissingNode() || probs.isNull()) {
                throw new MlsecException(config.endpoint() + " returns no '" + config.probabilityPath()
                        + "' field: it is label-only (use the label-only attacks)");
            }
            checkLength(probs, out.length - from, "probability");
            for (int i = 0; i < probs.size() && from + i < out.length; i++) {
                out[from + i] = probabilityRow(probs.get(i), k);
            }
        });
        return out;
    }

    /** One row's probabilities: a per-class list, or the positive class's number for two classes. */
    private double[] probabilityRow(JsonNode p, int k) {
        double[] row = new double[k];
        if (p.isArray() && p.size() == k) {
            for (int c = 0; c < k; c++) {
                row[c] = number(p.get(c), "probability");
            }
        } else if (p.isNumber() && k == 2) {
            row[1] = number(p, "probability");
            row[0] = 1 - row[1];
        } else {
            throw new MlsecException(config.endpoint() + " answered a probability of unexpected shape: "
                    + abbreviate(p.toString()));
        }
        return row;
    }

    /**
     * One answer of the API read as this classifier reads its answers: the labels mapped to the schema's classes
     * and, when configured and present, the probabilities.
     *
     * @param labels        one class index per row
     * @param probabilities one row of per-class probabilities per row; null when the answer has none
     */
    public record Answer(int[] labels, double[][] probabilities) {
        /**
         * Checks there are labels.
         *
         * @param labels one class index per row
         * @param probabilities per-class probabilities per row, or null
         */
        public Answer {
            Validate.notNull(labels, "labels");
        }
    }

    /**
     * The request body this classifier sends for the rows: a JSON list of records, categories as their text (a
     * number when it looks like one). For a service that calls the API itself (a proxy) and reads the answer with
     * {@link #read}.
     *
     * @param rows the rows, as the schema's features
     * @return the JSON text
     */
    public String requestBody(double[][] rows) {
        return body(rows);
    }

    /**
     * Reads the API's answer to {@code rows} rows, as sent by {@link #requestBody}; nothing is sent and no query is
     * counted.
     *
     * @param json the answer's body
     * @param rows the rows asked about
     * @return the labels and, when the answer has them, the probabilities
     * @throws MlsecException naming what is wrong when the answer is not JSON, lacks the labels, answers another number
     *                        of rows, a class not in the schema or a probability that is not a number
     */
    public Answer read(String json, int rows) {
        JsonNode answer;
        try {
            answer = Json.MAPPER.readTree(json);
        } catch (IOException e) {
            answer = null;
        }
        if (answer == null || !answer.isContainerNode()) {
            throw new MlsecException(config.endpoint() + " answered something that is not JSON: " + abbreviate(json));
        }
        JsonNode labels = field(answer, config.predictionPath(), "prediction");
        if (!labels.isArray() || labels.size() != rows) {
            throw new MlsecException(config.endpoint() + " answered " + (labels.isArray() ? labels.size() : 0)
                    + " prediction values for " + rows + " rows");
        }
        int[] k = new int[rows];
        for (int i = 0; i < rows; i++) {
            k[i] = classOf(labels.get(i));
        }
        double[][] p = null;
        JsonNode probs = hasProbabilities() ? answer.at(pointer(config.probabilityPath())) : null;
        if (probs != null && !probs.isMissingNode() && !probs.isNull()) {
            if (!probs.isArray() || probs.size() != rows) {
                throw new MlsecException(config.endpoint() + " answered " + (probs.isArray() ? probs.size() : 0)
                        + " probability values for " + rows + " rows");
            }
            p = new double[rows][];
            for (int i = 0; i < rows; i++) {
                p[i] = probabilityRow(probs.get(i), schema.classes().size());
            }
        }
        return new Answer(k, p);
    }

    private interface BatchHandler {
        void accept(int from, JsonNode answer);
    }

    private void forEachBatch(double[][] rows, BatchHandler handler) {
        for (int from = 0; from < rows.length; from += config.batchSize()) {
            int to = Math.min(rows.length, from + config.batchSize());
            JsonNode answer = post(body(Arrays.copyOfRange(rows, from, to)));
            JsonNode labels = field(answer, config.predictionPath(), "prediction");
            checkLength(labels, to - from, "prediction");
            queries.addAndGet(to - from);
            handler.accept(from, answer);
        }
    }

    private void checkLength(JsonNode arr, int expected, String what) {
        if (!arr.isArray() || arr.size() < Math.min(expected, config.batchSize())) {
            throw new MlsecException(config.endpoint() + " answered " + (arr.isArray() ? arr.size() : 0) + " " + what
                    + " values for a batch of " + Math.min(expected, config.batchSize()) + " rows");
        }
    }

    /** The rows as a JSON list of records: categories as their text (a number when it looks like one). */
    String body(double[][] rows) {
        ArrayNode list = Json.MAPPER.createArrayNode();
        for (double[] r : rows) {
            ObjectNode rec = list.addObject();
            for (int j = 0; j < schema.width(); j++) {
                Column c = schema.feature(j);
                String text = c.format(r[j]);
                double v = Values.parse(text);
                if (Double.isNaN(v)) {
                    rec.put(c.name(), text);
                } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
                    rec.put(c.name(), (long) v);
                } else {
                    rec.put(c.name(), v);
                }
            }
        }
        return list.toString();
    }

    private JsonNode post(String body) {
        Duration wait = config.backoff();
        String lastProblem = null;
        for (int attempt = 0; attempt <= config.retries(); attempt++) {
            if (attempt > 0) {
                sleep(wait);
                wait = wait.multipliedBy(2);
            }
            HttpRequest.Builder rb = HttpRequest.newBuilder(config.endpoint()).timeout(config.timeout())
                    .header("Content-Type", "application/json").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            config.headers().forEach(rb::header);
            try {
                requests.incrementAndGet();
                HttpResponse<String> resp = client.send(rb.build(), HttpResponse.BodyHandlers.ofString());
                int code = resp.statusCode();
                if (code == 429 || code >= 500) {
                    lastProblem = "HTTP " + code + " " + abbreviate(resp.body());
                    long retryAfter = resp.headers().firstValueAsLong("Retry-After").orElse(-1);
                    if (retryAfter > 0) {
                        wait = Duration.ofSeconds(Math.min(retryAfter, 60));
                    }
                    continue;
                }
                if (code >= 400) {
                    throw new RefusedException(config.endpoint() + " refused the request: HTTP " + code + " "
                            + abbreviate(resp.body()), code);
                }
                try {
                    return Json.MAPPER.readTree(resp.body());
                } catch (IOException e) {
                    throw new MlsecException(config.endpoint() + " answered something that is not JSON: "
                            + abbreviate(resp.body()));
                }
            } catch (IOException e) {
                lastProblem = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MlsecException("interrupted while querying " + config.endpoint(), e);
            }
        }
        throw new MlsecException(config.endpoint() + " failed after " + (config.retries() + 1) + " attempts: " + lastProblem);
    }

    private JsonNode field(JsonNode answer, String path, String what) {
        JsonNode n = answer.at(pointer(path));
        if (n.isMissingNode()) {
            throw new MlsecException(config.endpoint() + " answered without a '" + path + "' field: "
                    + abbreviate(answer.toString()));
        }
        return n;
    }

    private static String labelText(JsonNode label) {
        return Values.canonical((label.isNumber() ? Values.format(label.asDouble()) : label.asText()).trim());
    }

    private int classOf(JsonNode label) {
        String text = label.isNumber() ? Values.format(label.asDouble()) : label.asText();
        int c = schema.classIndex(text);
        if (c < 0) {
            throw new MlsecException(config.endpoint() + " answered class '" + abbreviate(text) + "', not one of "
                    + schema.classes());
        }
        return c;
    }

    private double number(JsonNode n, String what) {
        if (!n.isNumber() || !Double.isFinite(n.asDouble())) {
            throw new MlsecException(config.endpoint() + " answered a " + what + " that is not a number: " + n);
        }
        return n.asDouble();
    }

    static String pointer(String dotted) {
        return "/" + dotted.replace("~", "~0").replace("/", "~1").replace('.', '/');
    }

    private static String abbreviate(String s) {
        s = s.replace('\n', ' ');
        return s.length() <= 200 ? s : s.substring(0, 197) + "...";
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MlsecException("interrupted", e);
        }
    }
}
