package org.mlsec.cli;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mlsec.InputException;
import picocli.CommandLine;

/**
 * Says the library's parameter errors in the CLI's words: the core names Java parameters ({@code maxDepth must be
 * positive}) and lists them in {@link InputException#parameters()}; the command line names its options
 * ({@code --max-depth must be positive}). A parameter maps to the option of the running command spelled the same in
 * kebab case, or to the one {@link #RENAMED} gives; one the command does not have is left as it is. The first
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
        List<String> candidates = RENAMED.containsKey(parameter) ? List.of(RENAMED.get(parameter))
                : List.of("--" + kebab(parameter));
        for (String c : candidates) {
            if (running == null || running.getCommandSpec().findOption(c) != null) {
                return c;
            }
        }
        return null;
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
