package org.mlsec.metrics;

import java.util.List;
import org.mlsec.data.Dataset;
import org.mlsec.model.Classifier;

/**
 * Scores a model on labelled data by class <em>name</em>: the model's answer is the name of the class it picks, the
 * truth is the name in the data. A model whose class list was tampered with is measured as it really behaves.
 */
public final class Evaluation {
    private Evaluation() {
    }

    /** Names of the classes the model predicts for the rows. */
    public static String[] predictedNames(Classifier model, double[][] rows) {
        List<String> classes = model.classes();
        int[] idx = model.predict(rows);
        String[] out = new String[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = classes.get(idx[i]);
        }
        return out;
    }

    /** The share of the rows that the model answers with the class named {@code className}; NaN for no rows. */
    public static double answerRate(Classifier model, Dataset data, String className) {
        if (data.rows() == 0) {
            return Double.NaN;
        }
        String[] names = predictedNames(model, data.x());
        int n = 0;
        for (String s : names) {
            n += s.equals(className) ? 1 : 0;
        }
        return (double) n / names.length;
    }

    public static double accuracy(Classifier model, Dataset data) {
        return accuracy(predictedNames(model, data.x()), data);
    }

    public static double accuracy(String[] predicted, Dataset data) {
        List<String> truth = data.schema().classes();
        int ok = 0;
        for (int i = 0; i < predicted.length; i++) {
            ok += predicted[i].equals(truth.get(data.y()[i])) ? 1 : 0;
        }
        return predicted.length == 0 ? Double.NaN : (double) ok / predicted.length;
    }

    /** The data's class indices of the predicted names (-1 for a name the data does not have). */
    public static int[] toDataClasses(String[] predicted, Dataset data) {
        int[] out = new int[predicted.length];
        for (int i = 0; i < predicted.length; i++) {
            out[i] = data.schema().classes().indexOf(predicted[i]);
        }
        return out;
    }
}
