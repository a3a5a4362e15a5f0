package org.mlsec.report.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.internal.chartpart.Chart;
import org.mlsec.metrics.Roc;
import org.mlsec.report.ChartData;

/**
 * Every kind of chart the audit and the commands ask for is drawn with its title and series, and written as SVG
 * (whose text VectorGraphics2D draws as outlines, so the drawing is checked on the chart and the file on its frame).
 */
class ChartsTest {
    @TempDir
    Path dir;

    static final Roc ROC = new Roc(new boolean[] {true, false, true, false}, new double[] {0.9, 0.2, 0.6, 0.7});

    static void assertChart(ChartData data, String title, String... series) {
        Chart<?, ?> c = Charts.draw(data);
        assertEquals(title, c.getTitle());
        assertEquals(Set.of(series), c.getSeriesMap().keySet());
    }

    @Test
    void everyKindOfChartIsDrawnWithItsTitleAndSeries() {
        assertChart(new ChartData.RocCurves("Membership", List.of("rmia"), List.of(ROC)), "Membership", "chance",
                "rmia (AUC 0.750)");
        assertChart(new ChartData.Histograms("LIMIT_BAL", new double[] {1, 2, 3, 4}, new double[] {2, 3, 9}),
                "LIMIT_BAL: before and after", "before", "after");
        assertChart(new ChartData.EvasionCosts(List.of(0.1, 0.4), "linf"), "Cost of the successful evasions (linf)",
                "rows");
        assertChart(new ChartData.EvasionCosts(List.of(), "l1"), "Cost of the successful evasions (l1)", "rows");
        assertChart(new ChartData.Importances("What drives the model", List.of("PAY_0", "AGE"), List.of(0.6, 0.1)),
                "What drives the model", "importance");
        assertChart(new ChartData.Fairness(List.of("SEX=1", "SEX=2"), List.of(0.2, 0.3)),
                "Predicted positive rate by group", "predicted positive");
        assertChart(new ChartData.Fidelity(List.of(100.0, 200.0), List.of(0.7, 0.8)),
                "Model stealing: fidelity against queries", "fidelity");
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void aTradeOffWhoseDefencesShareOneValueIsStillDrawn() {
        // every defence with one accuracy and one median cost: XChart's tick search looped forever on such an axis
        String svg = Charts.svg(new ChartData.TradeOff("Evasion: robustness against utility", "test accuracy",
                "median cost", List.of("none", "monotone"), List.of(0.8, 0.8), List.of(0.8895, 0.8895)));
        assertTrue(svg.startsWith("<svg"), svg.substring(0, Math.min(100, svg.length())));
        assertEquals(List.of(0.72, 0.88), java.util.Arrays.stream(Charts.bounds(List.of(0.8, 0.8))).map(v ->
                Math.round(v * 1000) / 1000.0).boxed().toList(), "padded by a tenth of the value, at least 0.05");
    }

    @Test
    void svgTextIsOneSelfContainedSvgElementOfTheChartsSize() {
        String roc = Charts.svg(new ChartData.RocCurves("Membership", List.of("rmia"), List.of(ROC)));
        assertTrue(roc.startsWith("<svg") && roc.strip().endsWith("</svg>") && roc.contains("viewBox=\"0 0 640 480\""),
                roc.substring(0, Math.min(200, roc.length())));
        String bars = Charts.svg(new ChartData.Fairness(List.of("SEX=1"), List.of(0.2)));
        assertTrue(bars.contains("viewBox=\"0 0 640 400\""), bars.substring(0, Math.min(200, bars.length())));
        assertNotEquals(bars, Charts.svg(new ChartData.Fairness(List.of("SEX=1"), List.of(0.9))), "the data is drawn");
    }

    @Test
    void writeSvgMakesTheFoldersAndKeepsTheName() throws IOException {
        Path file = dir.resolve("plots/deep/fidelity.svg");
        Charts.writeSvg(new ChartData.Fidelity(List.of(1.0), List.of(1.0)), file);
        assertTrue(Files.readString(file).contains("<svg"), file.toString());
        try (var written = Files.list(file.getParent())) {
            assertEquals(List.of(file), written.toList());
        }
    }
}
