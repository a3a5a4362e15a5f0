package org.mlsec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The core library speaks Java, not the command line, and knows no data set: no source outside {@code org.mlsec.demo}
 * names a CLI option ({@code --trees}) or a column of the UCI credit-card data ({@code PAY_0}, {@code AGE}). Error
 * messages name Java parameters (the CLI maps them to its options, see {@link InputException#parameters()}); domain
 * knowledge comes from files the user passes. A quoted command line ({@code mlsec serve --signature ...}, as a report
 * recommends it to its reader) is the tool's documentation, not a parameter name, and is allowed.
 */
class CoreVocabularyTest {
    static final Path SOURCES = Path.of("src/main/java");
    static final Pattern FLAG = Pattern.compile("(?<![\\w-])--[a-z][a-z0-9-]+");
    static final Pattern CREDIT_COLUMN = Pattern.compile(
            "\\b(LIMIT_BAL|PAY_[0-6]|PAY_AMT[1-6]|BILL_AMT[1-6]|EDUCATION|MARRIAGE|SEX|AGE|default\\.payment\\.next\\.month)\\b"
                    + "|\"DEFAULT\"");

    static List<String> offences(Pattern p, boolean quotedCommandsAllowed) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path f : files.filter(x -> x.toString().endsWith(".java")).sorted().toList()) {
                if (SOURCES.relativize(f).startsWith(Path.of("org", "mlsec", "demo"))) {
                    continue;
                }
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    String text = literalsAndComments(lines.get(i));
                    Matcher m = p.matcher(text);
                    while (m.find()) {
                        boolean quoted = quotedCommandsAllowed && text.substring(0, m.start()).contains("mlsec ");
                        if (!quoted) {
                            out.add(SOURCES.relativize(f) + ":" + (i + 1) + ": " + lines.get(i).strip());
                        }
                    }
                }
            }
        }
        return out;
    }

    static final Pattern LITERAL = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");

    /** What a line says to people: its string literals and its comment (code such as {@code --i} is left out). */
    static String literalsAndComments(String line) {
        String t = line.strip();
        if (t.startsWith("*") || t.startsWith("/*")) {
            return t;
        }
        StringBuilder b = new StringBuilder();
        Matcher m = LITERAL.matcher(line);
        int end = 0;
        while (m.find()) {
            b.append(m.group()).append(' ');
            end = m.end();
        }
        int comment = line.indexOf("//", end);
        return comment >= 0 ? b + line.substring(comment) : b.toString();
    }

    @Test
    void theSourcesAreWhereThisTestLooks() {
        assertTrue(Files.isRegularFile(SOURCES.resolve("org/mlsec/InputException.java")), SOURCES.toAbsolutePath().toString());
    }

    @Test
    void noCoreSourceNamesACommandLineOption() throws IOException {
        List<String> found = offences(FLAG, true);
        assertEquals(List.of(), found, String.join("\n", found));
    }

    @Test
    void noCoreSourceNamesACreditCardColumn() throws IOException {
        List<String> found = offences(CREDIT_COLUMN, false);
        assertEquals(List.of(), found, String.join("\n", found));
    }

    @Test
    void theChecksWouldSeeAnOffence() {
        assertTrue(FLAG.matcher(literalsAndComments("Validate.positive(trees, \"--trees\");")).find());
        assertTrue(FLAG.matcher(literalsAndComments("    // give --trees")).find());
        assertTrue(!FLAG.matcher(literalsAndComments("int n = stack[--top];")).find());
        assertTrue(CREDIT_COLUMN.matcher("if (names.contains(\"AGE\")) {").find());
        assertTrue(CREDIT_COLUMN.matcher("List.of(\"PAY_0\", \"PAY_2\")").find());
    }
}
