package org.mlsec.report.render;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.mlsec.MlsecException;
import org.mlsec.metrics.Roc;
import org.mlsec.report.ChartData;

/**
 * SVG charts drawn by XChart (VectorGraphics2D), never assembled by hand: each {@link ChartData} the audit or a
 * command gives becomes one chart, with the binning of values (histograms, costs) done here.
 */
public final class Charts {
    /** Rates below this are drawn at it on log axes. */
    static final double FLOOR = 1e-5;

    private Charts() {
    }

    /**
     * The chart of the data.
     *
     * @param data what to draw: ROC curves, histograms, evasion costs, importances, fairness rates, a fidelity curve or
     *             a defence study's trade-off
     * @return the XChart chart
     */
    public static org.knowm.xchart.internal.chartpart.Chart<?, ?> draw(ChartData data) {
        if (data instanceof ChartData.RocCurves r) {
            return rocLogLog(r.title(), r.names(), r.rocs());
        } else if (data instanceof ChartData.Histograms h) {
            return histograms(h.feature(), h.before(), h.after());
        } else if (data instanceof ChartData.EvasionCosts c) {
            return evasionCosts(c.costs(), c.norm());
        } else if (data instanceof ChartData.Importances i) {
            return importances(i.title(), i.features(), i.importances());
        } else if (data instanceof ChartData.Fairness f) {
            return fairness(f.groups(), f.rates());
        } else if (data instanceof ChartData.Fidelity f) {
            return fidelity(f.queries(), f.fidelity());
        } else if (data instanceof ChartData.TradeOff t) {
            return tradeOff(t);
        }
        throw new IllegalArgumentException("no chart for " + data);
    }

    /** A log-log ROC curve (the membership-inference convention), with the chance line. */
    static XYChart rocLogLog(String title, List<String> names, List<Roc> rocs) {
        XYChart chart = new XYChartBuilder().width(640).height(480).title(title)
                .xAxisTitle("false positive rate").yAxisTitle("true positive rate").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setXAxisMin(FLOOR);
        chart.getStyler().setYAxisMin(FLOOR);
        chart.getStyler().setXAxisMax(1.0);
        chart.getStyler().setYAxisMax(1.0);
        chart.getStyler().setMarkerSize(0);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        XYSeries chance = chart.addSeries("chance", new double[] {FLOOR, 1}, new double[] {FLOOR, 1});
        chance.setMarker(SeriesMarkers.NONE);
        chance.setLineColor(java.awt.Color.GRAY);
        for (int k = 0; k < rocs.size(); k++) {
            double[] f = rocs.get(k).fpr();
            double[] t = rocs.get(k).tpr();
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            double lastX = -1;
            for (int i = 0; i < f.length; i++) {
                double x = Math.max(f[i], FLOOR);
                double y = Math.max(t[i], FLOOR);
                // keep the file light: one point per 2% step of the FPR on the log scale
                if (lastX < 0 || x > lastX * 1.02 || i == f.length - 1) {
                    xs.add(x);
                    ys.add(y);
                    lastX = x;
                }
            }
            XYSeries s = chart.addSeries(names.get(k) + String.format(" (AUC %.3f)", rocs.get(k).auc()), xs, ys);
            s.setMarker(SeriesMarkers.NONE);
        }
        return chart;
    }

    /** Before/after histograms of one feature, on shared bins (20 between the pooled 1st and 99th percentiles). */
    static org.knowm.xchart.CategoryChart histograms(String feature, double[] before, double[] after) {
        double[] pooled = new double[before.length + after.length];
        System.arraycopy(before, 0, pooled, 0, before.length);
        System.arraycopy(after, 0, pooled, before.length, after.length);
        java.util.Arrays.sort(pooled);
        double lo = pooled[(int) (0.01 * (pooled.length - 1))];
        double hi = pooled[(int) (0.99 * (pooled.length - 1))];
        if (hi <= lo) {
            hi = lo + 1;
        }
        int bins = 20;
        org.knowm.xchart.CategoryChart chart = new org.knowm.xchart.CategoryChartBuilder().width(640).height(400)
                .title(feature + ": before and after").xAxisTitle(feature).yAxisTitle("share of rows").build();
        chart.getStyler().setOverlapped(true);
        chart.getStyler().setXAxisLabelRotation(45);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        List<String> labels = new ArrayList<>();
        for (int k = 0; k < bins; k++) {
            labels.add(org.mlsec.data.Values.display(Math.round(lo + (k + 0.5) * (hi - lo) / bins)));
        }
        chart.addSeries("before", labels, share(before, lo, hi, bins));
        chart.addSeries("after", labels, share(after, lo, hi, bins));
        return chart;
    }

    private static List<Double> share(double[] v, double lo, double hi, int bins) {
        double[] c = new double[bins];
        for (double x : v) {
            int k = (int) Math.floor((Math.min(Math.max(x, lo), hi) - lo) / (hi - lo) * bins);
            c[Math.min(bins - 1, Math.max(0, k))] += 1.0 / v.length;
        }
        List<Double> out = new ArrayList<>();
        for (double x : c) {
            out.add(x);
        }
        return out;
    }

    /** How much change the successful evasions needed: the share of rows per cost bin. */
    static org.knowm.xchart.CategoryChart evasionCosts(List<Double> costs, String norm) {
        double[] v = costs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double hi = v.length == 0 ? 1 : Math.max(v[(int) (0.95 * (v.length - 1))], 1e-9);
        int bins = 12;
        org.knowm.xchart.CategoryChart chart = new org.knowm.xchart.CategoryChartBuilder().width(640).height(400)
                .title("Cost of the successful evasions (" + norm + ")").xAxisTitle("cost (standard deviations)")
                .yAxisTitle("share of rows").build();
        chart.getStyler().setXAxisLabelRotation(45);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        List<String> labels = new ArrayList<>();
        for (int k = 0; k < bins; k++) {
            labels.add(String.format(java.util.Locale.ROOT, "%.3g", (k + 0.5) * hi / bins));
        }
        chart.addSeries("rows", labels, share(v.length == 0 ? new double[] {0} : v, 0, hi, bins));
        return chart;
    }

    /** Column importances (the model's largest first), as bars. */
    static org.knowm.xchart.CategoryChart importances(String title, List<String> names, List<Double> values) {
        org.knowm.xchart.CategoryChart chart = new org.knowm.xchart.CategoryChartBuilder().width(640).height(400)
                .title(title).xAxisTitle("feature").yAxisTitle("importance").build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setXAxisLabelRotation(45);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.addSeries("importance", names, values);
        return chart;
    }

    /** Predicted-positive rate per group of each protected attribute. */
    static org.knowm.xchart.CategoryChart fairness(List<String> groups, List<Double> rates) {
        org.knowm.xchart.CategoryChart chart = new org.knowm.xchart.CategoryChartBuilder().width(640).height(400)
                .title("Predicted positive rate by group").xAxisTitle("group").yAxisTitle("rate").build();
        chart.getStyler().setXAxisLabelRotation(45);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.addSeries("predicted positive", groups, rates);
        return chart;
    }

    /** Fidelity of stolen copies against the queries they cost. */
    static XYChart fidelity(List<Double> queries, List<Double> fidelity) {
        XYChart chart = new XYChartBuilder().width(640).height(400).title("Model stealing: fidelity against queries")
                .xAxisTitle("label-only queries").yAxisTitle("agreement with the model").build();
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setLegendVisible(false);
        chart.addSeries("fidelity", queries, fidelity);
        return chart;
    }

    /** A defence study's trade-off: one marked point per defence, utility across, the attack's strength up. */
    static XYChart tradeOff(ChartData.TradeOff t) {
        XYChart chart = new XYChartBuilder().width(640).height(400).title(t.title()).xAxisTitle(t.utility())
                .yAxisTitle(t.attack()).build();
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setDefaultSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(10);
        // XChart's tick search never ends on an axis whose values are all equal (defences with one accuracy, or one
        // median cost): every axis gets explicit bounds, padded around its values
        double[] x = bounds(t.utilities());
        double[] y = bounds(t.attacks());
        chart.getStyler().setXAxisMin(x[0]).setXAxisMax(x[1]).setYAxisMin(y[0]).setYAxisMax(y[1]);
        java.util.Set<String> named = new java.util.HashSet<>();
        for (int k = 0; k < t.defences().size(); k++) {
            String name = t.defences().get(k);
            for (int n = 2; !named.add(name); n++) { // XChart needs distinct series names
                name = t.defences().get(k) + " (" + n + ")";
            }
            chart.addSeries(name, new double[] {t.utilities().get(k)}, new double[] {t.attacks().get(k)});
        }
        return chart;
    }

    /** An axis's bounds around finite values: 10% of their range on each side, or of the value when they are equal. */
    static double[] bounds(List<Double> values) {
        double lo = values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double hi = values.stream().mapToDouble(Double::doubleValue).max().orElse(1);
        double pad = hi - lo > 1e-9 * Math.max(1, Math.abs(hi)) ? 0.1 * (hi - lo) : Math.max(0.05, 0.1 * Math.abs(hi));
        return new double[] {lo - pad, hi + pad};
    }

    /**
     * The chart as SVG text (for inlining in the HTML report).
     *
     * @param data what to draw
     * @return the SVG element's text
     * @throws MlsecException if the chart cannot be drawn
     */
    public static String svg(ChartData data) {
        try {
            Path tmp = Files.createTempFile("mlsec-chart", ".svg");
            writeSvg(data, tmp);
            String text = Files.readString(tmp);
            Files.deleteIfExists(tmp);
            int start = text.indexOf("<svg");
            return start >= 0 ? text.substring(start) : text;
        } catch (IOException e) {
            throw new MlsecException("cannot draw the chart: " + e.getMessage(), e);
        }
    }

    /**
     * Writes the chart as an SVG file (the folders above it made as needed).
     *
     * @param data what to draw
     * @param file the SVG file written
     * @throws MlsecException if the file cannot be written
     */
    public static void writeSvg(ChartData data, Path file) {
        org.knowm.xchart.internal.chartpart.Chart<?, ?> chart = draw(data);
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            String name = file.toString().endsWith(".svg") ? file.toString().substring(0, file.toString().length() - 4)
                    : file.toString();
            VectorGraphicsEncoder.saveVectorGraphic(chart, name, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        } catch (IOException e) {
            throw new MlsecException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
