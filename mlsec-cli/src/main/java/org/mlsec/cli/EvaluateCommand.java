package org.mlsec.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mlsec.data.Dataset;
import org.mlsec.metrics.Metrics;
import org.mlsec.model.Classifier;
import org.mlsec.model.LocalModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Measure a saved model on labelled data: accuracy, ROC AUC, confusion matrix.")
final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "MODEL", required = true,
            description = "A model saved by mlsec train, an ONNX file, or an http(s) scoring URL.")
    String modelSpec;

    @Mixin
    DataOptions data;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the results as JSON.")
    Path json;

    @Override
    public Integer call() {
        Target target = Target.open(modelSpec, data, true);
        Classifier model = target.model();
        Dataset d = target.data();
        double[][] p = model.hasProbabilities() ? model.predictProba(d.x()) : null;
        int[] pred = new int[d.rows()];
        if (p != null) {
            for (int i = 0; i < p.length; i++) {
                pred[i] = Classifier.argmax(p[i]);
            }
        } else {
            pred = model.predict(d.x());
        }
        int k = model.classes().size();
        double acc = Metrics.accuracy(d.y(), pred);
        double bal = Metrics.balancedAccuracy(d.y(), pred, k);
        double auc = p == null ? Double.NaN : Metrics.auc(d.y(), p);
        long[][] cm = Metrics.confusion(d.y(), pred, k);
        String kind = model instanceof LocalModel ? ((LocalModel) model).kind().replace('_', ' ') : modelSpec;
        System.out.printf("%s on %s (%d rows)%n", kind, data.data, d.rows());
        System.out.printf("  accuracy %s, balanced accuracy %s, ROC AUC %s%n", Output.pct(acc), Output.pct(bal), Output.num(auc));
        System.out.println("  confusion matrix (rows: true class, columns: predicted):");
        StringBuilder head = new StringBuilder(String.format("  %10s", ""));
        for (String c : model.classes()) {
            head.append(String.format(" %10s", c));
        }
        System.out.println(head);
        for (int a = 0; a < k; a++) {
            StringBuilder row = new StringBuilder(String.format("  %10s", model.classes().get(a)));
            for (int b = 0; b < k; b++) {
                row.append(String.format(" %10d", cm[a][b]));
            }
            System.out.println(row);
        }
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("accuracy", acc);
        res.put("balanced_accuracy", bal);
        res.put("auc", Double.isNaN(auc) ? null : auc);
        res.put("rows", d.rows());
        res.put("classes", model.classes());
        res.put("confusion", cm);
        Output.json(json, res);
        return Main.OK;
    }
}
