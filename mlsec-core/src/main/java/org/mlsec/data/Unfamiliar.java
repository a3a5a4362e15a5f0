package org.mlsec.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Values a model never saw in training: categories its schema does not list, and numbers outside the range its
 * training data spanned. A tree model answers such rows as it would at the nearest edge and a linear one
 * extrapolates, so a prediction for them deserves a warning (or, strictly, a refusal).
 *
 * @param column     the feature
 * @param rows       how many rows hold such a value in this column
 * @param firstLine  the file line of the first one
 * @param firstValue its value, as the file writes it
 * @param reason     what is unfamiliar about it
 */
public record Unfamiliar(String column, int rows, long firstLine, String firstValue, String reason) {
    @Override
    public String toString() {
        return column + ": " + rows + " row(s) " + reason + " (first at line " + firstLine + ": " + firstValue + ")";
    }

    /**
     * Per column, the rows of {@code data} (read into {@code schema} with {@code read}) that the schema does not cover.
     *
     * @param schema the model's schema
     * @param data rows read into it
     * @param read the report of that read, for line numbers and unseen category text
     * @return one entry per column with such values, in schema order
     */
    public static List<Unfamiliar> find(Schema schema, Dataset data, CsvReader.Report read) {
        List<Unfamiliar> out = new ArrayList<>();
        for (int j = 0; j < schema.width(); j++) {
            Column c = schema.feature(j);
            int n = 0;
            int first = -1;
            for (int i = 0; i < data.rows(); i++) {
                double v = data.x()[i][j];
                boolean odd = c.isCategorical() ? v < 0
                        : (Double.isFinite(c.min()) && v < c.min()) || (Double.isFinite(c.max()) && v > c.max());
                if (odd) {
                    n++;
                    first = first < 0 ? i : first;
                }
            }
            if (n > 0) {
                String text = c.isCategorical() ? read.unseenText(first, c.name()) : Values.display(data.x()[first][j]);
                out.add(new Unfamiliar(c.name(), n, read.line(first), text == null ? "?" : text, c.isCategorical()
                        ? "with a category the model never saw (it knows " + abbreviated(c.categories()) + ")"
                        : "outside the training range [" + Values.display(c.min()) + ", " + Values.display(c.max()) + "]"));
            }
        }
        return out;
    }

    private static String abbreviated(List<String> cats) {
        return cats.size() <= 8 ? cats.toString() : cats.subList(0, 8) + " and " + (cats.size() - 8) + " more";
    }
}
