package org.mlsec.defences.preprocessor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mlsec.InputException;
import org.mlsec.data.Column;
import org.mlsec.data.Condition;
import org.mlsec.data.Schema;
import org.mlsec.internal.Validate;

/**
 * Domain knowledge a user states: conditions every genuine row satisfies whatever a model learnt, such as
 * {@code age >= 18}. Schema inference learns only what data shows (types, ranges, categories); rules like these come
 * from the user, in a rules file, and are added to an {@link InputSchema} with {@link InputSchema#withRules}.
 *
 * <p>File format: one condition per line in the {@link Condition} language (clauses {@code COLUMN OP VALUE} joined by
 * {@code &&}); blank lines and text after {@code #} are ignored. The credit-card data's rules ship as the example
 * {@code docs/examples/credit-card.rules}, also in the jar for the demo ({@link org.mlsec.demo.CreditCard#rules()}).
 *
 * @param rules  the conditions, as written
 * @param source where they came from (a file name), for messages
 */
public record DomainRules(List<String> rules, String source) {
    /** Longest rules file read (a rules file is edited by hand; anything larger is not one). */
    static final long MAX_BYTES = 1 << 20;

    /**
     * Checks that every rule parses.
     *
     * @param rules the conditions, as written
     * @param source where they came from (a file name), for messages
     * @throws InputException naming the first rule that does not parse
     */
    public DomainRules {
        Validate.notNull(rules, "rules");
        Validate.notNull(source, "source");
        for (String r : rules) {
            Condition.parse(r);
        }
        rules = List.copyOf(rules);
    }

    /**
     * No rules.
     *
     * @return an empty rule list
     */
    public static DomainRules none() {
        return new DomainRules(List.of(), "no rules");
    }

    /**
     * Reads a rules file; an {@link InputException} naming the file and line for anything unreadable.
     *
     * @param file the rules file: one condition a line
     * @return its rules, with the file's name as their source
     */
    public static DomainRules read(Path file) {
        Validate.notNull(file, "file");
        try {
            if (Files.isDirectory(file)) {
                throw new InputException(file + " is a folder, not a rules file");
            }
            if (Files.isRegularFile(file) && Files.size(file) > MAX_BYTES) {
                throw new InputException(file + " is larger than a rules file can be (" + MAX_BYTES + " bytes)");
            }
            try (InputStream in = Files.newInputStream(file)) {
                return parse(in.readNBytes((int) MAX_BYTES + 1), file.toString());
            }
        } catch (NoSuchFileException e) {
            throw new InputException("no such rules file: " + file);
        } catch (IOException e) {
            throw new InputException(file + ": cannot read the rules file: " + e.getMessage());
        }
    }

    /**
     * Parses the text of a rules file; {@code source} names it in messages.
     *
     * @param text the file's bytes, UTF-8
     * @param source the file's name
     * @return the rules
     * @throws InputException naming the source and line of a rule that does not parse
     */
    public static DomainRules parse(byte[] text, String source) {
        if (text.length > MAX_BYTES) {
            throw new InputException(source + " is larger than a rules file can be (" + MAX_BYTES + " bytes)");
        }
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(text)).toString();
        } catch (CharacterCodingException e) {
            throw new InputException(source + " is not UTF-8 text");
        }
        List<String> rules = new ArrayList<>();
        String[] lines = s.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int hash = lines[i].indexOf('#');
            String line = (hash >= 0 ? lines[i].substring(0, hash) : lines[i]).strip();
            if (line.isEmpty()) {
                continue;
            }
            try {
                Condition.parse(line);
            } catch (InputException e) {
                throw new InputException(source + " line " + (i + 1) + ": " + e.getMessage());
            }
            rules.add(line);
        }
        return new DomainRules(rules, source);
    }

    /**
     * The rules split by whether they apply to data of this schema: every column a rule names is a feature, and an
     * ordering ({@code <}, {@code <=}, {@code >}, {@code >=}) is asked only of a numeric column.
     *
     * @param applicable the rules that apply
     * @param skipped    the others, which a caller should mention
     */
    public record Applicable(List<String> applicable, List<String> skipped) {
        /**
         * One line naming the skipped rules, or null when every rule applies.
         *
         * @return the sentence, or null
         */
        public String note() {
            return skipped.isEmpty() ? null : skipped.size() + " rule(s) name columns the data does not have (or order"
                    + " a categorical column) and were left out: " + skipped;
        }
    }

    /**
     * Which rules apply to data of this schema.
     *
     * @param schema the data's schema
     * @return the rules that apply and the others
     */
    public Applicable applicableTo(Schema schema) {
        Validate.notNull(schema, "schema");
        List<String> yes = new ArrayList<>();
        List<String> no = new ArrayList<>();
        for (String r : rules) {
            boolean ok = true;
            for (Condition.Clause c : Condition.parse(r).clauses()) {
                int j = schema.indexOf(c.column());
                Column col = j >= 0 ? schema.feature(j) : null;
                boolean ordering = !c.op().equals("==") && !c.op().equals("!=");
                ok &= col != null && !(ordering && col.isCategorical());
            }
            (ok ? yes : no).add(r);
        }
        return new Applicable(List.copyOf(yes), List.copyOf(no));
    }
}
