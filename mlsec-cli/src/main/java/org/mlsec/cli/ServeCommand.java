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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve a model over HTTP with guards: POST /predict and /predict_proba (a JSON list of records),",
                "GET /health, /metrics, /openapi.json. Refuses to start when the signature or canaries fail (exit 1)."})
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "MODEL", required = true, description = "An mlsec model file.")
    Path model;

    @Option(names = "--schema", paramLabel = "FILE", description = "Input schema to enforce (default: the model's own ranges, widened 10%%).")
    Path schema;

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
        LocalModel m;
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
            m = Models.load(model);
        }
        if (canaries != null) {
            Result r = Canaries.check(m, Canaries.read(canaries), Canaries.DEFAULT_TOLERANCE);
            if (r.finding()) {
                System.err.println("mlsec: refusing to serve " + model + ": " + (int) r.metric("failed") + " canaries fail:");
                r.details().forEach(d -> System.err.println("  " + d));
                return Main.FINDINGS;
            }
        }
        GuardConfig g = guardsOff ? GuardConfig.off() : config != null ? GuardConfig.read(config) : GuardConfig.defaults();
        if (auditLog != null) {
            g = g.withAuditLog(auditLog.toString());
        }
        org.mlsec.data.Dataset ref = reference == null ? null
                : org.mlsec.data.CsvReader.read(reference, m.schema(), org.mlsec.data.CsvOptions.unlabelled());
        if (ref != null) {
            m = Models.withRanges(m, ref);
        }
        if (schema == null && m.schema().features().stream().anyMatch(c -> !c.isCategorical()
                && (Double.isInfinite(c.min()) || Double.isInfinite(c.max())))) {
            System.err.println("mlsec: " + model + " records no input ranges: requests are checked for their fields and"
                    + " types only; pass --schema or --reference to check ranges too");
        }
        InputSchema s = schema != null ? InputSchema.read(schema) : fromModel(m);
        GuardedServer server = new GuardedServer(m, s, g, ref).start(host, port);
        if (server.detectorNote() != null) {
            System.err.println("mlsec: " + server.detectorNote());
        }
        if (server.schemaNote() != null) {
            System.err.println("mlsec: " + schema + ": " + server.schemaNote());
        }
        System.out.printf("Serving %s on http://%s:%d (POST /predict, /predict_proba; GET /health, /metrics, /openapi.json);"
                + " guards %s. Ctrl-C stops.%n", model, host, server.port(), guardsOff ? "off" : "on");
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stop.countDown();
        }));
        stop.await();
        return Main.OK;
    }

    /** The model's observed ranges widened by the schema margin, with the domain rules. */
    static InputSchema fromModel(LocalModel m) {
        List<InputSchema.Field> fields = new java.util.ArrayList<>();
        for (org.mlsec.data.Column c : m.schema().features()) {
            if (c.isCategorical()) {
                fields.add(new InputSchema.Field(c.name(), c.type().key(), null, null, c.categories()));
            } else if (Double.isInfinite(c.min()) || Double.isInfinite(c.max())) {
                fields.add(new InputSchema.Field(c.name(), c.type().key(), null, null, null));
            } else {
                double margin = (c.max() - c.min()) * InputSchema.MARGIN;
                double lo = c.min() >= 0 ? Math.max(0, c.min() - margin) : c.min() - margin;
                fields.add(new InputSchema.Field(c.name(), c.type().key(), Math.floor(lo), Math.ceil(c.max() + margin), null));
            }
        }
        return new InputSchema(InputSchema.FORMAT, 1, m.schema().label(), fields, InputSchema.domainRulesFor(m.schema()));
    }
}
