package org.mlsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.Dataset;
import org.mlsec.model.LocalModel;
import org.mlsec.model.ModelIo;

/** The foundation's acceptance figures on the real UCI credit data in ../shared. */
class RealDataTest {
    static final Path REAL = Path.of("../../shared/data/default_credit_card.csv");

    @TempDir
    Path dir;

    @Test
    void forestReachesEightyPercentAndEvaluateAgreesWithPredict() throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(REAL), "the real data is not in ../shared");
        Path model = dir.resolve("rf.mlsec");
        Cli t = Cli.run("train", "--data", REAL.toString(), "--label", "DEFAULT", "--drop", "ID", "--algo", "rf",
                "--out", model.toString(), "--json", dir.resolve("train.json").toString());
        assertEquals(0, t.code(), t.err());
        JsonNode tj = CliTest.json(dir.resolve("train.json"));
        assertTrue(tj.get("test_accuracy").asDouble() >= 0.80, tj.toString());
        assertEquals(27_000, tj.get("rows_train").asInt());

        Cli e = Cli.run("evaluate", "--model", model.toString(), "--data", REAL.toString(), "--label", "DEFAULT",
                "--json", dir.resolve("eval.json").toString());
        assertEquals(0, e.code(), e.err());
        Path preds = dir.resolve("preds.csv");
        Cli p = Cli.run("predict", "--model", model.toString(), "--data", REAL.toString(), "--out", preds.toString());
        assertEquals(0, p.code(), p.err());
        assertEquals(CliTest.json(dir.resolve("eval.json")).get("accuracy").asDouble(),
                CliTest.accuracyOfPredictions(preds, REAL), 1e-12);
    }

    /**
     * Issue 10's robustness defence on the real data: a 100-tree forest forced to never lower the default
     * probability as any repayment delay grows loses little test accuracy (measured: 81.7% free, 81.0% constrained).
     */
    @Test
    void monotoneForestKeepsItsAccuracyAndIsMonotoneInEveryDelay() throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(REAL), "the real data is not in ../shared");
        String pays = "PAY_0,PAY_2,PAY_3,PAY_4,PAY_5,PAY_6";
        double[] accuracy = new double[2];
        for (int constrained = 0; constrained < 2; constrained++) {
            Path json = dir.resolve("rf-" + constrained + ".json");
            List<String> args = new ArrayList<>(List.of("train", "--data",
                    REAL.toString(), "--label", "DEFAULT", "--drop", "ID", "--algo", "rf", "--trees", "100",
                    "--out", dir.resolve("rf-" + constrained + ".mlsec").toString(), "--json", json.toString()));
            if (constrained == 1) {
                args.add("--monotone");
                args.add(pays.replace(",", "=+1,") + "=+1");
            }
            Cli t = Cli.run(args.toArray(String[]::new));
            assertEquals(0, t.code(), t.err());
            accuracy[constrained] = CliTest.json(json).get("test_accuracy").asDouble();
        }
        assertTrue(accuracy[1] >= accuracy[0] - 0.015, "constrained " + accuracy[1] + ", free " + accuracy[0]);

        LocalModel free = ModelIo.load(dir.resolve("rf-0.mlsec"));
        LocalModel constrained = ModelIo.load(dir.resolve("rf-1.mlsec"));
        Dataset real = CsvReader.read(REAL, constrained.schema(), CsvOptions.labelled("DEFAULT", "ID"));
        int freeLowered = 0;
        for (String pay : pays.split(",")) {
            assertEquals(0, rowsLoweredByALaterPayment(constrained, real, pay), pay);
            freeLowered += rowsLoweredByALaterPayment(free, real, pay);
        }
        assertTrue(freeLowered > 0, "the unconstrained forest is monotone already: the check proves nothing");
    }

    /** How many of 2,000 real clients get a lower default probability when {@code pay} is one month later. */
    static int rowsLoweredByALaterPayment(LocalModel m, Dataset real, String pay) {
        int j = m.schema().require(pay);
        double[][] before = new double[2_000][];
        double[][] after = new double[before.length][];
        for (int i = 0; i < before.length; i++) {
            before[i] = real.row(i * 15);
            after[i] = before[i].clone();
            after[i][j] += 1;
        }
        double[][] p0 = m.predictProba(before);
        double[][] p1 = m.predictProba(after);
        int lowered = 0;
        for (int i = 0; i < before.length; i++) {
            lowered += p1[i][1] < p0[i][1] ? 1 : 0;
        }
        return lowered;
    }
}
