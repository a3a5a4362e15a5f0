package org.mlsec.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.mlsec.data.Column;
import org.mlsec.data.ColumnType;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;

/**
 * A {@link Dataset} as Spark moves it to executors (broadcast): plain arrays, rebuilt into the same schema, values
 * and labels on the other side. Java serialization is Spark's own transport between the driver and the executors
 * of one job (inside the cluster, not across a trust boundary); nothing read from a user is deserialized.
 */
final class WireDataset implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String[] names;
    private final String[] types;
    private final double[] min;
    private final double[] max;
    private final String[][] categories;
    private final String label;
    private final String[] classes;
    private final double[][] x;
    private final int[] y;

    WireDataset(Dataset d) {
        Schema s = d.schema();
        int w = s.width();
        names = new String[w];
        types = new String[w];
        min = new double[w];
        max = new double[w];
        categories = new String[w][];
        for (int j = 0; j < w; j++) {
            Column c = s.feature(j);
            names[j] = c.name();
            types[j] = c.type().name();
            min[j] = c.min();
            max[j] = c.max();
            categories[j] = c.categories() == null ? null : c.categories().toArray(new String[0]);
        }
        label = s.label();
        classes = s.classes() == null ? null : s.classes().toArray(new String[0]);
        x = d.x();
        y = d.labelled() ? d.y() : null;
    }

    Dataset toDataset() {
        List<Column> cols = new ArrayList<>();
        for (int j = 0; j < names.length; j++) {
            cols.add(new Column(names[j], ColumnType.valueOf(types[j]), min[j], max[j],
                    categories[j] == null ? null : List.of(categories[j])));
        }
        return new Dataset(new Schema(cols, label, classes == null ? null : List.of(classes)), x, y);
    }
}
