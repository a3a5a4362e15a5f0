package org.mlsec.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.mlsec.Progress;
import org.mlsec.attacks.inference.MembershipInference;
import org.mlsec.attacks.inference.MembershipMethod;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.data.Split;
import org.mlsec.defences.preprocessor.InputSchema;
import org.mlsec.defences.trainer.DpLogisticRegression;
import org.mlsec.defences.trainer.DpRandomForest;
import org.mlsec.metrics.Evaluation;
import org.mlsec.model.Algorithm;
import org.mlsec.model.Classifier;
import org.mlsec.model.TrainConfig;

/**
 * Membership inference against DP random forests, beside the undefended and the regularised forest and DP logistic
 * regression: members = a random half of the credit data, non-members = the other half; RMIA and online LiRA with
 * the same K reference models (same seeds), each trained like the target (the attacker knows the defence). Prints
 * per model: test accuracy on the non-members, each attack's AUC and TPR at 0.1% FPR, and training time.
 * Arguments: data file, public-bounds schema, K.
 */
public final class DpForestBench {
    public static void main(String[] args) {
        Path data = Path.of(args.length > 0 ? args[0] : "../shared/data/default_credit_card.csv");
        Schema bounds = InputSchema.read(Path.of(args.length > 1 ? args[1] : "bench/credit-public-bounds.json")).toSchema();
        int k = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        Dataset all = CsvReader.read(data, new CsvOptions(',', "DEFAULT", Set.of("ID"), Set.of(),
                Set.of()));
        Split s = Split.random(all, 0.5, 0);
        int[] rows = java.util.stream.IntStream.range(0, s.train().rows()).toArray();
        Map<String, MembershipInference.ReferenceTrainer> models = new LinkedHashMap<>();
        for (double eps : new double[] {0.5, 1, 2, 4, 8}) {
            models.put("DP logistic regression, epsilon " + eps,
                    (pool, r, seed) -> DpLogisticRegression.train(pool.subset(r), eps, 1e-3, seed));
        }
        for (double eps : new double[] {0.5, 1, 2, 4, 8, Double.POSITIVE_INFINITY}) {
            models.put("DP random forest (10 trees, depth 8), epsilon " + eps,
                    (pool, r, seed) -> DpRandomForest.train(pool.subset(r), bounds, "public bounds",
                            DpRandomForest.Config.of(eps, seed)).model());
        }
        TrainConfig rf = TrainConfig.defaults(Algorithm.RF).withMaxFeatures(0.7).withSeed(1);
        models.put("regularised forest (max depth 8, min leaf 20)", MembershipInference.like(rf.withMaxDepth(8).withMinLeaf(20)));
        models.put("random forest (100 trees, max_features 0.7)", MembershipInference.like(rf));
        System.out.printf("%-52s %8s %6s %7s | %-22s | %-22s | %s%n", "model", "accuracy", "AUC", "train s",
                "RMIA AUC, TPR@0.1%", "LiRA AUC, TPR@0.1%", "attack s");
        for (Map.Entry<String, MembershipInference.ReferenceTrainer> e : models.entrySet()) {
            long t0 = System.nanoTime();
            Classifier target = e.getValue().train(s.train(), rows, 1);
            double trainSeconds = (System.nanoTime() - t0) / 1e9;
            double acc = Evaluation.accuracy(target, s.test());
            double auc = org.mlsec.metrics.Metrics.auc(s.test().y(), target.predictProba(s.test().x()));
            StringBuilder line = new StringBuilder(String.format("%-52s %7.2f%% %.4f %7.1f", e.getKey(), 100 * acc, auc, trainSeconds));
            long a0 = System.nanoTime();
            for (MembershipMethod m : new MembershipMethod[] {MembershipMethod.RMIA, MembershipMethod.LIRA}) {
                var r = MembershipInference.infer(target, s.train(), s.test(), null,
                        new MembershipInference.Config(m, k, 42), e.getValue(), Progress.NONE).result();
                line.append(String.format(" | AUC %.4f, TPR %6.3f%%", r.metric("auc"), 100 * r.metric("tpr_at_fpr_0_001")));
            }
            line.append(String.format(" | %.0f", (System.nanoTime() - a0) / 1e9));
            System.out.println(line);
        }
    }
}
