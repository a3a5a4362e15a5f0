package org.mlsec.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mlsec.InputException;

/**
 * A filter over rows in a small language, parsed (never evaluated as code): comparisons {@code COLUMN OP VALUE}
 * joined by {@code &&}, with OP one of {@code == != < <= > >=} and VALUE a number or a quoted category, such as
 * {@code gender == 2 && age >= 30} or {@code education == "university"}. Errors point at the offending character.
 */
public final class Condition {
    /**
     * One comparison; {@code number} is the value read as a number once (NaN for text).
     *
     * @param column the column compared
     * @param op one of {@code == != < <= > >=}
     * @param value the value as written, unquoted
     * @param number {@code value} as a number, NaN for text
     */
    public record Clause(String column, String op, String value, double number) {
        /**
         * A clause whose value is read as a number here.
         *
         * @param column the column compared
         * @param op one of {@code == != < <= > >=}
         * @param value the value as written, unquoted
         */
        public Clause(String column, String op, String value) {
            this(column, op, value, Values.parse(value));
        }

        boolean test(Column c, double x) {
            if (c.isCategorical()) {
                String v = c.format(x);
                boolean eq = v.equals(Values.canonical(value));
                switch (op) {
                    case "==":
                        return eq;
                    case "!=":
                        return !eq;
                    default:
                        double a = Values.parse(v);
                        double b = Values.parse(value);
                        return !Double.isNaN(a) && !Double.isNaN(b) && compare(a, b);
                }
            }
            return !Double.isNaN(number) && compare(x, number);
        }

        private boolean compare(double a, double b) {
            switch (op) {
                case "==":
                    return a == b;
                case "!=":
                    return a != b;
                case "<":
                    return a < b;
                case "<=":
                    return a <= b;
                case ">":
                    return a > b;
                default:
                    return a >= b;
            }
        }

        /**
         * A value of the column that satisfies this clause (used to build test inputs).
         *
         * @param c the clause's column
         * @return a row-vector value of that column
         */
        public double satisfying(Column c) {
            if (c.isCategorical()) {
                int k = c.categoryIndex(Values.canonical(value));
                if ("==".equals(op)) {
                    return k;
                }
                return k == 0 ? Math.min(1, c.categories().size() - 1) : 0;
            }
            double b = Values.parse(value);
            double step = c.type() == ColumnType.NUMERIC ? Math.max(Math.abs(b) * 1e-6, 1e-9) : 1;
            switch (op) {
                case ">":
                    return b + step;
                case "<":
                    return b - step;
                case "!=":
                    return b + step;
                default:
                    return b;
            }
        }

        @Override
        public String toString() {
            return column + " " + op + " " + value;
        }
    }

    private final String text;
    private final List<Clause> clauses;

    private Condition(String text, List<Clause> clauses) {
        this.text = text;
        this.clauses = List.copyOf(clauses);
    }

    /**
     * The comparisons, all of which must hold.
     *
     * @return the clauses in written order
     */
    public List<Clause> clauses() {
        return clauses;
    }

    @Override
    public String toString() {
        return text;
    }

    /**
     * Parses a condition.
     *
     * @param text the condition, such as {@code age >= 30 && gender == 2}
     * @return the condition
     * @throws InputException pointing at the offending character
     */
    public static Condition parse(String text) {
        List<Clause> out = new ArrayList<>();
        int[] pos = {0};
        while (true) {
            skip(text, pos);
            String column = name(text, pos);
            skip(text, pos);
            String op = operator(text, pos);
            skip(text, pos);
            String value = value(text, pos);
            out.add(new Clause(column, op, value));
            skip(text, pos);
            if (pos[0] >= text.length()) {
                return new Condition(text.trim(), out);
            }
            if (text.startsWith("&&", pos[0])) {
                pos[0] += 2;
            } else if (text.regionMatches(true, pos[0], "and ", 0, 4)) {
                pos[0] += 4;
            } else {
                throw error(text, pos[0], "expected && or the end");
            }
        }
    }

    /** The indices of the rows that satisfy every clause. */
    /**
     * This condition with its columns looked up once in a schema, for testing many rows.
     *
     * @param schema the schema of the rows to test
     * @return the bound condition
     * @throws InputException when a column is not in the schema
     */
    public Bound bind(Schema schema) {
        int[] cols = new int[clauses.size()];
        for (int k = 0; k < cols.length; k++) {
            cols[k] = schema.indexOf(clauses.get(k).column());
            if (cols[k] < 0) {
                throw new InputException("condition '" + text + "': no column '" + clauses.get(k).column()
                        + "'; the columns are " + schema.featureNames());
            }
        }
        return new Bound(this, schema, cols);
    }

    /** A condition bound to a schema's columns. */
    public static final class Bound {
        private final Condition condition;
        private final Clause[] clauses;
        private final Column[] columns;
        private final int[] index;

        Bound(Condition condition, Schema schema, int[] index) {
            this.condition = condition;
            this.clauses = condition.clauses.toArray(new Clause[0]);
            this.index = index;
            this.columns = new Column[index.length];
            for (int k = 0; k < index.length; k++) {
                columns[k] = schema.feature(index[k]);
            }
        }

        /**
         * The condition that was bound.
         *
         * @return the condition
         */
        public Condition condition() {
            return condition;
        }

        /**
         * Whether a row satisfies every clause.
         *
         * @param row a row in the bound schema
         * @return true when it does
         */
        public boolean test(double[] row) {
            for (int k = 0; k < clauses.length; k++) {
                if (!clauses[k].test(columns[k], row[index[k]])) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Whether a row satisfies every clause, looking the columns up in {@code schema} (use {@link #bind} for many rows).
     *
     * @param schema the row's schema
     * @param row the row
     * @return true when it does
     * @throws InputException when a column is not in the schema
     */
    public boolean test(Schema schema, double[] row) {
        for (Clause c : clauses) {
            int j = schema.indexOf(c.column());
            if (j < 0) {
                throw new InputException("condition '" + text + "': no column '" + c.column() + "'; the columns are "
                        + schema.featureNames());
            }
            if (!c.test(schema.feature(j), row[j])) {
                return false;
            }
        }
        return true;
    }

    private static void skip(String s, int[] pos) {
        while (pos[0] < s.length() && Character.isWhitespace(s.charAt(pos[0]))) {
            pos[0]++;
        }
    }

    private static String name(String s, int[] pos) {
        int start = pos[0];
        while (pos[0] < s.length() && (Character.isLetterOrDigit(s.charAt(pos[0])) || s.charAt(pos[0]) == '_'
                || s.charAt(pos[0]) == '.' || s.charAt(pos[0]) == '-')) {
            pos[0]++;
        }
        if (start == pos[0]) {
            throw error(s, start, "expected a column name");
        }
        return s.substring(start, pos[0]);
    }

    private static String operator(String s, int[] pos) {
        for (String op : new String[] {"==", "!=", "<=", ">=", "<", ">", "="}) {
            if (s.startsWith(op, pos[0])) {
                pos[0] += op.length();
                return "=".equals(op) ? "==" : op;
            }
        }
        throw error(s, pos[0], "expected one of == != < <= > >=");
    }

    private static String value(String s, int[] pos) {
        if (pos[0] < s.length() && (s.charAt(pos[0]) == '"' || s.charAt(pos[0]) == '\'')) {
            char q = s.charAt(pos[0]);
            int end = s.indexOf(q, pos[0] + 1);
            if (end < 0) {
                throw error(s, pos[0], "unterminated quoted value");
            }
            String v = s.substring(pos[0] + 1, end);
            pos[0] = end + 1;
            return v;
        }
        int start = pos[0];
        while (pos[0] < s.length() && !Character.isWhitespace(s.charAt(pos[0])) && s.charAt(pos[0]) != '&') {
            pos[0]++;
        }
        String v = s.substring(start, pos[0]);
        if (v.isEmpty()) {
            throw error(s, start, "expected a value");
        }
        if (Double.isNaN(Values.parse(v)) && !v.matches("[A-Za-z_][\\w.-]*")) {
            throw error(s, start, "expected a number or a quoted value");
        }
        return v;
    }

    static InputException error(String s, int at, String what) {
        return new InputException(String.format(Locale.ROOT, "%s at character %d:%n  %s%n  %s^", what, at + 1, s,
                " ".repeat(Math.max(0, at))));
    }
}
