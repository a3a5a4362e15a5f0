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

    /**
     * Names of the classes the model predicts for the rows.
     *
     * @param model the model
     * @param rows rows in the model's schema
     * @return one class name per row
     */
    public static String[] predictedNames(Classifier model, double[][] rows) {
        List<String> classes = model.classes();
        int[] idx = model.predict(rows);
        String[] out = new String[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = classes.get(idx[i]);
        }
        return out;
    }

    /**
     * The share of the rows that the model answers with the class named {@code className}; NaN for no rows.
     *
     * @param model the model
     * @param data rows in the model's schema
     * @param className a class of the model
     * @return the share, 0 to 1, or NaN
     */
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

    /**
     * The share of the labelled rows the model answers with their label, compared by class name.
     *
     * @param model the model
     * @param data labelled rows in the model's schema
     * @return the accuracy, 0 to 1, or NaN for no rows
     */
    public static double accuracy(Classifier model, Dataset data) {
        return accuracy(predictedNames(model, data.x()), data);
    }

    /**
     * The share of predicted class names that equal the rows' labels.
     *
     * @param predicted one class name per row of {@code data}
     * @param data the labelled rows
     * @return the accuracy, 0 to 1, or NaN for no rows
     */
    public static double accuracy(String[] predicted, Dataset data) {
        List<String> truth = data.schema().classes();
        int ok = 0;
        for (int i = 0; i < predicted.length; i++) {
            ok += predicted[i].equals(truth.get(data.y()[i])) ? 1 : 0;
        }
        return predicted.length == 0 ? Double.NaN : (double) ok / predicted.length;
    }

    /**
     * The data's class indices of the predicted names (-1 for a name the data does not have).
     *
     * @param predicted class names, one per row
     * @param data the data whose classes index them
     * @return one index per name
     */
    public static int[] toDataClasses(String[] predicted, Dataset data) {
        int[] out = new int[predicted.length];
        for (int i = 0; i < predicted.length; i++) {
            out[i] = data.schema().classes().indexOf(predicted[i]);
        }
        return out;
    }
}
