package org.mlsec.defences.detector;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.mlsec.InputException;
import org.mlsec.Result;
import org.mlsec.data.Condition;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.defences.preprocessor.InputSchema;
import org.mlsec.model.Classifier;
import org.mlsec.report.Threat;

/**
 * "Unacceptable cases": a small rule file, one rule a line, {@code CONDITION => reject} (such inputs must be
 * refused) or {@code CONDITION => CLASS} (the model must answer that class). Conditions use the {@link Condition}
 * language and are parsed, never evaluated as code. Lines starting with # are comments.
 */
public final class Rules {
    /**
     * One rule, with the line it came from.
     *
     * @param line      the rule's line in its file (from 1)
     * @param condition the inputs it is about
     * @param outcome   {@code reject}, or the class the model must answer
     */
    public record Rule(int line, Condition condition, String outcome) {
        /**
         * Whether matching inputs must be refused rather than answered.
         *
         * @return true for {@code => reject}
         */
        public boolean reject() {
            return "reject".equalsIgnoreCase(outcome);
        }

        @Override
        public String toString() {
            return condition + " => " + outcome;
        }
    }

    private Rules() {
    }

    /**
     * Reads a rules file.
     *
     * @param file the rules file
     * @return its rules, in file order
     * @throws InputException when the file is missing, unreadable or has a malformed line (named by number)
     */
    public static List<Rule> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            throw new InputException("no such rules file: " + file);
        } catch (IOException e) {
            throw new InputException("cannot read " + file + ": " + e.getMessage());
        }
        return parse(lines, file.toString());
    }

    /**
     * Parses the lines of a rules file.
     *
     * @param lines  the file's lines
     * @param source the file's name, for messages
     * @return the rules, in order
     * @throws InputException naming the source and line of a malformed rule
     */
    public static List<Rule> parse(List<String> lines, String source) {
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).trim();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int arrow = l.indexOf("=>");
            if (arrow < 0) {
                throw new InputException(source + " line " + (i + 1) + ": expected CONDITION => reject|CLASS");
            }
            String outcome = l.substring(arrow + 2).trim();
            if (outcome.isEmpty()) {
                throw new InputException(source + " line " + (i + 1) + ": nothing after =>");
            }
            try {
                rules.add(new Rule(i + 1, Condition.parse(l.substring(0, arrow)), outcome));
            } catch (InputException e) {
                throw new InputException(source + " line " + (i + 1) + ": " + e.getMessage());
            }
        }
        if (rules.isEmpty()) {
            throw new InputException(source + " has no rules");
        }
        return rules;
    }

    /**
     * Checks each rule on up to {@code sample} rows of {@code data} rewritten to satisfy its condition. A reject
     * rule passes when the validator (or the server, answering 4xx) refuses every such row.
     *
     * @param rules     the rules to check
     * @param model     the model whose predictions the rules constrain
     * @param data      the rows to rewrite
     * @param validator the input schema that refuses rows, or null without input validation
     * @param sample    the most rows checked per rule
     * @param seed      the seed of the row sample
     * @return one result per rule, in the rules' order
     */
    public static List<Result> check(List<Rule> rules, Classifier model, Dataset data, InputSchema validator,
                                     int sample, long seed) {
        Schema s = model.schema();
        List<Result> out = new ArrayList<>();
        SplittableRandom rng = new SplittableRandom(seed);
        for (Rule r : rules) {
            List<double[]> rows = new ArrayList<>();
            for (int k = 0; k < Math.min(sample, data.rows()); k++) {
                double[] x = data.row(data.rows() <= sample ? k : rng.nextInt(data.rows())).clone();
                for (Condition.Clause c : r.condition().clauses()) {
                    int j = s.require(c.column());
                    x[j] = c.satisfying(s.feature(j));
                }
                if (r.condition().test(s, x)) {
                    rows.add(x);
                }
            }
            Result.Builder b = Result.of(Threat.BACKDOOR, "rule").metric("rule", r.toString()).metric("line", r.line())
                    .metric("rows", rows.size());
            if (rows.isEmpty()) {
                out.add(b.finding(true).detail("no test row satisfies the condition").build());
                continue;
            }
            double[][] batch = rows.toArray(new double[0][]);
            int failed = 0;
            if (r.reject()) {
                boolean refused = false;
                if (validator != null) {
                    InputSchema.Checker checker = validator.checker();
                    for (int i = 0; i < batch.length; i++) {
                        failed += checker.check(i, batch[i]).isEmpty() ? 1 : 0;
                    }
                } else {
                    try {
                        model.predict(batch);
                        failed = batch.length;
                    } catch (org.mlsec.model.remote.RefusedException e) { // the API's own validation said no
                        refused = true;
                        failed = 0;
                    }
                }
                b.detail(failed == 0 ? "every such input is refused" : failed + " such inputs are accepted"
                        + (validator == null && !refused ? " (no input validation: give an input schema)" : ""));
            } else {
                int want = s.classIndex(r.outcome());
                if (want < 0) {
                    throw new InputException("rule on line " + r.line() + ": class '" + r.outcome() + "' is not one of "
                            + s.classes());
                }
                int[] p = model.predict(batch);
                for (int v : p) {
                    failed += model.classes().get(v).equals(s.classes().get(want)) ? 0 : 1;
                }
                b.detail(failed == 0 ? "the model answers " + r.outcome() + " for every such input"
                        : "the model answers otherwise for " + failed + " of " + batch.length + " such inputs");
            }
            out.add(b.metric("failed", failed).finding(failed > 0).build());
        }
        return out;
    }
}
