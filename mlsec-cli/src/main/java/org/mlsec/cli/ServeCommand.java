package org.mlsec.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.mlsec.Result;
import org.mlsec.defences.integrity.Canaries;
import org.mlsec.defences.integrity.VerifiedModel;
import org.mlsec.defences.integrity.Pem;
import org.mlsec.defences.preprocessor.InputSchema;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Models;
import org.mlsec.server.GuardConfig;
import org.mlsec.server.GuardedServer;
import org.mlsec.server.GuardingProxy;
import org.mlsec.model.remote.HttpClassifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve a model over HTTP with guards: POST /predict and /predict_proba (a JSON list of records),",
                "GET /health, /metrics, /openapi.json. Refuses to start when the signature or canaries fail (exit 1).",
                "With --upstream URL instead of --model: a guarding proxy in front of an existing scoring API (every",
                "guard applies; validated requests are forwarded in the API's JSON shape)."})
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "MODEL", description = "A model file (mlsec, ONNX, XGBoost, LightGBM, PMML, scikit-learn pickle).")
    Path model;

    @Option(names = "--upstream", paramLabel = "URL", description = "Guard this scoring API instead of serving a model (needs --schema).")
    java.net.URI upstream;

    @Option(names = "--classes", paramLabel = "A,B", split = ",", description = "With --upstream: the API's classes (default: the label of --reference, else learnt from the API's answers to --reference rows); for a black-box model file, its classes.")
    List<String> classes;

    @Option(names = "--features", paramLabel = "A,B", split = ",", description = "With --upstream: the fields the API reads (default: every field of --schema).")
    List<String> features;

    @Option(names = "--upstream-prediction", paramLabel = "PATH", defaultValue = "prediction", description = "With --upstream: dotted path of the labels in its answers (default: ${DEFAULT-VALUE}).")
    String predictionPath;

    @Option(names = "--upstream-probability", paramLabel = "PATH", defaultValue = "probability", description = "With --upstream: dotted path of the probabilities, or none for a label-only API (default: ${DEFAULT-VALUE}).")
    String probabilityPath;

    @Option(names = "--schema", paramLabel = "FILE", description = "Input schema to enforce (default: the model's own ranges, widened 10%%).")
    Path schema;

    @picocli.CommandLine.Mixin
    RulesOption rules;

    @Option(names = "--signature", paramLabel = "FILE", description = "Check the model's signature before serving.")
    Path signature;

    @Option(names = "--public-key", paramLabel = "PEM", description = "Key for --signature.")
    Path publicKey;

    @Option(names = "--canaries", paramLabel = "FILE", description = "Check the model against canaries before serving.")
    Path canaries;

    @Option(names = "--config", paramLabel = "FILE", description = "Guard settings (JSON).")
    Path config;

    @Option(names = "--guards-off", description = "Serve the bare model (for comparisons).")
    boolean guardsOff;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080", description = "Port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--audit-log", paramLabel = "FILE", description = "Append-only JSON-lines log of requests and alerts.")
    Path auditLog;

    @Option(names = "--reference", paramLabel = "FILE", description = "Genuine rows (CSV): the extraction detector learns their feature dependencies.")
    Path reference;

    @Override
    public Integer call() throws InterruptedException {
        if ((model == null) == (upstream == null)) {
            throw new org.mlsec.InputException("give either --model MODEL or --upstream URL");
        }
        if (upstream != null) {
            return proxy();
        }
        org.mlsec.model.Classifier m;
        if (signature != null) {
            if (publicKey == null) {
                throw new org.mlsec.InputException("--signature needs --public-key");
            }
            VerifiedModel v = VerifiedModel.read(model, signature, Pem.readPublic(publicKey));
            if (!v.holds()) {
                System.err.println("mlsec: refusing to serve " + model + ": its signature does not hold:");
                v.signature().details().forEach(d -> System.err.println("  " + d));
                return Main.FINDINGS;
            }
            m = v.load();
        } else {
            m = open();
        }
        if (canaries != null) {
            Result r = Canaries.check(m, Canaries.read(canaries), Canaries.DEFAULT_TOLERANCE);
            if (r.finding()) {
                System.err.println("mlsec: refusing to serve " + model + ": " + (int) r.metric("failed") + " canaries fail:");
                r.details().forEach(d -> System.err.println("  " + d));
                return Main.FINDINGS;
            }
        }
        GuardConfig g = guards();
        org.mlsec.data.Dataset ref = reference == null ? null
                : org.mlsec.data.CsvReader.read(reference, m.schema(), org.mlsec.data.CsvOptions.unlabelled());
        if (ref != null && m instanceof LocalModel) {
            m = Models.withRanges((LocalModel) m, ref);
        }
        if (schema == null && m.schema().features().stream().anyMatch(c -> !c.isCategorical()
                && (Double.isInfinite(c.min()) || Double.isInfinite(c.max())))) {
            System.err.println("mlsec: " + model + " records no input ranges: requests are checked for their fields and"
                    + " types only; pass --schema or --reference to check ranges too");
        }
        InputSchema s = schema != null ? InputSchema.read(schema) : InputSchema.ofModel(m.schema());
        s = rules.apply(s);
        GuardedServer server = new GuardedServer(m, s, g, ref).start(host, port);
        if (server.detectorNote() != null) {
            System.err.println("mlsec: " + server.detectorNote());
        }
        if (server.schemaNote() != null) {
            System.err.println("mlsec: " + schema + ": " + server.schemaNote());
        }
        System.out.printf("Serving %s on http://%s:%d (POST /predict, /predict_proba; GET /health, /metrics, /openapi.json);"
                + " guards %s. Ctrl-C stops.%n", model, host, server.port(), guardsOff ? "off" : "on");
        return awaitStop(server);
    }

    /**
     * The model file in any format {@code Models.open} reads: white-box where the format allows, else (an ONNX graph
     * beyond trees and linear models) run as a black box through ONNX Runtime in the fields of --schema.
     */
    private org.mlsec.model.Classifier open() {
        try {
            return Models.load(model);
        } catch (org.mlsec.model.formats.NotWhiteBoxException e) {
            if (schema == null || classes == null || classes.isEmpty()) {
                throw new org.mlsec.InputException(model + " (" + e.getMessage() + ") runs as a black box: give --schema"
                        + " FILE (its inputs, in order) and --classes A,B (its classes, in output order)");
            }
            InputSchema s = InputSchema.read(schema);
            List<String> k = classes.stream().map(c -> org.mlsec.data.Values.canonical(c.trim())).toList();
            System.err.println("mlsec: " + model + ": " + e.getMessage() + "; running it through ONNX Runtime on the "
                    + s.features().size() + " fields of " + schema + ", classes " + k);
            return Models.open(model.toString(), new org.mlsec.data.Schema(s.toSchema().features(),
                    s.label() == null ? "label" : s.label(), k));
        }
    }

    private GuardConfig guards() {
        GuardConfig g = guardsOff ? GuardConfig.off() : config != null ? GuardConfig.read(config) : GuardConfig.defaults();
        if (guardsOff && config != null) {
            // --guards-off with a config keeps its upstream settings (timeout, requests in flight).
            GuardConfig c = GuardConfig.read(config);
            g = g.withUpstream(c.upstreamTimeoutMs(), c.upstreamMaxInFlight());
        }
        return auditLog == null ? g : g.withAuditLog(auditLog.toString());
    }

    /** The guarding proxy: the upstream's features from the schema, its classes given, read or learnt. */
    private Integer proxy() throws InterruptedException {
        if (schema == null) {
            throw new org.mlsec.InputException("--upstream needs --schema FILE (mlsec schema infer): the fields the API"
                    + " reads and the ranges they are checked against");
        }
        if (signature != null || canaries != null) {
            throw new org.mlsec.InputException("--signature and --canaries check a model file: not with --upstream");
        }
        GuardConfig g = guards();
        HttpClassifier.Config c = HttpClassifier.Config.of(upstream)
                .withPaths(predictionPath, "none".equals(probabilityPath) ? null : probabilityPath);
        GuardingProxy p = GuardingProxy.open(c, rules.apply(InputSchema.read(schema)), features, g, reference, classes);
        p.notes().forEach(n -> System.err.println("mlsec: " + n));
        GuardedServer server = p.server().start(host, port);
        System.out.printf("Guarding %s on http://%s:%d (POST /predict, /predict_proba; GET /health, /metrics,"
                + " /openapi.json); guards %s. Ctrl-C stops.%n", upstream, host, server.port(), guardsOff ? "off" : "on");
        return awaitStop(server);
    }

    private static Integer awaitStop(GuardedServer server) throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stop.countDown();
        }));
        stop.await();
        return Main.OK;
    }

}
