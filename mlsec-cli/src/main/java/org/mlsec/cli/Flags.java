package org.mlsec.cli;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mlsec.InputException;
import picocli.CommandLine;

/**
 * Says the library's parameter errors in the CLI's words: the core names Java parameters ({@code maxDepth must be
 * positive}) and lists them in {@link InputException#parameters()}; the command line names its options
 * ({@code --max-depth must be positive}). A parameter maps to the option of the running command spelled the same in
 * kebab case, or to the one {@link #RENAMED} gives; when the running command has no such option, the option of
 * another command (advice to retrain, say) if one has it; otherwise the Java name stays. The first
 * mention that is a word of its own (not part of a path, a file name or a quoted name) is replaced.
 */
final class Flags {
    /** Java parameters whose option is spelled differently. */
    static final Map<String, String> RENAMED = Map.of(
            "queryBudget", "--budget-queries",
            "ignoreUnsigned", "--ignore-unsigned-files",
            "fromLabel", "--from-label");

    private Flags() {
    }

    /** The message of {@code e} with each parameter it names replaced by the running command's option. */
    static String message(InputException e, CommandLine running) {
        String m = e.getMessage();
        for (String p : e.parameters()) {
            String flag = flag(p, running);
            if (flag != null) {
                Matcher x = Pattern.compile("(?<![\\w/.\\\\'-])" + Pattern.quote(p) + "(?![\\w/\\\\'-]|\\.\\w)").matcher(m);
                if (x.find()) {
                    m = m.substring(0, x.start()) + flag + m.substring(x.end());
                }
            }
        }
        return m;
    }

    static String flag(String parameter, CommandLine running) {
        String c = RENAMED.getOrDefault(parameter, "--" + kebab(parameter));
        if (running == null || running.getCommandSpec().findOption(c) != null) {
            return c;
        }
        // Advice such as "retrain with maxDepth 1000" names another command's option (train's --max-depth).
        CommandLine root = running;
        while (root.getParent() != null) {
            root = root.getParent();
        }
        return anyHas(root, c) ? c : null;
    }

    private static boolean anyHas(CommandLine command, String option) {
        if (command.getCommandSpec().findOption(option) != null) {
            return true;
        }
        for (CommandLine sub : command.getSubcommands().values()) {
            if (anyHas(sub, option)) {
                return true;
            }
        }
        return false;
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
