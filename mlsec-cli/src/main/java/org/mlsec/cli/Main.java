package org.mlsec.cli;

import java.io.PrintWriter;
import org.mlsec.InputException;
import org.mlsec.MlsecException;
import org.mlsec.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code mlsec} command. Exit codes: 0 ok, 1 findings or a failed check, 2 bad usage or input. */
@Command(name = "mlsec", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = {"Attack and defend machine-learning models the way a red team and a blue team would, and measure both.", ""},
        subcommands = {DemoCommand.class, TrainCommand.class, EvaluateCommand.class, PredictCommand.class,
                DataCommand.class, AttackCommand.class, CanaryCommand.class, SigningCommands.Keygen.class,
                SigningCommands.Sign.class, SigningCommands.Verify.class, ScanCommand.class, ServeCommand.class, AuditCommand.class, InspectCommand.class, DefendCommand.class,
                ExportCommand.class,
                BackdoorDefenceCommands.Schema.class, BackdoorDefenceCommands.Validate.class, BackdoorDefenceCommands.Detect.class,
                BackdoorDefenceCommands.ScanModel.class, BackdoorDefenceCommands.RulesGroup.class,
                PoisoningCommands.Diff.class, PoisoningCommands.Sanitize.class, PoisoningCommands.FairnessAudit.class,
                PoisoningCommands.Compare.class, EvasionCommands.Explain.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 findings or failed check, 2 bad usage or input.",
                "Set MLSEC_DEBUG=1 to see stack traces of unexpected errors."})
public final class Main implements Runnable {
    /** Exit code: the command ran and found nothing at or above its threshold. */
    public static final int OK = 0;
    /** Exit code: findings at or above the threshold, or a check that failed. */
    public static final int FINDINGS = 1;
    /** Exit code: bad usage or bad input (a file, a value, a flag), named in one line on stderr. */
    public static final int BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Without a command: prints the usage. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * The {@code mlsec} command: runs the command line and exits with its code; running out of memory or of stack
     * is one line and exit code 2, never a stack trace.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        int code;
        try {
            code = run(args);
        } catch (OutOfMemoryError e) {
            System.err.println("mlsec: error: out of memory; give Java more heap with JAVA_OPTS=-Xmx8g");
            code = BAD_INPUT;
        } catch (StackOverflowError e) {
            System.err.println("mlsec: error: the input is nested too deeply to process (a tree or document"
                    + " thousands of levels deep)");
            code = BAD_INPUT;
        }
        System.exit(code);
    }

    /**
     * Runs the command line and returns its exit code (tests call this).
     *
     * @param args the command line
     * @return {@link #OK}, {@link #FINDINGS} or {@link #BAD_INPUT}
     */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /**
     * The command line with mlsec's handlers: an error while a command runs is one line naming the command's own
     * options (a stack trace only with {@code MLSEC_DEBUG=1}), a bad option is one line with suggestions and the
     * command's help, and both exit with {@link #BAD_INPUT}.
     *
     * @return a fresh command line
     */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(Main::handle);
        cl.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("mlsec: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return BAD_INPUT;
        });
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }

    /** The subcommand that ran (its options are the ones an error should name). */
    private static CommandLine running(CommandLine cl, CommandLine.ParseResult parsed) {
        CommandLine.ParseResult p = parsed;
        while (p != null && p.hasSubcommand()) {
            p = p.subcommand();
        }
        return p == null ? cl : p.commandSpec().commandLine();
    }

    private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        if (e instanceof InputException ie) {
            err.println("mlsec: error: " + Flags.message(ie, running(cl, parsed)));
        } else if (e instanceof MlsecException) {
            err.println("mlsec: error: " + e.getMessage());
        } else if (e instanceof java.io.UncheckedIOException) {
            err.println("mlsec: error: " + e.getMessage());
        } else {
            err.println("mlsec: unexpected error: " + e);
        }
        if (System.getenv("MLSEC_DEBUG") != null) {
            e.printStackTrace(err);
        }
        err.flush();
        return BAD_INPUT;
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"mlsec " + Version.get(), "Java " + System.getProperty("java.version")};
        }
    }
}
