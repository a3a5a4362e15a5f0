package org.mlsec.defences;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.InputException;
import org.mlsec.Result;
import org.mlsec.internal.Json;
import org.mlsec.report.ChartData;
import org.mlsec.report.Threat;

/** A defence study read back from the JSON a defend command wrote, and the trade-off the report charts from it. */
class DefenceStudyTest {
    @TempDir
    Path dir;

    static Result row(String defence, double accuracy, Double medianCost) {
        Result.Builder b = Result.of(Threat.EVASION, "defence").metric("defence", defence)
                .metric("test_accuracy", accuracy).metric("success_rate", 1.0);
        if (medianCost != null) {
            b.metric("median_cost", medianCost);
        }
        return b.build();
    }

    Path write(Object json) throws Exception {
        Path f = dir.resolve("study" + System.nanoTime() + ".json");
        Files.writeString(f, Json.pretty(json));
        return f;
    }

    @Test
    void aStudyReadBackFromItsJsonChartsUtilityAgainstTheAttack() throws Exception {
        List<Result> rows = List.of(row("none", 0.82, 0.012), row("robust splits, radius 0.05", 0.81, 0.041),
                row("monotone", 0.80, null)); // a defended model the evaders never flip: no cost to plot
        Path f = write(Map.of("norm", "linf", "defences", rows.stream().map(Result::toJson).toList()));
        DefenceStudy study = DefenceStudy.read(f);
        assertEquals(Threat.EVASION, study.threat());
        assertEquals(rows, study.rows(), "every row as it was written");
        ChartData.TradeOff t = study.tradeOff();
        assertEquals(List.of("none", "robust splits, radius 0.05"), t.defences());
        assertEquals(List.of(0.82, 0.81), t.utilities());
        assertEquals(List.of(0.012, 0.041), t.attacks());
        assertTrue(t.title().startsWith("Evasion: robustness"), t.title());
    }

    @Test
    void whatIsNotAStudyIsRefusedNamingTheFile() throws Exception {
        Path scan = write(Map.of("files", List.of()));
        InputException e = assertThrows(InputException.class, () -> DefenceStudy.read(scan));
        assertTrue(e.getMessage().startsWith(scan + ": not a defence study"), e.getMessage());
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"defences\": [");
        assertTrue(assertThrows(InputException.class, () -> DefenceStudy.read(broken)).getMessage()
                .startsWith(broken + ": cannot read it as JSON"));
        Path unknownThreat = write(Map.of("defences", List.of(Map.of("threat", "weather", "technique", "x",
                "finding", false, "defence", "none"))));
        e = assertThrows(InputException.class, () -> DefenceStudy.read(unknownThreat));
        assertTrue(e.getMessage().contains("defence 1") && e.getMessage().contains("'weather'"), e.getMessage());
        Path mixed = write(Map.of("defences", List.of(row("none", 0.8, 0.01).toJson(),
                Result.of(Threat.POISONING, "defence").metric("defence", "dpa").build().toJson())));
        assertTrue(assertThrows(InputException.class, () -> DefenceStudy.read(mixed)).getMessage()
                .contains("a evasion study has a poisoning row"));
        DefenceStudy extraction = DefenceStudy.of(List.of(Result.of(Threat.MODEL_STEALING, "defence")
                .metric("defence", "detector").build()));
        assertTrue(assertThrows(InputException.class, extraction::tradeOff).getMessage().contains("no utility"));
        DefenceStudy noFigures = DefenceStudy.of(List.of(row("monotone", 0.8, null)));
        assertTrue(assertThrows(InputException.class, noFigures::tradeOff).getMessage().contains("median_cost"));
    }
}
