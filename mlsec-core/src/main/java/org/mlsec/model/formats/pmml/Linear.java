package org.mlsec.model.formats.pmml;

import java.util.ArrayList;
import java.util.List;
import org.mlsec.InputException;

/**
 * A derived field that is linear in one input field, {@code z = offset + factor * (x - mean) / scale}, so that a
 * regression on it folds into mlsec's standardised logistic model. Read: {@code FieldRef}, {@code NormContinuous}
 * with two {@code LinearNorm} points (PMML's piecewise-linear normalisation, linear everywhere with two points and
 * {@code outliers="asIs"}), and {@code Apply} of {@code -}, {@code +}, {@code /}, {@code *} with one constant in the
 * shapes standard scaling takes ({@code (x - mean) / scale}, times a constant). Anything else, a missing-value
 * mapping, or derived fields that refer to each other in a cycle are refused naming the field.
 */
record Linear(String field, double offset, double factor, double mean, double scale) {
    static final int MAX_DEPTH = 32;

    boolean isIdentity() {
        return offset == 0 && factor == 1 && mean == 0 && scale == 1;
    }

    /** The linear form of a field used by a regression: an input field, or a derived field over one. */
    static Linear of(String name, Element where, Fields fields) {
        return resolve(name, where, fields, new ArrayList<>());
    }

    private static Linear resolve(String name, Element where, Fields fields, List<String> path) {
        Fields.Field f = fields.field(name);
        if (f != null) {
            if (f.categorical()) {
                throw new InputException(where.where() + ": '" + name + "' is categorical; a numeric term on it is"
                        + " not read");
            }
            if (f.roundedToFloat()) {
                fields.note("float inputs are not rounded to float32 by the logistic model: probabilities may differ"
                        + " in the 7th digit");
            }
            return new Linear(name, 0, 1, 0, 1);
        }
        Element d = fields.derived(name);
        if (d == null) {
            throw new InputException(where.where() + ": field '" + PmmlNumbers.abbreviate(name) + "' is "
                    + (fields.isDataField(name) ? "not an active field of the model" : "not a field of the file"));
        }
        if (path.contains(name)) {
            path.add(name);
            throw new InputException(d.where() + ": derived fields refer to each other in a cycle: "
                    + String.join(" -> ", path));
        }
        path.add(name);
        if (!d.attr("dataType", "double").equals("double")) {
            throw new InputException(d.where() + ": a " + d.attr("dataType") + " cast is not honoured by a logistic"
                    + " model, so it is refused");
        }
        if (path.size() > MAX_DEPTH) {
            throw new InputException(d.where() + ": derived fields nested deeper than " + MAX_DEPTH);
        }
        Element e = expression(d);
        Linear out = expressionOf(e, fields, path);
        path.remove(path.size() - 1);
        return out;
    }

    private static Element expression(Element parent) {
        for (Element c : parent.children()) {
            if (!c.name().equals("Extension")) {
                return c;
            }
        }
        throw new InputException(parent.where() + " has no expression");
    }

    private static Linear expressionOf(Element e, Fields fields, List<String> path) {
        if (e.attr("mapMissingTo") != null || e.attr("defaultValue") != null) {
            throw new InputException(e.where() + ": mapMissingTo / defaultValue (a value for missing inputs) is not"
                    + " honoured in a linear model, so it is refused");
        }
        switch (e.name()) {
            case "FieldRef":
                return resolve(e.required("field"), e, fields, path);
            case "NormContinuous":
                return norm(e, fields, path);
            case "Apply":
                return apply(e, fields, path);
            default:
                throw new InputException(e.where() + ": <" + e.name() + "> is not a linear transformation mlsec"
                        + " folds into a logistic model");
        }
    }

    private static Linear norm(Element e, Fields fields, List<String> path) {
        if (!e.attr("outliers", "asIs").equals("asIs")) {
            throw new InputException(e.where() + ": outliers=\"" + PmmlNumbers.abbreviate(e.attr("outliers"))
                    + "\" is not linear");
        }
        List<Element> points = e.all("LinearNorm");
        if (points.size() != 2) {
            throw new InputException(e.where() + " has " + points.size() + " LinearNorm points; only two (a linear"
                    + " map) are read");
        }
        double o1 = points.get(0).number("orig");
        double n1 = points.get(0).number("norm");
        double o2 = points.get(1).number("orig");
        double n2 = points.get(1).number("norm");
        if (!(o2 > o1) || n1 == n2) {
            throw new InputException(e.where() + ": its LinearNorm points are not increasing in orig, or map to one"
                    + " value");
        }
        Linear inner = resolve(e.required("field"), e, fields, path);
        if (!inner.isIdentity()) {
            throw new InputException(e.where() + ": a normalisation of a derived field is not read");
        }
        return new Linear(inner.field, n1, n2 - n1, o1, o2 - o1);
    }

    private static Linear apply(Element e, Fields fields, List<String> path) {
        String fn = e.required("function");
        List<Element> args = new ArrayList<>();
        for (Element c : e.children()) {
            if (!c.name().equals("Extension")) {
                args.add(c);
            }
        }
        if (args.size() != 2) {
            throw new InputException(e.where() + ": Apply " + PmmlNumbers.abbreviate(fn) + " of " + args.size()
                    + " arguments is not read");
        }
        boolean constFirst = args.get(0).name().equals("Constant");
        Element constant = constFirst ? args.get(0) : args.get(1);
        Element other = constFirst ? args.get(1) : args.get(0);
        if (!constant.name().equals("Constant") || other.name().equals("Constant")) {
            throw new InputException(e.where() + ": Apply " + PmmlNumbers.abbreviate(fn) + " is read with one"
                    + " field and one constant");
        }
        double c = constant.parseNumber(constant.text(), "Constant");
        Linear l = expressionOf(other, fields, path);
        boolean plain = l.offset == 0 && l.factor == 1 && l.scale == 1;
        switch (fn) {
            case "-":
                if (!constFirst && plain && l.mean == 0) {
                    return new Linear(l.field, 0, 1, c, 1);
                }
                break;
            case "+":
                if (plain && l.mean == 0) {
                    return new Linear(l.field, 0, 1, -c, 1);
                }
                break;
            case "/":
                if (!constFirst && plain && c != 0) {
                    return c > 0 ? new Linear(l.field, 0, 1, l.mean, c) : new Linear(l.field, 0, -1, l.mean, -c);
                }
                break;
            case "*":
                return new Linear(l.field, l.offset * c, l.factor * c, l.mean, l.scale);
            default:
                throw new InputException(e.where() + ": function \"" + PmmlNumbers.abbreviate(fn) + "\" is not a"
                        + " linear transformation mlsec folds");
        }
        throw new InputException(e.where() + ": Apply " + fn + " in this arrangement is not standard scaling");
    }
}
