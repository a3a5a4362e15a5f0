package org.mlsec.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.mlsec.data.Dataset;
import org.mlsec.metrics.ModelEvaluation;
import org.mlsec.model.Classifier;
import org.mlsec.model.LocalModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Measure a model on labelled data: accuracy, balanced accuracy, ROC AUC, confusion matrix.")
final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "MODEL", required = true,
            description = "A model saved by mlsec train, an ONNX file, or an http(s) scoring URL.")
    String modelSpec;

    @Mixin
    DataOptions data;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() {
        Target target = Target.open(modelSpec, data, true);
        Classifier model = target.model();
        Dataset d = target.data();
        ModelEvaluation.Report r = ModelEvaluation.evaluate(model, d);
        String kind = model instanceof LocalModel ? ((LocalModel) model).kind().replace('_', ' ') : modelSpec;
        System.out.printf("%s on %s (%d rows)%n", kind, data.data, d.rows());
        System.out.printf("  accuracy %s, balanced accuracy %s, ROC AUC %s%s%n", Output.pct(r.accuracy()),
                Output.pct(r.balancedAccuracy()), Double.isNaN(r.auc()) ? "n/a" : Output.num(r.auc()),
                r.aucOneVsRest().isEmpty() ? "" : " (macro average of one-vs-rest: " + String.join(", ",
                        r.aucOneVsRest().entrySet().stream().map(e -> e.getKey() + " " + Output.num(e.getValue()))
                                .toList()) + ")");
        System.out.println("  confusion matrix (rows: true class, columns: predicted):");
        StringBuilder head = new StringBuilder(String.format("  %10s", ""));
        r.classes().forEach(c -> head.append(String.format(" %10s", c)));
        System.out.println(head);
        List<String> classes = d.schema().classes();
        for (int a = 0; a < classes.size(); a++) {
            StringBuilder row = new StringBuilder(String.format("  %10s", classes.get(a)));
            for (long n : r.confusion()[a]) {
                row.append(String.format(" %10d", n));
            }
            System.out.println(row);
        }
        Output.json(json, r.toJson());
        return Main.OK;
    }
}
