package org.mlsec.attacks.evasion;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mlsec.InputException;
import org.mlsec.data.Column;
import org.mlsec.data.ColumnType;
import org.mlsec.data.Condition;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.data.Values;
import org.mlsec.defences.preprocessor.InputSchema;

/**
 * The set of inputs an attacker (or an applicant) can actually submit, and what a change costs. Per feature: whether
 * it may change at all, whether it is whole, its range (from an input schema, else the range the model saw in
 * training), its allowed categories and direction; single-column domain rules become bounds, other rules are checked
 * on each candidate. Cost: per unit of a number (default: one per standard deviation of the data) or per category
 * change, combined by the {@link Norm}.
 */
public final class Feasibility {
    private final Schema schema;
    private final Norm norm;
    private final boolean[] mutable;
    private final boolean[] integer;
    private final double[] lo;
    private final double[] hi;
    private final long[] categories;
    private final double[] unitCost;
    private final int[] direction;
    private final List<Condition.Bound> rules;

    private Feasibility(Schema schema, Norm norm, boolean[] mutable, boolean[] integer, double[] lo, double[] hi,
                        long[] categories, double[] unitCost, int[] direction, List<Condition> rules) {
        this.schema = schema;
        this.norm = norm;
        this.mutable = mutable;
        this.integer = integer;
        this.lo = lo;
        this.hi = hi;
        this.categories = categories;
        this.unitCost = unitCost;
        this.direction = direction;
        this.rules = rules.stream().map(r -> r.bind(schema)).toList();
    }

    /**
     * @param schema the model's schema (row order)
     * @param input  an input schema whose ranges, categories and rules bound the search, or null for the model's
     *               training ranges
     * @param data   rows whose standard deviations scale the default costs, or null (then the range scales them)
     * @param costs  the cost model, with the immutable features
     *
     * @return the constraints and costs of a change
     */
    public static Feasibility of(Schema schema, InputSchema input, Dataset data, Costs costs) {
        int w = schema.width();
        boolean[] mutable = new boolean[w];
        boolean[] integer = new boolean[w];
        double[] lo = new double[w];
        double[] hi = new double[w];
        long[] cats = new long[w];
        double[] unit = new double[w];
        int[] dir = new int[w];
        // Immutable features the model does not use are simply not there to change (a list may cover many models).
        for (String name : costs.features().keySet()) {
            schema.require(name);
        }
        for (int j = 0; j < w; j++) {
            Column c = schema.feature(j);
            mutable[j] = !costs.immutable().contains(c.name());
            Costs.FeatureCost fc = costs.features().get(c.name());
            if (c.isCategorical()) {
                if (c.categories().size() > 63) {
                    throw new InputException("feature " + c.name() + " has " + c.categories().size()
                            + " categories; evasion handles at most 63");
                }
                cats[j] = (1L << c.categories().size()) - 1;
                unit[j] = fc != null && fc.changeCost() != null ? fc.changeCost() : 1.0;
                lo[j] = 0;
                hi[j] = c.categories().size() - 1;
                continue;
            }
            integer[j] = c.type() == ColumnType.INTEGER;
            lo[j] = c.min();
            hi[j] = c.max();
            dir[j] = fc == null || "any".equals(fc.direction()) ? 0 : "increase".equals(fc.direction()) ? 1 : -1;
            unit[j] = fc != null && fc.costPerUnit() != null ? fc.costPerUnit() : 1.0 / scale(data, j, c);
        }
        List<Condition> rules = new ArrayList<>();
        if (input != null) {
            applySchema(schema, input, integer, lo, hi, cats, rules);
        }
        for (int j = 0; j < w; j++) {
            if (!schema.feature(j).isCategorical() && !(lo[j] <= hi[j])) {
                throw new InputException("feature " + schema.feature(j).name() + " has an empty feasible range ["
                        + Values.display(lo[j]) + ", " + Values.display(hi[j]) + "]");
            }
        }
        return new Feasibility(schema, costs.norm(), mutable, integer, lo, hi, cats, unit, dir, rules);
    }

    private static double scale(Dataset data, int j, Column c) {
        if (data != null && data.rows() > 1) {
            double mean = 0;
            for (double[] r : data.x()) {
                mean += r[j];
            }
            mean /= data.rows();
            double ss = 0;
            for (double[] r : data.x()) {
                ss += (r[j] - mean) * (r[j] - mean);
            }
            double sd = Math.sqrt(ss / (data.rows() - 1));
            if (sd > 0) {
                return sd;
            }
        }
        double range = c.max() - c.min();
        return Double.isFinite(range) && range > 0 ? range : 1.0;
    }

    private static void applySchema(Schema schema, InputSchema input, boolean[] integer, double[] lo, double[] hi,
                                    long[] cats, List<Condition> rules) {
        Map<String, InputSchema.Field> fields = new java.util.HashMap<>();
        for (InputSchema.Field f : input.features()) {
            fields.put(f.name(), f);
        }
        for (int j = 0; j < schema.width(); j++) {
            Column c = schema.feature(j);
            InputSchema.Field f = fields.get(c.name());
            if (f == null) {
                throw new InputException("the input schema has no field " + c.name() + " that the model uses");
            }
            if (c.isCategorical()) {
                long mask = 0;
                List<String> allowed = f.categories() == null ? c.categories() : f.categories();
                for (int k = 0; k < c.categories().size(); k++) {
                    if (allowed.contains(c.categories().get(k))) {
                        mask |= 1L << k;
                    }
                }
                cats[j] = mask;
                continue;
            }
            if ("integer".equals(f.type())) {
                integer[j] = true;
            }
            if (f.min() != null) {
                lo[j] = f.min();
            }
            if (f.max() != null) {
                hi[j] = f.max();
            }
        }
        for (String text : input.rules()) {
            Condition cond = Condition.parse(text);
            if (!tighten(schema, cond, integer, lo, hi)) {
                rules.add(cond);
            }
        }
    }

    /** Folds a one-clause numeric rule into its column's bounds; false when the rule must be checked as is. */
    private static boolean tighten(Schema schema, Condition cond, boolean[] integer, double[] lo, double[] hi) {
        if (cond.clauses().size() != 1) {
            return false;
        }
        Condition.Clause c = cond.clauses().get(0);
        int j = schema.indexOf(c.column());
        if (j < 0) {
            throw new InputException("schema rule '" + cond + "' names " + c.column() + ", which the model does not use");
        }
        double v = Values.parse(c.value());
        if (schema.feature(j).isCategorical() || Double.isNaN(v)) {
            return false;
        }
        switch (c.op()) {
            case ">=":
                lo[j] = Math.max(lo[j], v);
                return true;
            case ">":
                lo[j] = Math.max(lo[j], integer[j] ? Math.floor(v) + 1 : Math.nextUp(v));
                return true;
            case "<=":
                hi[j] = Math.min(hi[j], v);
                return true;
            case "<":
                hi[j] = Math.min(hi[j], integer[j] ? Math.ceil(v) - 1 : Math.nextDown(v));
                return true;
            case "==":
                lo[j] = Math.max(lo[j], v);
                hi[j] = Math.min(hi[j], v);
                return true;
            default:
                return false;
        }
    }

    /**
     * The model's schema.
     *
     * @return the schema given
     */
    public Schema schema() {
        return schema;
    }

    /**
     * How per-feature costs add up.
     *
     * @return the cost model's norm
     */
    public Norm norm() {
        return norm;
    }

    /**
     * The number of features.
     *
     * @return the schema's width
     */
    public int width() {
        return mutable.length;
    }

    /**
     * Whether feature j may change.
     *
     * @param j the feature's index
     * @return false for an immutable feature
     */
    public boolean mutable(int j) {
        return mutable[j];
    }

    /**
     * Whether feature j is categorical.
     *
     * @param j the feature's index
     * @return whether its values are category indices
     */
    public boolean categorical(int j) {
        return schema.feature(j).isCategorical();
    }

    /**
     * Whether feature j takes whole numbers only.
     *
     * @param j the feature's index
     * @return whether a change must stay whole
     */
    public boolean integer(int j) {
        return integer[j];
    }

    /**
     * Cost of one unit of change (numbers) or of any change (categories).
     *
     * @param j the feature's index
     * @return the cost, positive
     */
    public double unitCost(int j) {
        return unitCost[j];
    }

    /**
     * Smallest value feature j may take in a change of row x (its direction and immutability included).
     *
     * @param j the feature's index
     * @param xj the row's value of it
     * @return the bound (xj when the feature is immutable)
     */
    public double lower(int j, double xj) {
        if (!mutable[j]) {
            return xj;
        }
        double l = direction[j] > 0 ? Math.max(lo[j], xj) : lo[j];
        return integer[j] ? Math.ceil(l) : l;
    }

    /**
     * Largest value feature j may take in a change of row x (its direction and immutability included).
     *
     * @param j the feature's index
     * @param xj the row's value of it
     * @return the bound (xj when the feature is immutable)
     */
    public double upper(int j, double xj) {
        if (!mutable[j]) {
            return xj;
        }
        double h = direction[j] < 0 ? Math.min(hi[j], xj) : hi[j];
        return integer[j] ? Math.floor(h) : h;
    }

    /**
     * Whether category c of feature j may replace the row's category xc.
     *
     * @param j the feature's index
     * @param c the candidate category's index
     * @param xc the row's category index
     * @return true for the row's own category or, when the feature is mutable, an allowed one
     */
    public boolean categoryAllowed(int j, int c, int xc) {
        if (c == xc) {
            return true;
        }
        return mutable[j] && c >= 0 && c < 64 && (categories[j] & (1L << c)) != 0;
    }

    /**
     * Cost of changing feature j from a to b.
     *
     * @param j the feature's index
     * @param a the value before
     * @param b the value after
     * @return the cost, 0 when they are equal
     */
    public double partCost(int j, double a, double b) {
        if (categorical(j)) {
            return a == b ? 0 : unitCost[j];
        }
        return unitCost[j] * Math.abs(b - a);
    }

    /**
     * Cost of changing row x into v.
     *
     * @param x the row
     * @param v the changed row
     * @return the parts' costs added up by the norm
     */
    public double cost(double[] x, double[] v) {
        double total = 0;
        for (int j = 0; j < x.length; j++) {
            total = norm.add(total, partCost(j, x[j], v[j]));
        }
        return total;
    }

    /**
     * The change of number j from xj that costs exactly budget, as a distance in the feature's units.
     *
     * @param j the feature's index
     * @param budget the cost allowed
     * @return the distance
     */
    public double reach(int j, double budget) {
        return budget / unitCost[j];
    }

    /**
     * The feasible point nearest to v for row x: immutable features reset, categories outside the allowed set reset,
     * numbers clipped into range and whole numbers rounded.
     *
     * @param x the row
     * @param v a candidate change of it
     * @return the projected change (a new array)
     */
    public double[] project(double[] x, double[] v) {
        double[] out = v.clone();
        for (int j = 0; j < out.length; j++) {
            if (!mutable[j] || Double.isNaN(out[j])) {
                out[j] = x[j];
            } else if (categorical(j)) {
                int c = (int) Math.rint(out[j]);
                out[j] = categoryAllowed(j, c, (int) x[j]) ? c : x[j];
            } else {
                double l = lower(j, x[j]);
                double h = upper(j, x[j]);
                double r = integer[j] ? Math.rint(out[j]) : out[j];
                out[j] = Math.min(h, Math.max(l, r));
            }
        }
        return out;
    }

    /**
     * True when v is a change of x that respects every constraint.
     *
     * @param x the row
     * @param v the changed row
     * @return whether the change is allowed
     */
    public boolean feasible(double[] x, double[] v) {
        for (int j = 0; j < v.length; j++) {
            if (v[j] == x[j]) {
                continue;
            }
            if (!mutable[j]) {
                return false;
            }
            if (categorical(j)) {
                if (!categoryAllowed(j, (int) v[j], (int) x[j]) || v[j] != Math.rint(v[j])) {
                    return false;
                }
            } else if (!(v[j] >= lower(j, x[j]) && v[j] <= upper(j, x[j]))
                    || integer[j] && v[j] != Math.rint(v[j])) {
                return false;
            }
        }
        return satisfiesRules(v);
    }

    /**
     * True when a row itself is a valid input: in range, whole where it must be, allowed categories, every rule.
     *
     * @param x the row
     * @return whether it is a valid input
     */
    public boolean valid(double[] x) {
        for (int j = 0; j < x.length; j++) {
            double v = x[j];
            if (categorical(j)) {
                if (v < 0 || v >= 63 || (categories[j] & (1L << (int) v)) == 0) {
                    return false;
                }
            } else if (!(v >= lo[j] && v <= hi[j]) || integer[j] && v != Math.rint(v)) {
                return false;
            }
        }
        return satisfiesRules(x);
    }

    /**
     * The rules that are not simple bounds (several clauses, or !=).
     *
     * @param v a row
     * @return whether it meets all of them
     */
    public boolean satisfiesRules(double[] v) {
        for (Condition.Bound c : rules) {
            if (!c.test(v)) {
                return false;
            }
        }
        return true;
    }

    /**
     * "months_late: 2 → 0" for every changed feature.
     *
     * @param x the row
     * @param v the changed row
     * @return one line per changed feature, in schema order
     */
    public List<String> changes(double[] x, double[] v) {
        List<String> out = new ArrayList<>();
        for (int j = 0; j < x.length; j++) {
            if (x[j] != v[j]) {
                Column c = schema.feature(j);
                out.add(c.name() + ": " + c.display(x[j]) + " → " + c.display(v[j]));
            }
        }
        return out;
    }
    /**
     * The reach of robust tree training against this attacker: per column, how far a budget moves a row (the
     * budget over the column's unit cost; nothing for an immutable column; only in a one-way column's direction;
     * within the feasible range; a categorical column anywhere when one change costs at most the budget). Rules over
     * several columns are not folded in, so the reach is a box that contains every feasible change of that cost.
     *
     * @param radius  the budget of every column, in this cost model's units
     * @param budgets per-column budgets that replace the radius (column name to cost); may be empty
     * @return the settings {@link org.mlsec.model.TrainConfig#withRobust(org.mlsec.model.Robustness)} takes
     */
    public org.mlsec.model.Robustness robustness(double radius, Map<String, Double> budgets) {
        org.mlsec.model.Robustness check = new org.mlsec.model.Robustness(radius, budgets, Map.of());
        for (String name : check.budgets().keySet()) {
            schema.require(name);
        }
        Map<String, org.mlsec.model.Robustness.Reach> reach = new java.util.LinkedHashMap<>();
        for (int j = 0; j < width(); j++) {
            String name = schema.feature(j).name();
            double budget = check.budget(name);
            if (!mutable[j] || budget <= 0) {
                continue;
            }
            if (categorical(j)) {
                if (unitCost[j] <= budget) {
                    reach.put(name, new org.mlsec.model.Robustness.Reach(1, 1, 0, 1, true));
                }
                continue;
            }
            double d = reach(j, budget);
            reach.put(name, new org.mlsec.model.Robustness.Reach(direction[j] > 0 ? 0 : d, direction[j] < 0 ? 0 : d,
                    lo[j], hi[j], integer[j]));
        }
        return new org.mlsec.model.Robustness(radius, check.budgets(), reach);
    }
}
