package org.mlsec.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mlsec.Result;
import org.mlsec.attacks.tamper.Tamper;
import org.mlsec.data.Dataset;
import org.mlsec.metrics.Evaluation;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Models;
import org.mlsec.report.Threat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "attack", mixinStandardHelpOptions = true, description = "Run an attack against a model or its data.",
        subcommands = {AttackCommand.TamperCommand.class, MembershipCommand.class, BackdoorCommand.class,
                PoisoningCommands.Poison.class, InversionCommands.Invert.class,
                InversionCommands.Reconstruct.class, StealCommand.class, EvasionCommands.Evade.class})
final class AttackCommand extends GroupCommand {

    @Command(name = "tamper", mixinStandardHelpOptions = true,
            description = {"Supply-chain attack: rewrite a saved model so that it still loads and predicts, but wrongly",
                    "(as in the talk, where a pickled model's classes went from [0, 1] to [1, 1])."})
    static final class TamperCommand implements Callable<Integer> {
        @Option(names = "--model", paramLabel = "MODEL", required = true,
                description = "The trusted model file (mlsec, or a scikit-learn pickle/joblib file).")
        Path model;

        @Option(names = "--out", paramLabel = "MODEL2", required = true, description = "Where to write the tampered model.")
        Path out;

        @Option(names = "--mode", paramLabel = "MODE", defaultValue = "flip-classes",
                description = "flip-classes, constant or swap-labels (default: ${DEFAULT-VALUE}).")
        String mode;

        @Mixin
        DataOptions data;

        @Mixin
        JsonOption json;

        @Override
        public Integer call() {
            Tamper.Mode m = Tamper.Mode.parse(mode);
            LocalModel before = Models.load(model);
            Tamper.tamper(model, out, m);
            LocalModel after = Models.loadAsIs(out);
            Result.Builder r = Result.of(Threat.SUPPLY_CHAIN, "tamper:" + m.key()).metric("mode", m.key())
                    .metric("model", model.toString()).metric("tampered_model", out.toString());
            System.out.println("Tampered " + model + " (" + m.key() + "); the result loads and predicts: " + out);
            if (data.data != null) {
                Dataset d = data.readFor(before.schema(), true);
                double a0 = Evaluation.accuracy(before, d);
                double a1 = Evaluation.accuracy(after, d);
                System.out.printf("  accuracy on %s: %s before, %s after%n", data.data, Output.pct(a0), Output.pct(a1));
                r.metric("accuracy_before", a0).metric("accuracy_after", a1).metric("rows", d.rows()).finding(a1 < a0);
            } else {
                r.finding(true);
            }
            Output.json(json, r.build().toJson());
            return Main.OK;
        }
    }
}
