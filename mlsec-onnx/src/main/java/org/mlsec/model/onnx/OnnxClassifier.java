package org.mlsec.model.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.mlsec.InputException;
import org.mlsec.MlsecException;
import org.mlsec.data.Schema;
import org.mlsec.model.Classifier;
import org.mlsec.model.FeatureEncoder;

/**
 * A black-box ONNX model run by ONNX Runtime. The model takes one {@code float[N, d]} or {@code double[N, d]} input:
 * either the schema's columns in order (as scikit-learn exports) or mlsec's encoded features (as {@link OnnxExport}
 * writes, in double). Class
 * probabilities come from a float tensor output {@code [N, classes]} or from a ZipMap sequence of maps; a model
 * with only a label output is label-only.
 */
public final class OnnxClassifier implements Classifier, AutoCloseable {
    private final Schema schema;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String inputName;
    private final FeatureEncoder encoder;
    private final int width;
    /** True when the model reads doubles (as {@link OnnxExport} writes), false for float32 input. */
    private final boolean doubleInput;
    private final AtomicLong queries = new AtomicLong();

    /**
     * Opens an ONNX model in ONNX Runtime as a black-box classifier.
     *
     * @param file   the ONNX file
     * @param schema the schema of the rows it is asked about
     * @throws InputException if the file does not exist or ONNX Runtime cannot open it
     */
    public OnnxClassifier(Path file, Schema schema) {
        this.schema = schema;
        if (!Files.isRegularFile(file)) {
            throw new InputException("no such ONNX model: " + file);
        }
        try {
            this.env = OrtEnvironment.getEnvironment();
            this.session = env.createSession(file.toString(), new OrtSession.SessionOptions());
            Map<String, NodeInfo> inputs = session.getInputInfo();
            if (inputs.size() != 1) {
                throw new InputException(file + ": expected one input, the model has " + inputs.keySet());
            }
            Map.Entry<String, NodeInfo> in = inputs.entrySet().iterator().next();
            this.inputName = in.getKey();
            TensorInfo info = (TensorInfo) in.getValue().getInfo();
            this.doubleInput = info.type == ai.onnxruntime.OnnxJavaType.DOUBLE;
            long[] shape = info.getShape();
            int d = shape.length == 2 && shape[1] > 0 ? (int) shape[1] : schema.width();
            FeatureEncoder enc = new FeatureEncoder(schema);
            if (d == schema.width()) {
                this.encoder = null;
            } else if (d == enc.width()) {
                this.encoder = enc;
            } else {
                throw new InputException(file + ": the model reads " + d + " features, but the schema has "
                        + schema.width() + " columns (" + enc.width() + " once encoded)");
            }
            this.width = d;
        } catch (OrtException e) {
            throw new InputException(file + " is not a model ONNX Runtime can load: " + e.getMessage());
        }
    }

    @Override
    public Schema schema() {
        return schema;
    }

    @Override
    public long queries() {
        return queries.get();
    }

    @Override
    public double[][] predictProba(double[][] rows) {
        double[][] p = run(rows, true);
        if (p == null) {
            throw new MlsecException("the ONNX model returns labels only");
        }
        return p;
    }

    @Override
    public int[] predict(double[][] rows) {
        double[][] p = run(rows, false);
        int[] out = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = Classifier.argmax(p[i]);
        }
        return out;
    }

    /** Probabilities, or one-hot labels when the model has no probability output (null if required and absent). */
    private double[][] run(double[][] rows, boolean needProba) {
        queries.addAndGet(rows.length);
        int k = schema.classes().size();
        Object x;
        if (doubleInput) {
            x = encoder == null ? rows : encoder.encodeAll(rows);
        } else {
            float[][] f = new float[rows.length][width];
            for (int i = 0; i < rows.length; i++) {
                double[] r = encoder == null ? rows[i] : encoder.encode(rows[i]);
                for (int j = 0; j < width; j++) {
                    f[i][j] = (float) r[j];
                }
            }
            x = f;
        }
        try (OnnxTensor t = OnnxTensor.createTensor(env, x); OrtSession.Result res = session.run(Map.of(inputName, t))) {
            double[][] labels = null;
            for (Map.Entry<String, OnnxValue> e : res) {
                OnnxValue v = e.getValue();
                if (v instanceof OnnxTensor && v.getInfo() instanceof TensorInfo) {
                    Object val = v.getValue();
                    if (val instanceof float[][] && ((float[][]) val)[0].length == k) {
                        float[][] f = (float[][]) val;
                        double[][] p = new double[f.length][k];
                        for (int i = 0; i < f.length; i++) {
                            for (int c = 0; c < k; c++) {
                                p[i][c] = f[i][c];
                            }
                        }
                        return p;
                    }
                    if (val instanceof long[] || val instanceof String[]) {
                        labels = oneHot(val, k);
                    }
                } else if (v instanceof OnnxSequence) {
                    List<?> maps = ((OnnxSequence) v).getValue();
                    double[][] p = new double[maps.size()][k];
                    for (int i = 0; i < maps.size(); i++) {
                        Map<?, ?> m = ((OnnxMap) maps.get(i)).getValue();
                        for (Map.Entry<?, ?> me : m.entrySet()) {
                            int c = schema.classIndex(String.valueOf(me.getKey()));
                            if (c >= 0) {
                                p[i][c] = ((Number) me.getValue()).doubleValue();
                            }
                        }
                    }
                    return p;
                }
            }
            if (labels == null) {
                throw new MlsecException("the ONNX model has no output of class probabilities or labels");
            }
            return needProba ? null : labels;
        } catch (OrtException e) {
            throw new MlsecException("ONNX Runtime failed: " + e.getMessage(), e);
        }
    }

    private double[][] oneHot(Object val, int k) {
        int n = val instanceof long[] ? ((long[]) val).length : ((String[]) val).length;
        double[][] p = new double[n][k];
        for (int i = 0; i < n; i++) {
            String label = val instanceof long[] ? Long.toString(((long[]) val)[i]) : ((String[]) val)[i];
            int c = schema.classIndex(label);
            if (c < 0) {
                throw new MlsecException("the ONNX model answered class '" + label + "', not one of " + schema.classes());
            }
            p[i][c] = 1;
        }
        return p;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new MlsecException("cannot close the ONNX session: " + e.getMessage(), e);
        }
    }
}
