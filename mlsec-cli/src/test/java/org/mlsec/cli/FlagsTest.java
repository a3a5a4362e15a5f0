package org.mlsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.mlsec.InputException;
import picocli.CommandLine;

/** The library names Java parameters; the command line says its own options instead. */
class FlagsTest {
    static CommandLine command(String... path) {
        CommandLine c = Main.commandLine();
        for (String p : path) {
            c = c.getSubcommands().get(p);
        }
        return c;
    }

    @Test
    void aJavaParameterBecomesTheRunningCommandsOption() {
        InputException e = InputException.about("maxDepth must be positive, got 0", "maxDepth");
        assertEquals("--max-depth must be positive, got 0", Flags.message(e, command("train")));
        InputException q = InputException.about("queryBudget must be positive, got 0", "queryBudget");
        assertEquals("--budget-queries must be positive, got 0", Flags.message(q, command("attack", "evade")));
    }

    @Test
    void adviceNamesAnotherCommandsOptionAndAnUnknownParameterStays() {
        InputException e = InputException.about("too deep; retrain with maxDepth 1000", "maxDepth");
        assertEquals("too deep; retrain with --max-depth 1000", Flags.message(e, command("export")));
        InputException odd = InputException.about("frobnication must be positive", "frobnication");
        assertEquals("frobnication must be positive", Flags.message(odd, command("scan")));
    }

    @Test
    void pathsAndQuotedNamesAreNotRewritten() {
        InputException e = InputException.about("/data/drop/x.csv line 3, column 'drop': more than 1000 distinct text"
                + " values; an identifier? (drop ID)", "drop");
        String m = Flags.message(e, command("train"));
        assertTrue(m.startsWith("/data/drop/x.csv line 3, column 'drop'") && m.endsWith("(--drop ID)"), m);
    }

    @Test
    void theCommandLineSaysTheOptionForALibraryError(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        String data = dir.resolve("c.csv").toString();
        assertEquals(0, Cli.run("data", "generate", "--rows", "300", "--out", data).code());
        Cli r = Cli.run("train", "--data", data, "--label", "DEFAULT", "--trees", "0", "--out", dir.resolve("m").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("mlsec: error: --trees must be positive, got 0"), r.err());
    }
}
