package org.mlsec.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mlsec.Progress;
import org.mlsec.Result;
import org.mlsec.attacks.evasion.Costs;
import org.mlsec.attacks.evasion.Feasibility;
import org.mlsec.attacks.evasion.Norm;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.Dataset;
import org.mlsec.defences.EvasionDefences;
import org.mlsec.model.Algorithm;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

/**
 * Robust tree training against evasion on the credit data, measured as {@code mlsec defend evasion} measures every
 * defence (same stratified halves, seed 42, white-box attack on each defended model, 1 to 0, SEX, AGE, EDUCATION and
 * MARRIAGE immutable, L-infinity cost in standard deviations): no defence, monotone constraints on PAY_0..PAY_6, and
 * robust splits per radius; adversarial training is left to {@code defend evasion} (it costs most of that command's
 * time). Arguments: data file, model ("forest": 100 fully grown trees, "talk": 5 trees of depth 3, min leaf 100),
 * attacked rows, radii (comma-separated).
 */
public final class RobustBench {
    public static void main(String[] args) {
        Path data = Path.of(args.length > 0 ? args[0] : "../shared/data/default_credit_card.csv");
        boolean talk = args.length > 1 && "talk".equals(args[1]);
        int rows = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        String radii = args.length > 3 ? args[3] : "0.05,0.1,0.2";
        Dataset all = CsvReader.read(data, CsvOptions.labelled("DEFAULT", "ID"));
        TrainConfig base = TrainConfig.defaults(Algorithm.RF).withSeed(42);
        if (talk) {
            base = base.withTrees(5).withMaxDepth(3).withMinLeaf(100);
        }
        Feasibility feas = Feasibility.of(all.schema(), null, all,
                Costs.defaults(Norm.LINF).withImmutable(List.of("SEX", "AGE", "EDUCATION", "MARRIAGE")));
        int from = all.schema().classes().indexOf("1");
        int to = all.schema().classes().indexOf("0");
        List<EvasionDefences.Defence> defences = new ArrayList<>();
        TrainConfig plain = base;
        defences.add(new EvasionDefences.Defence("none", d -> Trainer.train(d, plain, "bench", Progress.NONE)));
        Map<String, Integer> mono = new TreeMap<>();
        for (String c : List.of("PAY_0", "PAY_2", "PAY_3", "PAY_4", "PAY_5", "PAY_6")) {
            mono.put(c, 1);
        }
        TrainConfig monotone = base.withMonotone(mono);
        defences.add(new EvasionDefences.Defence("monotone PAY_0..PAY_6", d -> Trainer.train(d, monotone, "bench",
                Progress.NONE)));
        for (String r : radii.split(",")) {
            TrainConfig robust = base.withRobust(feas.robustness(Double.parseDouble(r), Map.of()));
            defences.add(new EvasionDefences.Defence("robust splits, radius " + r, d -> Trainer.train(d, robust, "bench",
                    Progress.NONE)));
        }
        System.out.printf("%s, %d attacked rows%n", talk ? "talk's forest (5 trees, depth 3, min leaf 100)"
                : "100-tree forest (fully grown)", rows);
        System.out.printf("%-28s %9s %8s %12s %10s %8s%n", "defence", "accuracy", "success", "median cost",
                "mean cost", "train s");
        for (EvasionDefences.Defence d : defences) {
            for (Result r : EvasionDefences.study(all, List.of(d), feas, from, to, rows, 42, Progress.NONE)) {
                System.out.printf("%-28s %8.2f%% %7.1f%% %12.4f %10.4f %8.1f%n", r.metrics().get("defence"),
                        100 * r.metric("test_accuracy"), 100 * r.metric("success_rate"), r.metric("median_cost"),
                        r.metric("empirical_robustness"), r.metric("training_seconds"));
            }
        }
    }
}
