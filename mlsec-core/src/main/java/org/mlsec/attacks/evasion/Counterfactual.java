package org.mlsec.attacks.evasion;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlsec.data.Dataset;
import org.mlsec.internal.Validate;
import org.mlsec.model.Classifier;

/**
 * A counterfactual explanation: the cheapest feasible change to one application that makes the model give the
 * wanted answer, the evasion search of {@link Evasion#counterfactual} framed for the applicant. Rows of known data
 * that the model already answers with the wanted class seed the search, and the first result is verified (a lower
 * bound on the cost of any change, where the model allows it). When the model already gives the wanted answer,
 * nothing needs to change.
 */
public final class Counterfactual {
    private Counterfactual() {
    }

    /**
     * One changed feature, as the model's schema writes its values.
     *
     * @param feature the feature's name
     * @param before its value in the application
     * @param after its value in the change
     */
    public record Change(String feature, String before, String after) {
        /**
         * Checks the feature is named.
         *
         * @param feature the feature's name
         * @param before its value in the application
         * @param after its value in the change
         */
        public Change {
            Validate.notNull(feature, "feature");
        }
    }

    /**
     * The explanation.
     *
     * @param answer  the model's answer to the application
     * @param wanted  the answer wanted
     * @param found   the search's result, or null when the answer already is the wanted one
     * @param norm    how a change's cost is measured, e.g. linf
     * @param changes what has to change (empty when nothing has to, or nothing feasible works)
     */
    public record Explanation(String answer, String wanted, Evasion.Example found, String norm, List<Change> changes) {
        /**
         * Checks the answers are given and that a search result is there unless nothing has to change.
         *
         * @param answer the model's answer to the application
         * @param wanted the answer wanted
         * @param found the search's result, or null when the answer already is the wanted one
         * @param norm how a change's cost is measured, e.g. linf
         * @param changes what has to change (empty when nothing has to, or nothing feasible works)
         */
        public Explanation {
            Validate.notNull(answer, "answer");
            Validate.notNull(wanted, "wanted");
            Validate.isTrue(found != null || answer.equals(wanted), "found is required unless the answer is the wanted one");
            changes = List.copyOf(changes);
        }

        /**
         * The model already gives the wanted answer.
         *
         * @return whether {@code answer} equals {@code wanted}
         */
        public boolean alreadyWanted() {
            return found == null;
        }

        /**
         * A feasible change that gets the wanted answer exists (or none is needed).
         *
         * @return whether nothing needs to change or the search succeeded
         */
        public boolean success() {
            return found == null || found.success();
        }

        /**
         * The JSON figures: answer, wanted, success and changes; for a search also cost, norm, minimal, lower_bound.
         *
         * @return the figures, keys in that order
         */
        public Map<String, Object> toJson() {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("answer", answer);
            result.put("wanted", wanted);
            result.put("success", success());
            if (found != null) {
                result.put("cost", found.cost());
                result.put("norm", norm);
                result.put("minimal", found.exact());
                if (!Double.isNaN(found.lowerBound())) {
                    result.put("lower_bound", found.lowerBound());
                }
            }
            List<Map<String, String>> out = new ArrayList<>();
            for (Change c : changes) {
                Map<String, String> m = new LinkedHashMap<>();
                m.put("feature", c.feature());
                m.put("before", c.before());
                m.put("after", c.after());
                out.add(m);
            }
            result.put("changes", out);
            return result;
        }
    }

    /**
     * Explains the model's answer to {@code row}.
     *
     * @param wanted the class index wanted, or null for the other class of a two-class model
     * @param known  rows in the model's schema to seed the search with, or null
     *
     * @param model the model explained
     * @param row the application, in the model's schema
     * @param feas what may change and what a change costs
     * @param method how the change is searched for
     * @param seed of the search
     * @return the answer, the wanted one and the cheapest change found
     */
    public static Explanation explain(Classifier model, double[] row, Integer wanted, Feasibility feas,
                                      Evasion.Method method, long seed, Dataset known) {
        Validate.notNull(model, "model");
        Validate.notNull(row, "row");
        Validate.notNull(feas, "feas");
        Validate.isTrue(row.length == model.schema().width(), "row must have the model's " + model.schema().width()
                + " features, got " + row.length);
        List<String> classes = model.classes();
        int now = model.predict(new double[][] {row})[0];
        Validate.isTrue(wanted != null || classes.size() == 2, "wanted is required for a model with more than two classes");
        int to = wanted != null ? wanted : 1 - now;
        Validate.isTrue(to >= 0 && to < classes.size(), "wanted must be a class index of " + classes + ", got " + to);
        if (now == to) {
            return new Explanation(classes.get(now), classes.get(to), null, feas.norm().key(), List.of());
        }
        List<double[]> seeds = new ArrayList<>();
        if (known != null) {
            int[] p = model.predict(known.x());
            for (int i = 0; i < known.rows(); i++) {
                if (p[i] == to) {
                    seeds.add(known.row(i));
                }
            }
        }
        Evasion.Example e = Evasion.counterfactual(model, row, feas, Evasion.Config.defaults(to)
                .withMethod(method).withSeed(seed).withVerify(1), seeds);
        List<Change> changes = new ArrayList<>();
        for (Map<String, String> c : e.changeRecords(model.schema())) {
            changes.add(new Change(c.get("feature"), c.get("before"), c.get("after")));
        }
        return new Explanation(classes.get(now), classes.get(to), e, feas.norm().key(), changes);
    }
}
