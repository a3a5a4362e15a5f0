package org.mlsec.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.mlsec.data.Dataset;
import org.mlsec.model.Classifier;
import org.mlsec.model.Predictions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Predict classes and probabilities for the rows of a CSV file (columns matched by name).")
final class PredictCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "MODEL", required = true,
            description = "A model saved by mlsec train, an ONNX file, or an http(s) scoring URL (with --label).")
    String modelSpec;

    @Mixin
    DataOptions data;

    @Option(names = "--out", paramLabel = "FILE", description = "Write predictions as CSV here instead of stdout.")
    Path out;

    @Option(names = "--json", paramLabel = "FILE", description = "Write predictions and class counts as JSON.")
    Path json;

    @Option(names = "--strict", description = "Refuse rows with values the model never saw (unknown categories, numbers outside the training range) instead of warning.")
    boolean strict;

    @Override
    public Integer call() throws IOException {
        org.mlsec.internal.AtomicFiles.refuseInput(out, "--out", data.data, modelSpec.contains("://") ? null : Path.of(modelSpec));
        org.mlsec.internal.AtomicFiles.refuseInput(json, "--json", data.data, modelSpec.contains("://") ? null : Path.of(modelSpec));
        Target target = Target.open(modelSpec, data, false);
        Classifier model = target.model();
        Dataset d = target.data();
        List<org.mlsec.data.Unfamiliar> unfamiliar = data.lastReport == null || !(model instanceof org.mlsec.model.LocalModel)
                ? List.of() : org.mlsec.data.Unfamiliar.find(model.schema(), d, data.lastReport);
        if (strict && !unfamiliar.isEmpty()) {
            throw new org.mlsec.InputException(data.data + ": values the model never saw (--strict): " + unfamiliar.get(0)
                    + (unfamiliar.size() > 1 ? "; and " + (unfamiliar.size() - 1) + " more column(s)" : ""));
        }
        for (org.mlsec.data.Unfamiliar u : unfamiliar) {
            System.err.println("mlsec: warning: " + u + "; predicted anyway (--strict refuses)");
        }
        Predictions pr = Predictions.of(model, d);
        List<String> classes = pr.classes();
        List<String> labels = pr.labels();
        double[][] p = pr.probabilities();
        if (out != null) {
            org.mlsec.internal.AtomicFiles.write(out, o -> {
                Writer w = new BufferedWriter(new OutputStreamWriter(o, StandardCharsets.UTF_8));
                writeCsv(w, classes, labels, p);
                w.flush();
            });
        } else {
            Writer w = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
            writeCsv(w, classes, labels, p);
            w.flush();
        }
        if (out != null) {
            System.err.println("wrote " + p.length + " predictions to " + out);
        }
        Output.json(json, pr.toJson(unfamiliar));
        return Main.OK;
    }

    private static void writeCsv(Writer w, List<String> classes, List<String> labels, double[][] p) throws IOException {
        StringBuilder sb = new StringBuilder("row,prediction");
        for (String c : classes) {
            sb.append(",p_").append(c);
        }
        w.write(sb.append('\n').toString());
        for (int i = 0; i < p.length; i++) {
            sb.setLength(0);
            sb.append(i + 1).append(',').append(labels.get(i));
            for (double v : p[i]) {
                sb.append(',').append(v);
            }
            w.write(sb.append('\n').toString());
        }
    }
}
