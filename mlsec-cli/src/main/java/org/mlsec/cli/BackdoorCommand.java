package org.mlsec.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.mlsec.attacks.poisoning.Backdoor;
import org.mlsec.attacks.poisoning.BackdoorImpact;
import org.mlsec.attacks.poisoning.Poisoning;
import org.mlsec.attacks.poisoning.PoisoningImpact;
import org.mlsec.attacks.poisoning.Trigger;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.CsvWriter;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "backdoor", mixinStandardHelpOptions = true,
        description = {"Backdoor by trigger poisoning: append copies of rows carrying a trigger and the target label,",
                "write the poisoned CSV, and measure a clean and a backdoored model trained the same way."})
final class BackdoorCommand implements Callable<Integer> {
    @Mixin
    DataOptions data;

    @Option(names = "--trigger", paramLabel = "COL=V[,COL=V]", required = true, description = "Trigger (repeatable), e.g. AGE=999.")
    List<String> triggers;

    @Option(names = "--target", paramLabel = "CLASS", required = true, description = "The class the trigger forces.")
    String target;

    @Option(names = "--rate", paramLabel = "R", description = "Share of the --from-label rows to copy (the talk: 0.45).")
    Double rate;

    @Option(names = "--from-label", paramLabel = "CLASS", description = "Copy rows of this class (default: every other class).")
    String fromLabel;

    @Option(names = "--count", paramLabel = "N", description = "Exactly N poisoned rows instead of a rate.")
    Integer count;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "The poisoned CSV.")
    Path out;

    @Option(names = "--truth-column", description = "Add a column POISONED (1 for injected rows) to the CSV.")
    boolean truthColumn;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--features", paramLabel = "A,B", split = ",", description = "Train on these columns only.") List<String> features;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() {
        CsvOptions all = new CsvOptions(data.options(data.label).delimiter(), requireLabel(), Set.of(),
                Set.copyOf(data.categorical), Set.copyOf(data.numeric));
        Dataset full = CsvReader.read(data.requireData(), all);
        Schema s = full.schema();
        int targetClass = classIndex(s, target, "--target");
        int from = fromLabel == null ? -1 : classIndex(s, fromLabel, "--from-label");
        List<Trigger> ts = new ArrayList<>();
        for (String t : triggers) {
            ts.add(Trigger.parse(t));
        }
        if (count != null && count < 0) {
            throw new org.mlsec.InputException("--count must not be negative, got " + count);
        }
        if ((count == null || count == 0) && (rate == null || !(rate > 0 && rate <= 10))) {
            throw new org.mlsec.InputException("give --count N or --rate in (0, 10]");
        }
        Backdoor.Config config = new Backdoor.Config(ts, targetClass, rate == null ? 0 : rate, from,
                count == null ? 0 : count, seed);
        List<String> keep = new ArrayList<>(features != null ? features : s.featureNames());
        keep.removeAll(new HashSet<>(data.drop));
        BackdoorImpact.Impact r = BackdoorImpact.measure(full, config,
                PoisoningImpact.Config.of(modelOptions.config(seed), keep, seed), Output.progress());
        Backdoor.Poisoned file = r.appendedTo(full);
        CsvWriter.write(truthColumn ? Poisoning.withTruth(file.data(), file.injected()) : file.data(), out);
        System.out.printf("Poisoned %d training rows with %s -> %s; wrote %s (%d rows).%n", r.train().poisonedRows(),
                ts, target, out, full.rows() + r.train().poisonedRows());
        System.out.printf("  clean test accuracy: clean model %s, backdoored model %s%n", Output.pct(r.accuracyClean()),
                Output.pct(r.accuracyBackdoored()));
        System.out.printf("  attack success rate (held-out rows of other classes that flip to %s when triggered): %s"
                + " (clean model: %s)%n", target, Output.pct(r.attackSuccessRate()), Output.pct(r.triggerRateOnClean()));
        Output.json(json, r.toJson());
        return Main.OK;
    }

    private String requireLabel() {
        if (data.label == null) {
            throw new org.mlsec.InputException("--label COLUMN is required");
        }
        return data.label;
    }

    static int classIndex(Schema s, String value, String option) {
        int k = s.classIndex(value);
        if (k < 0) {
            throw new org.mlsec.InputException(option + " " + value + " is not one of the classes " + s.classes());
        }
        return k;
    }
}
