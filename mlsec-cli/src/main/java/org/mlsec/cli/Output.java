package org.mlsec.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import org.mlsec.Progress;
import org.mlsec.internal.Json;

/** Results on stdout, progress on stderr, machine-readable results in --json files. */
final class Output {
    private Output() {
    }

    /** Writes {@code result} as JSON to the file of {@code --json}, when one was given. */
    static void json(JsonOption option, Object result) {
        json(option.file, result);
    }

    /** Writes {@code result} as JSON to {@code file}, when one was given. */
    static void json(Path file, Object result) {
        if (file != null) {
            Json.write(result, file);
        }
    }

    /** Writes a text file, creating its folder. */
    static void text(Path file, String text) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                java.nio.file.Files.createDirectories(parent);
            }
            java.nio.file.Files.writeString(file, text);
        } catch (java.io.IOException e) {
            throw new org.mlsec.MlsecException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** A share as a percentage; "n/a" when it is undefined (such as the precision of a detector that flagged nothing). */
    static String pct(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    static String num(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    /** Progress lines on stderr, at most one per tenth of a task (or per second on a terminal). */
    static Progress progress() {
        PrintStream err = System.err;
        boolean terminal = System.console() != null;
        return new Progress() {
            private String lastTask;
            private long lastTenth = -1;
            private long lastPrint;

            @Override
            public synchronized void update(String task, long done, long total) {
                long tenth = total > 0 ? done * 10 / total : 0;
                long now = System.nanoTime();
                boolean finished = done >= total;
                if (terminal) {
                    if (finished || now - lastPrint > 200_000_000L || !task.equals(lastTask)) {
                        err.print("\r  " + task + " " + done + "/" + total + (finished ? "\n" : ""));
                        err.flush();
                        lastPrint = now;
                    }
                } else if (!task.equals(lastTask) || tenth > lastTenth) {
                    err.println("  " + task + " " + done + "/" + total);
                }
                lastTask = task;
                lastTenth = tenth;
            }
        };
    }
}
