package org.mlsec.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mlsec.InputException;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Models;
import org.mlsec.model.onnx.ExportCheck;
import org.mlsec.model.onnx.OnnxExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mlsec export}: writes a model as ONNX, then runs the file with ONNX Runtime next to the model on a seeded
 * sample of rows (or the rows of --data) and refuses, writing nothing, when any row's label differs.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Export a model as ONNX and check the file with ONNX Runtime against it.",
                "Forests, trees and boosting become a TreeEnsembleClassifier, logistic regression",
                "plain operators; the input is the encoded features as doubles. Nothing is written",
                "(exit 1) if any checked row changes class; the rows are a seeded sample within",
                "the schema's ranges, half on split thresholds, or the rows of --data."})
final class ExportCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "MODEL", required = true, description = "A model file mlsec reads.")
    Path model;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "onnx", description = "Only onnx (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "Where to write the ONNX file.")
    Path out;

    @Mixin
    DataOptions data;

    @Option(names = "--rows", paramLabel = "N", defaultValue = "10000",
            description = "Rows sampled for the check when no --data is given (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed of the sample (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() {
        if (!"onnx".equals(format.toLowerCase(Locale.ROOT))) {
            throw new InputException("unsupported export format '" + format + "': mlsec exports onnx");
        }
        LocalModel m = Models.load(model);
        OnnxExport.Exported e = OnnxExport.toOnnx(m);
        double[][] x;
        String checkedOn;
        if (data.data != null) {
            x = data.readFor(m.schema(), false).x();
            checkedOn = x.length + " rows of " + data.data;
        } else {
            x = ExportCheck.sample(m, rows, seed);
            checkedOn = x.length + " sampled rows (seed " + seed + ", within the schema's ranges, half of the values"
                    + " on split thresholds)";
        }
        ExportCheck.Result r = ExportCheck.compare(m, e.bytes(), x);
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("format", "onnx");
        res.put("out", out.toString());
        res.put("written", r.labelsAgree());
        res.put("nodes", e.graphNodes());
        res.put("trees", e.trees());
        res.put("tree_nodes", e.treeNodes());
        res.put("operators", e.operators());
        res.put("bytes", e.bytes().length);
        res.put("input", OnnxExport.INPUT);
        res.put("input_width", e.inputWidth());
        res.put("classes", m.classes());
        res.put("rows_checked", r.rows());
        res.put("max_abs_difference", r.maxAbsDifference());
        res.put("labels_differing", r.labelsDiffering());
        String check = String.format(Locale.ROOT, "ONNX Runtime on %s: max |probability difference| %.2g, ", checkedOn,
                r.maxAbsDifference());
        if (!r.labelsAgree()) {
            Output.json(json, res);
            System.err.println("mlsec: refused: " + check + r.labelsDiffering() + " rows change class (the first is row "
                    + (r.firstDiffering() + 1) + "); " + out + " not written");
            return Main.FINDINGS;
        }
        OnnxExport.write(e, out);
        String family = m.kind().replace('_', ' ');
        System.out.printf("Wrote %s (%,d bytes): %s%s as %s, %d graph nodes.%n", out, e.bytes().length, family,
                e.trees() > 0 ? String.format(" of %d trees (%,d tree nodes)", e.trees(), e.treeNodes()) : "",
                e.operators(), e.graphNodes());
        System.out.printf("  input   %s double[N, %d]: mlsec's encoded features (one-hot categoricals), not rounded%n",
                OnnxExport.INPUT, e.inputWidth());
        System.out.printf("  outputs label %s[N], probabilities float[N, %d] for classes %s%n", e.labelType(),
                m.classes().size(), String.join(", ", m.classes()));
        System.out.println("  metadata: mlsec schema, encoded feature names, classes, provenance");
        System.out.println("  checked with " + check + "the same label on every row");
        Output.json(json, res);
        return Main.OK;
    }
}
