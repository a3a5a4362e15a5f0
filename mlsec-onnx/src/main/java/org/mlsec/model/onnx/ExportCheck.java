package org.mlsec.model.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.mlsec.InputException;
import org.mlsec.MlsecException;
import org.mlsec.data.Column;
import org.mlsec.data.ColumnType;
import org.mlsec.data.Schema;
import org.mlsec.model.FeatureEncoder;
import org.mlsec.model.LocalModel;
import org.mlsec.model.tree.BoostedModel;
import org.mlsec.model.tree.ForestModel;
import org.mlsec.model.tree.Tree;

/**
 * Runs an exported ONNX model with ONNX Runtime next to the mlsec model it came from and compares the two on the
 * same rows: the largest absolute difference of any class probability, and the rows whose label differs.
 * {@link #sample} draws seeded rows within the schema's ranges, half of the numeric values on a split threshold of
 * the model or one double step either side of it, where a rounded comparison would send a row the other way.
 */
public final class ExportCheck {
    static final int BATCH = 8192;

    /**
     * @param rows              rows compared
     * @param maxAbsDifference  largest |p_onnx - p_mlsec| over every row and class
     * @param labelsDiffering   rows whose ONNX label is not mlsec's
     * @param firstDiffering    the first such row (0-based), -1 when none
     */
    public record Result(int rows, double maxAbsDifference, int labelsDiffering, int firstDiffering) {
        /**
         * Whether ONNX Runtime answered mlsec's label on every row.
         *
         * @return true when no row's label differs
         */
        public boolean labelsAgree() {
            return labelsDiffering == 0;
        }
    }

    private ExportCheck() {
    }

    /**
     * Compares the ONNX model (file content) with {@code model} on schema-ordered rows, in batches of 8,192.
     *
     * @param model the mlsec model that was exported
     * @param onnx  the ONNX file's content, run by ONNX Runtime
     * @param rows  rows in the model's schema order
     * @return the largest probability difference and the rows whose labels differ
     * @throws org.mlsec.MlsecException if ONNX Runtime cannot run the model or answers another number of classes
     */
    public static Result compare(LocalModel model, byte[] onnx, double[][] rows) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OnnxLabels labels = OnnxLabels.of(model.classes());
        FeatureEncoder enc = model.encoder();
        int k = model.classes().size();
        double max = 0;
        int differing = 0;
        int first = -1;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
             OrtSession session = env.createSession(onnx, options)) {
            for (int from = 0; from < rows.length; from += BATCH) {
                double[][] batch = Arrays.copyOfRange(rows, from, Math.min(rows.length, from + BATCH));
                double[][] expected = model.predictProba(batch);
                try (OnnxTensor t = OnnxTensor.createTensor(env, enc.encodeAll(batch));
                     OrtSession.Result res = session.run(Map.of(OnnxExport.INPUT, t))) {
                    float[][] p = (float[][]) value(res, "probabilities");
                    Object label = value(res, "label");
                    for (int i = 0; i < batch.length; i++) {
                        if (p[i].length != k) {
                            throw new MlsecException("the ONNX model answers " + p[i].length + " probabilities, not " + k);
                        }
                        for (int c = 0; c < k; c++) {
                            double a = p[i][c];
                            double b = expected[i][c];
                            double d = Double.isNaN(a) && Double.isNaN(b) ? 0 : Math.abs(a - b);
                            max = Math.max(max, Double.isNaN(d) ? Double.POSITIVE_INFINITY : d);
                        }
                        Object answered = label instanceof long[] ? ((long[]) label)[i] : ((String[]) label)[i];
                        if (labels.indexOf(answered) != org.mlsec.model.Classifier.argmax(expected[i])) {
                            differing++;
                            first = first < 0 ? from + i : first;
                        }
                    }
                }
            }
        } catch (OrtException e) {
            throw new MlsecException("ONNX Runtime cannot run the exported model: " + e.getMessage(), e);
        }
        return new Result(rows.length, max, differing, first);
    }

    private static Object value(OrtSession.Result res, String name) throws OrtException {
        OnnxValue v = res.get(name).orElseThrow(() -> new MlsecException("the ONNX model has no output " + name));
        return v.getValue();
    }

    /**
     * Seeded rows within the schema's ranges: categorical columns uniform over their categories; numeric columns
     * uniform in [min, max] (whole numbers for integer columns), or, for half of the values of a column the model
     * splits on, one of its thresholds or the next double below or above it. Infinite ranges (imported models
     * without ranges) are replaced by the span of the thresholds, widened by one.
     *
     * @param model the model whose schema and thresholds the rows follow
     * @param rows  how many rows, positive
     * @param seed  the seed of every random choice
     * @return {@code rows} rows in the schema's order
     * @throws InputException if {@code rows} is not positive
     */
    public static double[][] sample(LocalModel model, int rows, long seed) {
        if (rows < 1) {
            throw InputException.about("rows must be positive, got " + rows, "rows");
        }
        Schema s = model.schema();
        double[][] thresholds = thresholdsPerColumn(model);
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] out = new double[rows][s.width()];
        for (int j = 0; j < s.width(); j++) {
            Column c = s.feature(j);
            double[] t = thresholds[j];
            double lo = c.min();
            double hi = c.max();
            if (!Double.isFinite(lo) || !Double.isFinite(hi)) {
                lo = Double.isFinite(lo) ? lo : t.length > 0 ? t[0] - 1 : -1;
                hi = Double.isFinite(hi) ? hi : t.length > 0 ? t[t.length - 1] + 1 : 1;
            }
            for (int i = 0; i < rows; i++) {
                double v;
                if (c.isCategorical()) {
                    v = c.categories().isEmpty() ? 0 : rng.nextInt(c.categories().size());
                } else if (t.length > 0 && rng.nextBoolean()) {
                    v = t[rng.nextInt(t.length)];
                    int side = rng.nextInt(3);
                    v = side == 0 ? Math.nextDown(v) : side == 1 ? v : Math.nextUp(v);
                    v = Math.min(hi, Math.max(lo, v));
                } else {
                    v = lo + (hi - lo) * rng.nextDouble();
                    if (c.type() == ColumnType.INTEGER) {
                        v = Math.min(hi, Math.max(lo, Math.rint(v)));
                    }
                }
                out[i][j] = v;
            }
        }
        return out;
    }

    /** Sorted distinct finite split thresholds of the model on each numeric schema column. */
    static double[][] thresholdsPerColumn(LocalModel model) {
        List<Tree> trees = model instanceof ForestModel ? ((ForestModel) model).trees()
                : model instanceof BoostedModel ? ((BoostedModel) model).trees() : List.of();
        Schema s = model.schema();
        List<List<Double>> per = new ArrayList<>();
        for (int j = 0; j < s.width(); j++) {
            per.add(new ArrayList<>());
        }
        for (Tree tree : trees) {
            for (int n = 0; n < tree.nodes(); n++) {
                int f = tree.feature()[n];
                if (f >= 0 && Double.isFinite(tree.threshold()[n])) {
                    int col = model.encoder().sourceColumn(f);
                    if (!s.feature(col).isCategorical()) {
                        per.get(col).add(tree.threshold()[n]);
                    }
                }
            }
        }
        double[][] out = new double[s.width()][];
        for (int j = 0; j < out.length; j++) {
            out[j] = per.get(j).stream().mapToDouble(Double::doubleValue).distinct().sorted().toArray();
        }
        return out;
    }
}
