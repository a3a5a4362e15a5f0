package org.mlsec.model;

import java.util.List;
import org.mlsec.data.Column;
import org.mlsec.data.Schema;

/**
 * Turns schema-ordered rows into the numeric vectors a model is trained on: numbers pass through and each
 * categorical column becomes one indicator per known category (an unknown category sets none).
 * Training and serving use the same encoder, built from the schema saved with the model.
 */
public final class FeatureEncoder {
    private final Schema schema;
    private final int[] offset;
    private final int width;
    private final List<String> names;
    private final int[] source;

    /**
     * The encoding of a schema: numbers as they are, categories one-hot.
     *
     * @param schema the columns to encode
     */
    public FeatureEncoder(Schema schema) {
        this.schema = schema;
        this.offset = new int[schema.width()];
        int w = 0;
        for (int j = 0; j < schema.width(); j++) {
            Column c = schema.feature(j);
            offset[j] = w;
            w += c.isCategorical() ? c.categories().size() : 1;
        }
        this.width = w;
        this.source = new int[w];
        for (int j = 0; j < schema.width(); j++) {
            java.util.Arrays.fill(source, offset[j], j + 1 < offset.length ? offset[j + 1] : w, j);
        }
        // Named on demand: a column of millions of categories needs no million strings until they are read.
        this.names = new java.util.AbstractList<>() {
            @Override
            public String get(int f) {
                Column c = schema.feature(source[f]);
                return c.isCategorical() ? c.name() + "=" + c.categories().get(f - offset[source[f]]) : c.name();
            }

            @Override
            public int size() {
                return width;
            }
        };
    }

    /**
     * The schema encoded.
     *
     * @return the schema given
     */
    public Schema schema() {
        return schema;
    }

    /**
     * Number of encoded features.
     *
     * @return the encoded row's length
     */
    public int width() {
        return width;
    }

    /**
     * Names of the encoded features, such as {@code income} or {@code region=north}.
     *
     * @return one name per encoded feature
     */
    public List<String> names() {
        return names;
    }

    /**
     * The schema column an encoded feature comes from.
     *
     * @param encoded an encoded feature's index
     * @return the schema column's index
     */
    public int sourceColumn(int encoded) {
        return source[encoded];
    }

    /**
     * Where a schema column's encoded values start (a numeric column has one, a categorical one per category).
     *
     * @param column a schema column's index
     * @return the index of its first encoded feature
     */
    public int offset(int column) {
        return offset[column];
    }

    /**
     * Encodes one row into an array the caller owns.
     *
     * @param row a row in the schema
     * @param out {@link #width()} values, overwritten
     */
    public void encode(double[] row, double[] out) {
        for (int j = 0; j < offset.length; j++) {
            Column c = schema.feature(j);
            if (c.isCategorical()) {
                int n = c.categories().size();
                int o = offset[j];
                for (int k = 0; k < n; k++) {
                    out[o + k] = 0;
                }
                int cat = (int) row[j];
                if (cat >= 0 && cat < n && cat == row[j]) {
                    out[o + cat] = 1;
                }
            } else {
                out[offset[j]] = row[j];
            }
        }
    }

    /**
     * Encodes one row.
     *
     * @param row a row in the schema
     * @return a new encoded row
     */
    public double[] encode(double[] row) {
        double[] out = new double[width];
        encode(row, out);
        return out;
    }

    /**
     * Encodes rows.
     *
     * @param rows rows in the schema
     * @return the encoded rows, row-major
     */
    public double[][] encodeAll(double[][] rows) {
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = encode(rows[i]);
        }
        return out;
    }

    /**
     * Column-major encoding, as tree training reads it: {@code [feature][row]}.
     *
     * @param rows rows in the schema
     * @return the encoded values by feature, then row
     */
    public double[][] encodeColumns(double[][] rows) {
        double[][] cols = new double[width][rows.length];
        double[] buf = new double[width];
        for (int i = 0; i < rows.length; i++) {
            encode(rows[i], buf);
            for (int f = 0; f < width; f++) {
                cols[f][i] = buf[f];
            }
        }
        return cols;
    }

    /**
     * Sums encoded-feature values (such as importances) back onto schema columns.
     *
     * @param encodedValues one value per encoded feature
     * @return one sum per schema column
     */
    public double[] toColumns(double[] encodedValues) {
        double[] out = new double[schema.width()];
        for (int f = 0; f < width; f++) {
            out[source[f]] += encodedValues[f];
        }
        return out;
    }
}
