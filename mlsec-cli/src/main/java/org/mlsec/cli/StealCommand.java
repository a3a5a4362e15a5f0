package org.mlsec.cli;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mlsec.InputException;
import org.mlsec.Result;
import org.mlsec.attacks.extraction.Extraction;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.defences.postprocessor.HardenedOutput;
import org.mlsec.defences.preprocessor.InputSchema;
import org.mlsec.model.Algorithm;
import org.mlsec.model.Classifier;
import org.mlsec.model.ModelIo;
import org.mlsec.model.Models;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.remote.ClassDiscovery;
import org.mlsec.model.remote.HttpClassifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "steal", mixinStandardHelpOptions = true,
        description = {"Model stealing through the prediction API: learn (random or active queries), equation (logistic",
                "regression with probabilities, exact), sweep (the talk's grid sweeps) or path (label-only path-finding for",
                "decision trees and small forests, exact where the data reaches); saves the surrogate."})
final class StealCommand implements Callable<Integer> {
    @Option(names = "--target", paramLabel = "URL", description = "The scoring API (POST /predict or /predict_proba).")
    URI target;

    @Option(names = "--model", paramLabel = "MODEL", description = "Or a local model file, queried as a black box.")
    Path model;

    @Option(names = "--schema", paramLabel = "FILE", description = "Input schema: features and ranges to query within.")
    Path schema;

    @Mixin
    DataOptions data;

    @Option(names = "--eval", paramLabel = "FILE", description = "Rows the target never trained on, to measure fidelity (and accuracy, with --label).")
    Path eval;

    @Option(names = "--budget", paramLabel = "N", defaultValue = "2000", description = "Query budget (default: ${DEFAULT-VALUE}).")
    int budget;

    @Option(names = "--strategy", paramLabel = "S", defaultValue = "learn", description = "learn, learn-active (learn with --active), equation, sweep or path (default: ${DEFAULT-VALUE}).")
    String strategy;

    @Option(names = "--active", description = "learn: spend half the budget near the surrogate's decision boundary.")
    boolean active;

    @Option(names = "--labels-only", description = "Use only the predicted labels (the API may return only those).")
    boolean labelsOnly;

    @Option(names = "--surrogate", paramLabel = "ALGO", defaultValue = "rf", description = "Surrogate family for learn/sweep (default: ${DEFAULT-VALUE}).")
    String surrogate;

    @Option(names = "--vary", paramLabel = "COL=VALUES", description = "sweep: a varied feature, e.g. AGE=21..79 or SEX=1,2.")
    List<String> vary = new ArrayList<>();

    @Option(names = "--fix", paramLabel = "COL=V", description = "sweep: a fixed feature.")
    List<String> fix = new ArrayList<>();

    @Option(names = "--features", paramLabel = "A,B", split = ",", description = "The API's input fields, when --data has more columns.")
    List<String> features;

    @Option(names = "--classes", paramLabel = "A,B", split = ",", description = "The target's classes, when no --label says them (default: learnt from the API's answers).")
    List<String> classes;

    @Option(names = "--api-key", paramLabel = "KEY", description = "Sent as X-API-Key.")
    String apiKey;

    @Option(names = "--out", paramLabel = "MODEL", description = "Save the surrogate (an mlsec model).")
    Path out;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42") long seed;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() {
        if ((target == null) == (model == null)) {
            throw new InputException("give either --target URL or --model FILE");
        }
        Classifier t;
        Dataset known = null;
        long discovery = 0;
        if (model != null) {
            t = Models.load(model);
            if (data.data != null) {
                known = data.readFor(t.schema(), false);
            }
        } else {
            Schema s;
            HttpClassifier.Config c = HttpClassifier.Config.of(target).withPaths("prediction", labelsOnly ? null : "probability");
            if (apiKey != null) {
                c = c.withHeader("X-API-Key", apiKey);
            }
            if (data.data != null && data.label == null) {
                // The attacker's rows carry no label: the API's classes are given or learnt from its answers.
                known = data.readUnlabelled();
                if (features != null) {
                    known = known.select(features);
                }
                ClassDiscovery.Discovered found = ClassDiscovery.connect(c, known, classes,
                        Math.min(ClassDiscovery.DEFAULT_SAMPLE, Math.max(1, budget / 10)), Target.DISCOVERY_SEED);
                System.err.println("mlsec: no --label: " + found.describe());
                discovery = found.queries();
                known = new Dataset(found.classifier().schema(), known.x(), null);
                s = known.schema();
            } else if (data.data != null) {
                known = data.readLabelled();
                if (features != null) {
                    known = known.select(features);
                }
                s = known.schema();
            } else if (schema != null) {
                if (classes == null) {
                    throw new InputException("--classes A,B is required with --schema and no --data");
                }
                Schema base = InputSchema.read(schema).toSchema();
                s = new Schema(base.features(), base.label(), classes);
            } else {
                throw new InputException("give --schema or --data: the features to query");
            }
            t = new HttpClassifier(s, c);
        }
        if (labelsOnly) {
            t = HardenedOutput.labelOnly(t);
        }
        TrainConfig sc = TrainConfig.defaults(Algorithm.parse(surrogate)).withSeed(seed);
        int budget = this.budget - (int) discovery; // learning the classes spent part of it
        Extraction.Strategy chosen = Extraction.Strategy.of(strategy).active(active);
        Map<String, List<String>> v = new LinkedHashMap<>();
        for (String s : vary) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new InputException("--vary " + s + ": expected COLUMN=VALUES");
            }
            v.put(s.substring(0, eq), Extraction.values(s.substring(eq + 1)));
        }
        if (chosen == Extraction.Strategy.SWEEP && v.isEmpty()) {
            throw new InputException("sweep needs at least one --vary COLUMN=VALUES");
        }
        Extraction.Plan plan = new Extraction.Plan(chosen, known, budget, sc, v, Assignments.of(fix, "--fix"), seed);
        Extraction.Stolen stolen = Extraction.extract(t, plan, Output.progress());
        Result r = stolen.result();
        if (eval != null) {
            // Fidelity needs only the target's answers; accuracy figures need the ground truth, i.e. --label.
            Dataset e = org.mlsec.data.CsvReader.read(eval, stolen.surrogate().schema(), data.options(data.label));
            r = Extraction.evaluate(stolen, t, e);
            if (data.label == null) {
                System.err.println("mlsec: --eval without --label: fidelity only (accuracy needs the true labels)");
            }
        }
        if (discovery > 0) {
            Map<String, Object> metrics = new LinkedHashMap<>(r.metrics());
            metrics.put("queries", (long) r.metric("queries") + discovery);
            metrics.put("class_discovery_queries", discovery);
            r = new Result(r.threat(), r.technique(), r.finding(), metrics, r.details());
        }
        if (out != null) {
            ModelIo.save(stolen.surrogate(), out);
        }
        System.out.printf("Stole a %s with %d queries (%s)%s.%n", stolen.surrogate().kind().replace('_', ' '),
                (long) r.metric("queries"), strategy, out == null ? "" : "; saved to " + out);
        if (r.has("thresholds")) {
            System.out.printf("  %d label-changing thresholds found, %d cells asked%n", (int) r.metric("thresholds"),
                    (int) r.metric("cells"));
        }
        if (r.has("fidelity")) {
            System.out.printf("  fidelity %.4f on %d held-out rows%s%n", r.metric("fidelity"), (int) r.metric("eval_rows"),
                    r.has("surrogate_accuracy") ? ", surrogate accuracy " + Output.pct(r.metric("surrogate_accuracy"))
                            + " (target " + Output.pct(r.metric("target_accuracy")) + ")" : "");
        }
        Output.json(json, r.toJson());
        return Main.OK;
    }
}
