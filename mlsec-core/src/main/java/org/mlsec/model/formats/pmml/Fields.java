package org.mlsec.model.formats.pmml;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mlsec.InputException;
import org.mlsec.data.Column;
import org.mlsec.data.ColumnType;
import org.mlsec.data.Schema;
import org.mlsec.data.Values;

/**
 * The model's input fields: PMML's {@code DataDictionary} restricted to the top model's active {@code MiningField}s,
 * in DataDictionary order, as mlsec schema columns. A continuous field becomes a numeric column ({@code integer}
 * fields an integer column) with the range of its {@code Interval}s when it declares any (infinite otherwise); a
 * categorical or ordinal field with {@code Value}s becomes a categorical column whose categories are its valid
 * values in the order the file lists them (one-hot indicators in that order). The target field's valid values, in
 * file order, are the class names.
 * <p>
 * MiningField settings are honoured or refused: {@code missingValueReplacement} is honoured in trees (a missing
 * value follows the branch of its replacement), refused elsewhere; {@code outliers} other than {@code asIs},
 * {@code invalidValueTreatment="asMissing"/"asValue"} on a field with a declared domain, and usage types that
 * change scoring are refused.
 */
final class Fields {
    /** One active input field. */
    record Field(String name, boolean categorical, String dataType, int column, int offset, List<String> categories) {
        /** Values and thresholds compare as float32 (a float field, or a float cast of one). */
        boolean isFloat() {
            return "float".equals(dataType);
        }

        /** Values are rounded to float32 on the way (a float input seen through a double cast). */
        boolean roundedToFloat() {
            return isFloat() || "float-as-double".equals(dataType);
        }

        /** The encoded (one-hot) feature of a category, or -1. */
        int indicator(String value) {
            int k = categories.indexOf(Values.canonical(value.trim()));
            return k < 0 ? -1 : offset + k;
        }
    }

    private final Map<String, Field> fields = new LinkedHashMap<>();
    private final Map<String, Element> dataFields = new HashMap<>();
    private final Map<String, Element> derived = new HashMap<>();
    private final Map<String, Double> replacements = new HashMap<>();
    private Schema schema;
    private final String target;
    private final List<String> notes = new ArrayList<>();

    Fields(Element pmml, Element model) {
        Element dictionary = pmml.child("DataDictionary");
        if (dictionary == null) {
            throw new InputException("the file has no <DataDictionary>");
        }
        for (Element f : dictionary.all("DataField")) {
            String name = f.required("name");
            if (dataFields.put(name, f) != null) {
                throw new InputException(f.where() + ": field '" + PmmlNumbers.abbreviate(name)
                        + "' is declared twice");
            }
        }
        Element transformations = pmml.child("TransformationDictionary");
        if (transformations != null) {
            addDerived(transformations);
        }
        Element mining = model.child("MiningSchema");
        if (mining == null) {
            throw new InputException(model.where() + " has no <MiningSchema>");
        }
        Set<String> active = new HashSet<>();
        String targetName = null;
        for (Element mf : mining.all("MiningField")) {
            String name = mf.required("name");
            String usage = mf.attr("usageType", "active");
            switch (usage) {
                case "active":
                    if (!dataFields.containsKey(name)) {
                        throw new InputException(mf.where() + ": active field '" + PmmlNumbers.abbreviate(name)
                                + "' is not in the DataDictionary");
                    }
                    active.add(name);
                    break;
                case "target":
                case "predicted":
                    if (targetName != null) {
                        throw new InputException(mf.where() + ": a second target field; mlsec reads models with one");
                    }
                    targetName = name;
                    break;
                case "supplementary":
                case "group":
                case "order":
                case "frequencyWeight":
                case "analysisWeight":
                    break; // not used in scoring
                default:
                    throw new InputException(mf.where() + ": usageType=\"" + PmmlNumbers.abbreviate(usage)
                            + "\" is not read");
            }
        }
        List<Column> columns = new ArrayList<>();
        int offset = 0;
        for (Element f : dictionary.all("DataField")) {
            String name = f.attr("name");
            if (!active.contains(name)) {
                continue;
            }
            String optype = f.attr("optype", "");
            String type = f.attr("dataType", "double");
            Field field;
            if (optype.equals("continuous")) {
                double[] range = range(f);
                ColumnType ct = type.equals("integer") ? ColumnType.INTEGER : ColumnType.NUMERIC;
                if (!type.equals("integer") && !type.equals("float") && !type.equals("double")) {
                    throw new InputException(f.where() + ": continuous field of dataType " + type + " is not read");
                }
                columns.add(Column.numeric(name, ct, range[0], range[1]));
                field = new Field(name, false, type, columns.size() - 1, offset, List.of());
                offset++;
            } else if (optype.equals("categorical") || optype.equals("ordinal")) {
                List<String> cats = validValues(f);
                if (cats.isEmpty()) {
                    throw new InputException(f.where() + ": a categorical input field without <Value>s cannot be"
                            + " one-hot encoded");
                }
                columns.add(Column.categorical(name, cats));
                field = new Field(name, true, type, columns.size() - 1, offset, cats);
                offset += cats.size();
            } else {
                throw new InputException(f.where() + ": optype \"" + PmmlNumbers.abbreviate(optype)
                        + "\" is not read (continuous, categorical or ordinal)");
            }
            fields.put(name, field);
        }
        for (Element mf : mining.all("MiningField")) {
            check(mf, fields.get(mf.attr("name")));
        }
        this.target = targetName;
        List<String> classes = List.of();
        if (targetName != null && dataFields.containsKey(targetName)) {
            classes = validValues(dataFields.get(targetName));
        }
        this.schema = new Schema(columns, targetName, classes);
    }

    /** Reads a TransformationDictionary: its DerivedFields become known by name. */
    void addDerived(Element container) {
        addDerived(container, false);
    }

    /**
     * Reads a TransformationDictionary or a model's LocalTransformations (local: its fields replace same-named
     * ones of a sibling model read before).
     */
    void addDerived(Element container, boolean local) {
        for (Element d : container.all("DerivedField")) {
            String name = d.required("name");
            if ((derived.put(name, d) != null && !local) || dataFields.containsKey(name)) {
                throw new InputException(d.where() + ": field '" + PmmlNumbers.abbreviate(name)
                        + "' is declared twice");
            }
        }
        if (!container.all("DefineFunction").isEmpty()) {
            throw new InputException(container.all("DefineFunction").get(0).where()
                    + ": user-defined functions are not read");
        }
    }

    /** Checks a MiningField of any model in the file against what mlsec can honour. */
    void check(Element mf, Field field) {
        String outliers = mf.attr("outliers", "asIs");
        if (!outliers.equals("asIs")) {
            throw new InputException(mf.where() + ": outliers=\"" + PmmlNumbers.abbreviate(outliers)
                    + "\" (values clipped or made missing before scoring) is not read");
        }
        String invalid = mf.attr("invalidValueTreatment", "returnInvalid");
        boolean hasDomain = field != null && (field.categorical()
                || dataFields.get(field.name()).child("Interval") != null);
        switch (invalid) {
            case "returnInvalid":
                if (hasDomain) {
                    note("values outside a field's declared intervals or values are invalid in the file"
                            + " (returnInvalid); mlsec scores them as any other value");
                }
                break;
            case "asIs":
                break;
            case "asMissing":
            case "asValue":
                if (hasDomain) {
                    throw new InputException(mf.where() + ": invalidValueTreatment=\"" + invalid
                            + "\" on a field with a declared domain is not honoured, so it is refused");
                }
                break;
            default:
                throw new InputException(mf.where() + ": invalidValueTreatment=\"" + PmmlNumbers.abbreviate(invalid)
                        + "\" is not read");
        }
        String replacement = mf.attr("missingValueReplacement");
        if (replacement != null && field != null) {
            if (field.categorical()) {
                throw new InputException(mf.where() + ": missingValueReplacement on a categorical field is not"
                        + " honoured (a missing category sets no one-hot indicator), so it is refused");
            }
            double v = mf.parseNumber(replacement, "missingValueReplacement");
            Double before = replacements.put(field.name(), v);
            if (before != null && before != v) {
                throw new InputException(mf.where() + ": another missingValueReplacement for '" + field.name()
                        + "' than the enclosing model's");
            }
        }
        if ("returnInvalid".equals(mf.attr("missingValueTreatment"))) {
            note("missing values of " + mf.attr("name") + " are invalid in the file (missingValueTreatment"
                    + " returnInvalid); mlsec scores them as its trees direct");
        }
    }

    private static double[] range(Element f) {
        List<Element> intervals = f.all("Interval");
        if (intervals.isEmpty()) {
            return new double[] {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Element i : intervals) {
            String l = i.attr("leftMargin");
            String r = i.attr("rightMargin");
            lo = Math.min(lo, l == null ? Double.NEGATIVE_INFINITY : i.parseNumber(l, "leftMargin"));
            hi = Math.max(hi, r == null ? Double.POSITIVE_INFINITY : i.parseNumber(r, "rightMargin"));
        }
        if (!(lo <= hi)) {
            throw new InputException(f.where() + ": its intervals are empty");
        }
        return new double[] {lo, hi};
    }

    /** The valid {@code Value}s of a field, canonical (so that "2" and "2.0" are one), in file order. */
    static List<String> validValues(Element f) {
        List<String> out = new ArrayList<>();
        for (Element v : f.all("Value")) {
            if (!v.attr("property", "valid").equals("valid")) {
                continue;
            }
            String c = Values.canonical(v.required("value").trim());
            if (out.contains(c)) {
                throw new InputException(v.where() + ": value '" + PmmlNumbers.abbreviate(c) + "' of "
                        + f.attr("name") + " is listed twice");
            }
            out.add(c);
        }
        return out;
    }

    Schema schema() {
        return schema;
    }

    /** Sets the class names when the target field declares no Values (taken from the model, in its order). */
    void classes(List<String> classes) {
        schema = new Schema(schema.features(), schema.label(), classes);
    }

    /** The target field's name, or null. */
    String target() {
        return target;
    }

    /** Width of the one-hot encoded rows. */
    int encodedWidth() {
        int w = 0;
        for (Field f : fields.values()) {
            w += f.categorical() ? f.categories().size() : 1;
        }
        return w;
    }

    /** The active input field of that name, or null. */
    Field field(String name) {
        return fields.get(name);
    }

    /**
     * The input field a tree predicate tests: an active input field, or a derived field that only refers to one
     * ({@code FieldRef}, as converters write type casts such as {@code float(x)}), with the cast's rounding. Null
     * when the name is neither.
     */
    Field treeField(String name) {
        Field f = fields.get(name);
        if (f != null) {
            return f;
        }
        Element d = derived.get(name);
        boolean toFloat = false;
        String lastType = null;
        for (int hops = 0; d != null && hops < Linear.MAX_DEPTH; hops++) {
            Element e = null;
            for (Element c : d.children()) {
                if (!c.name().equals("Extension")) {
                    e = c;
                    break;
                }
            }
            if (e == null || !e.name().equals("FieldRef") || e.attr("mapMissingTo") != null) {
                return null;
            }
            String type = d.attr("dataType", "double");
            if (lastType == null) {
                lastType = type;
            }
            toFloat |= type.equals("float");
            String ref = e.required("field");
            Field input = fields.get(ref);
            if (input != null) {
                if (input.categorical()) {
                    return input;
                }
                boolean integerCast = type.equals("integer") && !input.dataType().equals("integer");
                if (integerCast || !(type.equals("float") || type.equals("double") || type.equals("integer"))) {
                    return null;
                }
                boolean rounded = toFloat || input.roundedToFloat();
                String view = lastType.equals("float") ? "float" : rounded ? "float-as-double" : input.dataType();
                return new Field(input.name(), false, view, input.column(), input.offset(), input.categories());
            }
            d = derived.get(ref);
        }
        return null;
    }

    /** A DerivedField in scope (global or added from a model's LocalTransformations), or null. */
    Element derived(String name) {
        return derived.get(name);
    }

    boolean isDataField(String name) {
        return dataFields.containsKey(name);
    }

    /** The missingValueReplacement of a field, or null. */
    Double replacement(String name) {
        return replacements.get(name);
    }

    void note(String sentence) {
        if (!notes.contains(sentence)) {
            notes.add(sentence);
        }
    }

    List<String> notes() {
        return notes;
    }
}
