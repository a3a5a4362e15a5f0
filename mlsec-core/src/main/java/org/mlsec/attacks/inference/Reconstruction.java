package org.mlsec.attacks.inference;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.mlsec.Result;
import org.mlsec.data.Column;
import org.mlsec.data.ColumnType;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.internal.Validate;
import org.mlsec.model.Classifier;
import org.mlsec.model.linear.LogisticModel;
import org.mlsec.report.Threat;

/**
 * Class-prototype reconstruction: what the model thinks a member of a class looks like, found inside the feasible
 * ranges of the schema. Any classifier: black-box coordinate search (each feature in turn over a grid of its range,
 * or its categories, from several random starts). Logistic regression: its logit is linear, so the most confident
 * point of the box is read off the weights' signs (a gradient ascent converges to the same corner).
 */
public final class Reconstruction {
    static final int GRID = 21;
    static final int STARTS = 4;
    static final int PASSES = 3;

    private Reconstruction() {
    }

    /**
     * Reconstructs a prototype of one class: the input, inside the ranges, that the model gives the highest probability
     * of that class (the best corner of the box for a two-class unclipped logistic regression, else a seeded coordinate
     * search). With data, the prototype's distance to the nearest real row says whether it resembles one.
     *
     * @param model the target
     * @param ranges the features' ranges (an input schema's); features it lacks keep the model's own
     * @param targetClass the class's index
     * @param data rows to compare the prototype with, or null
     * @param seed of the search
     * @return the prototype, its confidence and queries; a finding when the confidence exceeds 0.5
     */
    public static Result prototype(Classifier model, Schema ranges, int targetClass, Dataset data, long seed) {
        Schema s = model.schema();
        if (data != null) {
            s.requireCompatible(data.schema(), "data");
        }
        int d = s.width();
        double[] lo = new double[d];
        double[] hi = new double[d];
        for (int j = 0; j < d; j++) {
            Column c = s.feature(j);
            int r = ranges.indexOf(c.name());
            Column rc = r >= 0 ? ranges.feature(r) : c;
            lo[j] = c.isCategorical() ? 0 : rc.min();
            hi[j] = c.isCategorical() ? c.categories().size() - 1 : rc.max();
            Validate.isTrue(Double.isFinite(lo[j]) && Double.isFinite(hi[j]), "no finite range for feature '" + c.name()
                    + "': give an input schema with ranges");
        }
        long q0 = model.queries();
        double[] best;
        String method;
        if (model instanceof LogisticModel && !((LogisticModel) model).clipped() && s.classes().size() == 2) {
            best = linearCorner((LogisticModel) model, s, lo, hi, targetClass);
            method = "linear-optimum";
        } else {
            best = coordinateSearch(model, s, lo, hi, targetClass, seed);
            method = "coordinate-search";
        }
        double conf = model.predictProba(new double[][] {best})[0][targetClass];
        Map<String, String> proto = new LinkedHashMap<>();
        for (int j = 0; j < d; j++) {
            proto.put(s.feature(j).name(), s.feature(j).format(best[j]));
        }
        Result.Builder r = Result.of(Threat.MODEL_INVERSION, "reconstruct").metric("method", method)
                .metric("class", s.classes().get(targetClass)).metric("prototype", proto).metric("confidence", conf)
                .metric("queries", model.queries() - q0);
        if (data != null) {
            double nearest = Double.POSITIVE_INFINITY;
            int at = -1;
            for (int i = 0; i < data.rows(); i++) {
                double dist = 0;
                for (int j = 0; j < d; j++) {
                    double span = Math.max(hi[j] - lo[j], 1e-12);
                    double diff = s.feature(j).isCategorical() ? (data.row(i)[j] == best[j] ? 0 : 1)
                            : (data.row(i)[j] - best[j]) / span;
                    dist += diff * diff;
                }
                if (dist < nearest) {
                    nearest = dist;
                    at = i;
                }
            }
            r.metric("nearest_row_distance", Math.sqrt(nearest / d)).metric("nearest_row_line", at + 2);
        }
        return r.finding(conf > 0.5).build();
    }

    static double[] linearCorner(LogisticModel m, Schema s, double[] lo, double[] hi, int target) {
        double[] c = m.rawCoefficients(0);
        double sign = target == 1 ? 1 : -1;
        double[] x = new double[s.width()];
        var enc = m.encoder();
        int e = 0;
        for (int j = 0; j < s.width(); j++) {
            Column col = s.feature(j);
            if (col.isCategorical()) {
                int bestK = 0;
                for (int k = 0; k < col.categories().size(); k++) {
                    if (sign * c[1 + e + k] > sign * c[1 + e + bestK]) {
                        bestK = k;
                    }
                }
                x[j] = bestK;
                e += col.categories().size();
            } else {
                x[j] = sign * c[1 + e] >= 0 ? hi[j] : lo[j];
                e++;
            }
        }
        assert e == enc.width();
        return x;
    }

    static double[] coordinateSearch(Classifier m, Schema s, double[] lo, double[] hi, int target, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int d = s.width();
        double[] best = null;
        double bestP = -1;
        for (int start = 0; start < STARTS; start++) {
            double[] x = new double[d];
            for (int j = 0; j < d; j++) {
                x[j] = snap(s.feature(j), lo[j] + rng.nextDouble() * (hi[j] - lo[j]));
            }
            double p = m.predictProba(new double[][] {x})[0][target];
            for (int pass = 0; pass < PASSES; pass++) {
                boolean improved = false;
                for (int j = 0; j < d; j++) {
                    double[] candidates = grid(s.feature(j), lo[j], hi[j]);
                    double[][] batch = new double[candidates.length][];
                    for (int g = 0; g < candidates.length; g++) {
                        batch[g] = x.clone();
                        batch[g][j] = candidates[g];
                    }
                    double[][] ps = m.predictProba(batch);
                    for (int g = 0; g < candidates.length; g++) {
                        if (ps[g][target] > p + 1e-12) {
                            p = ps[g][target];
                            x = batch[g];
                            improved = true;
                        }
                    }
                }
                if (!improved) {
                    break;
                }
            }
            if (p > bestP) {
                bestP = p;
                best = x;
            }
        }
        return best;
    }

    static double[] grid(Column c, double lo, double hi) {
        if (c.isCategorical()) {
            double[] g = new double[c.categories().size()];
            for (int k = 0; k < g.length; k++) {
                g[k] = k;
            }
            return g;
        }
        double[] g = new double[GRID];
        for (int k = 0; k < GRID; k++) {
            g[k] = snap(c, lo + (hi - lo) * k / (GRID - 1));
        }
        return g;
    }

    static double snap(Column c, double v) {
        return c.isCategorical() || c.type() == ColumnType.INTEGER ? Math.rint(v) : v;
    }
}
