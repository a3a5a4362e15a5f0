package org.mlsec.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mlsec.data.CsvWriter;
import org.mlsec.data.Dataset;
import org.mlsec.data.LaymanBrothers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "data", mixinStandardHelpOptions = true, description = "Work with data sets.",
        subcommands = DataCommand.Generate.class)
final class DataCommand extends GroupCommand {

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = {"Generate the built-in \"Layman Brothers\" data: synthetic credit-card clients with the schema of",
                    "the UCI \"default of credit card clients\" data (ID, LIMIT_BAL, SEX, ..., PAY_AMT6, DEFAULT)."})
    static final class Generate implements Callable<Integer> {
        @Option(names = "--rows", paramLabel = "N", defaultValue = "30000", description = "Clients to generate (default: ${DEFAULT-VALUE}).")
        int rows;

        @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--out", paramLabel = "FILE", required = true, description = "CSV file to write.")
        Path out;

        @Option(names = "--json", paramLabel = "FILE", description = "Write a summary as JSON.")
        Path json;

        @Override
        public Integer call() {
            long t0 = System.nanoTime();
            Dataset d = LaymanBrothers.generate(rows, seed);
            CsvWriter.write(d, out);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double rate = d.classShares()[1];
            System.out.printf("Wrote %d Layman Brothers clients to %s (default rate %s, seed %d, %.2f s).%n",
                    rows, out, Output.pct(rate), seed, seconds);
            Map<String, Object> res = new LinkedHashMap<>();
            res.put("rows", rows);
            res.put("seed", seed);
            res.put("default_rate", rate);
            res.put("out", out.toString());
            res.put("seconds", seconds);
            Output.json(json, res);
            return Main.OK;
        }
    }
}
