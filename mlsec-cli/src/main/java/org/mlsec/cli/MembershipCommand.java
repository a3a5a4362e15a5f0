package org.mlsec.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mlsec.InputException;
import org.mlsec.attacks.inference.MembershipInference;
import org.mlsec.attacks.inference.MembershipMethod;
import org.mlsec.attacks.inference.ReferenceEngine;
import org.mlsec.data.Dataset;
import org.mlsec.model.Algorithm;
import org.mlsec.model.Classifier;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.remote.ClassDiscovery;
import org.mlsec.model.remote.HttpClassifier;
import org.mlsec.report.ChartData;
import org.mlsec.report.render.Charts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "membership", mixinStandardHelpOptions = true,
        description = {"Membership inference: was a row in the model's training data? Black-box attacks with reference",
                "models trained like the target; metrics as the literature reports them (AUC, TPR at low FPR)."})
final class MembershipCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "MODEL", required = true,
            description = "Target: an mlsec model, an ONNX file or an http(s) URL (then give --algo for the references).")
    String modelSpec;

    @Option(names = "--members", paramLabel = "FILE", required = true, description = "Rows that were in the training data.")
    Path members;

    @Option(names = "--non-members", paramLabel = "FILE", required = true, description = "Rows that were not.")
    Path nonMembers;

    @Mixin
    DataOptions data;

    @Mixin
    EngineOptions engine;

    @Option(names = "--method", paramLabel = "M", defaultValue = "lira",
            description = "threshold, shadow, lira, lira-offline, rmia or label-only (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--references", paramLabel = "K", defaultValue = "8", description = "Reference/shadow models (default: ${DEFAULT-VALUE}).")
    int references;

    @Option(names = "--population", paramLabel = "FILE", description = "Train references on halves of this data instead of the candidate pool.")
    Path population;

    @Option(names = "--algo", paramLabel = "ALGO", description = "For a black-box target: how to train references (rf, gbt, lr, tree; defaults of mlsec train).")
    String algo;

    @Option(names = "--classes", paramLabel = "A,B", split = ",",
            description = "A URL without --label: the API's classes (default: learnt from its answers).")
    List<String> classes;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--roc", paramLabel = "SVG", description = "Write the log-log ROC curve as SVG.")
    Path roc;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() {
        try (ReferenceEngine e = engine.open()) {
            data.tables = e.tables().orElse(null);
            return run(e);
        }
    }

    private Integer run(ReferenceEngine e) {
        if (data.label == null) {
            data.label = null; // the model's label column is used
        }
        data.data = members;
        if (algo == null && (modelSpec.startsWith("http://") || modelSpec.startsWith("https://"))) {
            throw new InputException("--algo is required with a black-box target: it says how to train reference models");
        }
        Target t = Target.openAttacked(modelSpec, data, true, classes);
        long labelling = 0;
        Classifier target = t.model();
        Dataset in;
        Dataset out;
        Dataset pop = null;
        MembershipInference.ReferenceTrainer trainer;
        if (target instanceof LocalModel) {
            LocalModel m = (LocalModel) target;
            in = data.readWithModelClasses(members, m.schema());
            out = data.readWithModelClasses(nonMembers, m.schema());
            pop = population == null ? null : data.readWithModelClasses(population, m.schema());
            trainer = algo == null ? MembershipInference.like(m)
                    : MembershipInference.like(TrainConfig.defaults(Algorithm.parse(algo)));
        } else {
            if (algo == null) {
                throw new InputException("--algo is required with a black-box target: it says how to train reference models");
            }
            in = t.data();
            String l = in.labelled() ? in.schema().label() : null;
            out = data.readAs(nonMembers, in.schema(), data.options(l));
            pop = population == null ? null
                    : data.readAs(population, in.schema(), data.options(l));
            if (!in.labelled()) {
                // No ground truth: the rows are labelled with the API's answers, as an attacker would label them.
                HttpClassifier api = (HttpClassifier) target;
                long before = api.queries();
                in = ClassDiscovery.labelledByAnswers(api, in);
                out = ClassDiscovery.labelledByAnswers(api, out);
                pop = pop == null ? null : ClassDiscovery.labelledByAnswers(api, pop);
                labelling = api.queries() - before;
                System.err.println("mlsec: no --label: the rows are labelled with the API's answers (" + labelling
                        + " queries); the references learn those answers");
            }
            trainer = MembershipInference.like(TrainConfig.defaults(Algorithm.parse(algo)));
        }
        MembershipInference.Config config = new MembershipInference.Config(MembershipMethod.parse(method), references, seed);
        MembershipInference.Report r;
        r = MembershipInference.infer(target, in, out, pop, config, trainer, e, Output.progress());
        var m = r.result();
        System.out.printf("Membership inference (%s, %d references) on %d members and %d non-members:%n", config.method().key(),
                references, in.rows(), out.rows());
        System.out.printf("  AUC %.3f (95%% CI %.3f-%.3f), balanced accuracy %s, advantage %.3f%n", m.metric("auc"),
                m.metric("auc_ci_low"), m.metric("auc_ci_high"), Output.pct(m.metric("balanced_accuracy")),
                m.metric("advantage"));
        long negatives = (long) m.metric("non_members");
        if (m.flag("tpr_at_fpr_0_001_supported")) {
            System.out.printf("  TPR at 0.1%% FPR %s (95%% CI %s-%s), at 1%% FPR %s (%.1f s)%n",
                    Output.pct(m.metric("tpr_at_fpr_0_001")), Output.pct(m.metric("tpr_at_fpr_0_001_ci_low")),
                    Output.pct(m.metric("tpr_at_fpr_0_001_ci_high")), Output.pct(m.metric("tpr_at_fpr_0_01")),
                    m.metric("seconds"));
        } else {
            System.out.printf("  TPR at 0.1%% FPR not measurable with %d non-members (it needs %d); at the lowest FPR they"
                            + " support, %s: TPR %s%s (%.1f s)%n", negatives, (long) Math.ceil(10 / 0.001),
                    Output.pct(m.metric("lowest_supported_fpr")), Output.pct(m.metric("tpr_at_lowest_supported_fpr")),
                    m.flag("tpr_at_fpr_0_01_supported")
                            ? ", at 1% FPR " + Output.pct(m.metric("tpr_at_fpr_0_01")) : "", m.metric("seconds"));
        }
        if (roc != null) {
            Charts.writeSvg(new ChartData.RocCurves("Membership inference: " + config.method().key(), List.of(config.method().key()),
                    List.of(r.roc())), roc);
            System.out.println("  ROC curve: " + roc);
        }
        Map<String, Object> res = m.toJson();
        if (t.discoveryQueries() + labelling > 0) {
            res.put("target_queries", (long) m.metric("target_queries") + t.discoveryQueries() + labelling);
            res.put("class_discovery_queries", t.discoveryQueries());
            res.put("labelling_queries", labelling);
        }
        Output.json(json, res);
        return Main.OK;
    }
}
