package org.mlsec.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mlsec.data.CsvWriter;
import org.mlsec.data.Dataset;
import org.mlsec.demo.LaymanBrothers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "data", mixinStandardHelpOptions = true, description = "Work with data sets.",
        subcommands = {DataCommand.Generate.class, DataCommand.SplitCommand.class})
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

    @Command(name = "split", mixinStandardHelpOptions = true,
            description = {"Split a CSV file at random into two parts (for example the members and non-members of a",
                    "membership-inference audit), keeping every column."})
    static final class SplitCommand implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        DataOptions data;

        @Option(names = "--fraction", paramLabel = "F", defaultValue = "0.5", description = "Share in the first part (default: ${DEFAULT-VALUE}).")
        double fraction;

        @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--out-first", paramLabel = "FILE", required = true, description = "CSV of the first part.")
        Path first;

        @Option(names = "--out-second", paramLabel = "FILE", required = true, description = "CSV of the second part.")
        Path second;

        @Override
        public Integer call() {
            org.mlsec.data.Dataset all = org.mlsec.data.CsvReader.read(data.requireData(),
                    new org.mlsec.data.CsvOptions(data.options(data.label).delimiter(), data.label, java.util.Set.of(),
                            java.util.Set.copyOf(data.categorical), java.util.Set.copyOf(data.numeric)));
            org.mlsec.data.Split s = org.mlsec.data.Split.random(all, 1 - fraction, seed);
            CsvWriter.write(s.train(), first);
            CsvWriter.write(s.test(), second);
            System.out.printf("Wrote %d rows to %s and %d rows to %s (seed %d).%n", s.train().rows(), first,
                    s.test().rows(), second, seed);
            return Main.OK;
        }
    }
}
