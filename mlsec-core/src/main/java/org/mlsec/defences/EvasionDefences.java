package org.mlsec.defences;

import java.util.ArrayList;
import java.util.List;
import org.mlsec.Progress;
import org.mlsec.Result;
import org.mlsec.attacks.evasion.Evasion;
import org.mlsec.attacks.evasion.Feasibility;
import org.mlsec.data.Dataset;
import org.mlsec.data.Split;
import org.mlsec.defences.trainer.AdversarialTraining;
import org.mlsec.metrics.Evaluation;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;
import org.mlsec.report.Threat;

/**
 * Evasion defences measured with the same (adaptive, white-box) attack: each defended model is trained on one half
 * of the data, then attacked on rows of the other half it gives the class evaders leave. The table pairs clean
 * accuracy with the attack's success rate, the median and mean cost of its successful changes and the training
 * time. The attack is white-box on each defended model, so it adapts to the defence.
 */
public final class EvasionDefences {
    private EvasionDefences() {
    }

    /** One defence: its name and how it trains the model. */
    public record Defence(String name, java.util.function.Function<Dataset, LocalModel> trainer) {
    }

    /**
     * No defence, adversarial training, and (for tree models, when constraints are given) monotone constraints alone
     * and together with adversarial training.
     *
     * @param base     how the undefended model is trained; the other defences start from it
     * @param feas     the constraints of the adversarial examples used for adversarial training
     * @param from     the class evaders leave
     * @param to       the class they want
     * @param advRows  training rows attacked per adversarial-training round
     * @param rounds   adversarial-training rounds
     * @param monotone monotone constraints, column name to direction (+1 or -1); empty for none
     * @param seed     seed of the adversarial-training attacks
     * @param progress receives the adversarial-training rounds
     * @return the defences, undefended first
     */
    public static List<Defence> standard(TrainConfig base, Feasibility feas, int from, int to, int advRows, int rounds,
                                         java.util.Map<String, Integer> monotone, long seed, Progress progress) {
        return standard(base, feas, from, to, advRows, rounds, monotone, List.of(), seed, progress);
    }

    /**
     * The standard defences and one row of robust tree training per robust setting (after adversarial training),
     * grown against the attack's own feasibility and costs.
     *
     * @param base     how the undefended model is trained; the other defences start from it
     * @param feas     the constraints of the adversarial examples used for adversarial training
     * @param from     the class evaders leave
     * @param to       the class they want
     * @param advRows  training rows attacked per adversarial-training round
     * @param rounds   adversarial-training rounds
     * @param monotone monotone constraints, column name to direction (+1 or -1); empty for none
     * @param robust   the attackers that robust splits are grown against (from {@link Feasibility#robustness}),
     *                 one row each; empty for none
     * @param seed     seed of the adversarial-training attacks
     * @param progress receives the adversarial-training rounds
     * @return the defences, undefended first
     */
    public static List<Defence> standard(TrainConfig base, Feasibility feas, int from, int to, int advRows, int rounds,
                                         java.util.Map<String, Integer> monotone, List<org.mlsec.model.Robustness> robust,
                                         long seed, Progress progress) {
        List<Defence> list = new ArrayList<>();
        list.add(new Defence("none (" + base.algorithm().flag() + ", as trained)",
                d -> Trainer.train(d, base, "defend-evasion", Progress.NONE)));
        String adv = "adversarial training (" + rounds + " rounds of 2 x " + advRows + " feasible examples)";
        list.add(new Defence(adv, d -> AdversarialTraining.train(d, base, feas, from, to, advRows, rounds, seed, progress)));
        for (org.mlsec.model.Robustness r : robust) {
            TrainConfig grown = base.withRobust(r);
            String name = "robust splits (radius " + org.mlsec.data.Values.format(r.radius())
                    + (r.budgets().isEmpty() ? "" : ", budgets " + r.budgets()) + ")";
            list.add(new Defence(name, d -> Trainer.train(d, grown, "defend-evasion", progress)));
        }
        if (!monotone.isEmpty() && base.algorithm() != org.mlsec.model.Algorithm.LR) {
            TrainConfig mono = base.withMonotone(monotone);
            String names = "monotone constraints on " + String.join(", ", monotone.keySet());
            list.add(new Defence(names, d -> Trainer.train(d, mono, "defend-evasion", Progress.NONE)));
            list.add(new Defence("monotone constraints + adversarial training",
                    d -> AdversarialTraining.train(d, mono, feas, from, to, advRows, rounds, seed, progress)));
        }
        return list;
    }

    /**
     * Trains and attacks each defence; one Result per defence with test_accuracy added. Each model is trained on
     * one stratified half of the data and attacked on the other.
     *
     * @param data       the data to split into a training and an attacked half
     * @param defences   the defences to measure
     * @param feas       the constraints of the attack
     * @param from       the class evaders leave
     * @param to         the class they want
     * @param attackRows the number of rows attacked per defence
     * @param seed       seed of the split and of the attack
     * @param progress   receives one update per defence
     * @return one result per defence, in order
     */
    public static List<Result> study(Dataset data, List<Defence> defences, Feasibility feas, int from, int to,
                                     int attackRows, long seed, Progress progress) {
        Split halves = Split.stratified(data, 0.5, seed);
        List<Result> out = new ArrayList<>();
        int k = 0;
        for (Defence d : defences) {
            long t0 = System.nanoTime();
            LocalModel m = d.trainer().apply(halves.train());
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (java.util.Arrays.stream(m.predict(halves.test().x())).noneMatch(c -> c == from)) {
                // A defence can buy robustness by never answering the evaders' class: nothing to evade, nothing caught.
                out.add(Result.of(Threat.EVASION, "defence").metric("defence", d.name())
                        .metric("test_accuracy", Evaluation.accuracy(m, halves.test())).metric("training_seconds", seconds)
                        .metric("method", "none").metric("rows", 0).metric("success_rate", Double.NaN)
                        .metric("median_cost", Double.NaN).metric("p90_cost", Double.NaN)
                        .metric("empirical_robustness", Double.NaN).metric("exact_rows", 0)
                        .metric("guarantee", "none")
                        .metric("note", "the defended model answers no held-out row with the evaders' class: it gave"
                                + " the class up, so there is nothing to evade").build());
                progress.update("evasion defences", ++k, defences.size());
                continue;
            }
            Evasion.Outcome o = Evasion.evade(m, halves.test(), feas, Evasion.Config.defaults(to).withFrom(from)
                    .withRows(attackRows).withSeed(seed), Progress.NONE);
            Result r = o.result();
            Result.Builder b = Result.of(Threat.EVASION, "defence").finding(r.finding())
                    .metric("defence", d.name())
                    .metric("test_accuracy", Evaluation.accuracy(m, halves.test()))
                    .metric("training_seconds", seconds);
            for (String key : List.of("method", "rows", "success_rate", "median_cost", "p90_cost",
                    "empirical_robustness", "exact_rows")) {
                b.metric(key, r.metrics().get(key));
            }
            // the guarantee: where the exact search certifies rows, no change below their radius flips them
            java.util.Map<String, Object> cert = org.mlsec.attacks.evasion.Certificates.summary(o.examples());
            int certified = ((Number) cert.get("certified_rows")).intValue();
            cert.forEach(b::metric);
            b.metric("guarantee", certified == 0 ? "none" : String.format(java.util.Locale.ROOT,
                    "certified radius on %d of %d attacked rows (no change below it flips them), median %.4g", certified,
                    o.examples().size(), ((Number) cert.get("median_certified_radius")).doubleValue()));
            out.add(b.build());
            progress.update("evasion defences", ++k, defences.size());
        }
        return out;
    }
}
