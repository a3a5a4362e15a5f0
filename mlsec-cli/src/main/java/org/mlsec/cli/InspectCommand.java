package org.mlsec.cli;

import java.nio.file.Path;
import java.util.List;
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
    @SuppressWarnings("unchecked")
    public Integer call() {
        LocalModel m = Models.load(model);
        Map<String, Object> r = Inspection.inspect(m);
        System.out.println(model + ": " + r.get("family").toString().replace('_', ' ') + " predicting " + r.get("classes"));
        if (r.containsKey("format")) {
            System.out.println("  read from " + r.get("format") + " (" + r.get("library") + " " + r.get("library_version")
                    + "), sha256 " + r.get("sha256"));
            for (Object note : (List<Object>) r.get("notes")) {
                System.out.println("  note: " + note);
            }
            int rows = ((Number) r.get("training_rows")).intValue();
            System.out.println("  trained on " + (rows < 0 ? "an unknown number of" : Integer.toString(rows)) + " rows");
        } else {
            System.out.println("  trained on " + r.get("training_rows") + " rows (" + r.get("training_data") + ") at "
                    + r.get("trained_at"));
        }
        Map<String, String> hyper = (Map<String, String>) r.get("hyperparameters");
        Map<String, String> own = new java.util.TreeMap<>();
        hyper.forEach((k, v) -> {
            if (!k.contains(".")) {
                own.put(k, v);
            }
        });
        long library = hyper.size() - own.size();
        System.out.println("  hyperparameters " + own + (library > 0 ? " and " + library
                + " of the library's own settings (--json shows them)" : ""));
        if (r.containsKey("trees")) {
            Object smallest = r.get("smallest_leaf_rows");
            System.out.printf("  %s trees, deepest %s, %s leaves, smallest leaf %s%n", r.get("trees"),
                    r.get("max_depth"), r.get("leaves"), smallest == null ? "unknown (the file records no training counts)"
                            : smallest + " training rows");
        }
        Map<String, Double> importances = (Map<String, Double>) r.get("feature_importances");
        if (importances.values().stream().allMatch(v -> v == 0)) {
            System.out.println("  feature importances: none (the file records no split gains)");
        } else {
            System.out.println("  feature importances:");
            importances.entrySet().stream().limit(8)
                    .forEach(e -> System.out.printf("    %-12s %5.1f%%%n", e.getKey(), 100 * e.getValue()));
        }
        if (r.containsKey("top_splits")) {
            System.out.println("  split thresholds used most:");
            ((Map<String, Integer>) r.get("top_splits")).entrySet().stream().limit(8)
                    .forEach(e -> System.out.printf("    %-28s %d times%n", e.getKey(), e.getValue()));
        }
        if (dot != null) {
            System.out.println("  wrote " + Inspection.writeDot(m, dot) + " DOT files to " + dot);
        }
        Output.json(json, r);
        return Main.OK;
    }
}
