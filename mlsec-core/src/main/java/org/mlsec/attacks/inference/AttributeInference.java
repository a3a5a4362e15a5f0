package org.mlsec.attacks.inference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.mlsec.InputException;
import org.mlsec.Progress;
import org.mlsec.Result;
import org.mlsec.data.Column;
import org.mlsec.data.ColumnType;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.data.Values;
import org.mlsec.metrics.Metrics;
import org.mlsec.model.Algorithm;
import org.mlsec.model.Classifier;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;
import org.mlsec.model.tree.BoostedModel;
import org.mlsec.model.tree.ForestModel;
import org.mlsec.model.tree.Tree;
import org.mlsec.report.Threat;

/**
 * Attribute inference (model inversion): the attacker knows a person's other features and true label, can query the
 * model, and infers the sensitive attribute — one of the model's inputs. Methods: the MAP estimator (Fredrikson et
 * al. 2014), the white-box decision-tree attack on training counts at the leaves (Fredrikson et al. 2015), and a
 * model-based attack classifier. Each is measured on members and non-members against the prior (majority value)
 * and a model-free predictor trained on the same known features without the model; the headline is the advantage
 * over the model-free baseline, with a bootstrap 95% interval. A numeric attribute is binned at the quintiles of
 * the rows attacked, and a guess counts when it finds the right bin.
 */
public final class AttributeInference {
    /** The attribute-inference (model inversion) attacks. */
    public enum Method {
        /** Fredrikson 2014: marginal prior times the model's probability of the true label. */
        MAP,
        /** Fredrikson 2015: training counts of the true label at the leaves each candidate reaches. */
        WHITEBOX_TREE,
        /** An attack classifier on the known features and the model's outputs. */
        MODEL,
        /** MAP with the model-free predictor's posterior as the prior: what the model adds to public knowledge. */
        MAP_INFORMED
    }

    /** The sensitive attribute's candidate values: categories, or bin representatives. */
    record Candidates(int column, double[] values, String[] names, double[] edges) {
        int bin(double v) {
            if (edges == null) {
                return (int) v;
            }
            int k = 0;
            while (k < edges.length && v >= edges[k]) {
                k++;
            }
            return k;
        }
    }

    private AttributeInference() {
    }

    /**
     * Reads a method as the CLI spells it: {@code map}, {@code map-informed}, {@code whitebox-tree} or {@code model}.
     *
     * @param s the key, in any case
     * @return the method
     * @throws InputException when {@code s} names no method
     */
    public static Method parse(String s) {
        switch (s.toLowerCase(Locale.ROOT)) {
            case "map":
                return Method.MAP;
            case "whitebox-tree":
                return Method.WHITEBOX_TREE;
            case "model":
                return Method.MODEL;
            case "map-informed":
                return Method.MAP_INFORMED;
            default:
                throw new InputException("unknown inversion method '" + s + "' (expected map, map-informed, whitebox-tree, model or all)");
        }
    }

    static Candidates candidates(Schema s, String sensitive, Dataset pool) {
        int j = s.require(sensitive);
        Column c = s.feature(j);
        if (c.isCategorical()) {
            double[] v = new double[c.categories().size()];
            for (int k = 0; k < v.length; k++) {
                v[k] = k;
            }
            return new Candidates(j, v, c.categories().toArray(new String[0]), null);
        }
        double[] col = new double[pool.rows()];
        for (int i = 0; i < col.length; i++) {
            col[i] = pool.row(i)[j];
        }
        Arrays.sort(col);
        // Five bins at the pool's quintiles: what the data shows, whatever the column is called.
        double[] edges = new double[4];
        for (int q = 1; q <= 4; q++) {
            edges[q - 1] = col[q * (col.length - 1) / 5];
        }
        double[] values = new double[edges.length + 1];
        String[] names = new String[values.length];
        for (int b = 0; b < values.length; b++) {
            double lo = b == 0 ? col[0] : edges[b - 1];
            double hi = b == edges.length ? col[col.length - 1] : edges[b];
            // the bin's median as its representative value
            List<Double> inBin = new ArrayList<>();
            for (double v : col) {
                if (v >= lo && (b == edges.length ? v <= hi : v < hi)) {
                    inBin.add(v);
                }
            }
            values[b] = inBin.isEmpty() ? (lo + hi) / 2 : inBin.get(inBin.size() / 2);
            if (c.type() == ColumnType.INTEGER) {
                values[b] = Math.rint(values[b]);
            }
            names[b] = "[" + Values.display(lo) + ", " + Values.display(hi) + (b == edges.length ? "]" : ")");
        }
        return new Candidates(j, values, names, edges);
    }

    /**
     * Attacks the model on members and non-members with each method; one Result per method.
     *
     * @param model the target
     * @param members rows the target trained on, read in its schema
     * @param nonMembers rows it did not train on, read in its schema
     * @param sensitive the feature to infer
     * @param methods the attacks to run
     * @param seed of every random choice
     * @param progress told each method's progress
     * @return one result per method, in {@code methods} order
     */
    public static List<Result> infer(Classifier model, Dataset members, Dataset nonMembers, String sensitive,
                                     List<Method> methods, long seed, Progress progress) {
        model.schema().requireCompatible(members.schema(), "members");
        model.schema().requireCompatible(nonMembers.schema(), "nonMembers");
        Dataset pool = members.concat(nonMembers);
        Candidates cand = candidates(model.schema(), sensitive, pool);
        int k = cand.values().length;
        double[] prior = new double[k];
        for (double[] r : pool.x()) {
            prior[cand.bin(r[cand.column()])] += 1.0 / pool.rows();
        }
        // The attacker's auxiliary data for the learned baselines: half of the non-members; evaluation on the rest.
        int[][] halves = halves(nonMembers.rows(), seed);
        Dataset aux = nonMembers.subset(halves[0]);
        Dataset evalNon = nonMembers.subset(halves[1]);
        int[] truthMem = truth(members, cand);
        int[] truthNon = truth(evalNon, cand);
        int majority = 0;
        for (int v = 1; v < k; v++) {
            majority = prior[v] > prior[majority] ? v : majority;
        }
        LocalModel free = modelFree(aux, cand, seed, false, model);
        int[] freeMem = predictAttribute(free, features(members, cand, null, model, false));
        int[] freeNon = predictAttribute(free, features(evalNon, cand, null, model, false));
        List<Result> out = new ArrayList<>();
        for (Method m : methods) {
            int[] gMem;
            int[] gNon;
            switch (m) {
                case MAP:
                    gMem = map(model, members, cand, prior, null);
                    gNon = map(model, evalNon, cand, prior, null);
                    break;
                case MAP_INFORMED:
                    gMem = map(model, members, cand, prior, free.predictProba(features(members, cand, null, model, false).x()));
                    gNon = map(model, evalNon, cand, prior, free.predictProba(features(evalNon, cand, null, model, false).x()));
                    break;
                case WHITEBOX_TREE:
                    String why = whiteBoxUnavailable(model);
                    if (why != null) {
                        throw new InputException(why);
                    }
                    gMem = whiteBox((LocalModel) model, members, cand, prior);
                    gNon = whiteBox((LocalModel) model, evalNon, cand, prior);
                    break;
                default:
                    LocalModel attack = modelFree(aux, cand, seed, true, model);
                    gMem = predictAttribute(attack, features(members, cand, null, model, true));
                    gNon = predictAttribute(attack, features(evalNon, cand, null, model, true));
            }
            double accMem = Metrics.accuracy(truthMem, gMem);
            double accNon = Metrics.accuracy(truthNon, gNon);
            double freeAccMem = Metrics.accuracy(truthMem, freeMem);
            double freeAccNon = Metrics.accuracy(truthNon, freeNon);
            double[] ciMem = bootstrapAdvantage(truthMem, gMem, freeMem, seed);
            double[] ciNon = bootstrapAdvantage(truthNon, gNon, freeNon, seed + 1);
            out.add(Result.of(Threat.MODEL_INVERSION, m.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                    .metric("method", m.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                    .metric("sensitive", sensitive)
                    .metric("values", List.of(cand.names()))
                    .metric("accuracy_members", accMem)
                    .metric("accuracy_non_members", accNon)
                    .metric("balanced_accuracy_members", Metrics.balancedAccuracy(truthMem, gMem, k))
                    .metric("balanced_accuracy_non_members", Metrics.balancedAccuracy(truthNon, gNon, k))
                    .metric("baseline_prior", Metrics.accuracy(truthMem, constant(truthMem.length, majority)))
                    .metric("baseline_prior_non_members", Metrics.accuracy(truthNon, constant(truthNon.length, majority)))
                    .metric("baseline_model_free", freeAccMem)
                    .metric("baseline_model_free_non_members", freeAccNon)
                    .metric("advantage_members", accMem - freeAccMem)
                    .metric("ci95_members", List.of(ciMem[0], ciMem[1]))
                    .metric("advantage_non_members", accNon - freeAccNon)
                    .metric("ci95_non_members", List.of(ciNon[0], ciNon[1]))
                    .metric("members", members.rows())
                    .metric("non_members", evalNon.rows())
                    .finding(ciMem[0] > 0)
                    .build());
            progress.update("inversion methods", out.size(), methods.size());
        }
        return out;
    }

    static int[] truth(Dataset d, Candidates c) {
        int[] t = new int[d.rows()];
        for (int i = 0; i < t.length; i++) {
            t[i] = c.bin(d.row(i)[c.column()]);
        }
        return t;
    }

    static int[] constant(int n, int v) {
        int[] a = new int[n];
        Arrays.fill(a, v);
        return a;
    }

    /** Rows with the sensitive value replaced by candidate v. */
    static double[][] withValue(Dataset d, Candidates c, int v) {
        double[][] x = new double[d.rows()][];
        for (int i = 0; i < x.length; i++) {
            x[i] = d.row(i).clone();
            x[i][c.column()] = c.values()[v];
        }
        return x;
    }

    /** Fredrikson 2014: argmax over v of prior(v) * P_model(true label | other features, v). */
    static int[] map(Classifier model, Dataset d, Candidates c, double[] prior, double[][] posterior) {
        int k = c.values().length;
        double[][] score = new double[d.rows()][k];
        for (int v = 0; v < k; v++) {
            double[][] p = model.hasProbabilities() ? model.predictProba(withValue(d, c, v)) : null;
            int[] labels = p == null ? model.predict(withValue(d, c, v)) : null;
            for (int i = 0; i < d.rows(); i++) {
                int yi = modelClass(model, d, i);
                double py = p != null ? p[i][yi] : (labels[i] == yi ? 1 : 0);
                double pv = posterior != null && v < posterior[i].length ? posterior[i][v] : prior[v];
                score[i][v] = Math.log(Math.max(pv, 1e-6)) + Math.log(Math.max(py, 1e-6));
            }
        }
        return argmax(score);
    }

    /**
     * Fredrikson 2015, white-box: for each candidate v, the leaf the row reaches in every tree and the number of
     * training rows of the true label there; the guess maximises prior(v) times the product of those counts.
     */
    static int[] whiteBox(LocalModel model, Dataset d, Candidates c, double[] prior) {
        List<Tree> trees = model instanceof ForestModel ? ((ForestModel) model).trees() : ((BoostedModel) model).trees();
        int k = c.values().length;
        double[][] score = new double[d.rows()][k];
        for (int v = 0; v < k; v++) {
            double[][] x = model.encoder().encodeAll(withValue(d, c, v));
            for (int i = 0; i < d.rows(); i++) {
                int yi = modelClass(model, d, i);
                double s = Math.log(Math.max(prior[v], 1e-12));
                for (Tree t : trees) {
                    int leaf = t.leaf(x[i]);
                    double count = t.valueWidth() > 1 ? t.value()[leaf * t.valueWidth() + yi] : t.samples()[leaf];
                    s += Math.log(count + 0.1);
                }
                score[i][v] = s;
            }
        }
        return argmax(score);
    }

    /**
     * Why the white-box tree attack cannot run on a target, or null when it can. It reads how many training rows
     * reached each leaf. Imported formats that do not record it
     * (XGBoost's cover is a hessian sum, ONNX stores none) leave every count at 0: the attack cannot run on them.
     *
     * @param target the model to attack
     * @return the reason, or null
     */
    public static String whiteBoxUnavailable(Classifier target) {
        if (!(target instanceof ForestModel) && !(target instanceof BoostedModel)) {
            return "the white-box tree attack needs a tree model whose structure can be read (this target is "
                    + (target instanceof LocalModel ? ((LocalModel) target).kind() : "a black box") + ")";
        }
        LocalModel model = (LocalModel) target;
        List<Tree> trees = model instanceof ForestModel ? ((ForestModel) model).trees() : ((BoostedModel) model).trees();
        for (Tree t : trees) {
            for (int c : t.samples()) {
                if (c > 0) {
                    return null;
                }
            }
        }
        String format = model.provenance().imported() == null ? "the model file" : model.provenance().imported().format();
        return "the white-box tree attack needs the training rows per leaf, and " + format
                + " does not record them; use the map, map-informed or model method";
    }

    private static int modelClass(Classifier model, Dataset d, int i) {
        int c = model.classes().indexOf(d.schema().classes().get(d.y()[i]));
        if (c < 0) {
            throw new InputException("label " + d.schema().classes().get(d.y()[i]) + " is not a class of the model");
        }
        return c;
    }

    static int[] argmax(double[][] s) {
        int[] out = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            out[i] = org.mlsec.model.Classifier.argmax(s[i]);
        }
        return out;
    }

    /**
     * Features of the learned attacks: the known features and the one-hot true label, plus (with the model) the
     * model's probability of the true label for each candidate value.
     */
    static Dataset features(Dataset d, Candidates c, int[] target, Classifier model, boolean withModel) {
        int k = c.values().length;
        int base = d.schema().width() - 1;
        int labels = d.schema().classes().size();
        int width = base + labels + (withModel ? k : 0);
        double[][] x = new double[d.rows()][width];
        double[][][] p = new double[k][][];
        if (withModel) {
            for (int v = 0; v < k; v++) {
                p[v] = model.hasProbabilities() ? model.predictProba(withValue(d, c, v)) : null;
            }
        }
        for (int i = 0; i < d.rows(); i++) {
            int q = 0;
            for (int j = 0; j < d.schema().width(); j++) {
                if (j != c.column()) {
                    x[i][q++] = d.row(i)[j];
                }
            }
            x[i][base + d.y()[i]] = 1;
            if (withModel) {
                int yi = modelClass(model, d, i);
                for (int v = 0; v < k; v++) {
                    x[i][base + labels + v] = p[v] != null ? p[v][i][yi] : 0;
                }
            }
        }
        List<Column> cols = new ArrayList<>();
        for (int j = 0; j < d.schema().width(); j++) {
            if (j != c.column()) {
                Column col = d.schema().feature(j);
                cols.add(col.isCategorical() ? col : Column.numeric(col.name(), ColumnType.NUMERIC, col.min(), col.max()));
            }
        }
        for (int l = 0; l < labels; l++) {
            cols.add(Column.numeric("label=" + l, ColumnType.NUMERIC, 0, 1));
        }
        for (int v = 0; v < (withModel ? k : 0); v++) {
            cols.add(Column.numeric("p_true_if_" + v, ColumnType.NUMERIC, 0, 1));
        }
        List<String> classes = new ArrayList<>();
        for (int v = 0; v < k; v++) {
            classes.add(Integer.toString(v));
        }
        int[] y = target != null ? target : truth(d, c);
        return new Dataset(new org.mlsec.data.Schema(cols, "sensitive", classes), x, y);
    }

    /** A forest predicting the sensitive value from known features (and, for the model-based attack, the model's outputs). */
    static LocalModel modelFree(Dataset aux, Candidates c, long seed, boolean withModel, Classifier model) {
        Dataset f = features(aux, c, null, model, withModel);
        return Trainer.train(f, TrainConfig.defaults(Algorithm.RF).withTrees(60).withMinLeaf(5).withSeed(seed),
                "attribute-attack", Progress.NONE);
    }

    static int[] predictAttribute(LocalModel m, Dataset f) {
        return m.predict(f.x());
    }

    /** Bootstrap 95% interval of accuracy(guess) - accuracy(baseline), resampling rows (paired). */
    static double[] bootstrapAdvantage(int[] truth, int[] guess, int[] baseline, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = truth.length;
        double[] adv = new double[1000];
        for (int b = 0; b < adv.length; b++) {
            int d = 0;
            for (int i = 0; i < n; i++) {
                int r = rng.nextInt(n);
                d += (guess[r] == truth[r] ? 1 : 0) - (baseline[r] == truth[r] ? 1 : 0);
            }
            adv[b] = (double) d / n;
        }
        Arrays.sort(adv);
        return new double[] {adv[24], adv[974]};
    }

    static int[][] halves(int n, long seed) {
        int[] idx = MembershipInference.randomHalf(n, new SplittableRandom(seed));
        boolean[] in = new boolean[n];
        for (int i : idx) {
            in[i] = true;
        }
        int[] other = java.util.stream.IntStream.range(0, n).filter(i -> !in[i]).toArray();
        return new int[][] {idx, other};
    }
}
