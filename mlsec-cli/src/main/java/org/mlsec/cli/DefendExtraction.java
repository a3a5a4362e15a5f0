package org.mlsec.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mlsec.InputException;
import org.mlsec.data.Dataset;
import org.mlsec.defences.ExtractionDefences;
import org.mlsec.defences.detector.ExtractionAlert;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Models;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "extraction", mixinStandardHelpOptions = true,
        description = {"Measure the guarded server's extraction detectors offline, without HTTP: for each stealing strategy",
                "that applies to the model, the queries it sends before each detector fires, and each detector's",
                "false-alarm rate on benign traffic replayed from --reference rows (see docs/model-stealing.md)."})
final class DefendExtraction implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "MODEL", required = true, description = "The model the API serves (an mlsec model).")
    Path model;

    @Option(names = "--reference", paramLabel = "FILE", required = true,
            description = "Genuine rows: half become the detectors' reference, a quarter the attacker's, a quarter benign traffic.")
    Path reference;

    @Mixin
    DataOptions data;

    @Option(names = "--budget", paramLabel = "N", defaultValue = "2000", description = "Queries per strategy (default: ${DEFAULT-VALUE}).")
    int budget;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the figures as JSON.")
    Path json;

    @Override
    public Integer call() {
        if (data.data != null) {
            throw new InputException("defend extraction replays --reference FILE; --data is not used");
        }
        if (budget < 10) {
            throw new InputException("--budget must be at least 10, got " + budget);
        }
        LocalModel m = Models.load(model);
        Dataset ref = data.readFor(reference, m.schema(), false,
                m.provenance() == null ? null : m.provenance().missing());
        ExtractionDefences.Config config = ExtractionDefences.Config.of(budget, seed);
        ExtractionDefences.Report r = ExtractionDefences.study(m, ref, config, Output.progress());
        System.out.printf("Extraction detectors on %s (reference %s: %d rows for the detectors, %d for the attacker,"
                + " %d benign)%n", model, reference, r.profileRows(), r.attackerRows(), r.benignRows());
        System.out.println("Queries each strategy sends (one row per request, budget " + budget
                + ") before each detector fires:");
        System.out.printf("  %-13s %8s %9s  %-20s %s%n", "strategy", "queries", "fidelity", "detector", "first alert");
        for (ExtractionDefences.Attack a : r.attacks()) {
            boolean firstLine = true;
            for (ExtractionAlert d : ExtractionAlert.values()) {
                Long q = a.before(d);
                String when = q == null ? "not detected within " + a.queries() : "after " + q + " queries";
                System.out.printf("  %-13s %8s %9s  %-20s %s%n", firstLine ? a.strategy().key() : "",
                        firstLine ? Long.toString(a.queries()) : "",
                        firstLine ? (a.failure() != null ? "no copy" : Output.pct(a.fidelity())) : "", d.key(), when);
                firstLine = false;
            }
            if (a.failure() != null) {
                System.out.println("    (" + a.strategy().key() + " made no copy: " + a.failure() + ")");
            }
        }
        r.skipped().forEach((s, why) -> System.out.println("  " + s.key() + " skipped: " + why));
        System.out.printf("Benign replay: %d rows in %d requests of 1 to %d rows over %d clients:%n", r.benignQueries(),
                r.benignRequests(), config.benignMaxBatch(), r.benignClients());
        System.out.printf("  %-20s %13s %16s%n", "detector", "false alarms", "clients alerted");
        for (ExtractionAlert d : ExtractionAlert.values()) {
            System.out.printf("  %-20s %12.2f%% %16s%n", d.key(), 100 * r.falseAlarmRate().get(d),
                    r.benignClientsAlerted().get(d) + " of " + r.benignClients());
        }
        Output.json(json, r.toJson());
        return Main.OK;
    }
}
