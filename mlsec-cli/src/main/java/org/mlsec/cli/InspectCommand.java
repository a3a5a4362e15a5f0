package org.mlsec.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mlsec.model.Inspection;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Models;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"What an attacker learns from a model file alone: family, size, depth, leaf sizes, training data,",
                "feature importances, the split thresholds used most, and each tree as Graphviz DOT."})
final class InspectCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "MODEL", required = true, description = "An mlsec model file.")
    Path model;

    @Option(names = "--dot", paramLabel = "DIR", description = "Write each tree as DIR/tree-NNN.dot.")
    Path dot;

    @Option(names = "--json", paramLabel = "FILE", description = "Write everything as JSON.")
    Path json;

    @Override
    public Integer call() {
        LocalModel m = Models.load(model);
        Inspection.Report r = Inspection.inspect(m);
        System.out.println(model + ": " + r.family().replace('_', ' ') + " predicting " + r.classes());
        if (r.imported() != null) {
            System.out.println("  read from " + r.imported().format() + " (" + r.library() + " " + r.libraryVersion()
                    + "), sha256 " + r.imported().sha256());
            for (String note : r.imported().notes()) {
                System.out.println("  note: " + note);
            }
            int rows = r.trainingRows();
            System.out.println("  trained on " + (rows < 0 ? "an unknown number of" : Integer.toString(rows)) + " rows");
        } else {
            System.out.println("  trained on " + r.trainingRows() + " rows (" + r.trainingData() + ") at "
                    + r.trainedAt());
        }
        Map<String, String> own = new java.util.TreeMap<>();
        r.hyperparameters().forEach((k, v) -> {
            if (!k.contains(".")) {
                own.put(k, v);
            }
        });
        long library = r.hyperparameters().size() - own.size();
        System.out.println("  hyperparameters " + own + (library > 0 ? " and " + library
                + " of the library's own settings (--json shows them)" : ""));
        Inspection.Trees trees = r.trees();
        if (trees != null) {
            Integer smallest = trees.smallestLeafRows();
            System.out.printf("  %s trees, deepest %s, %s leaves, smallest leaf %s%n", trees.count(), trees.maxDepth(),
                    trees.leaves(), smallest == null ? "unknown (the file records no training counts)"
                            : smallest + " training rows");
        }
        Map<String, Double> importances = r.featureImportances();
        if (importances.values().stream().allMatch(v -> v == 0)) {
            System.out.println("  feature importances: none (the file records no split gains)");
        } else {
            System.out.println("  feature importances:");
            importances.entrySet().stream().limit(8)
                    .forEach(e -> System.out.printf("    %-12s %5.1f%%%n", e.getKey(), 100 * e.getValue()));
        }
        if (trees != null) {
            System.out.println("  split thresholds used most:");
            trees.topSplits().entrySet().stream().limit(8)
                    .forEach(e -> System.out.printf("    %-28s %d times%n", e.getKey(), e.getValue()));
        }
        if (dot != null) {
            System.out.println("  wrote " + Inspection.writeDot(m, dot) + " DOT files to " + dot);
        }
        Output.json(json, r.toJson());
        return Main.OK;
    }
}
