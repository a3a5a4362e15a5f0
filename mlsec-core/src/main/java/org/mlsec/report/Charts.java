package org.mlsec.report;

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

/** SVG charts drawn by XChart (VectorGraphics2D), never assembled by hand. */
public final class Charts {
    /** Rates below this are drawn at it on log axes. */
    static final double FLOOR = 1e-5;

    private Charts() {
    }

    /** A log-log ROC curve (the membership-inference convention), with the chance line. */
    public static XYChart rocLogLog(String title, List<String> names, List<Roc> rocs) {
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

    public static void writeSvg(XYChart chart, Path file) {
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
