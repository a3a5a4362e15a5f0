package org.mlsec.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mlsec.Result;
import org.mlsec.data.Dataset;
import org.mlsec.defences.integrity.Canaries;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Models;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "canary", mixinStandardHelpOptions = true,
        description = "Model unit tests: record fixed inputs with the trusted model's answers, check a model against them.",
        subcommands = {CanaryCommand.Record.class, CanaryCommand.Check.class})
final class CanaryCommand extends GroupCommand {

    @Command(name = "record", mixinStandardHelpOptions = true,
            description = "Store canary inputs with the labels and probabilities the trusted model gives them.")
    static final class Record implements Callable<Integer> {
        @Option(names = "--model", paramLabel = "MODEL", required = true, description = "The trusted model.")
        Path model;

        @Mixin
        DataOptions data;

        @Option(names = "--rows", paramLabel = "N", defaultValue = "100", description = "Canaries to keep (default: ${DEFAULT-VALUE}).")
        int rows;

        @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--out", paramLabel = "FILE", required = true, description = "Canary file to write (JSON).")
        Path out;

        @Override
        public Integer call() {
            LocalModel m = Models.load(model);
            Dataset d = data.readFor(m.schema(), false);
            Canaries.CanaryFile f = Canaries.record(m, d, rows, seed);
            Canaries.write(f, out);
            System.out.println("Recorded " + f.canaries().size() + " canaries of " + model + " in " + out
                    + " (half of them the rows it is least sure about).");
            return Main.OK;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Run the canaries through a model; exit 1 when any answer differs beyond the tolerance.")
    static final class Check implements Callable<Integer> {
        @Option(names = "--model", paramLabel = "MODEL", required = true, description = "The model to check.")
        Path model;

        @Option(names = "--canaries", paramLabel = "FILE", required = true, description = "A file written by canary record.")
        Path canaries;

        @Option(names = "--tolerance", paramLabel = "T", defaultValue = "1e-6",
                description = "Largest allowed probability difference (default: ${DEFAULT-VALUE}).")
        double tolerance;

        @Mixin
        JsonOption json;

        @Override
        public Integer call() {
            Canaries.CanaryFile f = Canaries.read(canaries);
            Result r = Canaries.check(Models.loadAsIs(model), f, tolerance);
            if (r.finding()) {
                System.out.printf("FAILED: %s answers %d of %d canaries differently.%n", model, (int) r.metric("failed"),
                        (int) r.metric("canaries"));
                r.details().forEach(l -> System.out.println("  " + l));
            } else {
                System.out.printf("OK: %s answers all %d canaries as recorded (largest difference %.2g).%n", model,
                        (int) r.metric("canaries"), r.metric("max_difference"));
            }
            Output.json(json, r.toJson());
            return r.finding() ? Main.FINDINGS : Main.OK;
        }
    }
}
