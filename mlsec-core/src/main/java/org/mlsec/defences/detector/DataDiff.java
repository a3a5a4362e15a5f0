package org.mlsec.defences.detector;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlsec.data.Column;
import org.mlsec.data.Dataset;
import org.mlsec.data.Profile;
import org.mlsec.data.Table;
import org.mlsec.metrics.Stats;

/**
 * What changed between a trusted snapshot and new data: per-feature distribution tests (Kolmogorov-Smirnov or
 * chi-square, and PSI), the label rate, row-level edits when an ID column links the rows, and the subgroups whose
 * label rate moved most.
 */
public final class DataDiff {
    /** A feature is flagged when its test rejects at this level and its PSI shows a real shift. */
    public static final double ALPHA = 1e-3;
    /** The smallest PSI counted as a real shift of a feature whose test rejects. */
    public static final double MIN_PSI = 0.01;

    /**
     * One feature's figures.
     *
     * @param name      the feature
     * @param test      the test applied: Kolmogorov-Smirnov for a numeric feature, chi-square for a categorical one
     * @param statistic the test's statistic
     * @param pValue    the test's p-value
     * @param psi       the population stability index between the two distributions
     * @param flagged   whether the test rejects at {@link #ALPHA} and the PSI is at least {@link #MIN_PSI}
     */
    public record FeatureShift(String name, String test, double statistic, double pValue, double psi, boolean flagged) {
    }

    private DataDiff() {
    }

    /**
     * Tests every feature's distribution for a shift between the two data sets.
     *
     * @param before the trusted snapshot
     * @param after  the new data, in the same schema
     * @return one shift per feature, largest PSI first
     */
    public static List<FeatureShift> features(Dataset before, Dataset after) {
        return features(Table.of(before), Table.of(after));
    }

    /**
     * Tests every feature's distribution for a shift between two tables, wherever their rows are: the tests read
     * the tables' {@linkplain Table#profile() profiles}, so a table read in partitions gives the figures its rows
     * would give in memory.
     *
     * @param before the trusted snapshot
     * @param after  the new data, in the same schema
     * @return one shift per feature, largest PSI first
     */
    public static List<FeatureShift> features(Table before, Table after) {
        Profile pb = before.profile();
        Profile pa = after.profile();
        List<FeatureShift> out = new ArrayList<>();
        for (int j = 0; j < before.schema().width(); j++) {
            Column c = before.schema().feature(j);
            int ja = pa.indexOf(c.name());
            if (ja < 0) {
                continue;
            }
            if (c.isCategorical()) {
                int k = c.categories().size();
                long[] a = new long[k + 1];
                long[] b = new long[k + 1];
                for (int v = 0; v < pb.distinct(j); v++) {
                    double cat = pb.value(j, v);
                    a[cat < 0 ? k : (int) cat] += pb.count(j, v);
                }
                for (int v = 0; v < pa.distinct(ja); v++) {
                    double cat = pa.value(ja, v);
                    b[cat < 0 ? k : (int) cat] += pa.count(ja, v);
                }
                double[] chi = Stats.chiSquare(a, b);
                double psi = Stats.psi(a, b);
                out.add(new FeatureShift(c.name(), "chi-square", chi[0], chi[1], psi, chi[1] < ALPHA && psi >= MIN_PSI));
            } else {
                double d = Stats.ks(pb, j, pa, ja);
                double p = Stats.ksPValue(d, pb.rows(), pa.rows());
                double psi = Stats.psi(pb, j, pa, ja);
                out.add(new FeatureShift(c.name(), "kolmogorov-smirnov", d, p, psi, p < ALPHA && psi >= MIN_PSI));
            }
        }
        out.sort((x, y) -> Double.compare(y.psi(), x.psi()));
        return out;
    }


    /**
     * Row-level edits for rows present in both, matched by an ID column: rows changed, label flips, cells per column.
     *
     * @param before the trusted snapshot
     * @param after  the new data
     * @param id     the ID column linking the rows
     * @return the edit counts by JSON key
     */
    public static Map<String, Object> rows(Dataset before, Dataset after, String id) {
        int jb = before.schema().require(id);
        int ja = after.schema().require(id);
        Map<Double, Integer> index = new HashMap<>();
        for (int i = 0; i < before.rows(); i++) {
            index.put(before.row(i)[jb], i);
        }
        int matched = 0;
        int changed = 0;
        int flips = 0;
        Map<String, Integer> perColumn = new LinkedHashMap<>();
        for (int i = 0; i < after.rows(); i++) {
            Integer k = index.get(after.row(i)[ja]);
            if (k == null) {
                continue;
            }
            matched++;
            boolean any = false;
            for (int j = 0; j < before.schema().width(); j++) {
                String name = before.schema().feature(j).name();
                int q = after.schema().indexOf(name);
                if (q >= 0 && before.row(k)[j] != after.row(i)[q]) {
                    perColumn.merge(name, 1, Integer::sum);
                    any = true;
                }
            }
            String lb = before.schema().classes().get(before.y()[k]);
            String la = after.schema().classes().get(after.y()[i]);
            if (!lb.equals(la)) {
                flips++;
                any = true;
            }
            changed += any ? 1 : 0;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("matched_rows", matched);
        m.put("added_rows", after.rows() - matched);
        m.put("removed_rows", before.rows() - matched);
        m.put("changed_rows", changed);
        m.put("label_changes", flips);
        m.put("changed_cells_by_column", perColumn);
        return m;
    }
}
