package org.mlsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.model.LocalModel;
import org.mlsec.model.ModelIo;

/** {@code mlsec train --monotone}: constraints reach the model, its file and {@code inspect}; bad ones exit 2. */
class MonotoneCliTest {
    static final String CONSTRAINTS = "{\"LIMIT_BAL\":-1,\"PAY_0\":1,\"PAY_2\":1}";

    @TempDir
    static Path dir;
    static Path data;

    @BeforeAll
    static void generate() {
        data = dir.resolve("clients.csv");
        Cli r = Cli.run("data", "generate", "--rows", "3000", "--seed", "5", "--out", data.toString());
        assertEquals(0, r.code(), r.err());
    }

    static Cli train(String... more) {
        String[] base = {"train", "--data", data.toString(), "--label", "DEFAULT", "--drop", "ID"};
        String[] args = new String[base.length + more.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return Cli.run(args);
    }

    @Test
    void constraintsAreTrainedSavedAndShownByInspect() throws IOException {
        Path model = dir.resolve("gbt.mlsec");
        Cli t = train("--algo", "gbt", "--monotone", "PAY_0=+1,PAY_2=1,LIMIT_BAL=-1", "--out", model.toString(),
                "--json", dir.resolve("train.json").toString());
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("monotone constraints {LIMIT_BAL=-1, PAY_0=1, PAY_2=1}"), t.out());
        JsonNode j = CliTest.json(dir.resolve("train.json"));
        assertEquals(CONSTRAINTS, j.at("/hyperparameters/monotone_constraints").asText());

        LocalModel m = ModelIo.load(model);
        assertEquals(CONSTRAINTS, m.provenance().hyperparameters().get("monotone_constraints"));
        // Raising PAY_0 step by step from the best status to the worst never lowers the default probability.
        int pay0 = m.schema().require("PAY_0");
        double[][] rows = new double[11][];
        for (int s = 0; s < rows.length; s++) {
            rows[s] = m.schema().features().stream().mapToDouble(c -> c.isCategorical() ? 0 : c.min()).toArray();
            rows[s][pay0] = s - 2;
        }
        double[][] p = m.predictProba(rows);
        for (int s = 1; s < rows.length; s++) {
            assertTrue(p[s][1] >= p[s - 1][1], "PAY_0=" + (s - 2) + ": " + p[s][1] + " < " + p[s - 1][1]);
        }

        Cli i = Cli.run("inspect", "--model", model.toString());
        assertEquals(0, i.code(), i.err());
        assertTrue(i.out().contains("monotone_constraints=" + CONSTRAINTS), i.out());
    }

    @Test
    void badConstraintsExitTwoWithAClearMessage() {
        String out = dir.resolve("bad.mlsec").toString();
        Cli r = train("--monotone", "PAY_0=1,PAY_9=1", "--out", out);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("no feature 'PAY_9'") && !r.err().contains("\tat "), r.err());

        r = train("--monotone", "SEX=1", "--out", out);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("'SEX' is categorical"), r.err());

        r = train("--monotone", "PAY_0=2", "--out", out);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--monotone PAY_0=2: the direction must be +1"), r.err());

        r = train("--monotone", "PAY_0=up", "--out", out);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--monotone PAY_0=up: the direction must be +1"), r.err());

        r = train("--monotone", "PAY_0", "--out", out);
        assertEquals(2, r.code(), "a constraint without a direction is a usage error");
        assertTrue(r.err().contains("--monotone"), r.err());

        r = train("--algo", "lr", "--monotone", "PAY_0=1", "--out", out);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("not lr"), r.err());
    }
}
