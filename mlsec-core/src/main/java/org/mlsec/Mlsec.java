package org.mlsec;

import java.nio.file.Path;
import java.util.List;
import org.mlsec.attacks.evasion.Costs;
import org.mlsec.attacks.evasion.Evasion;
import org.mlsec.attacks.evasion.Feasibility;
import org.mlsec.attacks.evasion.Norm;
import org.mlsec.attacks.extraction.Extraction;
import org.mlsec.attacks.inference.AttributeInference;
import org.mlsec.attacks.inference.MembershipAttack;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.defences.detector.ModelBackdoorScanner;
import org.mlsec.defences.detector.SnapshotDiff;
import org.mlsec.defences.preprocessor.InputSchema;
import org.mlsec.internal.Validate;
import org.mlsec.model.Classifier;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Models;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;
import org.mlsec.scan.ModelScanner;
import org.mlsec.scan.ScanReport;

/**
 * mlsec from Java: the common case of each threat in one or two calls. Open a model, read data in its schema, then
 * attack it or check it:
 *
 * <pre>{@code
 * LocalModel model = Mlsec.open(Path.of("credit.mlsec"));               // or a pickle, XGBoost, LightGBM, ONNX, PMML
 * Dataset members = Mlsec.read(Path.of("train.csv"), model);            // read in the model's schema
 * Dataset others = Mlsec.read(Path.of("holdout.csv"), model);
 * var mia = Mlsec.membership(model).references(8).infer(members, others);
 * System.out.printf("AUC %.3f, TPR at 0.1%% FPR %.3f%n", mia.auc(), mia.tprAtFpr(0.001));
 *
 * ScanReport scan = Mlsec.scan(Path.of("models"));                      // never loads or runs a file
 * if (!scan.findings().isEmpty() || !scan.incomplete().isEmpty()) { ... }
 *
 * var audit = Mlsec.audit(members).model(model).protect(List.of("gender")).run();   // every threat
 * }</pre>
 *
 * <p>One verb per threat: {@link #scan} (supply chain), {@link #membership} (membership inference), {@link #invert}
 * (model inversion), {@link #backdoors} (backdoors in a model), {@link #diff} (poisoning of new data against a
 * trusted snapshot), {@link #steal} (model stealing), {@link #evade} (evasion) and {@link #audit} (all of them).
 *
 * <p>Everything here delegates to the packages that do the work ({@code org.mlsec.attacks.*},
 * {@code org.mlsec.defences.*}, {@code org.mlsec.scan}); use those for every option. Errors in what the caller gives
 * are {@link InputException}s that say what and where, naming the Java parameter.
 */
public final class Mlsec {
    private Mlsec() {
    }

    /**
     * Opens a model file of any format mlsec reads, white-box and without executing anything: mlsec's own files,
     * scikit-learn pickles (walked opcode by opcode against an allow-list, never unpickled), XGBoost JSON/UBJSON,
     * LightGBM text, ONNX tree ensembles and linear classifiers, PMML, and saved Spark ML models (with mlsec-spark).
     *
     * @param file the model file (or a Spark model folder)
     * @return the model, white-box
     * @throws InputException when the file is unreadable, of no known format or malformed
     */
    public static LocalModel open(Path file) {
        return Models.load(Validate.notNull(file, "file"));
    }

    /**
     * Opens any model as a classifier: a file as {@link #open(Path)} does, or an {@code http(s)://} scoring API (a
     * Flask-style JSON API), or an ONNX graph run by ONNX Runtime, as a black box that is sent rows of
     * {@code blackBox}'s features and answers its classes.
     *
     * @param pathOrUrl a model file's path or a scoring API's URL
     * @param blackBox the features and classes of a black box; may be null for a white-box file
     * @return the model
     */
    public static Classifier open(String pathOrUrl, Schema blackBox) {
        return Models.open(Validate.notNull(pathOrUrl, "pathOrUrl"), blackBox);
    }

    /**
     * Reads a labelled CSV file, inferring each column's type, categories and range; {@code drop} names columns to ignore.
     *
     * @param csv the CSV file, with a header line
     * @param label the label column's name
     * @param drop columns to ignore
     * @return the labelled rows in an inferred schema
     */
    public static Dataset read(Path csv, String label, String... drop) {
        Validate.notNull(csv, "csv");
        return CsvReader.read(csv, CsvOptions.labelled(Validate.notNull(label, "label"), drop));
    }

    /**
     * Reads a CSV file in the model's schema (its features by name, its categories and classes), which is how data
     * must be read to be given to that model: a file read on its own infers its own categories, and rows would then
     * mean something else to the model. The label column is the model's; other columns are ignored.
     *
     * @param csv the CSV file, with a header line
     * @param model the model the rows are for
     * @return the rows in the model's schema, labelled when the file has the label column
     */
    public static Dataset read(Path csv, Classifier model) {
        Validate.notNull(csv, "csv");
        Schema s = Validate.notNull(model, "model").schema();
        List<String> header = CsvReader.header(csv, CsvOptions.unlabelled());
        CsvOptions options = s.label() != null && header.contains(s.label()) ? CsvOptions.labelled(s.label())
                : CsvOptions.unlabelled();
        return CsvReader.read(csv, s, options);
    }

    /**
     * Trains one of mlsec's own models (random forest, tree, boosting, logistic regression) with its provenance.
     *
     * @param data the labelled training rows
     * @param config the family, hyperparameters and seed
     * @return the trained model
     */
    public static LocalModel train(Dataset data, TrainConfig config) {
        return Trainer.train(Validate.notNull(data, "data"), Validate.notNull(config, "config"), "java", Progress.NONE);
    }

    /**
     * Scans model files and folders for code that would run when they are loaded, without ever loading them. Check
     * both {@link ScanReport#findings()} and {@link ScanReport#incomplete()}: a file that could not be read fully is
     * never "clean".
     *
     * @param paths files and folders
     * @return the findings and what was scanned, skipped or unreadable
     */
    public static ScanReport scan(Path... paths) {
        Validate.isTrue(paths != null && paths.length > 0, "paths must name at least one file or folder", "paths");
        return ModelScanner.scan(List.of(paths));
    }

    /**
     * A membership-inference attack on {@code model} (RMIA by default); finish with {@code infer(members, nonMembers)}.
     *
     * @param model the target
     * @return the attack, to configure and run
     */
    public static MembershipAttack membership(Classifier model) {
        return MembershipAttack.on(model);
    }

    /**
     * An audit of every threat on {@code data}: set the model with {@code .model(m).modelFile(path)} (else one is
     * trained), then {@code .run()} for the findings and charts; {@code org.mlsec.report.render.ReportWriter} in
     * mlsec-report writes them as HTML, JSON and SARIF.
     *
     * @param data the labelled data the audit uses
     * @return the audit request, to configure and run
     */
    public static org.mlsec.report.Audit.Request audit(Dataset data) {
        return org.mlsec.report.Audit.Request.of(data);
    }

    /**
     * Evasion: the smallest change (largest single feature change, scaled by each feature's range) to each of up to
     * {@code rows} rows that turns the model's answer into class {@code toClass}, within what the data shows is
     * feasible. Use {@link Evasion#evade} with a {@link Feasibility} for immutable columns, costs and domain rules.
     *
     * @param model the target
     * @param data the rows, read in the model's schema
     * @param toClass the class index to reach
     * @param rows most rows to attack
     * @return the aggregate result and every attacked row
     */
    public static Evasion.Outcome evade(Classifier model, Dataset data, int toClass, int rows) {
        Validate.notNull(model, "model");
        Validate.notNull(data, "data");
        Feasibility feas = Feasibility.of(model.schema(), InputSchema.infer(data), data, Costs.defaults(Norm.LINF));
        return Evasion.evade(model, data, feas, Evasion.Config.defaults(toClass).withRows(rows), Progress.NONE);
    }

    /**
     * Model stealing: a copy of {@code target} from its answers to at most {@code budget} queries, by
     * {@code strategy} ({@link Extraction.Strategy#PATH} rebuilds a tree model's decision paths from labels alone;
     * {@link Extraction.Strategy#LEARN} trains a copy on answers to rows drawn like {@code known}). Measure the copy
     * with {@link Extraction#evaluate}; use {@link Extraction#extract} with a {@link Extraction.Plan} for every option.
     *
     * @param target   the model behind its API
     * @param known    rows the attacker has, read in the target's schema
     * @param strategy how to steal
     * @param budget   most queries to ask
     * @param seed     the queries' seed
     * @return the copy and the strategy's figures
     */
    public static Extraction.Stolen steal(Classifier target, Dataset known, Extraction.Strategy strategy, int budget,
                                          long seed) {
        Validate.notNull(target, "target");
        return Extraction.extract(target, Extraction.Plan.of(strategy, known, budget, seed), Progress.NONE);
    }

    /**
     * Model inversion: how much better than public statistics the model's answers (and, for a tree model, its file)
     * reveal a sensitive attribute of the people it was trained on, measured on members and non-members.
     *
     * @param model      the model
     * @param members    rows it was trained on, in its schema
     * @param nonMembers rows it was not trained on, in its schema
     * @param sensitive  the attribute inferred
     * @return one result per method: black-box (the answers) and, where the model's file holds trees with their
     *         training counts, white-box (the file)
     */
    public static List<Result> invert(Classifier model, Dataset members, Dataset nonMembers, String sensitive) {
        Validate.notNull(model, "model");
        List<AttributeInference.Method> methods = new java.util.ArrayList<>(List.of(
                AttributeInference.Method.MAP_INFORMED));
        if (AttributeInference.whiteBoxUnavailable(model) == null) {
            methods.add(AttributeInference.Method.WHITEBOX_TREE);
        }
        return AttributeInference.infer(model, members, nonMembers, sensitive, methods, 1, Progress.NONE);
    }

    /**
     * Data poisoning: what changed between a trusted snapshot and new data — per-feature shifts, the label rate and
     * the subgroups whose label rate moved most — a finding when the new data was edited in ways drift does not
     * explain.
     *
     * @param trusted the trusted snapshot
     * @param fresh   the new data, read in the snapshot's schema ({@link #read(Path, Dataset, String)})
     * @return the diff
     */
    public static SnapshotDiff.Report diff(Dataset trusted, Dataset fresh) {
        Validate.notNull(trusted, "trusted");
        Validate.notNull(fresh, "fresh");
        return SnapshotDiff.compare(trusted, fresh, trusted.schema().featureNames(), null);
    }

    /**
     * Backdoors: probes every feature of the model, in and beyond the range {@code trusted} shows, for a value that
     * pushes rows to one class whatever else they hold (a trigger planted through poisoned training data).
     *
     * @param model   the model
     * @param trusted trusted rows in its schema
     * @return the in-range and out-of-range probes, strongest first
     */
    public static ModelBackdoorScanner.Scan backdoors(Classifier model, Dataset trusted) {
        Validate.notNull(model, "model");
        return ModelBackdoorScanner.probe(model, trusted, 500, 1);
    }

    /**
     * Reads a CSV file in the schema of data already read (the same features, categories and classes), as a new
     * snapshot of that data must be read to be compared with it.
     *
     * @param csv   the file
     * @param like  data whose schema the file is read in
     * @param label the label column
     * @return the rows
     */
    public static Dataset read(Path csv, Dataset like, String label) {
        Validate.notNull(like, "like");
        return CsvReader.read(csv, like.schema(), CsvOptions.labelled(label));
    }
}
