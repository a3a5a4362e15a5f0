package org.mlsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.data.CsvWriter;
import org.mlsec.demo.LaymanBrothers;

/** {@code mlsec defend poisoning}: one row per defence against its adaptive attack, as a table and as JSON. */
class DefendPoisoningCliTest {
    @TempDir
    Path dir;

    @Test
    void printsEachDefenceAgainstItsAdaptiveAttackWithTheCertificate() throws IOException {
        Path data = dir.resolve("clients.csv");
        CsvWriter.write(LaymanBrothers.generate(1_000, 8), data);
        Path json = dir.resolve("p.json");
        // Few columns keep the sanitiser's subgroup search (every pair of conditions) quick.
        String drop = "ID,EDUCATION,MARRIAGE,PAY_3,PAY_4,PAY_5,PAY_6,BILL_AMT2,BILL_AMT3,BILL_AMT4,BILL_AMT5,BILL_AMT6,"
                + "PAY_AMT2,PAY_AMT3,PAY_AMT4,PAY_AMT5,PAY_AMT6";
        Cli r = Cli.run("defend", "poisoning", "--data", data.toString(), "--label", "DEFAULT", "--drop", drop,
                "--trees", "3", "--min-leaf", "5", "--budget", "10", "--partitions", "30", "--filter-rounds", "2", "--no-knn",
                "--seed", "4", "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("attack: 10 label flips"), r.out());
        assertTrue(r.out().contains("partition aggregation (DPA, 30 parts of tree)"), r.out());
        assertTrue(r.out().contains("sanitisation (implausible subgroups)"), r.out());
        assertTrue(r.out().contains("certified rows whose answer the attack changed: 0"), r.out());
        assertTrue(r.err().contains("poisoning defences 3/3"), r.err());
        JsonNode j = CliTest.json(json);
        assertEquals(10, j.get("budget").asInt());
        assertEquals(1_000, j.get("rows").asInt());
        assertEquals(3, j.get("defences").size());
        for (JsonNode d : j.get("defences")) {
            for (String key : new String[] {"defence", "attack", "guarantee", "poisoned_rows", "clean_accuracy_before",
                "clean_accuracy_after", "accuracy_drop", "answers_changed", "auc_before", "auc_after", "training_ms"}) {
                assertTrue(d.has(key), key + " in " + d);
            }
        }
        JsonNode dpa = j.get("defences").get(2);
        assertEquals(0, dpa.get("certified_rows_changed").asInt(), dpa.toString());
        assertTrue(dpa.get("median_certified_size").asDouble() >= 0, dpa.toString());
        assertTrue(j.get("defences").get(1).has("flips_undone") && j.get("defences").get(1).has("greedy_flips_undone"));

        Cli bad = Cli.run("defend", "poisoning", "--data", data.toString(), "--label", "DEFAULT", "--drop", "ID",
                "--budget", "2000");
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("--budget must be below the "), bad.err());
        Cli parts = Cli.run("defend", "poisoning", "--data", data.toString(), "--label", "DEFAULT", "--partitions", "1");
        assertEquals(2, parts.code(), parts.err());
        assertTrue(parts.err().contains("--partitions must be at least 2"), parts.err());
        Cli algo = Cli.run("defend", "poisoning", "--data", data.toString(), "--label", "DEFAULT", "--partition-algo", "x");
        assertEquals(2, algo.code(), algo.err());
        assertTrue(algo.err().contains("--partition-algo: unknown algorithm 'x'"), algo.err());
        Cli fraction = Cli.run("defend", "poisoning", "--data", data.toString(), "--label", "DEFAULT", "--test-fraction", "1.5");
        assertEquals(2, fraction.code(), fraction.err());
        assertTrue(fraction.err().contains("--test-fraction must be between 0 and 1"), fraction.err());
    }
}
