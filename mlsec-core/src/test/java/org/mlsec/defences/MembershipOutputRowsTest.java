package org.mlsec.defences;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mlsec.data.Column;
import org.mlsec.data.Schema;
import org.mlsec.defences.postprocessor.OutputMode;
import org.mlsec.model.Algorithm;
import org.mlsec.model.Classifier;
import org.mlsec.model.TrainConfig;

/** Every output-hardening mode is a row of the membership defence study, named as before for the default two. */
class MembershipOutputRowsTest {
    static final TrainConfig LR = TrainConfig.defaults(Algorithm.LR);

    static List<String> names(List<MembershipDefences.Defence> rows) {
        return rows.stream().map(MembershipDefences.Defence::name).filter(n -> n.startsWith("output: ")).toList();
    }

    @Test
    void theDefaultRowsKeepTheirNames() {
        assertEquals(List.of("output: probabilities rounded to 1 decimal", "output: labels only"),
                names(MembershipDefences.defences(LR, 1000, MembershipDefences.DEFAULT_OUTPUTS, 1)));
    }

    @Test
    void everyModeCanBeARowAndOnlyLabelsOnlyIsAttackedByLabel() {
        List<MembershipDefences.Defence> rows = MembershipDefences.defences(LR, 1000, List.of(OutputMode.values()), 1);
        assertEquals(List.of("output: probabilities", "output: probabilities rounded to 1 decimal", "output: labels only",
                "output: top class's probability only", "output: reverse sigmoid, beta 0.5",
                "output: Gaussian noise, sd 0.05"), names(rows));
        for (MembershipDefences.Defence d : rows) {
            assertEquals(d.name().equals("output: labels only"), d.labelOnly(), d.name());
        }
    }

    @Test
    void eachNoisedModelDrawsTheSameSeededNoise() {
        Schema s = new Schema(List.of(Column.numeric("x", org.mlsec.data.ColumnType.NUMERIC, 0, 1)), "y", List.of("a", "b"));
        Classifier model = new Classifier() {
            @Override
            public Schema schema() {
                return s;
            }

            @Override
            public double[][] predictProba(double[][] rows) {
                double[][] p = new double[rows.length][];
                for (int i = 0; i < rows.length; i++) {
                    p[i] = new double[] {1 - rows[i][0], rows[i][0]};
                }
                return p;
            }

            @Override
            public int[] predict(double[][] rows) {
                return new int[rows.length];
            }

            @Override
            public long queries() {
                return 0;
            }
        };
        MembershipDefences.Defence noise = MembershipDefences.defences(LR, 1000, List.of(OutputMode.NOISE), 3).stream()
                .filter(d -> d.name().contains("noise")).findFirst().orElseThrow();
        double[][] rows = {{0.2}, {0.7}};
        double[][] first = noise.output().apply(model).predictProba(rows);
        assertArrayEquals(first[1], noise.output().apply(model).predictProba(rows)[1], 0,
                "a target and its reference models see the same noise sequence, whatever order they train in");
        assertFalse(first[0][0] == 0.8, "the noise is there");
        assertEquals(1, first[0][0] + first[0][1], 1e-9);
    }
}
