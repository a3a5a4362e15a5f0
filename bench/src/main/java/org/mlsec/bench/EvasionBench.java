package org.mlsec.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mlsec.Progress;
import org.mlsec.Result;
import org.mlsec.attacks.evasion.Costs;
import org.mlsec.attacks.evasion.Evasion;
import org.mlsec.attacks.evasion.Feasibility;
import org.mlsec.attacks.evasion.Norm;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.Dataset;
import org.mlsec.data.Split;
import org.mlsec.defences.preprocessor.InputSchema;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

/**
 * Issue 10's figures on the credit data: rows the model says will default, flipped to "will not default" with SEX,
 * AGE, EDUCATION and MARRIAGE immutable, inside the schema inferred from the training half. For the talk's forest
 * and a 100-tree forest: the white-box search (and on the 100-tree forest the same search with more effort), then
 * HopSkipJump and the boundary attack with 1,000 label-only queries per row.
 * Arguments: data file, rows per white-box run, rows per black-box run, effort multiplier of the longer search.
 */
public final class EvasionBench {
    public static void main(String[] args) {
        Path data = Path.of(args.length > 0 ? args[0] : "../shared/data/default_credit_card.csv");
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int blackRows = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        int longer = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        Dataset all = CsvReader.read(data, CsvOptions.labelled("DEFAULT", "ID"));
        Split s = Split.stratified(all, 0.5, 42);
        Costs costs = Costs.defaults(Norm.LINF).withImmutable(List.of("SEX", "AGE", "EDUCATION", "MARRIAGE"));
        Feasibility feas = Feasibility.of(all.schema(), InputSchema.infer(s.train()), s.train(), costs);
        LocalModel talk = Trainer.train(s.train(), TrainConfig.defaults(Algorithm.RF).withTrees(5).withMaxDepth(3)
                .withMinLeaf(100), "bench", Progress.NONE);
        LocalModel rf = Trainer.train(s.train(), TrainConfig.defaults(Algorithm.RF), "bench", Progress.NONE);
        Evasion.Config base = Evasion.Config.defaults(0).withFrom(1);
        System.out.printf("%-22s %-10s %5s %8s %11s %9s %9s %8s %8s%n", "model", "method", "rows", "success",
                "median L∞", "p90", "queries", "exact", "seconds");
        run("talk (5x depth 3)", talk, s.test(), feas, base.withRows(rows * 5).withVerify(50));
        Evasion.Outcome one = run("forest (100 trees)", rf, s.test(), feas, base.withRows(rows).withVerify(20));
        Evasion.Outcome ten = run("forest, longer search", rf, s.test(), feas, base.withRows(rows).withEffort(longer));
        List<Double> ratio = new ArrayList<>();
        int within = 0;
        int both = 0;
        for (int i = 0; i < one.examples().size(); i++) {
            Evasion.Example a = one.examples().get(i);
            Evasion.Example b = ten.examples().get(i);
            if (a.success() && b.success()) {
                both++;
                ratio.add(a.cost() / b.cost());
                within += a.cost() <= 1.1 * b.cost() ? 1 : 0;
            }
        }
        ratio.sort(Double::compare);
        System.out.printf("heuristic vs the longer search: median cost %.5f vs %.5f (%.1f%% higher); per row: median ratio %.3f,"
                        + " within 10%% on %d of %d rows%n", one.result().metric("median_cost"), ten.result().metric("median_cost"),
                100 * (one.result().metric("median_cost") / ten.result().metric("median_cost") - 1),
                ratio.isEmpty() ? Double.NaN : ratio.get(ratio.size() / 2), within, both);
        System.out.printf("verified lower bound, forest: median %.5f, positive on %s of %s rows%n",
                one.result().metric("median_lower_bound"), one.result().metrics().get("rows_with_positive_bound"),
                one.result().metrics().get("verified_rows"));
        for (LocalModel m : List.of(talk, rf)) {
            String name = m == talk ? "talk (5x depth 3)" : "forest (100 trees)";
            run(name, m, s.test(), feas, base.withRows(blackRows).withMethod(Evasion.Method.HSJ));
            run(name, m, s.test(), feas, base.withRows(blackRows).withMethod(Evasion.Method.BOUNDARY));
        }
    }

    static Evasion.Outcome run(String name, LocalModel m, Dataset test, Feasibility feas, Evasion.Config c) {
        long t0 = System.nanoTime();
        Evasion.Outcome o = Evasion.evade(m, test, feas, c, Progress.NONE);
        Result r = o.result();
        System.out.printf("%-22s %-10s %5d %7.1f%% %11.5f %9.5f %9.0f %8s %8.1f%n", name,
                r.metrics().get("method") + (c.effort() > 1 ? " x" + c.effort() : ""), (int) r.metric("rows"),
                100 * r.metric("success_rate"), r.metric("median_cost"), r.metric("p90_cost"), r.metric("median_queries"),
                r.metrics().get("exact_rows"), (System.nanoTime() - t0) / 1e9);
        return o;
    }
}
