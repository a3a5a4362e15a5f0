package org.mlsec.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mlsec.data.Dataset;
import org.mlsec.metrics.Evaluation;
import org.mlsec.metrics.Metrics;
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

    @Option(names = "--json", paramLabel = "FILE", description = "Write the results as JSON.")
    Path json;

    @Override
    public Integer call() {
        Target target = Target.open(modelSpec, data, true);
        Classifier model = target.model();
        Dataset d = target.data();
        List<String> classes = d.schema().classes();
        double[][] p = model.hasProbabilities() ? model.predictProba(d.x()) : null;
        String[] names = new String[d.rows()];
        int[] idx = p == null ? model.predict(d.x()) : null;
        for (int i = 0; i < names.length; i++) {
            names[i] = model.classes().get(p != null ? Classifier.argmax(p[i]) : idx[i]);
        }
        int k = classes.size();
        int[] pred = Evaluation.toDataClasses(names, d);
        for (int i = 0; i < pred.length; i++) {
            pred[i] = pred[i] < 0 ? k : pred[i]; // a class the data does not have: counted in an "other" column
        }
        double acc = Evaluation.accuracy(names, d);
        double bal = Metrics.balancedAccuracy(d.y(), pred, k + 1);
        int positive = model.classes().indexOf(classes.get(k - 1));
        double auc = Double.NaN;
        Map<String, Double> ovr = new LinkedHashMap<>();
        if (p != null && positive >= 0 && k == 2) {
            auc = Metrics.auc(d.y(), columns(p, model, classes), 1);
        } else if (p != null && k > 2 && classes.stream().allMatch(c -> model.classes().contains(c))) {
            double[][] q = columns(p, model, classes);
            for (int c = 0; c < k; c++) {
                ovr.put(classes.get(c), Metrics.auc(d.y(), q, c));
            }
            auc = Metrics.auc(d.y(), q);
        }
        long[][] cm = Metrics.confusion(d.y(), pred, k + 1);
        String kind = model instanceof LocalModel ? ((LocalModel) model).kind().replace('_', ' ') : modelSpec;
        System.out.printf("%s on %s (%d rows)%n", kind, data.data, d.rows());
        System.out.printf("  accuracy %s, balanced accuracy %s, ROC AUC %s%s%n", Output.pct(acc), Output.pct(bal),
                Double.isNaN(auc) ? "n/a" : Output.num(auc), ovr.isEmpty() ? "" : " (macro average of one-vs-rest: "
                        + String.join(", ", ovr.entrySet().stream().map(e -> e.getKey() + " " + Output.num(e.getValue()))
                        .toList()) + ")");
        System.out.println("  confusion matrix (rows: true class, columns: predicted):");
        List<String> cols = new ArrayList<>(classes);
        boolean other = false;
        for (long[] row : cm) {
            other |= row[k] > 0;
        }
        if (other) {
            cols.add("(other)");
        }
        StringBuilder head = new StringBuilder(String.format("  %10s", ""));
        cols.forEach(c -> head.append(String.format(" %10s", c)));
        System.out.println(head);
        long[][] shown = new long[k][cols.size()];
        for (int a = 0; a < k; a++) {
            StringBuilder row = new StringBuilder(String.format("  %10s", classes.get(a)));
            for (int b = 0; b < cols.size(); b++) {
                shown[a][b] = cm[a][b];
                row.append(String.format(" %10d", cm[a][b]));
            }
            System.out.println(row);
        }
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("accuracy", acc);
        res.put("balanced_accuracy", bal);
        res.put("auc", Double.isNaN(auc) ? null : auc);
        if (!ovr.isEmpty()) {
            res.put("auc_one_vs_rest", ovr);
        }
        res.put("rows", d.rows());
        res.put("classes", cols);
        res.put("confusion", shown);
        Output.json(json, res);
        return Main.OK;
    }

    /** The model's probabilities reordered into the data's classes (every data class is one of the model's). */
    private static double[][] columns(double[][] p, Classifier model, List<String> classes) {
        double[][] q = new double[p.length][classes.size()];
        for (int c = 0; c < classes.size(); c++) {
            int m = model.classes().indexOf(classes.get(c));
            for (int i = 0; i < p.length; i++) {
                q[i][c] = p[i][m];
            }
        }
        return q;
    }
}
