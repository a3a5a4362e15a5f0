package org.mlsec.model.formats.pmml;

import java.util.ArrayList;
import java.util.List;
import org.mlsec.InputException;
import org.mlsec.model.formats.Thresholds;

/**
 * A tree node's predicate as mlsec's split test: for every non-missing value, the predicate holds exactly when
 * {@code (x[feature] <= threshold) == trueLeft}, on the one-hot encoded row. A missing value makes it
 * {@link Missing#TRUE}, {@link Missing#FALSE} or {@link Missing#UNKNOWN} (then the tree's missingValueStrategy
 * decides). Constant predicates ({@code True}, {@code False}) have {@code feature} -1.
 * <p>
 * Read exactly: {@code SimplePredicate} lessThan / lessOrEqual / greaterThan / greaterOrEqual on continuous fields
 * (on {@code float} fields both sides are rounded to float32 first, as PMML says, and the threshold converted by
 * {@link Thresholds}), equal / notEqual on a categorical field's declared value (its one-hot indicator),
 * isMissing / isNotMissing; {@code SimpleSetPredicate} isIn / isNotIn with one value of a categorical field;
 * {@code CompoundPredicate}s that are one such test plus a missing-value rule: {@code or(isMissing(x), test)},
 * {@code and(isNotMissing(x), test)}, {@code surrogate(test, True|False)}; {@code True}; {@code False}. Anything
 * else is refused naming the element.
 */
record Split(int feature, double threshold, boolean trueLeft, Missing missing, String field) {
    enum Missing { TRUE, FALSE, UNKNOWN }

    static final Split ALWAYS = new Split(-1, 0, true, Missing.TRUE, null);
    static final Split NEVER = new Split(-1, 0, true, Missing.FALSE, null);

    boolean isConstant() {
        return feature < 0;
    }

    boolean isAlways() {
        return this == ALWAYS;
    }

    /** True when the two tests are each other's negation on every non-missing value. */
    boolean complements(Split o) {
        return !isConstant() && feature == o.feature && Double.compare(threshold, o.threshold) == 0
                && trueLeft != o.trueLeft;
    }

    Split withMissing(Missing m) {
        return new Split(feature, threshold, trueLeft, m, field);
    }

    /** The predicate element among a Node's (or Segment's) children, or null. */
    static Element predicateOf(Element node) {
        for (Element c : node.children()) {
            switch (c.name()) {
                case "True":
                case "False":
                case "SimplePredicate":
                case "SimpleSetPredicate":
                case "CompoundPredicate":
                    return c;
                default:
                    break;
            }
        }
        return null;
    }

    /** Reads a predicate element; {@code depth} bounds nested CompoundPredicates. */
    static Split read(Element p, Fields fields, int depth) {
        if (depth > 16) {
            throw new InputException(p.where() + ": predicates nested deeper than 16 levels");
        }
        switch (p.name()) {
            case "True":
                return ALWAYS;
            case "False":
                return NEVER;
            case "SimplePredicate":
                return simple(p, fields);
            case "SimpleSetPredicate":
                return set(p, fields);
            case "CompoundPredicate":
                return compound(p, fields, depth);
            default:
                throw new InputException(p.where() + ": predicate <" + p.name() + "> is not read");
        }
    }

    private static Fields.Field field(Element p, Fields fields) {
        String name = p.required("field");
        Fields.Field f = fields.treeField(name);
        if (f == null) {
            String why = fields.derived(name) != null ? "a derived field other than a plain reference to an input"
                    + " field (tree predicates are read on input fields and their casts)" : fields.isDataField(name) ? "not an active field of the model" : "not a field of the"
                    + " file";
            throw new InputException(p.where() + ": field '" + PmmlNumbers.abbreviate(name) + "' is " + why);
        }
        return f;
    }

    private static Split simple(Element p, Fields fields) {
        Fields.Field f = field(p, fields);
        String op = p.required("operator");
        if (op.equals("isMissing") || op.equals("isNotMissing")) {
            if (f.categorical()) {
                throw new InputException(p.where() + ": " + op + " on a categorical field is not read (a missing"
                        + " category sets no one-hot indicator)");
            }
            boolean missing = op.equals("isMissing");
            // x <= +Infinity holds for every number: the left side is "not missing".
            return new Split(f.offset(), Double.POSITIVE_INFINITY, !missing, missing ? Missing.TRUE : Missing.FALSE,
                    f.name());
        }
        String value = p.required("value");
        if (f.categorical()) {
            if (!op.equals("equal") && !op.equals("notEqual")) {
                throw new InputException(p.where() + ": operator " + op + " on categorical field '" + f.name()
                        + "' is not read (equal and notEqual are)");
            }
            return indicator(p, f, value, op.equals("notEqual"));
        }
        switch (op) {
            case "lessOrEqual":
                return new Split(f.offset(), lessOrEqual(p, f, value), true, Missing.UNKNOWN, f.name());
            case "greaterThan":
                return new Split(f.offset(), lessOrEqual(p, f, value), false, Missing.UNKNOWN, f.name());
            case "lessThan":
                return new Split(f.offset(), less(p, f, value), true, Missing.UNKNOWN, f.name());
            case "greaterOrEqual":
                return new Split(f.offset(), less(p, f, value), false, Missing.UNKNOWN, f.name());
            case "equal":
            case "notEqual":
                throw new InputException(p.where() + ": " + op + " on continuous field '" + f.name()
                        + "' is not one threshold test");
            default:
                throw new InputException(p.where() + ": operator \"" + PmmlNumbers.abbreviate(op) + "\" is not read");
        }
    }

    /** The mlsec threshold d with {@code x <= d} equal to the file's {@code x <= value}. */
    private static double lessOrEqual(Element p, Fields.Field f, String value) {
        double t = threshold(p, value);
        if (f.isFloat()) {
            return Thresholds.float32LessOrEqual(floatOf(p, value)); // float(x) <= float(t)
        }
        return f.roundedToFloat() ? Thresholds.float32LessOrEqual(t) : t; // float(x) <= t, or x <= t
    }

    /** The mlsec threshold d with {@code x <= d} equal to the file's {@code x < value}. */
    private static double less(Element p, Fields.Field f, String value) {
        double t = threshold(p, value);
        if (f.isFloat()) {
            return Thresholds.float32Less(floatOf(p, value)); // float(x) < float(t)
        }
        // float(x) < t  <=>  float(x) <= nextDown(t), as float(x) is a double too
        return f.roundedToFloat() ? Thresholds.float32LessOrEqual(Math.nextDown(t)) : Thresholds.doubleLess(t);
    }

    private static double threshold(Element p, String value) {
        double t = PmmlNumbers.parse(value);
        if (Double.isNaN(t)) {
            throw new InputException(p.where() + ": threshold \"" + PmmlNumbers.abbreviate(value)
                    + "\" is not a finite number");
        }
        return t;
    }

    /** A float field's threshold, parsed straight to float32 (no double rounding on the way). */
    private static float floatOf(Element p, String value) {
        float f = Float.parseFloat(value.trim());
        if (!Float.isFinite(f)) {
            throw new InputException(p.where() + ": threshold \"" + PmmlNumbers.abbreviate(value)
                    + "\" is not a finite float");
        }
        return f;
    }

    /** {@code field == value} (or !=) on a categorical field: its one-hot indicator above (or at most) 0.5. */
    private static Split indicator(Element p, Fields.Field f, String value, boolean negate) {
        int k = f.indicator(value);
        if (k < 0) {
            throw new InputException(p.where() + ": value '" + PmmlNumbers.abbreviate(value) + "' is not one of "
                    + f.name() + "'s declared values " + f.categories());
        }
        return new Split(k, 0.5, negate, Missing.UNKNOWN, f.name());
    }

    private static Split set(Element p, Fields fields) {
        Fields.Field f = field(p, fields);
        String op = p.required("booleanOperator");
        if (!op.equals("isIn") && !op.equals("isNotIn")) {
            throw new InputException(p.where() + ": booleanOperator \"" + PmmlNumbers.abbreviate(op)
                    + "\" is not read");
        }
        Element array = p.child("Array");
        if (array == null) {
            throw new InputException(p.where() + " has no <Array>");
        }
        List<String> values = arrayValues(array);
        if (!f.categorical()) {
            throw new InputException(p.where() + ": a set predicate on continuous field '" + f.name()
                    + "' is not one threshold test");
        }
        if (values.size() != 1) {
            throw new InputException(p.where() + ": a set of " + values.size() + " values of '" + f.name()
                    + "' is not one one-hot test (only single-value sets are read)");
        }
        return indicator(p, f, values.get(0), op.equals("isNotIn"));
    }

    /** The values of an {@code Array}: whitespace-separated, double-quoted where they hold spaces. */
    static List<String> arrayValues(Element array) {
        String s = array.text();
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '"') {
                StringBuilder b = new StringBuilder();
                i++;
                while (i < s.length() && s.charAt(i) != '"') {
                    if (s.charAt(i) == '\\' && i + 1 < s.length()) {
                        i++;
                    }
                    b.append(s.charAt(i++));
                }
                if (i >= s.length()) {
                    throw new InputException(array.where() + ": an unterminated quoted value");
                }
                i++;
                out.add(b.toString());
            } else {
                int j = i;
                while (j < s.length() && !Character.isWhitespace(s.charAt(j))) {
                    j++;
                }
                out.add(s.substring(i, j));
                i = j;
            }
        }
        String n = array.attr("n");
        if (n != null && !n.trim().equals(Integer.toString(out.size()))) {
            throw new InputException(array.where() + ": n=\"" + PmmlNumbers.abbreviate(n) + "\" but it holds "
                    + out.size() + " values");
        }
        return out;
    }

    private static Split compound(Element p, Fields fields, int depth) {
        String op = p.required("booleanOperator");
        List<Element> parts = new ArrayList<>();
        for (Element c : p.children()) {
            if (!c.name().equals("Extension")) {
                parts.add(c);
            }
        }
        if (parts.size() == 1 && (op.equals("and") || op.equals("or") || op.equals("surrogate"))) {
            return read(parts.get(0), fields, depth + 1);
        }
        if (parts.size() == 2) {
            Split a = read(parts.get(0), fields, depth + 1);
            Split b = read(parts.get(1), fields, depth + 1);
            if (op.equals("surrogate") && !a.isConstant() && a.missing == Missing.UNKNOWN && b.isConstant()) {
                return a.withMissing(b.isAlways() ? Missing.TRUE : Missing.FALSE);
            }
            if (op.equals("or") || op.equals("and")) {
                boolean or = op.equals("or");
                Split test = isMissingTest(a) ? b : a;
                Split check = test == a ? b : a;
                if (isMissingTest(check) && !isMissingTest(test) && !test.isConstant()
                        && test.missing == Missing.UNKNOWN && check.feature == test.feature
                        && (check.missing == Missing.TRUE) == or) {
                    return test.withMissing(or ? Missing.TRUE : Missing.FALSE);
                }
            }
        }
        throw new InputException(p.where() + ": CompoundPredicate " + PmmlNumbers.abbreviate(op) + " of "
                + parts.size() + " predicates does not reduce to one threshold test");
    }

    private static boolean isMissingTest(Split s) {
        return !s.isConstant() && s.threshold == Double.POSITIVE_INFINITY && s.missing != Missing.UNKNOWN;
    }
}
